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
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from hypothesis import strategies as st

from spacealg._search.hyperband import EPOCHS
from spacealg._search.oracle import Observation, Oracle, check_oracle
from spacealg._search.trials import Proposal
from spacealg._space.numeric import Int
from spacealg._space.sampling import cardinality, contains, grid
from spacealg._space.space import Space
from spacealg._space.values import Values
from spacealg._testing.backend_probe import expect
from spacealg._testing.oracle_probe import (
    CONDITIONAL,
    CONDITIONAL_FINITE,
    CONSTRAINED,
    CONSTRAINED_CONDITIONAL,
    CONSTRAINED_FINITE,
    FINITE,
    MIXED,
    NOTHING_TO_TUNE,
    SEEDS,
    Proposed,
    copied,
    expect_new,
    for_all,
    foreign_trials,
    has_conditions,
    has_tuned_entry,
    key,
    next_proposal,
    observe,
    parts,
    propose,
    search,
    small_and_finite,
)
from spacealg._testing.strategies import spaces
from spacealg.errors import ArgumentTypeError


class OracleContract:
    """The checks every oracle passes; subclass it and implement :meth:`make_oracle`.

    Class attributes tune the suite: ``seed`` (the seed of the fixed scenarios),
    ``search_length`` (proposals per simulated search, 10; make it exceed the
    random start of a model-based oracle, so the model is checked too),
    ``max_examples`` (Hypothesis examples per check, 10) and ``max_schedule``
    (the proposals within which an oracle that declares ``finite_schedule``
    must end on a continuous space, 1000).

    Examples:
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

    def _usable(self, oracle: Oracle, space: Space) -> bool:
        """Whether the loop would give ``space`` to ``oracle`` (a grid needs a finite one)."""
        return not oracle.needs_finite_space or cardinality(space) is not None

    def _spaces(
        self, *, conditional: bool = False, keep: Callable[[Space], bool] = has_tuned_entry
    ) -> st.SearchStrategy[Space]:
        """Drawn spaces the oracle can take, with a tuned entry, that ``keep`` accepts."""
        oracle = self.make_oracle()
        drawn = spaces(min_size=1, max_size=5, conditional=conditional)
        return drawn.filter(lambda space: keep(space) and self._usable(oracle, space))

    def _fixed(self, *candidates: Space) -> list[Space]:
        oracle = self.make_oracle()
        return [space for space in candidates if self._usable(oracle, space)]

    def _in_space(self, oracle: Oracle, space: Space, seed: int) -> None:
        """A search on ``space`` starts, and proposes configurations of ``space`` only."""
        run = search(oracle, space, seed, self.search_length)
        expect(run.proposals, f"{oracle.name}: a new search on {space!r} proposed nothing")
        for number, proposal in enumerate(run.proposals):
            values, _ = parts(proposal)
            expect(
                contains(space, values),
                f"{oracle.name}: proposal {number} (seed {seed}) {values} is not a "
                f"configuration of {space!r}",
            )

    # -- the checks -------------------------------------------------------------

    def test_name_and_settings(self) -> None:
        """``name`` is a non-empty str; ``settings()`` is a JSON object, the same every call."""
        oracle = self.make_oracle()
        name = getattr(oracle, "name", None)
        expect(isinstance(name, str) and name, f"the oracle's name is {name!r}; expected a str")
        found = oracle.settings()
        expect(
            isinstance(found, Mapping) and all(isinstance(entry, str) for entry in found),
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
        for_all(
            self.max_examples,
            st.tuples(self._spaces(), SEEDS),
            lambda drawn: self._in_space(self.make_oracle(), *drawn),
        )

    def test_conditional_spaces(self) -> None:
        """On a conditional space, proposals hold exactly the active entries, in their domains."""
        for space in self._fixed(CONDITIONAL, CONDITIONAL_FINITE):
            self._in_space(self.make_oracle(), space, self.seed)
        for_all(
            self.max_examples,
            st.tuples(self._spaces(conditional=True, keep=has_conditions), SEEDS),
            lambda drawn: self._in_space(self.make_oracle(), *drawn),
        )

    def test_honours_constraints(self) -> None:
        """On a constrained space, no proposal breaks a constraint.

        A finite space is searched until each allowed configuration could have
        been proposed.
        """
        for space in self._fixed(CONSTRAINED, CONSTRAINED_FINITE, CONSTRAINED_CONDITIONAL):
            oracle = self.make_oracle()
            size = cardinality(space)
            length = self.search_length if size is None else size
            run = search(oracle, space, self.seed, length)
            free = Space(space.hyperparameters)
            for number, proposal in enumerate(run.proposals):
                values, _ = parts(proposal)
                if not contains(free, values):
                    continue  # not a configuration at all: the other checks say so
                broken = [
                    text
                    for text in space.constraints
                    if not contains(Space(space.hyperparameters, constraints=[text]), values)
                ]
                expect(
                    not broken,
                    f"{oracle.name}: proposal {number} (seed {self.seed}) {values} breaks "
                    f"the constraint {broken[0] if broken else ''!r} of {space!r}",
                )

    def test_fixed_and_empty_spaces(self) -> None:
        """A space of only ``Fixed`` entries, or none, proposes its one configuration first."""
        for space in NOTHING_TO_TUNE:
            oracle = self.make_oracle()
            (only,) = grid(space)
            first = next_proposal(oracle, space, [], self.seed)
            expect(
                first is not None and parts(first)[0] == only,
                f"{oracle.name}: on {space!r} the first proposal is {first!r}; expected {only}",
            )
            self._in_space(oracle, space, self.seed)

    def test_never_repeats_a_tried_configuration(self) -> None:
        """No proposal repeats a tried configuration, whatever its state, while one is left."""
        for space in self._fixed(FINITE, CONDITIONAL_FINITE, MIXED):
            self._search_without_repeats(space, self.seed)
        for_all(
            self.max_examples,
            st.tuples(self._spaces(), SEEDS),
            lambda d: self._search_without_repeats(*d),
        )
        for_all(
            self.max_examples,
            self._spaces().flatmap(foreign_trials),
            lambda d: self._after_foreign(*d),
        )

    def _search_without_repeats(self, space: Space, seed: int) -> None:
        oracle = self.make_oracle()
        size = cardinality(space)

        def each(trials: Sequence[Observation], proposal: Proposed) -> None:
            expect_new(oracle, trials, proposal, f"trial {len(trials)} (seed {seed})")

        def left(trials: Sequence[Observation]) -> bool:
            return size is None or len({o.values for o in trials}) < size

        trials: tuple[Observation, ...] = ()
        while len(trials) < self.search_length and left(trials):
            run = search(oracle, space, seed, 1, trials, each=each)
            if run.ended:
                break
            trials = run.trials

    def _after_foreign(self, space: Space, trials: list[Observation], seed: int) -> None:
        """Configurations tried elsewhere (another search, another oracle) are never proposed."""
        oracle = self.make_oracle()
        proposal = next_proposal(oracle, space, trials, seed)
        if proposal is not None:
            expect_new(oracle, trials, proposal, f"after {len(trials)} foreign trials")

    def test_ends_on_an_exhausted_finite_space(self) -> None:
        """Once every configuration of a finite space was tried, ``propose`` returns None."""
        for space in (FINITE, CONDITIONAL_FINITE, *NOTHING_TO_TUNE):
            self._exhausted(space, list(grid(space)), self.seed)
        small = spaces(max_size=4).filter(small_and_finite)
        for_all(
            self.max_examples,
            st.tuples(small, SEEDS).flatmap(
                lambda drawn: st.tuples(
                    st.just(drawn[0]), st.permutations(list(grid(drawn[0])))
                ).map(lambda pair: (pair[0], pair[1], drawn[1]))
            ),
            lambda drawn: self._exhausted(*drawn),
        )

    def _exhausted(self, space: Space, every: Sequence[Values], seed: int) -> None:
        oracle = self.make_oracle()
        trials = [observe(configuration, {}) for configuration in every]
        proposal = next_proposal(oracle, space, trials, seed)
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
        run = search(oracle, space, self.seed, self.max_schedule)
        expect(
            run.ended,
            f"{oracle.name} declares finite_schedule, yet proposed {self.max_schedule} trials "
            f"on {space!r} without ending (raise max_schedule if its schedule is longer)",
        )

    def test_budgets(self) -> None:
        """Metadata is ints; a budgeted oracle's every proposal carries ``"tuner/epochs"``."""
        for space in self._fixed(MIXED, CONDITIONAL, FINITE):
            oracle = self.make_oracle()
            run = search(oracle, space, self.seed, self.search_length)
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
        for_all(
            self.max_examples,
            st.tuples(self._spaces(), SEEDS, st.integers(0, self.search_length)),
            lambda drawn: self._same_without_scores(*drawn),
        )

    def _same_without_scores(self, space: Space, seed: int, steps: int) -> None:
        oracle = self.make_oracle()
        trials = search(oracle, space, seed, steps).trials
        tried = [o.values for o in trials]
        index = len(trials)
        plain = propose(oracle, space, tried, seed=seed, index=index, history=())
        again = propose(oracle, space, tried, seed=seed, index=index, history=())
        if key(again) != key(plain):
            return  # not repeatable at all: test_proposals_are_pure reports that
        reversed_scores = [
            Observation(o.values, o.state, None if o.score is None else -o.score) for o in trials
        ]
        for history in (trials, reversed_scores):
            scored = propose(oracle, space, tried, seed=seed, index=index, history=history)
            expect(
                key(scored) == key(plain),
                f"{oracle.name} does not declare uses_history, yet proposes {scored!r} given "
                f"the scores of {index} trials and {plain!r} without them (seed {seed}); "
                "declare uses_history = True if it learns",
            )

    def test_proposals_are_pure(self) -> None:
        """The same (space, tried, seed, index, history) give the same proposal, every time."""
        for space in self._fixed(MIXED, CONDITIONAL, FINITE):
            self._pure(space, self.seed, self.search_length // 2)
        for_all(
            self.max_examples,
            st.tuples(self._spaces(conditional=True), SEEDS, st.integers(0, self.search_length)),
            lambda drawn: self._pure(*drawn),
        )

    def _pure(self, space: Space, seed: int, steps: int) -> None:
        oracle = self.make_oracle()
        trials = search(oracle, space, seed, steps).trials
        tried = [o.values for o in trials]
        history = list(trials) if oracle.uses_history else []
        index = len(trials)
        where = f"{oracle.name}: propose(seed={seed}, index={index}) on {space!r}"

        def ask(asked: Oracle, *, seed: int = seed, index: int = index) -> Proposed | None:
            return propose(asked, space, tried, seed=seed, index=index, history=history)

        tried_before, history_before = list(tried), list(history)
        first = ask(oracle)
        expect(
            tried == tried_before and history == history_before,
            f"{where} changed its arguments (tried or history)",
        )
        again = ask(oracle)
        expect(key(again) == key(first), f"{where} returned {first!r}, then {again!r}")
        ask(oracle, seed=seed + 1, index=index + 1)  # another question in between
        after = ask(oracle)
        expect(
            key(after) == key(first),
            f"{where} returned {first!r}, then {after!r} after another call",
        )
        fresh = propose(
            self.make_oracle(),
            copy.deepcopy(space),
            [Values(dict(v)) for v in tried],
            seed=seed,
            index=index,
            history=copied(history),
        )
        expect(
            key(fresh) == key(first),
            f"{where} returned {first!r}; a fresh oracle given copies returned {fresh!r}",
        )

    def test_resume_proposes_what_an_uninterrupted_search_would(self) -> None:
        """A search resumed from its first trials goes on exactly as the uninterrupted one."""
        for space in self._fixed(MIXED, CONDITIONAL, FINITE):
            self._resumed(space, self.seed)
        for_all(
            self.max_examples,
            st.tuples(self._spaces(conditional=True), SEEDS),
            lambda d: self._resumed(*d),
        )

    def _resumed(self, space: Space, seed: int) -> None:
        whole = search(self.make_oracle(), space, seed, self.search_length)
        made = len(whole.proposals)
        for cut in sorted({1, made // 2, made - 1}):
            if not 0 < cut < made:
                continue
            again = search(
                self.make_oracle(),
                space,
                seed,
                self.search_length - cut,
                copied(whole.trials[:cut]),
            )
            expected = [key(p) for p in whole.proposals[cut:]]
            found = [key(p) for p in again.proposals]
            expect(
                found == expected and again.ended == whole.ended,
                f"{self.make_oracle().name}: resumed after {cut} of {made} trials (seed "
                f"{seed}) on {space!r}, the search proposed\n{again.proposals}\nwhere the "
                f"uninterrupted one proposed\n{whole.proposals[cut:]}",
            )
