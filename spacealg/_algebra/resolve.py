"""``resolve``: a declared space plus a tailoring is the trial space a search runs over.

This is KerasTuner's ``hyperparameters=`` with ``tune_new_entries`` and
``allow_new_entries``, as a pure function (docs/semantics.md#tailoring-a-declared-space).
With new entries tuned, the trial space is ``merge(tailoring, declared,
on_conflict="left")``; without, it is the tailoring alone (with the declared
conditions it inherits), and every other declared name is pinned at its default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from spacealg._algebra.capture import HyperParameters
from spacealg._algebra.constrain import constrain
from spacealg._algebra.operators import merge, trimmed
from spacealg._space.discrete import Fixed
from spacealg._space.expressions import canonical, substitute
from spacealg._space.frozen_mapping import FrozenMapping, frozen_mapping
from spacealg._space.kinds import Hyperparameter
from spacealg._space.scalars import Scalar
from spacealg._space.space import Space, check_space
from spacealg._space.validation import check_bool, check_instance
from spacealg._space.values import Values
from spacealg.errors import ArgumentTypeError, InvalidSpaceError, quoted

Status = Literal["declared", "tailored", "fixed", "pinned", "tailoring-only", "inactive", "removed"]


@attrs.frozen
class Provenance:
    """Where one hyperparameter of a trial space comes from.

    Attributes:
        name: the hyperparameter.
        status: ``declared`` (tuned as the hypermodel declares it), ``tailored``
            (the tailoring's declaration replaces it), ``fixed`` (pinned by a
            ``Fixed`` entry, still in the space), ``pinned`` (not tuned, built with
            its default), ``tailoring-only`` (the hypermodel never declares it),
            ``inactive`` (tailored, but pinned values leave it inactive) or
            ``removed`` (an operator took it out).
        operations: what shaped it, oldest first.
    """

    name: str
    status: Status
    operations: tuple[str, ...]


def _provenance(provenance: Mapping[str, Provenance]) -> FrozenMapping[str, Provenance]:
    check_instance(
        "TrialSpace()", "provenance", provenance, Mapping, "a mapping of names to Provenance"
    )
    return frozen_mapping(provenance)


def _a_space(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_space(f"{type(instance).__name__}()", attribute.name, value)


def _values(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_instance("TrialSpace()", attribute.name, value, Values, "a Values, such as Values()")


@attrs.frozen
class TrialSpace:
    """The space a search runs over, with the values pinned outside it.

    Attributes:
        tuned: the space searched.
        pinned: the declared names left untuned, each at its default.
        declared: the hypermodel's declared space (activity of pinned names).
        provenance: for each name, where it comes from (not part of equality).
        tailoring: the user's entries it was resolved with (not part of equality).
        tune_new_entries: whether declared names outside the tailoring are tuned.
        allow_new_entries: whether the hypermodel may declare names outside the tailoring.
        joined: the names that joined the declared space during trials (see :meth:`join`).
    """

    tuned: Space = attrs.field(validator=_a_space)
    pinned: Values = attrs.field(validator=_values)
    declared: Space = attrs.field(eq=False, repr=False, validator=_a_space)
    provenance: Mapping[str, Provenance] = attrs.field(eq=False, repr=False, converter=_provenance)
    tailoring: Space = attrs.field(
        factory=Space, eq=False, repr=False, kw_only=True, validator=_a_space
    )
    tune_new_entries: bool = attrs.field(default=True, eq=False, repr=False, kw_only=True)
    allow_new_entries: bool = attrs.field(default=True, eq=False, repr=False, kw_only=True)
    joined: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)

    def complete(self, values: Mapping[str, Scalar]) -> Values:
        """A trial's tuned ``values`` plus the pinned defaults that are active under them.

        Tuned entries that the pinned values leave inactive (provenance status
        ``inactive``) are left out: the hypermodel never reads them. A value within
        tolerance of a ``Float`` grid point is that point.

        Examples:
            >>> declared = Space([Int("units", min_value=32, max_value=128, step=32),
            ...                   Boolean("dropout")])
            >>> trial = resolve(declared, Space([Boolean("dropout")]), tune_new_entries=False)
            >>> trial.complete({"dropout": True})
            Values({'dropout': True, 'units': 32})
        """
        check_instance(
            "TrialSpace.complete()", "values", values, Mapping, "a mapping of names to values"
        )
        inactive = {n for n, origin in self.provenance.items() if origin.status == "inactive"}
        chosen: dict[str, Scalar] = {
            n: self.tuned[n].canonical(v) if n in self.tuned else v  # 0.1 * 3 as 0.3
            for n, v in values.items()
            if n not in inactive
        }
        for hp in self.declared.dependency_order():
            if hp.name in self.pinned and all(c.holds(chosen) for c in hp.conditions):
                chosen[hp.name] = self.pinned[hp.name]
        return Values(chosen)

    def join(self, entries: Iterable[Hyperparameter], *, note: str) -> TrialSpace:
        """This trial space once ``entries``, declared during a trial, join the declared space.

        A hypermodel may declare names that only a trial reaches (behind a plain
        ``if`` on a non-default value, or in ``fit``). They join the declared space
        after its entries, and the trial space is resolved again with the same
        tailoring: tuned when new entries are tuned, else pinned at their defaults.
        Entries already declared are ignored; the result is ``self`` when nothing
        joins. In the laws, ``t`` is a trial space and ``e`` the entries a trial
        declares (parents before children).

        Laws:
            of nothing new is the identity: ``t.join([])`` is ``t``, and so is
                ``t.join(e)`` when ``t`` declares every entry of ``e`` already.
            in two steps equals join in one: ``t.join(a).join(b) == t.join(a + b)``:
                the same tuned entries in the same order, the same pins, the same
                ``joined`` names.
            appends to the tuned space: with new entries tuned, ``t.join(e).tuned``
                is ``t.tuned`` followed by the names of ``e`` outside the
                tailoring, in ``e``'s order; only names of ``e`` drop out (an entry
                whose declared conditions cannot hold under the tailoring, as in
                ``merge``), and entries that do not join are unchanged.
            without new entries tuned pins them: with ``tune_new_entries=False``,
                ``t.join(e)`` tunes no new name (a tailored entry of ``e`` may drop
                out, when the declared conditions it now inherits cannot hold
                under the pinned values), and pins the defaults of ``e``'s names
                outside the tailoring.

        Args:
            entries: what the trial's hypermodel declared.
            note: how the joining entries came, for their provenance.

        Raises:
            InvalidSpaceError: ``allow_new_entries`` is False and an entry is not in
                the tailoring, or the joined space is not a valid space.

        Examples:
            >>> trial = resolve(Space([Int("units", min_value=32, max_value=128, step=32)]))
            >>> joined = trial.join([Int("batch_size", min_value=16, max_value=64, step=16)],
            ...                     note="trial 0: declared during the trial")
            >>> list(trial.tuned), list(joined.tuned)
            (['units'], ['units', 'batch_size'])
        """
        new = [hp for hp in entries if hp.name not in self.declared]
        if not new:
            return self
        history = dict(self.declared.history)
        for hp in new:
            history[hp.name] = (*history.get(hp.name, ()), note)
        joined = resolve(
            Space(
                [*self.declared.hyperparameters, *new],
                history=history,
                constraints=self.declared.constraints,
            ),
            self.tailoring,
            tune_new_entries=self.tune_new_entries,
            allow_new_entries=self.allow_new_entries,
        )
        return attrs.evolve(joined, joined=(*self.joined, *(hp.name for hp in new)))


def _as_space(tailoring: Space | HyperParameters | None) -> Space:
    if tailoring is None:
        return Space()
    if isinstance(tailoring, HyperParameters):
        return tailoring.space
    if isinstance(tailoring, Space):
        return tailoring
    raise ArgumentTypeError(
        "resolve()", "", "tailoring", tailoring, "a Space, a HyperParameters handle or None"
    )


def _inherit(declared: Space, tailoring: Space) -> Space:
    """The tailoring, each unconditioned entry taking the declared conditions on its parents."""
    entries = []
    parents: set[str] = set()
    notes: dict[str, str] = {}
    for hp in tailoring.hyperparameters:
        if not hp.conditions and hp.name in declared:
            inherited = tuple(c for c in declared[hp.name].conditions if c.parent in tailoring)
            if inherited:
                hp = attrs.evolve(hp, conditions=inherited)  # noqa: PLW2901
                parents.update(c.parent for c in inherited)
                notes[hp.name] = "resolve(): inherits the declared conditions"
        entries.append(hp)
    if not notes:
        return tailoring
    return trimmed(tailoring, entries, notes, parents)


def _carried(declared: Space, tuned: Space, pinned: Values) -> list[str]:
    """The declared constraints with the pinned values substituted, as far as they apply.

    A constraint that still mentions a name outside ``tuned`` (a pinned entry
    that is conditional) is left out.
    """
    values = {name: value for name, value in pinned.items() if not declared[name].conditions}
    carried = []
    for constraint in declared.compiled_constraints:
        names = [name for name in constraint.names if name not in values]
        if all(name in tuned for name in names):
            carried.append(canonical(substitute(constraint.tree, values)))
    return carried


def _status(name: str, tuned: Space, declared: Space, tailoring: Space, pinned: Values) -> Status:
    if name in pinned:
        return "pinned"
    if name not in tuned:
        return "removed"
    hp = declared.get(name)
    if name in tailoring:
        original = hp.conditions if hp is not None else ()
        if any(c.parent in pinned and not c.holds(pinned) for c in original):
            return "inactive"
        if hp is None:
            return "tailoring-only"
        return "fixed" if isinstance(tuned[name], Fixed) else "tailored"
    return "fixed" if isinstance(tuned[name], Fixed) else "declared"


def resolve(
    declared: Space,
    tailoring: Space | HyperParameters | None = None,
    *,
    tune_new_entries: bool = True,
    allow_new_entries: bool = True,
) -> TrialSpace:
    """The trial space of a declared space under a tailoring.

    ``resolve`` never warns; the search entry points warn about tailoring-only
    names. The declared space's constraints carry into the trial space: with new
    entries tuned through ``merge``; without, with the pinned values substituted
    (a constraint that still mentions a pinned conditional entry is left out).
    The rules: docs/semantics.md#tailoring-a-declared-space. In the laws, ``D``
    is the declared space and ``T`` the tailoring.

    Laws:
        does not mutate: ``D`` and ``T`` (entries and history) are unchanged.
        tunes the merge of tailoring over declared: ``resolve(D, T).tuned ==
            merge(T, D, on_conflict="left")``, order included, and nothing is
            pinned (new entries tuned).
        orders tailoring then declared: ``list(resolve(D, T).tuned)`` is ``T``'s
            names in ``T``'s order, then ``D``'s other names in declaration order
            (new entries tuned), less the names an operator removed, whose
            provenance says ``removed``; every name of ``D`` and ``T`` has a
            provenance.
        without new entries is the tailoring: ``resolve(D, T,
            tune_new_entries=False).tuned`` is exactly ``T`` (same entries, same
            order) when no entry of ``T`` is declared in ``D`` under a parent in ``T``
            and ``D`` has no constraints.
        without new entries inherits declared conditions: with
            ``tune_new_entries=False`` the tuned space is ``T``, each entry
            without conditions taking ``D``'s conditions on parents in ``T``
            (values outside ``T``'s parent trimmed; an entry whose condition can
            no longer hold removed).
        pins declared defaults outside the tailoring: with
            ``tune_new_entries=False``, ``.pinned`` holds exactly ``D``'s defaults
            of the names outside ``T``, each with provenance ``pinned``; with new
            entries tuned nothing is pinned.

    Args:
        declared: the hypermodel's declared space (see :func:`declare`).
        tailoring: the user's entries: a ``Space``, a ``HyperParameters`` handle or None.
        tune_new_entries: whether declared names outside the tailoring are tuned.
        allow_new_entries: whether the hypermodel may declare names outside the tailoring.

    Raises:
        InvalidSpaceError: ``allow_new_entries=False`` and the hypermodel declares
            names outside the tailoring (all are named).
        ArgumentTypeError: a tailoring that is not a ``Space``, a
            ``HyperParameters`` handle or None.

    Examples:
        >>> declared = Space([Int("units", min_value=32, max_value=128, step=32, default=64),
        ...                   Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])])
        >>> trial = resolve(declared, Space([Fixed("learning_rate", value=1e-4)]))
        >>> list(trial.tuned), trial.provenance["learning_rate"].status
        (['learning_rate', 'units'], 'fixed')
    """
    check_space("resolve()", "declared", declared)
    check_bool("resolve()", "tune_new_entries", tune_new_entries)
    check_bool("resolve()", "allow_new_entries", allow_new_entries)
    tailored = _as_space(tailoring)
    new = [name for name in declared if name not in tailored]
    if not allow_new_entries and new:
        raise InvalidSpaceError(
            "resolve()",
            new[0],
            f"the hypermodel declares {quoted(new)}, which the tailoring does not list",
            "names listed in the tailoring (or allow_new_entries=True)",
        )
    if tune_new_entries:
        tuned = merge(tailored, declared, on_conflict="left")
        pinned = Values()
    else:
        tuned = _inherit(declared, tailored)
        pinned = Values({name: declared[name].default for name in new})
        carried = _carried(declared, tuned, pinned)
        if carried:
            tuned = constrain(tuned, *carried)
    names = [*tailored, *(name for name in declared if name not in tailored)]
    names += [
        name
        for name in {**declared.history, **tailored.history, **tuned.history}
        if name not in names
    ]
    provenance = {}
    for name in names:
        status = _status(name, tuned, declared, tailored, pinned)
        operations = (
            *declared.history.get(name, ()),
            *(tailored.history.get(name, ()) if name in tailored or name not in declared else ()),
            *(
                e
                for e in tuned.history.get(name, ())
                if e not in declared.history.get(name, ())
                and e not in tailored.history.get(name, ())
            ),
            _NOTES[status],
        )
        provenance[name] = Provenance(name, status, tuple(dict.fromkeys(operations)))
    return TrialSpace(
        tuned,
        pinned,
        declared,
        provenance,
        tailoring=tailored,
        tune_new_entries=tune_new_entries,
        allow_new_entries=allow_new_entries,
    )


_NOTES: dict[Status, str] = {
    "declared": "resolve(): tuned as declared",
    "tailored": "resolve(): the tailoring's declaration replaces the hypermodel's",
    "fixed": "resolve(): fixed, still part of the space",
    "pinned": "resolve(): not tuned (tune_new_entries=False); built with its default",
    "tailoring-only": "resolve(): only in the tailoring; the hypermodel never declares it",
    "inactive": "resolve(): tailored, but the pinned values leave it inactive",
    "removed": "resolve(): removed from the trial space",
}


def explain(trial_space: TrialSpace) -> str:
    """A table of what is tuned, pinned, fixed, tailored or removed, and by which operator.

    When the trial space has constraints, a ``constraints`` section follows the
    table, one constraint a line (the entries they mention say ``constrain()``
    in their "shaped by" column).

    Examples:
        >>> declared = Space([Int("units", min_value=32, max_value=128, step=32, default=64),
        ...                   Boolean("dropout")])
        >>> print(explain(resolve(declared, Space([Boolean("dropout")]),
        ...                       tune_new_entries=False)), end="")
        name     status    domain         shaped by
        dropout  tailored  True or False  resolve(): the tailoring's declaration replaces the \
hypermodel's
        units    pinned    64             resolve(): not tuned (tune_new_entries=False); \
built with its default
    """
    check_instance(
        "explain()", "trial_space", trial_space, TrialSpace, "a TrialSpace, such as resolve(space)"
    )
    rows = [("name", "status", "domain", "shaped by")]
    for name, origin in trial_space.provenance.items():
        if name in trial_space.tuned:
            domain = trial_space.tuned[name].describe()
        elif name in trial_space.pinned:
            domain = repr(trial_space.pinned[name])
        else:
            domain = "-"
        rows.append((name, origin.status, domain, "; ".join(origin.operations)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    table = "".join(
        f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip()
        + "\n"
        for row in rows
    )
    constraints = trial_space.tuned.constraints
    if not constraints:
        return table
    return table + "constraints\n" + "".join(f"  {text}\n" for text in constraints)
