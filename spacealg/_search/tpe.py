"""``TPEOracle``: the tree-structured Parzen estimator, over the unit encoding.

The completed trials are split by score: the best ``gamma`` share (at least
one) is *below*, the rest and the failed, invalid or running trials are *above*. Each
group becomes a density over configurations, a mixture with one component per
trial plus a uniform prior component (weight ``prior_weight``), each component
a product over the entries active in the configuration scored:

* a numeric entry (``Int``, ``Float``) has a Gaussian kernel on its unit
  position, truncated to [0, 1], centred on the trial's position. Its bandwidth
  is the smaller of two widths: four fifths of Scott's rule for the group,
  ``0.8 * max(std, 0.1) * n ** (-1 / (d + 4))`` (``std`` of the group's positions of
  that entry, at least a tenth of the range, so that one or two close trials
  still get a usable kernel; ``n`` how many trials of the group have it active,
  ``d`` the number of numeric entries), and the trial's own gap to its
  neighbours, the larger of the distances to the next position on each side
  (the prior's centre 0.5 counting as a position, the ends 0 and 1 as
  neighbours, except that the lowest and highest positions take the gap on
  their inner side, as Optuna's univariate estimator does). So a trial among
  close ones gets a narrow kernel and the search refines where good trials
  crowd, and an isolated trial keeps the scaled Scott width. The bandwidth is kept
  between ``1 / min(100, 1 + N)`` (``N`` completed trials; half a cell for a
  grid) and 1. Scott's rule is the width that best estimates a density from
  ``n`` draws; a search draws its candidates from that density to land on
  better points than the good trials, so it gains from staying a little
  closer to them (``SCOTT_SCALE``: see its notes for the figures);
* a categorical entry (``Boolean``, ``Choice``) has smoothed counts: the
  trial's value gets weight ``1 + s``, every value ``s``, with
  ``s = prior_weight / n`` (for a ``Choice`` with weights, value ``v`` gets
  ``size * s * weight(v)`` in place of ``s``);
* a component whose trial left the entry inactive, and the prior, follow the
  entry's prior (uniform, or a ``Choice``'s weights), so only the trials where
  an entry is active shape its density.

Rank weights. In the *below* group the ``i``-th best of ``split`` trials
weighs ``(split - i) ** 3`` (:func:`rank_weights`; of five, the best weighs
56%), so the density leans on the best trials; in the *above* group every trial
weighs the same. The expected improvement weighs an improvement by its size;
the rank weights do so by rank, without the scores' scale. With equal weights
(Bergstra et al.; Optuna's ``TPESampler`` weighs trials by age instead), the
fifth-best trial draws as many candidates as the best. On
``benchmarks/search_quality.py``'s problems the weights lowered the median regret
after 50 trials on all four, sequentially (seeds 0-199 and 200-399 alike) and
with 2 or 4 workers (seeds 0-199); the powers 2 and 5 did about as well, and a
smaller ``gamma`` helped three problems but not Branin.

Trials still running (other workers') are in the history as RUNNING: they join
the *above* group as failed trials do, a constant liar that gives each pending
configuration the worst score (as Optuna's ``constant_liar``), so the candidates
near it lose merit and parallel workers spread out. TPE has no posterior mean to
believe, and a pending trial counted in the *below* group would draw the
candidates towards it.

``n_ei_candidates`` configurations are drawn from the *below* density: half of
them take every entry from one component (a trial's kernels, or the prior),
the other half take each entry from a component chosen for that entry alone,
so that they combine the values of different good trials (Optuna's default,
univariate TPE, draws every entry alone). The one
with the largest ratio of *below* to *above* density (the expected improvement
of Bergstra et al., 2011) that was not tried yet is proposed. Conditional
entries are drawn like the others, then the drawn parents decide which are
active, so every candidate is a configuration of the space.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from spacealg._search.encoding import BoolArray, Encoding
from spacealg._search.oracle import Observation
from spacealg._search.oracle_helpers import (
    EncodedHistory,
    allowed,
    encoded_history,
    exhausted,
    known_tried,
    random_untried,
    trial_rng,
)
from spacealg._space.space import Space
from spacealg._space.unit_interval import FloatArray
from spacealg._space.validation import int_at_least, real_within
from spacealg._space.values import Values

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_LEAST_SPREAD = 0.1
"""The least spread Scott's rule uses: one or two close trials still get a usable kernel."""


_ERFC = np.frompyfunc(math.erfc, 1, 1)


def _normal_cdf(x: FloatArray) -> FloatArray:
    """The standard normal CDF, elementwise: ``math.erfc`` (the same bits on every platform)."""
    erfc: npt.NDArray[np.object_] = np.asarray(_ERFC(-x / math.sqrt(2)))
    return 0.5 * erfc.astype(np.float64)


def _truncated_normal(mu: FloatArray, sigma: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Draws of N(mu, sigma) truncated to [0, 1], by rejection."""
    out = rng.normal(mu, sigma)
    for _ in range(64):
        outside = (out < 0.0) | (out > 1.0)
        if not outside.any():
            break
        out[outside] = rng.normal(mu[outside], sigma[outside])
    return np.clip(out, 0.0, 1.0)


SCOTT_SCALE = 0.8
"""The share of Scott's rule a kernel's width is capped at.

Median regret after 50 trials on 400 seeds of ``benchmarks/search_quality.py``'s
problems, with Scott's whole width -> 0.8 of it: Branin 0.0125 -> 0.0097,
Hartmann-6 0.257 -> 0.228, Rosenbrock (log) 3.49 -> 3.50, mixed 0.0206 -> 0.0178.
With 0.9 three of the four gained less; with 0.7 Hartmann-6 gained more (0.216) but
Branin and the mixed space less (0.0118, 0.0237). Lowering the least spread instead
(0.1 -> 0.06) helped Branin and Hartmann-6 as much but not the mixed space (0.025 on
seeds 0-199 and on 200-399, against 0.021 and 0.020). With 2 or 4 simulated workers
the scale changed little (4 workers: Hartmann-6 0.420 -> 0.391, Branin 0.0192 ->
0.0220, Rosenbrock 3.83 -> 3.83, mixed 0.0549 -> 0.0541).
"""


def _scott(present: FloatArray, dims: int) -> float:
    """``SCOTT_SCALE`` times Scott's rule, ``std * n ** (-1 / (d + 4))``, ``std`` at least 0.1."""
    if not len(present):
        return 1.0
    spread = max(float(present.std()), _LEAST_SPREAD)
    return SCOTT_SCALE * spread * math.pow(len(present), -1.0 / (dims + 4))


def _neighbour_gaps(present: FloatArray) -> FloatArray:
    """Each position's larger gap to its neighbours (see the module's notes on bandwidths)."""
    positions = np.append(present, 0.5)  # the prior's centre
    order = np.argsort(positions, kind="stable")
    ends = np.concatenate([[0.0], positions[order], [1.0]])
    gaps = np.diff(ends)
    widest = np.maximum(gaps[:-1], gaps[1:])
    if len(positions) > 2:  # the lowest and highest take the gap on their inner side
        widest[0], widest[-1] = gaps[1], gaps[-2]
    out = np.empty_like(widest)
    out[order] = widest
    return out[: len(present)]


RANK_POWER = 3
"""The power of the good group's rank weights (see :func:`rank_weights`)."""


def rank_weights(count: int) -> FloatArray:
    """The good group's component weights, best trial first: ``(count - i) ** RANK_POWER``.

    Scaled to sum to ``count``, so the prior keeps the share it has among
    ``count`` trials of weight 1. Of five good trials the best weighs 56%, the
    fifth 0.4%.
    """
    weights = (count - np.arange(count, dtype=np.float64)) ** RANK_POWER
    return weights * (count / weights.sum()) if count else weights


def _logsumexp(x: FloatArray) -> FloatArray:
    top = x.max(axis=1)
    return top + np.log(np.exp(x - top[:, None]).sum(axis=1))  # type: ignore[no-any-return]


@attrs.frozen
class _Parzen:
    """A mixture of one product kernel per trial plus a uniform prior component."""

    encoding: Encoding
    centres: FloatArray = attrs.field(eq=False)  # (K, E) unit positions, NaN where inactive
    active: BoolArray = attrs.field(eq=False)  # (K, E)
    sigma: FloatArray = attrs.field(eq=False)  # (K, E) bandwidths, read where numeric and active
    log_norm: FloatArray = attrs.field(eq=False)  # (K, E) log of each truncated kernel's mass
    log_weights: FloatArray = attrs.field(eq=False)  # (K + 1,) the prior last
    smoothing: float

    @classmethod
    def fit(
        cls,
        encoding: Encoding,
        units: FloatArray,
        active: BoolArray,
        *,
        completed: int,
        prior: float,
        weights: FloatArray | None = None,
    ) -> _Parzen:
        """The mixture of the trials' kernels (``weights``, ones by default) and the prior's."""
        count = units.shape[0]
        numeric = encoding.free & ~encoding.categorical
        dims = int(numeric.sum())
        floor = 1.0 / min(100, 1 + completed)
        sigma = np.ones(units.shape)
        for column in np.flatnonzero(numeric).tolist():
            on = active[:, column]
            present = units[on, column]
            if not len(present):
                continue
            least = floor
            if encoding.sizes[column]:
                least = max(least, 0.5 / int(encoding.sizes[column]))
            width = np.minimum(_neighbour_gaps(present), _scott(present, dims))
            sigma[on, column] = np.clip(width, least, 1.0)
        # Each truncated kernel's mass, on numeric columns where the trial has the entry
        # (the only ones log_pdf reads); elsewhere 0.
        log_norm = np.zeros(units.shape)
        used = active & numeric[None, :]
        centres = units[used]
        scale = sigma[used]
        low = _normal_cdf(-centres / scale)
        high = _normal_cdf((1.0 - centres) / scale)
        log_norm[used] = np.log(np.maximum(high - low, 1e-300))
        mixture = np.append(np.ones(count) if weights is None else weights, prior)
        return cls(
            encoding,
            np.where(active, units, np.nan),
            active,
            sigma,
            log_norm,
            np.log(mixture / mixture.sum()),
            prior / max(count, 1),
        )

    def log_pdf(self, units: FloatArray, active: BoolArray) -> FloatArray:
        """The log density of each row (over the entries active in it)."""
        encoding = self.encoding
        count = self.centres.shape[0]
        log_kernel = np.zeros((units.shape[0], count + 1))
        for column in np.flatnonzero(encoding.free).tolist():
            on = active[:, column]
            if not on.any():
                continue
            present = self.active[:, column]
            if encoding.categorical[column]:
                size = int(encoding.sizes[column])
                cells = np.minimum(np.floor(units[:, column] * size), size - 1)
                centre_cells = np.floor(np.nan_to_num(self.centres[:, column]) * size)
                same = cells[:, None] == centre_cells[None, :]
                s = self.smoothing
                prior = encoding.probabilities(column)[cells.astype(np.int64)][:, None]
                probability = np.where(same, 1.0, 0.0) + size * s * prior
                probability = probability / (1.0 + size * s)
                probability = np.where(present[None, :], probability, prior)
                with np.errstate(divide="ignore"):  # a value of weight 0 has density 0
                    terms = np.log(np.hstack([probability, prior]))
            else:
                sigma = self.sigma[None, :, column]
                z = (units[:, column, None] - self.centres[None, :, column]) / sigma
                log_density = -0.5 * z**2 - _LOG_SQRT_2PI - np.log(sigma)
                log_density -= self.log_norm[None, :, column]
                log_density = np.where(present[None, :], log_density, 0.0)
                terms = np.hstack([log_density, np.zeros((len(units), 1))])
            log_kernel += np.where(on[:, None], terms, 0.0)
        return _logsumexp(log_kernel + self.log_weights[None, :])

    def sample(self, rows: int, rng: np.random.Generator) -> tuple[FloatArray, BoolArray]:
        """``rows`` configurations drawn from the mixture: snapped positions and activity.

        Even rows draw every entry from one component; odd rows draw each entry
        from a component of its own (see the module's notes).
        """
        encoding = self.encoding
        count = self.centres.shape[0]
        weights = np.exp(self.log_weights)
        joint = rng.choice(count + 1, size=rows, p=weights)
        alone = np.arange(rows) % 2 == 1
        units = encoding.prior(rng.random((rows, encoding.width)))
        for column in np.flatnonzero(encoding.free).tolist():
            component = np.where(alone, rng.choice(count + 1, size=rows, p=weights), joint)
            from_trial = np.zeros(rows, dtype=np.bool_)
            real = component < count
            from_trial[real] = self.active[component[real], column]
            if not from_trial.any():
                continue
            centres = self.centres[component[from_trial], column]
            if encoding.categorical[column]:
                size = int(encoding.sizes[column])
                keep = rng.random(len(centres)) < 1.0 / (1.0 + size * self.smoothing)
                drawn = units[from_trial, column]
                units[from_trial, column] = np.where(keep, centres, drawn)
            else:
                sigma = self.sigma[component[from_trial], column]
                units[from_trial, column] = _truncated_normal(centres, sigma, rng)
        units = encoding.snap(units)
        return units, encoding.activity(units)


@attrs.frozen
class TPEOracle:
    """The tree-structured Parzen estimator (Bergstra et al., 2011), for conditional spaces.

    The first ``n_startup_trials`` trials (counting those completed and those
    still running) are random search's; then each proposal draws
    ``n_ei_candidates`` from the density of the best ``gamma`` share of the
    trials and picks the one most likely under it relative to the density of
    the others (see the module's notes for the kernels). It never proposes a
    configuration already tried: when every candidate was, it falls back to
    random search's proposal.

    Running trials count towards the start so that a search with several
    workers makes as many random proposals as a sequential one: counting only
    completed trials, the workers that ask while the tenth trial runs would
    propose at random too, ``n_workers - 1`` random trials more (on 200 seeds
    of ``benchmarks/search_quality.py``'s problems with 4 workers, counting
    running trials lowered the median regret after 50 trials on all four).

    ``n_startup_trials=0`` uses the model from the first proposal, as Optuna's
    ``TPESampler`` does: until a trial completes, the good group's density is
    the uniform prior alone, so the candidates are drawn from the prior and the
    one least like the failed or pending trials (the first drawn, when there are none) is
    proposed.

    Args:
        n_startup_trials: trials, completed or running, before the model is used
            (>= 0; 0: none).
        n_ei_candidates: candidates drawn per proposal (>= 1).
        gamma: the share of completed trials that forms the good group (0 < gamma < 1).
        prior_weight: the weight of the uniform prior component (> 0).
        max_collisions: random draws before the fallback picks among the configurations
            left (as in :class:`RandomSearchOracle`).

    Raises:
        InvalidArgumentError: an argument outside its range.

    Examples:
        >>> space = Space([Float("x", min_value=-1.0, max_value=1.0)])
        >>> oracle = TPEOracle(n_startup_trials=3)
        >>> history = []
        >>> for index in range(12):
        ...     values = oracle.propose(space, [h.values for h in history], seed=0,
        ...                             index=index, history=history)
        ...     history.append(Observation(values, TrialState.COMPLETED, values["x"] ** 2))
        >>> min(h.score for h in history) < 0.01
        True
    """

    name: ClassVar[str] = "tpe"
    uses_history: ClassVar[bool] = True
    finite_schedule: ClassVar[bool] = False
    budgeted: ClassVar[bool] = False
    needs_finite_space: ClassVar[bool] = False
    n_startup_trials: int = attrs.field(default=10, validator=int_at_least(0), kw_only=True)
    n_ei_candidates: int = attrs.field(default=24, validator=int_at_least(1), kw_only=True)
    gamma: float = attrs.field(default=0.1, validator=real_within(above=0, below=1), kw_only=True)
    prior_weight: float = attrs.field(default=1.0, validator=real_within(above=0), kw_only=True)
    max_collisions: int = attrs.field(default=20, validator=int_at_least(1), kw_only=True)

    def settings(self) -> dict[str, Any]:
        """The oracle's arguments, as JSON types."""
        return attrs.asdict(self)

    def propose(
        self,
        space: Space,
        tried: Collection[Values],
        *,
        seed: int,
        index: int,
        history: Sequence[Observation] = (),
    ) -> Values | None:
        """The configuration the model finds most promising, or None when none is left.

        Args:
            space: the trial space.
            tried: configurations already tried (any state).
            seed: the search's seed.
            index: the trial's index.
            history: the trials so far, with their states and oriented scores.
        """
        everything = known_tried("TPEOracle.propose()", tried, history)
        if exhausted(space, everything):
            return None
        rng = trial_rng(seed, index)
        known = encoded_history(space, history)
        encoding = known.encoding
        completed = np.flatnonzero(known.completed)
        if known.started() < self.n_startup_trials or not encoding.free.any():
            return random_untried(space, everything, rng, self.max_collisions)
        ranked = completed[np.argsort(known.scores[completed], kind="stable")]
        split = min(len(ranked), max(1, math.ceil(self.gamma * len(ranked))))
        # failed, invalid and pending (running) trials join the bad group: a constant liar
        worst = np.flatnonzero(known.failed | known.running)
        below = self._parzen(known, ranked[:split], len(completed), rank_weights(split))
        above = self._parzen(known, np.concatenate([ranked[split:], worst]), len(completed))
        units, active = below.sample(self.n_ei_candidates, rng)
        merit = below.log_pdf(units, active) - above.log_pdf(units, active)
        for row in np.argsort(-merit, kind="stable").tolist():
            values = encoding.decode(units[row], active[row])
            if values not in everything and allowed(space, values):
                return values
        return random_untried(space, everything, rng, self.max_collisions)

    def _parzen(
        self,
        known: EncodedHistory,
        rows: npt.NDArray[np.intp],
        completed: int,
        weights: FloatArray | None = None,
    ) -> _Parzen:
        units, active = known.units[rows], known.active[rows]
        return _Parzen.fit(
            known.encoding,
            units,
            active,
            completed=completed,
            prior=self.prior_weight,
            weights=weights,
        )
