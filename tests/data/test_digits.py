"""The bundled digits are read from scikit-learn's CSV without importing scikit-learn."""

import subprocess
import sys

import numpy as np


def test_digits_equal_load_digits():
    from sklearn.datasets import load_digits

    from optarena.data.named import REGISTRY

    splits, classes, info = REGISTRY.get("digits").loader(None, False, None)
    images, labels = splits["train"]
    bunch = load_digits()
    expected = np.rint(bunch.images * (255.0 / 16.0)).astype(np.uint8)[:, None]
    assert images.dtype == np.uint8 and images.shape == (1797, 1, 8, 8)
    np.testing.assert_array_equal(images, expected)
    np.testing.assert_array_equal(labels, bunch.target)
    assert labels.dtype == np.int64
    assert classes == [str(c) for c in bunch.target_names]


def test_digits_without_importing_sklearn():
    code = (
        "import sys\n"
        "from optarena.data.named import REGISTRY\n"
        "splits, _, _ = REGISTRY.get('digits').loader(None, False, None)\n"
        "assert splits['train'][0].shape == (1797, 1, 8, 8)\n"
        "print('sklearn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
