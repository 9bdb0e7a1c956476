#!/bin/bash
# Rebuild every results page from the stored runs (run from the repository root after the
# commands in runs/classic/logs/*.cmd, i.e. the ones each page quotes, have finished; the
# .done files beside them hold each command's exit code and measured wall time).
set -euo pipefail
store=${STORE:-runs/classic/optarena.db}
runs=${RUNS:-runs/classic}
only=${1:-}  # rebuild one page: docs/results/build.sh NAME
page() { # name, title, studies...
  local name=$1 title=$2; shift 2
  if [ -n "$only" ] && [ "$only" != "$name" ]; then return; fi
  optarena report "$@" --store "$store" --runs "$runs" --page "docs/results/$name.md" \
    --title "$title" --intro "docs/results/intros/$name.md" \
    --command "$(cat "$runs/logs/$name.cmd") --out $runs" \
    --wall-s "$(sed -n 's/.*wall_s=\([0-9]*\).*/\1/p' "$runs/logs/$name.done")"
}
page mnist-learning-rates "MNIST: learning rates and optimizers (Paddle MNIST tutorial)" \
  mnist-learning-rates.sgd-lrs mnist-learning-rates.optimizers
page cifar10-sgd-vs-adam "CIFAR-10: SGD against Adam (PyTorch CIFAR-10 tutorial network)" \
  cifar10-sgd-vs-adam
page transfer-adam-vs-sgd "Transfer learning: Adam against SGD on a frozen backbone (Keras tutorial)" \
  transfer-adam-vs-sgd.backbone transfer-adam-vs-sgd
page image-folder-optimizers "Eleven optimizers on an image folder (Paddle optimizer tutorial)" \
  image-folder-optimizers.default-lrs image-folder-optimizers.tuned-lrs
page image-folder-schedules "Fifteen learning-rate schedules on an image folder (Paddle LR tutorial)" \
  image-folder-schedules
page fmnist-2c2d-baselines "DeepOBS fmnist_2c2d: SGD, Momentum and Adam with tuned learning rates" \
  fmnist-2c2d-baselines
page transformer-optimizers "The 2024-26 optimizers on a small transformer language model" \
  transformer-optimizers
