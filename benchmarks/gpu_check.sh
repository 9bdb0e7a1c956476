#!/usr/bin/env bash
# GPU checks of the vectorized engine (issue 19), for a machine with a CUDA GPU.
# Installs this checkout, runs the GPU tests and the benchmark, writes everything under $OUT.
# Run from the repository root:  OUT=/tmp/gpu bash benchmarks/gpu_check.sh   (< 8 minutes)
set -uo pipefail
OUT=${OUT:-/tmp/optarena-gpu-check}
DATA=${DATA_DIR:-shared/data}
[ -d "$DATA" ] || DATA=../shared/data
mkdir -p "$OUT"
export OUT
python3 -m pip install --no-deps --no-build-isolation -e . >"$OUT/pip.log" 2>&1 || echo "pip failed" >>"$OUT/status"
{ nvidia-smi; python3 -c "import torch; print(torch.__version__, torch.cuda.get_device_name(0))"; } >"$OUT/machine.txt" 2>&1
timeout 150 python3 -m pytest -q -p no:cacheprovider tests/study/test_vectorized_gpu.py \
    tests/study/test_batched.py >"$OUT/tests.txt" 2>&1
echo "tests rc=$?" >>"$OUT/status"
# the profiler view: one epoch of a 19-optimizer group, CUDA kernels vs host syncs
timeout 60 python3 - >"$OUT/profile.txt" 2>&1 <<'PY'
import os
from pathlib import Path
import torch
from torch.profiler import ProfilerActivity, profile
from optarena.study.executors.base import Job
from optarena.study.executors.vec_engine import GroupEngine
from optarena.study.executors.vec_setup import build_group, lr_table
from optarena.train import TrialConfig
cs = [TrialConfig(optimizer="momentum", lr=0.01 * (1 + j), task="digits-mlp", seed=j % 2,
                  device="cuda") for j in range(32)]
setup, _ = build_group([Job(c.trial_id, c, "p", "final", Path("."), Path("x"), "p", 1.0)
                        for c in cs], torch.device("cuda"))
e = GroupEngine(setup)
n = len(e.steps_in_epoch())
lr = lr_table(setup.members, 0, 1, n)
e.train_epoch(1, 0, lr)
torch.cuda.synchronize()
with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
    e.train_epoch(2, n, lr)["losses"].cpu()
print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=25))
names = [ev.name for ev in prof.events()]
print("steps:", n, "cudaStreamSynchronize:", names.count("cudaStreamSynchronize"),
      "cudaDeviceSynchronize:", names.count("cudaDeviceSynchronize"))
prof.export_chrome_trace(os.environ["OUT"] + "/trace.json")
PY
echo "profile rc=$?" >>"$OUT/status"
timeout 280 python3 benchmarks/bench_vectorized.py --data-dir "$DATA" --quick --steps 10 \
    --json "$OUT/bench.json" >"$OUT/bench.txt" 2>&1
echo "bench rc=$?" >>"$OUT/status"
cat "$OUT/status"
