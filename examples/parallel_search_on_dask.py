"""A parallel search on a Dask cluster: here a two-worker ``LocalCluster``, started and closed.

The search process alone proposes and records trials; each trial runs as a Dask task
on a worker. With a real cluster, pass its ``Client`` (or just the scheduler's
address, ``executor="tcp://host:8786"``) instead; the workers need the packages the
objective imports. Needs the ``dask`` extra: ``pip install "spacealg[dask]"``.
"""

from __future__ import annotations

import tempfile
import time

from dask.distributed import Client, LocalCluster

import spacealg as sa

SPACE = sa.Space(
    [
        sa.Float("x", min_value=-5.0, max_value=5.0),
        sa.Choice("shape", values=["bowl", "ridge"]),
    ]
)


def slow_loss(values: sa.Values) -> float:
    """A stand-in for training that waits 0.2 s, so two workers halve the search's time."""
    time.sleep(0.2)
    penalty = 0.0 if values["shape"] == "bowl" else 0.5
    return (float(values["x"]) - 1) ** 2 + penalty


def main(directory: str) -> None:
    with (
        LocalCluster(  # type: ignore[no-untyped-call]  # dask ships partial types
            n_workers=2, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        started = time.perf_counter()
        result = sa.minimize(
            slow_loss,
            SPACE,
            max_trials=10,
            seed=0,
            directory=directory,
            project_name="dask",
            executor=client,
            verbose=0,
        )
        elapsed = time.perf_counter() - started
    states = {trial.state.value for trial in result.trials}
    print(f"{len(result.trials)} trials on 2 Dask workers, all {', '.join(sorted(states))}")
    print(f"best values: {dict(result.best_values)}")
    print(f"{elapsed:.1f} s of search for {len(result.trials) * 0.2:.1f} s of trials")


if __name__ == "__main__":  # the cluster's worker processes import this module
    with tempfile.TemporaryDirectory() as workdir:
        main(workdir)
