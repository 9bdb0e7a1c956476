"""Vectorized groups on every core: how ``auto`` runs a CPU study of small models.

One vectorized group (:mod:`~optarena.study.executors.vectorized`) keeps one core busy. Here a
study's groupable trials are cut into one balanced part per core (:func:`split`: trials of one
group key stay together, every part a slice of one group), and each part is trained as a
group in its own process, all at once. The processes come from the ``local`` executor's fork
server (torch and the trainer already imported), write their metric rows and ends to the
store themselves (as ``vectorized`` does in-process), send the trials' events and outcomes
back over a pipe, and die with the study runner (:mod:`~optarena.study.executors.lifeline`).
A part whose process dies fails its unfinished trials (a rerun with ``--retry-failed`` runs
them again).
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from optarena.study.executors.base import Job, Outcome, TrialEventFn, remove_half_writes


def split(jobs: list[Job], parts: int, max_group: int = 64) -> list[list[Job]]:
    """``jobs`` cut into at most ``parts`` parts of one group key each (more when there are
    more keys, or a key has more than ``max_group`` trials), as even as the keys allow; a
    key's trials are dealt to its parts in turn."""
    from optarena.study.executors.vec_setup import group_key

    groups: dict[tuple[Any, ...], list[Job]] = {}
    for job in jobs:
        groups.setdefault(group_key(job), []).append(job)
    total = len(jobs)
    out: list[list[Job]] = []
    for group in groups.values():
        # this key's share of the parts (at least one), no part larger than max_group
        share = max(1, round(parts * len(group) / total), -(-len(group) // max_group))
        share = min(share, len(group))
        # dealt round-robin: a study lists optimizers of one family together (adam, adamw,
        # nadam, ...), and families differ in update cost; dealt, each part gets a mix
        out += [group[i::share] for i in range(share)]
    return out


@dataclass(eq=False)
class _Part:
    process: Any
    conn: Connection
    alive_w: Connection
    waiting: dict[str, Job] = field(default_factory=dict)  # trial id -> job without outcome
    ended: bool = False  # its pipe reached end of file (the process exited)


def run_parts(
    ctx: Any, parts: list[list[Job]], on_event: TrialEventFn | None, workers: int
) -> Iterator[Outcome]:
    """Train every part as a group in its own process of ``ctx``, ``workers`` at a time;
    yields each trial's outcome as its group ends."""
    todo = list(parts)
    running: list[_Part] = []
    try:
        while todo or running:
            while todo and len(running) < workers:
                running.append(_start(ctx, todo.pop(0)))
            ready = wait([p.conn for p in running] + [p.process.sentinel for p in running])
            for part in list(running):
                if part.conn not in ready and part.process.sentinel not in ready:
                    continue
                yield from _drain(part, on_event)
                if part.ended or (not part.process.is_alive() and not part.conn.poll()):
                    for trial_id in list(part.waiting):
                        del part.waiting[trial_id]
                        yield Outcome(trial_id, "failed", {}, "its group's process died")
                    _close(part)
                    running.remove(part)
    finally:
        for part in running:  # interrupted: a rerun resumes the trials from their checkpoints
            part.process.kill()
            _close(part)
            _remove_half_writes(part)


def _start(ctx: Any, jobs: list[Job]) -> _Part:
    conn, child_conn = ctx.Pipe(duplex=False)
    alive_r, alive_w = ctx.Pipe(duplex=False)
    process = ctx.Process(target=part_main, args=(jobs, child_conn, alive_r), name="optarena-group")
    process.daemon = True
    process.start()
    child_conn.close()
    alive_r.close()
    return _Part(process, conn, alive_w, {j.trial_id: j for j in jobs})


def _drain(part: _Part, on_event: TrialEventFn | None) -> Iterator[Outcome]:
    try:
        while part.conn.poll():
            kind, *rest = part.conn.recv()
            if kind == "done":
                outcome: Outcome = rest[0]
                part.waiting.pop(outcome.trial_id, None)
                yield outcome
            elif kind == "event" and on_event is not None:
                try:
                    on_event(*rest)
                except Exception:  # the progress display must never stop the study
                    pass
    except (EOFError, OSError):
        part.ended = True


def _close(part: _Part) -> None:
    for conn in (part.conn, part.alive_w):
        conn.close()
    part.process.join(timeout=5)


def _remove_half_writes(part: _Part) -> None:
    """A killed part's temporaries (it may have been writing a checkpoint) are removed."""
    remove_half_writes(part.process, part.waiting.values())


def part_main(jobs: list[Job], conn: Connection, lifeline: Any) -> None:
    """A part's process: train ``jobs`` as one group on one thread, report over ``conn``."""
    from optarena.study.executors.lifeline import die_with
    from optarena.study.executors.vectorized import run_group

    die_with(lifeline)

    def emit(trial_id: str, event: str, payload: dict[str, Any]) -> None:
        conn.send(("event", trial_id, event, payload))

    for outcome in run_group(jobs, emit, threads=1):  # one group per core: no thread probe
        conn.send(("done", outcome))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    conn.send(("cpu", usage.ru_utime + usage.ru_stime))
