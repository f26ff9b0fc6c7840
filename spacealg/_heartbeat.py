"""The heartbeat: tells other processes that a trial's owner is still alive."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from ._store import Owner, TrialStore
from .errors import StoreError

HEARTBEAT_EVERY = 5.0
"""Seconds between two beats of a running trial."""


class Heartbeat:
    """Writes the running trial's heartbeat every ``HEARTBEAT_EVERY`` seconds while it runs.

    One thread serves a whole run: starting a thread per trial costs about half a
    millisecond, more than the rest of the loop's work for a short trial. The thread
    starts with the first trial and sleeps until the running trial's next beat is
    due (``HEARTBEAT_EVERY`` after it began, then after its last beat), so a trial
    shorter than that is never written to by it, as with a thread per trial.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._running: tuple[int, Owner, float] | None = None
        """(trial id, owner, when it began), replaced whole; None between trials."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def begin(self, trial_id: int, owner: Owner) -> None:
        """A trial starts: its first beat falls due ``HEARTBEAT_EVERY`` from now."""
        self._running = (trial_id, owner, time.monotonic())
        if self._thread is None:
            self._thread = threading.Thread(target=self._beat, daemon=True)
            self._thread.start()

    def end(self) -> None:
        """The running trial has ended: no more beats for it."""
        self._running = None

    def close(self) -> None:
        """Stop the thread (it closes its own connection)."""
        self._stop.set()

    def _beat(self) -> None:
        store = None
        beaten: tuple[int, Owner, float] | None = None  # the trial last beaten for ...
        beaten_at = 0.0  # ... and when
        try:
            while True:
                running = self._running
                wait = HEARTBEAT_EVERY
                if running is not None:
                    trial_id, owner, began = running
                    since = beaten_at if running is beaten else began
                    wait = since + HEARTBEAT_EVERY - time.monotonic()
                    if wait <= 0:
                        store = store or TrialStore.open(self._path)
                        store.heartbeat(trial_id, owner)
                        beaten, beaten_at = running, time.monotonic()
                        wait = HEARTBEAT_EVERY
                # A trial that begins during this wait is due no sooner than it ends.
                if self._stop.wait(wait):
                    return
        except (StoreError, OSError, sqlite3.Error):  # pragma: no cover - best effort
            return
        finally:
            if store is not None:
                store.close()
