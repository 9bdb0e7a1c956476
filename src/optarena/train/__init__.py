"""Training of one trial: config, trainer, checkpoints, evaluation."""

from optarena.train.config import TrialConfig, config_hash
from optarena.train.test_checkpoint import test_checkpoint
from optarena.train.trainer import Recorder, TrialResult, run_trial

__all__ = ["Recorder", "TrialConfig", "TrialResult", "config_hash", "run_trial", "test_checkpoint"]
