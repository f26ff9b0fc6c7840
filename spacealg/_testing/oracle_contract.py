"""The oracle contract: the test suite every spacealg oracle passes.

Subclass :class:`OracleContract` in a test module, under a name pytest collects
(``Test...``), and implement :meth:`~OracleContract.make_oracle`; each ``test_*``
method is one check. The suite calls ``propose`` the way the search loop does
(``index`` is the number of trials so far; ``history=`` only for an oracle that
declares ``uses_history``), feeds back each proposal's outcome from a fixed
objective, and checks what the :class:`~spacealg.oracles.Oracle` contract
promises: proposals lie in the trial space, are a pure function of (space,
tried, seed, index, history), never repeat a tried configuration, end on an
exhausted finite space, handle spaces of only ``Fixed`` entries and conditional
spaces, and a search resumed after an interruption proposes what an
uninterrupted one would; the declared capabilities tell the truth.

Checks that draw spaces use Hypothesis (:func:`spacealg.testing.spaces`) besides
a few fixed spaces. A failed check raises :class:`AssertionError` naming the
oracle, the inputs and the rule broken; a check that does not apply to the
oracle (a learning one's "ignores scores") raises :class:`unittest.SkipTest`.
"""

from __future__ import annotations

import copy
import json
import unittest
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import ClassVar, TypeVar

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from spacealg._search.hyperband import EPOCHS
from spacealg._search.oracle import Observation, Oracle, check_oracle
from spacealg._search.trials import Proposal, TrialState
from spacealg._space.conditions import Condition
from spacealg._space.discrete import Boolean, Choice, Fixed
from spacealg._space.numeric import Float, Int
from spacealg._space.sampling import cardinality, contains, grid
from spacealg._space.space import Space
from spacealg._space.values import Values
from spacealg._testing.backend_probe import expect, typed
from spacealg._testing.strategies import spaces, values
from spacealg.errors import ArgumentTypeError

T = TypeVar("T")
Proposed = Values | Proposal

MIXED = Space(
    [
        Int("units", min_value=8, max_value=256, step=8),
        Int("layers", min_value=1, max_value=64, sampling="log"),
        Float("learning_rate", min_value=1e-5, max_value=1e-1, sampling="log"),
        Float("dropout", min_value=0.0, max_value=0.5),
        Choice("activation", values=["relu", "tanh", "gelu"]),
        Boolean("batch_norm"),
        Fixed("epochs", value=3),
    ]
)
"""A space of every kind, without conditions, continuous."""
FINITE = Space(
    [
        Boolean("shuffle"),
        Choice("width", values=[16, 32, 64]),
        Int("depth", min_value=1, max_value=2),
    ]
)
"""A finite space of 12 configurations."""
CONDITIONAL = Space(
    [
        Choice("optimizer", values=["adam", "sgd"]),
        Float("momentum", min_value=0.0, max_value=0.9, conditions=Condition("optimizer", "sgd")),
        Boolean("deep"),
        Int("layers", min_value=2, max_value=6, conditions=Condition("deep", values=True)),
        Choice("width", values=[32, 64], conditions=Condition("layers", [5, 6])),
        Float(
            "rate",
            min_value=0.1,
            max_value=0.3,
            step=0.1,
            conditions=(Condition("deep", values=True), Condition("optimizer", "adam")),
        ),
    ]
)
"""A conditional space: nested conditions, an entry with two, a continuous child."""
CONDITIONAL_FINITE = Space(
    [
        Choice("optimizer", values=["adam", "sgd"]),
        Float(
            "momentum",
            min_value=0.0,
            max_value=0.9,
            step=0.3,
            conditions=Condition("optimizer", "sgd"),
        ),
        Boolean("deep"),
        Int("layers", min_value=2, max_value=4, conditions=Condition("deep", values=True)),
        Choice("width", values=[32, 64], conditions=Condition("layers", 4)),
    ]
)
"""A finite conditional space."""
NOTHING_TO_TUNE = (
    Space([Fixed("units", value=64)]),
    Space(
        [
            Fixed("units", value=64),
            Fixed("activation", value="relu"),
            Fixed("rate", value=0.5, conditions=Condition("units", 64)),
        ]
    ),
    Space([]),
)
"""Spaces of one configuration: only ``Fixed`` entries, and the empty space."""

_LARGEST_GRID = 40
"""The most configurations of a drawn space whose every configuration is tried."""
_SEEDS = st.integers(0, 2**62)


def _tuned(space: Space) -> bool:
    return any(not isinstance(space[name], Fixed) for name in space)


def _conditional(space: Space) -> bool:
    return any(space[name].conditions for name in space)


def _small(space: Space) -> bool:
    size = cardinality(space)
    return size is not None and size <= _LARGEST_GRID


def _foreign_trials(space: Space) -> st.SearchStrategy[tuple[Space, list[Observation], int]]:
    """``space``, trials of some of its configurations in any state, and a seed.

    The trials leave a configuration untried; they carry no metadata, as the
    trials of another oracle would not.
    """
    size = cardinality(space)
    most = 8 if size is None else min(8, size - 1)

    def trial(configuration: Values, state: TrialState, score: float) -> Observation:
        if state is TrialState.COMPLETED:
            return Observation(configuration, state, score)
        return Observation(configuration, state)

    trials = st.lists(
        st.builds(trial, values(space), st.sampled_from(list(TrialState)), st.floats(-1, 1)),
        max_size=most,
        unique_by=lambda observation: observation.values,
    )
    return st.tuples(st.just(space), trials, _SEEDS)


def _observe(values: Values, meta: Mapping[str, int]) -> Observation:
    """The outcome of a trial under the suite's fixed objective (lower is better).

    The outcome depends on the values and the budget only: a few configurations
    fail or are invalid, the others score in [0, 1] plus a term that shrinks with
    the budget (``"tuner/epochs"``), so a longer training scores better.
    """
    digest = zlib.crc32(repr(sorted(values.items())).encode())
    if digest % 7 == 0:
        return Observation(values, TrialState.FAILED, meta=dict(meta))
    if digest % 11 == 0:
        return Observation(values, TrialState.INVALID, meta=dict(meta))
    budget = meta.get(EPOCHS, 0)
    score = (digest % 1000) / 1000 + 1 / (1 + budget)
    return Observation(values, TrialState.COMPLETED, score, meta=dict(meta))


def _parts(proposal: Proposed) -> tuple[Values, Mapping[str, int]]:
    if isinstance(proposal, Proposal):
        return proposal.values, proposal.meta
    return proposal, {}


def _key(proposal: Proposed | None) -> object:
    """A proposal as a comparable value: its values with their types, and its metadata."""
    if proposal is None:
        return None
    values, meta = _parts(proposal)
    return typed(values), sorted(meta.items()), isinstance(proposal, Proposal)


def _copied(history: Sequence[Observation]) -> list[Observation]:
    """Equal observations that share no object with ``history`` (as read back from a store)."""
    return [
        Observation(Values(dict(o.values)), o.state, o.score, meta=dict(o.meta)) for o in history
    ]


@attrs.frozen
class _Run:
    """A simulated search: the trials (prior ones first), the new proposals, how it ended."""

    trials: tuple[Observation, ...]
    proposals: tuple[Proposed, ...]
    ended: bool


class OracleContract:
    """The checks every oracle passes; subclass it and implement :meth:`make_oracle`.

    Class attributes tune the suite: ``seed`` (the seed of the fixed scenarios),
    ``search_length`` (proposals per simulated search, 10; make it exceed the
    random start of a model-based oracle, so the model is checked too),
    ``max_examples`` (Hypothesis examples per check, 10) and ``max_schedule``
    (the proposals within which an oracle that declares ``finite_schedule``
    must end on a continuous space, 1000).

    Example:
        >>> from spacealg.oracles import RandomSearchOracle
        >>> class TestRandom(OracleContract):
        ...     max_examples = 3
        ...     def make_oracle(self):
        ...         return RandomSearchOracle()
        >>> TestRandom().test_proposals_lie_in_the_space()
    """

    seed: ClassVar[int] = 1234
    search_length: ClassVar[int] = 10
    max_examples: ClassVar[int] = 10
    max_schedule: ClassVar[int] = 1000

    # -- hooks ------------------------------------------------------------------

    def make_oracle(self) -> Oracle:
        """A fresh oracle, equal to every other this hook returns."""
        raise NotImplementedError(f"{type(self).__name__} must implement make_oracle()")

    # -- machinery ------------------------------------------------------------

    def _for_all(self, strategy: st.SearchStrategy[T], check: Callable[[T], None]) -> None:
        """Run ``check`` on examples of ``strategy``; an inconsistent failure fails too."""

        @settings(
            max_examples=self.max_examples,
            deadline=None,
            database=None,
            report_multiple_bugs=False,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
                HealthCheck.data_too_large,
                HealthCheck.large_base_example,
            ],
        )
        @given(strategy)
        def run(drawn: T) -> None:
            check(drawn)

        try:
            run()
        except Flaky as error:
            raise AssertionError(
                f"a check failed on an input and passed on the same input again: "
                f"propose() is not a pure function of its arguments\n{error}"
            ) from error

    def _usable(self, oracle: Oracle, space: Space) -> bool:
        """Whether the loop would give ``space`` to ``oracle`` (a grid needs a finite one)."""
        return not oracle.needs_finite_space or cardinality(space) is not None

    def _spaces(
        self, *, conditional: bool = False, keep: Callable[[Space], bool] = _tuned
    ) -> st.SearchStrategy[Space]:
        """Drawn spaces the oracle can take, with a tuned entry, that ``keep`` accepts."""
        oracle = self.make_oracle()
        drawn = spaces(min_size=1, max_size=5, conditional=conditional)
        return drawn.filter(lambda space: keep(space) and self._usable(oracle, space))

    def _fixed(self, *candidates: Space) -> list[Space]:
        oracle = self.make_oracle()
        return [space for space in candidates if self._usable(oracle, space)]

    def _propose(
        self,
        oracle: Oracle,
        space: Space,
        tried: Collection[Values],
        *,
        seed: int,
        index: int,
        history: Sequence[Observation],
    ) -> Proposed | None:
        where = f"{oracle.name}: propose(seed={seed}, index={index}) after {len(tried)} trials"
        try:
            proposal = oracle.propose(space, tried, seed=seed, index=index, history=history)
        except Exception as error:
            raise AssertionError(
                f"{where} raised {type(error).__name__}: {error}\nspace: {space!r}"
            ) from error
        expect(
            proposal is None or isinstance(proposal, Values | Proposal),
            f"{where} returned {proposal!r}; expected Values, a Proposal or None",
        )
        return proposal

    def _next(
        self, oracle: Oracle, space: Space, trials: Sequence[Observation], seed: int
    ) -> Proposed | None:
        """The proposal after ``trials``, asked the way the search loop asks."""
        return self._propose(
            oracle,
            space,
            [o.values for o in trials],
            seed=seed,
            index=len(trials),
            history=list(trials) if oracle.uses_history else (),
        )

    def _search(
        self,
        oracle: Oracle,
        space: Space,
        seed: int,
        steps: int,
        prior: Sequence[Observation] = (),
        *,
        each: Callable[[Sequence[Observation], Proposed], None] | None = None,
    ) -> _Run:
        """Up to ``steps`` proposals after ``prior``, each followed by its outcome."""
        trials, proposals = list(prior), list[Proposed]()
        for _ in range(steps):
            proposal = self._next(oracle, space, trials, seed)
            if proposal is None:
                return _Run(tuple(trials), tuple(proposals), ended=True)
            if each is not None:
                each(trials, proposal)
            proposals.append(proposal)
            trials.append(_observe(*_parts(proposal)))
        return _Run(tuple(trials), tuple(proposals), ended=False)

    def _in_space(self, oracle: Oracle, space: Space, seed: int) -> None:
        """A search on ``space`` starts, and proposes configurations of ``space`` only."""
        run = self._search(oracle, space, seed, self.search_length)
        expect(run.proposals, f"{oracle.name}: a new search on {space!r} proposed nothing")
        for number, proposal in enumerate(run.proposals):
            values, _ = _parts(proposal)
            expect(
                contains(space, values),
                f"{oracle.name}: proposal {number} (seed {seed}) {values} is not a "
                f"configuration of {space!r}",
            )

    def _expect_new(
        self, oracle: Oracle, trials: Sequence[Observation], proposal: Proposed, where: str
    ) -> None:
        """``proposal`` was not tried, unless it continues a trial on a larger budget."""
        values, meta = _parts(proposal)
        earlier = [o for o in trials if o.values == values]
        if not earlier:
            return
        budget = meta.get(EPOCHS)
        if oracle.budgeted and isinstance(budget, int):
            budgets = [o.meta.get(EPOCHS) for o in earlier]
            if all(isinstance(b, int) and budget > b for b in budgets):
                return  # a promotion: the same values trained further
        states = ", ".join(o.state.value for o in earlier)
        raise AssertionError(
            f"{oracle.name}: {where} proposed {values}, already tried ({states}); an oracle "
            "never proposes a tried configuration (a budgeted one may continue a trial "
            "on a larger budget)"
        )

    # -- the checks -------------------------------------------------------------

    def test_name_and_settings(self) -> None:
        """``name`` is a non-empty str; ``settings()`` is a JSON object, the same every call."""
        oracle = self.make_oracle()
        name = getattr(oracle, "name", None)
        expect(isinstance(name, str) and name, f"the oracle's name is {name!r}; expected a str")
        found = oracle.settings()
        expect(
            isinstance(found, Mapping) and all(isinstance(key, str) for key in found),
            f"{name}: settings() returned {found!r}; expected a dict with str keys",
        )
        try:
            json.dumps(dict(found), allow_nan=False)
        except (TypeError, ValueError) as error:
            raise AssertionError(
                f"{name}: settings() {found!r} is not JSON ({error}); the store records it"
            ) from error
        expect(
            oracle.settings() == found and self.make_oracle().settings() == found,
            f"{name}: settings() differs between calls or between oracles from make_oracle()",
        )

    def test_capabilities_are_declared(self) -> None:
        """Every capability is declared, as a bool (see :func:`~spacealg.oracles.check_oracle`)."""
        try:
            check_oracle(self.make_oracle(), f"{type(self).__name__}.make_oracle()")
        except ArgumentTypeError as error:
            raise AssertionError(str(error)) from error

    def test_proposals_lie_in_the_space(self) -> None:
        """Proposals are configurations of the trial space (spaces without conditions)."""
        for space in self._fixed(MIXED, FINITE):
            self._in_space(self.make_oracle(), space, self.seed)
        self._for_all(
            st.tuples(self._spaces(), _SEEDS),
            lambda drawn: self._in_space(self.make_oracle(), *drawn),
        )

    def test_conditional_spaces(self) -> None:
        """On a conditional space, proposals hold exactly the active entries, in their domains."""
        for space in self._fixed(CONDITIONAL, CONDITIONAL_FINITE):
            self._in_space(self.make_oracle(), space, self.seed)
        self._for_all(
            st.tuples(self._spaces(conditional=True, keep=_conditional), _SEEDS),
            lambda drawn: self._in_space(self.make_oracle(), *drawn),
        )

    def test_fixed_and_empty_spaces(self) -> None:
        """A space of only ``Fixed`` entries, or none, proposes its one configuration first."""
        for space in NOTHING_TO_TUNE:
            oracle = self.make_oracle()
            (only,) = grid(space)
            first = self._next(oracle, space, [], self.seed)
            expect(
                first is not None and _parts(first)[0] == only,
                f"{oracle.name}: on {space!r} the first proposal is {first!r}; expected {only}",
            )
            self._in_space(oracle, space, self.seed)

    def test_never_repeats_a_tried_configuration(self) -> None:
        """No proposal repeats a tried configuration, whatever its state, while one is left."""
        for space in self._fixed(FINITE, CONDITIONAL_FINITE, MIXED):
            self._search_without_repeats(space, self.seed)
        self._for_all(st.tuples(self._spaces(), _SEEDS), lambda d: self._search_without_repeats(*d))
        self._for_all(self._spaces().flatmap(_foreign_trials), lambda d: self._after_foreign(*d))

    def _search_without_repeats(self, space: Space, seed: int) -> None:
        oracle = self.make_oracle()
        size = cardinality(space)

        def each(trials: Sequence[Observation], proposal: Proposed) -> None:
            self._expect_new(oracle, trials, proposal, f"trial {len(trials)} (seed {seed})")

        def left(trials: Sequence[Observation]) -> bool:
            return size is None or len({o.values for o in trials}) < size

        trials: tuple[Observation, ...] = ()
        while len(trials) < self.search_length and left(trials):
            run = self._search(oracle, space, seed, 1, trials, each=each)
            if run.ended:
                break
            trials = run.trials

    def _after_foreign(self, space: Space, trials: list[Observation], seed: int) -> None:
        """Configurations tried elsewhere (another search, another oracle) are never proposed."""
        oracle = self.make_oracle()
        proposal = self._next(oracle, space, trials, seed)
        if proposal is not None:
            self._expect_new(oracle, trials, proposal, f"after {len(trials)} foreign trials")

    def test_ends_on_an_exhausted_finite_space(self) -> None:
        """Once every configuration of a finite space was tried, ``propose`` returns None."""
        for space in (FINITE, CONDITIONAL_FINITE, *NOTHING_TO_TUNE):
            self._exhausted(space, list(grid(space)), self.seed)
        small = spaces(max_size=4).filter(_small)
        self._for_all(
            st.tuples(small, _SEEDS).flatmap(
                lambda drawn: st.tuples(
                    st.just(drawn[0]), st.permutations(list(grid(drawn[0])))
                ).map(lambda pair: (pair[0], pair[1], drawn[1]))
            ),
            lambda drawn: self._exhausted(*drawn),
        )

    def _exhausted(self, space: Space, every: Sequence[Values], seed: int) -> None:
        oracle = self.make_oracle()
        trials = [_observe(configuration, {}) for configuration in every]
        proposal = self._next(oracle, space, trials, seed)
        expect(
            proposal is None,
            f"{oracle.name}: every one of the {len(trials)} configurations of {space!r} was "
            f"tried, yet propose() returned {proposal!r}; expected None",
        )

    def test_finite_schedule_ends(self) -> None:
        """An oracle that declares ``finite_schedule`` ends by itself on a continuous space."""
        oracle = self.make_oracle()
        if not oracle.finite_schedule:
            raise unittest.SkipTest(f"{oracle.name} does not declare finite_schedule")
        space = (
            MIXED if self._usable(oracle, MIXED) else Space([Int("x", min_value=0, max_value=9999)])
        )
        run = self._search(oracle, space, self.seed, self.max_schedule)
        expect(
            run.ended,
            f"{oracle.name} declares finite_schedule, yet proposed {self.max_schedule} trials "
            f"on {space!r} without ending (raise max_schedule if its schedule is longer)",
        )

    def test_budgets(self) -> None:
        """Metadata is ints; a budgeted oracle's every proposal carries ``"tuner/epochs"``."""
        for space in self._fixed(MIXED, CONDITIONAL, FINITE):
            oracle = self.make_oracle()
            run = self._search(oracle, space, self.seed, self.search_length)
            for number, proposal in enumerate(run.proposals):
                where = f"{oracle.name}: proposal {number} on {space!r}"
                meta = proposal.meta if isinstance(proposal, Proposal) else {}
                expect(
                    isinstance(meta, Mapping)
                    and all(
                        isinstance(key, str)
                        and isinstance(value, int)
                        and not isinstance(value, bool)
                        for key, value in meta.items()
                    ),
                    f"{where} has metadata {meta!r}; expected str keys and int values",
                )
                if oracle.budgeted:
                    budget = meta.get(EPOCHS)
                    expect(
                        isinstance(budget, int) and budget >= 1,
                        f"{where} is {proposal!r}: the oracle declares budgeted, so each "
                        f"proposal is a Proposal whose meta holds a positive int {EPOCHS!r}",
                    )
                else:
                    expect(
                        EPOCHS not in meta,
                        f"{where} carries a budget {EPOCHS!r}, but the oracle does not "
                        "declare budgeted (a searched function would not expect budget=)",
                    )

    def test_ignores_scores_unless_it_uses_history(self) -> None:
        """An oracle that does not declare ``uses_history`` proposes the same whatever the scores.

        The search loop gives such an oracle no history: one that reads it would
        never learn in a real search.
        """
        if self.make_oracle().uses_history:
            raise unittest.SkipTest("the oracle declares uses_history")
        try:
            for space in self._fixed(MIXED, FINITE):
                self._pure(space, self.seed, self.search_length // 2)
        except AssertionError as error:
            raise unittest.SkipTest(
                "propose() is not a pure function of its arguments, so whether it reads the "
                "scores cannot be told (test_proposals_are_pure fails)"
            ) from error
        for space in self._fixed(MIXED, FINITE):
            self._same_without_scores(space, self.seed, self.search_length // 2)
        self._for_all(
            st.tuples(self._spaces(), _SEEDS, st.integers(0, self.search_length)),
            lambda drawn: self._same_without_scores(*drawn),
        )

    def _same_without_scores(self, space: Space, seed: int, steps: int) -> None:
        oracle = self.make_oracle()
        trials = self._search(oracle, space, seed, steps).trials
        tried = [o.values for o in trials]
        index = len(trials)
        plain = self._propose(oracle, space, tried, seed=seed, index=index, history=())
        again = self._propose(oracle, space, tried, seed=seed, index=index, history=())
        if _key(again) != _key(plain):
            return  # not repeatable at all: test_proposals_are_pure reports that
        reversed_scores = [
            Observation(o.values, o.state, None if o.score is None else -o.score) for o in trials
        ]
        for history in (trials, reversed_scores):
            scored = self._propose(oracle, space, tried, seed=seed, index=index, history=history)
            expect(
                _key(scored) == _key(plain),
                f"{oracle.name} does not declare uses_history, yet proposes {scored!r} given "
                f"the scores of {index} trials and {plain!r} without them (seed {seed}); "
                "declare uses_history = True if it learns",
            )

    def test_proposals_are_pure(self) -> None:
        """The same (space, tried, seed, index, history) give the same proposal, every time."""
        for space in self._fixed(MIXED, CONDITIONAL, FINITE):
            self._pure(space, self.seed, self.search_length // 2)
        self._for_all(
            st.tuples(self._spaces(conditional=True), _SEEDS, st.integers(0, self.search_length)),
            lambda drawn: self._pure(*drawn),
        )

    def _pure(self, space: Space, seed: int, steps: int) -> None:
        oracle = self.make_oracle()
        trials = self._search(oracle, space, seed, steps).trials
        tried = [o.values for o in trials]
        history = list(trials) if oracle.uses_history else []
        index = len(trials)
        where = f"{oracle.name}: propose(seed={seed}, index={index}) on {space!r}"

        def ask(asked: Oracle, *, seed: int = seed, index: int = index) -> Proposed | None:
            return self._propose(asked, space, tried, seed=seed, index=index, history=history)

        tried_before, history_before = list(tried), list(history)
        first = ask(oracle)
        expect(
            tried == tried_before and history == history_before,
            f"{where} changed its arguments (tried or history)",
        )
        again = ask(oracle)
        expect(_key(again) == _key(first), f"{where} returned {first!r}, then {again!r}")
        ask(oracle, seed=seed + 1, index=index + 1)  # another question in between
        after = ask(oracle)
        expect(
            _key(after) == _key(first),
            f"{where} returned {first!r}, then {after!r} after another call",
        )
        fresh = self._propose(
            self.make_oracle(),
            copy.deepcopy(space),
            [Values(dict(v)) for v in tried],
            seed=seed,
            index=index,
            history=_copied(history),
        )
        expect(
            _key(fresh) == _key(first),
            f"{where} returned {first!r}; a fresh oracle given copies returned {fresh!r}",
        )

    def test_resume_proposes_what_an_uninterrupted_search_would(self) -> None:
        """A search resumed from its first trials goes on exactly as the uninterrupted one."""
        for space in self._fixed(MIXED, CONDITIONAL, FINITE):
            self._resumed(space, self.seed)
        self._for_all(
            st.tuples(self._spaces(conditional=True), _SEEDS), lambda d: self._resumed(*d)
        )

    def _resumed(self, space: Space, seed: int) -> None:
        whole = self._search(self.make_oracle(), space, seed, self.search_length)
        made = len(whole.proposals)
        for cut in sorted({1, made // 2, made - 1}):
            if not 0 < cut < made:
                continue
            again = self._search(
                self.make_oracle(),
                space,
                seed,
                self.search_length - cut,
                _copied(whole.trials[:cut]),
            )
            expected = [_key(p) for p in whole.proposals[cut:]]
            found = [_key(p) for p in again.proposals]
            expect(
                found == expected and again.ended == whole.ended,
                f"{self.make_oracle().name}: resumed after {cut} of {made} trials (seed "
                f"{seed}) on {space!r}, the search proposed\n{again.proposals}\nwhere the "
                f"uninterrupted one proposed\n{whole.proposals[cut:]}",
            )
