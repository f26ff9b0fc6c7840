"""``BayesianOptimizationOracle``: a Gaussian process over the active, tuned entries.

Features. Each tuned (non-``Fixed``) entry maps a configuration to feature
columns that share the entry's lengthscale:

* an entry without conditions that is numeric (``Int``, ``Float``): its unit position;
* a numeric entry with conditions: ``(cos u, sin u)`` of its unit position ``u``
  when active, ``(0, 0)`` when inactive (the arc embedding of Swersky et al.,
  2013): two active values lie ``2 sin(|u - v| / 2)``, about ``|u - v|``, apart,
  and an inactive entry lies at distance 1 from every active value;
* a ``Boolean`` or ``Choice``: one-hot columns scaled by ``1/sqrt(2)`` (two values
  lie 1 apart), all zero when inactive.

So the kernel never sees a value an inactive entry does not have (KerasTuner
fits its model on them: keras-team/keras-tuner#331 and #207), and ``Fixed`` entries add
no dimension (KerasTuner crashes on a space of only fixed entries: keras-tuner#237).

Proposals. After ``num_initial_points`` random proposals (counting the trials
completed and those still running, see Pending trials), the process is fitted
to the completed trials' scores, standardised and Yeo-Johnson warped
(:mod:`spacealg._search.score_warp`: a few very bad scores no longer flatten
the good region; failed, invalid and running trials are left out of the fit),
with a pessimistic prior mean (below), then the acquisition (expected
improvement, or the lower confidence bound ``mean - beta * std`` with
``acquisition="ucb"``) is scored on random configurations and on perturbations
of the best trials; the best few are refined by a local search over their
numeric entries (batches of Gaussian steps of shrinking width, scored
together). Beyond ``FIT_WINDOW`` (400) completed trials, the process is fitted
to the best 200 and the latest 200 of the others (:func:`fit_window`), so the
cubic cost of the fit stays bounded.

Prior mean. Far from every trial the process reverts to its prior mean. Were
that the mean of the scores, the unexplored corners of a space of several
dimensions would look average and very uncertain: late in a 6-D Hartmann
search, about half the proposals went to corners (which score among the
worst) instead of refining the good region. So the prior mean is
``PRIOR_MEAN`` (one standard deviation of the warped scores) worse than their
mean. Of eight mean functions, De Ath et al. (2020, "What do you mean? The
role of the mean function in Bayesian optimisation") found a pessimistic one,
the worst score seen, the best on synthetic problems of five or more
dimensions: it favours exploitation. An unexplored region must now be
uncertain enough to promise an improvement on a worse-than-average guess.
The worst score seen did as well here on Hartmann-6 and Branin
(``benchmarks/search_quality.py``) but made Rosenbrock's heavy-tailed scores
worse; one standard deviation did not.

Pending trials. Running trials count towards ``num_initial_points``, so a
search with several workers makes as many random proposals as a sequential
one (counting only completed trials, every worker that asks while the last
initial trials run would propose at random too: ``n_workers - 1`` random trials
more). Trials still running (other workers') are in the history as
RUNNING: the process fitted to the completed trials is conditioned on each
pending configuration observed at its own predicted mean (the kriging believer
of Ginsbourger et al., 2010; the latest ``PENDING_BELIEVED`` of them), and the
incumbent of the expected improvement is the best of the scores, believed ones
included. The hyperparameters and the posterior mean stay as the completed
trials make them; the uncertainty at and around the pending configurations
collapses and none improves on its own belief, so the expected improvement there
drops and the next proposal goes elsewhere. With four workers on Hartmann-6
it did better than every alternative measured: a constant liar (at the best
score, which draws every worker onto the pending trial), believed outcomes a
standard deviation above or below the mean, softened beliefs, ignoring the
pending trials, and fantasies (the expected improvement averaged over joint
samples of the pending outcomes, a Monte Carlo q-EI); the figures are in the
"Parallel workers" section of docs/oracles.md.
A finite space with at most ``num_candidates`` configurations has every
untried one scored instead. The best-scoring candidate not tried yet is
proposed, so a configuration is never proposed twice (KerasTuner's #227 and
#608); when every candidate was tried, random search's proposal is.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any, ClassVar, Literal

import attrs
import numpy as np

from spacealg._search.blas_threads import one_blas_thread
from spacealg._search.encoding import BoolArray, Encoding
from spacealg._search.gaussian_process import GaussianProcess, IntArray, believe, fit
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
from spacealg._search.score_warp import warped_targets
from spacealg._space.sampling import cardinality, grid
from spacealg._space.space import Space
from spacealg._space.unit_interval import FloatArray
from spacealg._space.validation import check_option, int_at_least, real_within
from spacealg._space.values import Values
from spacealg.errors import InvalidArgumentError, MissingDependencyError

Acquisition = Literal["ei", "ucb"]
_HALF_SQRT = 1.0 / math.sqrt(2.0)
_OPERATION = "BayesianOptimizationOracle.propose()"


def require_scipy(operation: str) -> None:
    """Import scipy, or raise naming the extra that installs it.

    Raises:
        MissingDependencyError: scipy is not installed.
    """
    try:
        import scipy.linalg  # noqa: PLC0415 - scipy is optional
        import scipy.optimize  # noqa: PLC0415
        import scipy.special  # noqa: F401, PLC0415
    except ImportError as error:
        raise MissingDependencyError(operation, "scipy", "bayes") from error


@attrs.frozen
class _Features:
    """The feature map of an encoding: columns per tuned entry, and the entry of each."""

    encoding: Encoding
    columns: IntArray = attrs.field(eq=False)
    entries: tuple[int, ...]  # the encoding column of each tuned entry

    @classmethod
    def of(cls, encoding: Encoding) -> _Features:
        columns: list[int] = []
        entries = tuple(np.flatnonzero(encoding.free).tolist())
        for number, column in enumerate(entries):
            hp = encoding.entries[column]
            if encoding.categorical[column]:
                width = int(encoding.sizes[column])
            else:
                width = 2 if hp.conditions else 1
            columns += [number] * width
        return cls(encoding, np.array(columns, dtype=np.int64), entries)

    def __call__(self, units: FloatArray, active: BoolArray) -> FloatArray:
        rows = units.shape[0]
        parts: list[FloatArray] = []
        for column in self.entries:
            on = active[:, column]
            u = np.where(on, units[:, column], 0.5)
            if self.encoding.categorical[column]:
                size = int(self.encoding.sizes[column])
                cells = np.minimum(np.floor(u * size), size - 1).astype(np.int64)
                onehot = np.zeros((rows, size))
                onehot[np.arange(rows), cells] = _HALF_SQRT
                parts.append(onehot * on[:, None])
            elif self.encoding.entries[column].conditions:
                parts.append(np.stack([np.cos(u), np.sin(u)], axis=1) * on[:, None])
            else:
                parts.append(u[:, None])
        return np.hstack(parts) if parts else np.zeros((rows, 0))


def _log_ei(mean: FloatArray, std: FloatArray, best: float) -> FloatArray:
    """The log of the expected improvement below ``best``, stable far in the tails."""
    from scipy.special import erfcx, ndtr  # noqa: PLC0415 - scipy is optional

    z = (best - mean) / std
    log_phi = -0.5 * z**2 - 0.5 * math.log(2 * math.pi)
    near = np.maximum(z, -1.0)  # EI / std = z * Phi(z) + phi(z), direct where z > -1
    direct = np.log(
        np.maximum(near * ndtr(near) + np.exp(-0.5 * near**2) / math.sqrt(2 * math.pi), 1e-300)
    )
    # in the far tail: phi(z) * (1 + z * Phi(z) / phi(z)), with Phi / phi through erfcx
    far = np.minimum(z, -1.0)
    tail = log_phi + np.log1p(
        np.maximum(far * math.sqrt(math.pi / 2) * erfcx(-far * _HALF_SQRT), -1.0 + 1e-16)
    )
    return np.log(std) + np.where(z > -1.0, direct, tail)  # type: ignore[no-any-return]


FIT_WINDOW = 400
"""The most completed trials the Gaussian process is fitted to (its fit is cubic in them)."""
PRIOR_MEAN = 1.0
"""The process's prior mean, in standard deviations of the warped scores above their mean."""
PENDING_BELIEVED = 100
"""The most pending (running) trials the kriging believer adds, the latest ones."""


def fit_window(rows: IntArray, scores: FloatArray) -> IntArray:
    """The rows the process is fitted to: the best ``FIT_WINDOW // 2``, then the latest others.

    In trial order. The best trials keep the model exact where it matters (the
    incumbent and its neighbours); the latest ones keep it current where the
    search is going. Beyond ``FIT_WINDOW`` completed trials a proposal so costs
    the same whatever the history's length.
    """
    best = rows[np.argsort(scores[rows], kind="stable")[: FIT_WINDOW // 2]]
    others = np.setdiff1d(rows, best)
    return np.sort(np.concatenate([best, others[len(others) - (FIT_WINDOW - len(best)) :]]))


@attrs.frozen
class BayesianOptimizationOracle:
    """Bayesian optimization with a Gaussian process, for conditional spaces.

    KerasTuner's ``BayesianOptimizationOracle`` arguments, without its defects:
    it never proposes a configuration twice, never fits on inactive entries,
    and a space of only ``Fixed`` entries is exhausted after one trial. See the
    module's notes for the features, the kernel and the acquisition.

    Needs scipy: ``pip install 'spacealg[bayes]'``.

    Args:
        num_initial_points: random proposals (counting completed and running
            trials) before the model is used; ``None`` is KerasTuner's rule, 3 per
            tuned entry. ``0`` uses the model from the first completed trial on:
            until a trial completes there is nothing to fit, so those proposals
            are random. The default, 10 (Optuna's ``GPSampler`` starts alike),
            keeps most searches of Hartmann-6 in ``benchmarks/search_quality.py``
            out of its local minima (with 3, half of them ended in one).
        alpha: the least noise variance of the standardised scores (KerasTuner's
            ``alpha``, added to the kernel's diagonal). The noise itself is
            fitted above it, so a small floor (the default, ``1e-6``) costs a
            noisy objective nothing and lets the model resolve a smooth one finely
            (KerasTuner's ``1e-4`` left Branin's regret 14 times larger).
        acquisition: ``"ei"`` (expected improvement) or ``"ucb"`` (confidence bound).
        beta: the confidence bound's width (``"ucb"`` only; default 2.6).
        num_candidates: random configurations scored per proposal.
        num_refined: the best candidates refined by local search.
        restarts: starts of the hyperparameter fit.
        max_collisions: random draws of the fallback, as in :class:`RandomSearchOracle`.

    Raises:
        InvalidArgumentError: an argument outside its range, or ``beta`` without
            ``acquisition="ucb"``.

    Examples:
        >>> space = Space([Float("x", min_value=-1.0, max_value=1.0)])
        >>> oracle = BayesianOptimizationOracle(num_initial_points=2)
        >>> history = []
        >>> for index in range(6):
        ...     values = oracle.propose(space, [h.values for h in history], seed=0,
        ...                             index=index, history=history)
        ...     history.append(Observation(values, TrialState.COMPLETED, values["x"] ** 2))
        >>> min(h.score for h in history) < 0.01
        True
    """

    name: ClassVar[str] = "bayesian"
    uses_history: ClassVar[bool] = True
    finite_schedule: ClassVar[bool] = False
    budgeted: ClassVar[bool] = False
    needs_finite_space: ClassVar[bool] = False
    num_initial_points: int | None = attrs.field(
        default=10, validator=int_at_least(0, optional=True), kw_only=True
    )
    alpha: float = attrs.field(
        default=1e-6, validator=real_within(above=0, at_most=1), kw_only=True
    )
    acquisition: Acquisition = attrs.field(default="ei", kw_only=True)
    beta: float | None = attrs.field(
        default=None, validator=real_within(at_least=0, optional=True), kw_only=True
    )
    num_candidates: int = attrs.field(default=1024, validator=int_at_least(1), kw_only=True)
    num_refined: int = attrs.field(default=8, validator=int_at_least(0), kw_only=True)
    restarts: int = attrs.field(default=2, validator=int_at_least(1), kw_only=True)
    max_collisions: int = attrs.field(default=20, validator=int_at_least(1), kw_only=True)

    def __attrs_post_init__(self) -> None:
        op = "BayesianOptimizationOracle()"
        check_option(op, "acquisition", self.acquisition, ("ei", "ucb"))
        if self.beta is not None and self.acquisition != "ucb":
            raise InvalidArgumentError(op, "", "beta", self.beta, "None unless acquisition='ucb'")

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
        """The configuration with the best acquisition not tried yet, or None when none is left.

        Args:
            space: the trial space.
            tried: configurations already tried (any state).
            seed: the search's seed.
            index: the trial's index.
            history: the trials so far, with their states and oriented scores.

        Raises:
            MissingDependencyError: scipy is not installed (once the model is needed).
        """
        everything = known_tried("BayesianOptimizationOracle.propose()", tried, history)
        if exhausted(space, everything):
            return None
        rng = trial_rng(seed, index)
        known = encoded_history(space, history)
        encoding = known.encoding
        features = _Features.of(encoding)
        completed = np.flatnonzero(known.completed)
        initial = self.num_initial_points
        if initial is None:
            initial = 3 * len(features.entries)
        if not len(completed) or known.started() < initial or not features.entries:
            return random_untried(space, everything, rng, self.max_collisions)
        require_scipy(_OPERATION)
        with one_blas_thread():
            return self._model_proposal(space, everything, known, features, completed, rng)

    def _model_proposal(
        self,
        space: Space,
        everything: Collection[Values],
        known: EncodedHistory,
        features: _Features,
        completed: IntArray,
        rng: np.random.Generator,
    ) -> Values | None:
        """The proposal of the process fitted to the ``completed`` rows of ``known``."""
        encoding = known.encoding
        if len(completed) > FIT_WINDOW:
            completed = fit_window(completed, known.scores)
        units, active = known.units[completed], known.active[completed]
        y = warped_targets(known.scores[completed]) - PRIOR_MEAN  # the process's mean is 0
        process = fit(
            features(units, active),
            features.columns,
            len(features.entries),
            y,
            min_noise=self.alpha,
            restarts=self.restarts,
            rng=rng,
        )
        pending = np.flatnonzero(known.running)[-PENDING_BELIEVED:]
        if len(pending):  # the kriging believer: see the module's notes
            believed = features(known.units[pending], known.active[pending])
            process = believe(process, believed)
        merit = self._merit(process, features, float(process.targets.min()))
        size = cardinality(space)
        if size is not None and size <= self.num_candidates:  # score every untried point
            left = [values for values in grid(space) if values not in everything]
            return left[int(np.argmax(merit(*encoding.encode(left))))]
        candidates, candidate_active = self._candidates(encoding, units, active, y, rng)
        values = merit(candidates, candidate_active)
        refined = self._refine(encoding, merit, candidates, candidate_active, values, rng)
        candidates = np.vstack([candidates, refined[0]])
        candidate_active = np.vstack([candidate_active, refined[1]])
        values = np.concatenate([values, refined[2]])
        for row in np.argsort(-values, kind="stable").tolist():
            proposal = encoding.decode(candidates[row], candidate_active[row])
            if proposal not in everything and allowed(space, proposal):
                return proposal
        return random_untried(space, everything, rng, self.max_collisions)

    def _merit(self, process: GaussianProcess, features: _Features, best: float) -> Any:
        beta = 2.6 if self.beta is None else self.beta

        def merit(units: FloatArray, active: BoolArray) -> FloatArray:
            mean, std = process.predict(features(units, active))
            if self.acquisition == "ucb":
                return -(mean - beta * std)
            return _log_ei(mean, std, best)

        return merit

    def _candidates(
        self,
        encoding: Encoding,
        units: FloatArray,
        active: BoolArray,
        y: FloatArray,
        rng: np.random.Generator,
    ) -> tuple[FloatArray, BoolArray]:
        """Random configurations and perturbations of the best trials."""
        random_units, _ = encoding.random(self.num_candidates, rng)
        best = np.argsort(y, kind="stable")[:5]
        local = np.repeat(units[best], 64, axis=0)
        local = np.where(np.isnan(local), rng.random(local.shape), local)
        numeric = encoding.free & ~encoding.categorical
        width = rng.choice([0.02, 0.1, 0.3], size=(len(local), 1))
        local[:, numeric] += rng.normal(0.0, 1.0, (len(local), int(numeric.sum()))) * width
        flip = rng.random(local.shape) < 1.0 / max(1, encoding.width)
        flip &= encoding.categorical[None, :]
        local = np.where(flip, rng.random(local.shape), local)
        combined = encoding.snap(np.vstack([random_units, local]))
        return combined, encoding.activity(combined)

    def _refine(
        self,
        encoding: Encoding,
        merit: Any,
        units: FloatArray,
        active: BoolArray,
        values: FloatArray,
        rng: np.random.Generator,
    ) -> tuple[FloatArray, BoolArray, FloatArray]:
        """The best candidates after a local search over their numeric entries.

        Each round tries 16 Gaussian steps around every candidate (the step
        shrinking from 0.1 to 0.001 of the range), scored together, and keeps
        the improvements; the candidates' categorical values stay as they are.
        """
        top = np.argsort(-values, kind="stable")[: self.num_refined]
        numeric = encoding.free & ~encoding.categorical
        if not len(top) or not numeric.any():
            return units[:0], active[:0], values[:0]
        best, best_active, best_value = units[top], active[top], values[top]
        tries = 16
        for width in np.geomspace(0.1, 0.001, 12).tolist():
            moved = np.repeat(best, tries, axis=0)
            step = rng.normal(0.0, width, (len(moved), int(numeric.sum())))
            moved[:, numeric] = np.clip(moved[:, numeric] + step, 0.0, 1.0)
            moved = encoding.snap(moved)
            moved_active = encoding.activity(moved)  # a numeric parent may switch a child
            scored = merit(moved, moved_active).reshape(len(best), tries)
            pick = scored.argmax(axis=1)
            better = scored[np.arange(len(best)), pick] > best_value
            chosen = np.arange(len(best)) * tries + pick
            best = np.where(better[:, None], moved[chosen], best)
            best_active = np.where(better[:, None], moved_active[chosen], best_active)
            best_value = np.where(better, scored[np.arange(len(best)), pick], best_value)
        return best, best_active, best_value
