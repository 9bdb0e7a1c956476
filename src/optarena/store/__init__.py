"""The results store: studies, trials (config hash as id, state, lease, summary) and metrics in
long form, in one SQLite file. See ``docs/contracts.md`` ("Results store").

>>> store = Store("runs/optarena.db")                                    # doctest: +SKIP
>>> store.add_study("demo", {"task": "mnist-cnn"})                       # doctest: +SKIP
>>> tid = store.add_trial("demo", {"optimizer": "adam", "lr": 1e-3, "seed": 0})  # +SKIP
>>> store.claim(tid, owner="worker-1", lease_s=60)                       # doctest: +SKIP
"""

from optarena.store.hashing import canonical, canonical_json, config_hash
from optarena.store.open import open_store, store_target
from optarena.store.records import (
    FINISHED_STATES,
    ROLES,
    SPLITS,
    StudyRecord,
    TrialRecord,
    TrialState,
)
from optarena.store.schema import SCHEMA_VERSION, StoreVersionError
from optarena.store.sqlite import DEFAULT_STORE, Store

__all__ = [
    "DEFAULT_STORE",
    "FINISHED_STATES",
    "ROLES",
    "SCHEMA_VERSION",
    "SPLITS",
    "Store",
    "StoreVersionError",
    "StudyRecord",
    "TrialRecord",
    "TrialState",
    "canonical",
    "canonical_json",
    "config_hash",
    "open_store",
    "store_target",
]
