"""The registered tasks and their default budgets."""

from __future__ import annotations

from optarena.tasks.task import AUTO, Task

BUILTIN = (
    Task(
        name="digits-mlp",
        dataset="digits",
        model="mlp",
        epochs=20,
        batch_size=32,
        description="8×8 scikit-learn digits, MLP 256-128; offline, seconds on a CPU",
    ),
    Task(
        name="digits-logreg",
        dataset="digits",
        model="logreg",
        epochs=20,
        batch_size=32,
        description="8×8 scikit-learn digits, softmax regression (convex); offline",
    ),
    Task(
        name="mnist-logreg",
        dataset="mnist",
        model="logreg",
        epochs=10,
        batch_size=128,
        description="MNIST, softmax regression (convex)",
    ),
    Task(
        name="mnist-cnn",
        dataset="mnist",
        model="mnist-cnn",
        epochs=10,
        batch_size=100,
        description="MNIST, the PaddlePaddle tutorial CNN (2 conv 20@5×5 + linear)",
    ),
    Task(
        name="fmnist-2c2d",
        dataset="fashion-mnist",
        model="2c2d",
        epochs=100,
        batch_size=128,
        normalize=False,
        description="DeepOBS fmnist_2c2d: Fashion-MNIST in [0, 1], 2 conv + 2 dense, 100 epochs",
    ),
    Task(
        name="cifar10-3c3d",
        dataset="cifar10",
        model="3c3d",
        epochs=100,
        batch_size=128,
        augment=("crop", "flip"),
        l2=0.002,
        description="DeepOBS cifar10_3c3d: 3 conv + 3 dense, crop+flip, L2 0.002, 100 epochs",
    ),
    Task(
        name="cifar10-cnn",
        dataset="cifar10",
        model="cifar-cnn",
        epochs=20,
        batch_size=64,
        description="CIFAR-10, the tutorial CNN (conv 32-32-64 + linear 64)",
    ),
    Task(
        name="cifar100-resnet18",
        dataset="cifar100",
        model="resnet18",
        epochs=50,
        batch_size=128,
        augment=("crop", "flip"),
        description="CIFAR-100, CIFAR-style ResNet-18, crop+flip",
    ),
    Task(
        name="imagefolder",
        dataset="",
        model=AUTO,
        epochs=20,
        batch_size=32,
        augment=("flip",),
        image_size=64,
        description="any folder of class sub-folders (from_data(PATH) / --data PATH), 64×64",
    ),
)
