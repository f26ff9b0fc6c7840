"""The heartbeat: tells other processes that a trial's owner is still alive."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from spacealg._store.rows import Owner
from spacealg._store.trial_store import TrialStore
from spacealg.errors import StoreError

HEARTBEAT_EVERY = 5.0
"""Seconds between two beats of a running trial."""


class Heartbeat:
    """Writes each running trial's heartbeat every ``HEARTBEAT_EVERY`` seconds while it runs.

    One thread serves a whole run: starting a thread per trial costs about half a
    millisecond, more than the rest of the loop's work for a short trial. The thread
    starts with the first trial and sleeps until a running trial's next beat is
    due (``HEARTBEAT_EVERY`` after it began, then after its last beat), so a trial
    shorter than that is never written to by it, as with a thread per trial. Several
    trials may run at once (on an executor's workers): each has its own beats.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._running: dict[int, tuple[Owner, float]] = {}
        """trial id -> (owner, when it began or was last beaten); replaced whole, never
        changed in place, so the thread reads a consistent snapshot without a lock."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def begin(self, trial_id: int, owner: Owner) -> None:
        """A trial starts: its first beat falls due ``HEARTBEAT_EVERY`` from now."""
        self._running = {**self._running, trial_id: (owner, time.monotonic())}
        if self._thread is None:
            self._thread = threading.Thread(target=self._beat, daemon=True)
            self._thread.start()

    def end(self, trial_id: int) -> None:
        """Trial ``trial_id`` has ended: no more beats for it."""
        if trial_id in self._running:
            self._running = {key: v for key, v in self._running.items() if key != trial_id}

    def close(self) -> None:
        """Stop the thread (it closes its own connection)."""
        self._stop.set()

    def _beat(self) -> None:
        store = None
        beaten: dict[tuple[int, Owner, float], float] = {}  # (trial, owner, began) -> last beat
        try:
            while True:
                running = self._running
                wait = HEARTBEAT_EVERY
                now = time.monotonic()
                current = {(trial_id, owner, began) for trial_id, (owner, began) in running.items()}
                beaten = {key: at for key, at in beaten.items() if key in current}
                for key in current:
                    trial_id, owner, began = key
                    due = beaten.get(key, began) + HEARTBEAT_EVERY - now
                    if due <= 0:
                        store = store or TrialStore.open(self._path)
                        store.heartbeat(trial_id, owner)
                        beaten[key] = time.monotonic()
                        due = HEARTBEAT_EVERY
                    wait = min(wait, due)
                # A trial that begins during this wait is due no sooner than it ends.
                if self._stop.wait(wait):
                    return
        except (StoreError, OSError, sqlite3.Error):  # pragma: no cover - best effort
            return
        finally:
            if store is not None:
                store.close()
