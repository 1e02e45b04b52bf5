"""The state rules and the fold: a relation's events, judged and applied in valid-time order.

The world is open: a relation's record holds what its sources say and no more. Of a fact nothing
is recorded about, the state says nothing (``unknown``). The first event recorded of a fact says
what held before it: an establishment, that relations did not hold (``none``); a severance, a
closing or a withdrawal, that they did, or that the mission was open (inferred: no source dates
its beginning). An event that contradicts what recorded events say is refused.

Everything here is pure: no store, no clock. The projection stores what ``fold_on`` answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar
from uuid import UUID

from events import DiplomaticStatus, EdtfDate, EventType, Facet, MembershipStatus

Status = DiplomaticStatus
T = EventType
K = TypeVar("K")

DAWN = date(1, 1, 1)
"""The first day: what the first event of a fact implies held before it, held from here."""


@dataclass(frozen=True, slots=True)
class Fact:
    """A recorded, unretracted event of one relation, as the rules see it."""

    id: UUID
    type: EventType
    subject: str
    counterpart: str
    occurred: EdtfDate
    attributes: Mapping[str, Any]
    seq: int
    """Record order within the relation: ties on the same start day go to the earlier record."""

    @property
    def sort_key(self) -> tuple[date, int]:
        return (self.occurred.window.first, self.seq)


@dataclass(frozen=True, slots=True)
class Entry:
    """What is recorded of one keyed fact (a recognition, a mission, an agreement): whether it
    holds, and the event that says so, or implies it."""

    holds: bool
    event: Fact


@dataclass(frozen=True, slots=True)
class Membership:
    status: MembershipStatus | None
    """None: known not to be a member (before a recorded joining, after leaving)."""
    role: str | None
    event: Fact


NOTHING: Mapping[Any, Any] = MappingProxyType({})
"""The one empty mapping every state starts from; a change copies before it adds."""


def _nothing() -> Mapping[Any, Any]:
    return NOTHING


@dataclass(frozen=True, slots=True)
class State:
    """What is recorded of one relation; each entry keeps the event that put it there. A fact with
    no entry is unknown; an entry that does not hold is known not to."""

    status: DiplomaticStatus = Status.UNKNOWN
    status_event: Fact | None = None
    recognitions: Mapping[tuple[str, str], Entry] = field(default_factory=_nothing)
    missions: Mapping[tuple[str, str, str], Entry] = field(default_factory=_nothing)
    agreements: Mapping[str, Entry] = field(default_factory=_nothing)
    memberships: Mapping[tuple[str, str], Membership] = field(default_factory=_nothing)
    life: Entry | None = None
    """Of an entity's own history: whether it lives (None: nothing recorded)."""


class RuleBroken(Exception):
    """An event whose state rule does not hold at its place in valid time."""

    def __init__(self, rule: str, event: Fact, state: State, blocking: Sequence[Fact]):
        self.rule = rule
        self.event = event
        self.state = state
        self.blocking = tuple(blocking)
        super().__init__(rule)


class Rule(NamedTuple):
    """What an event type needs before it, what it leaves, and what it implies held before it when
    it is the first event recorded of its fact."""

    needs: tuple[Any, ...]
    leaves: Any
    implies: Any


_DIPLOMATIC: dict[EventType, Rule] = {
    T.RELATIONS_ESTABLISHED: Rule((Status.NONE, Status.SEVERED), Status.ESTABLISHED, Status.NONE),
    T.RELATIONS_SUSPENDED: Rule((Status.ESTABLISHED,), Status.SUSPENDED, Status.ESTABLISHED),
    T.RELATIONS_RESUMED: Rule((Status.SUSPENDED,), Status.ESTABLISHED, Status.SUSPENDED),
    T.RELATIONS_SEVERED: Rule((Status.ESTABLISHED, Status.SUSPENDED), Status.SEVERED, Status.ESTABLISHED),
}
_MEMBERSHIP: dict[EventType, Rule] = {
    T.MEMBERSHIP_JOINED: Rule((None,), MembershipStatus.MEMBER, None),
    T.MEMBERSHIP_SUSPENDED: Rule((MembershipStatus.MEMBER,), MembershipStatus.SUSPENDED, MembershipStatus.MEMBER),
    T.MEMBERSHIP_REINSTATED: Rule((MembershipStatus.SUSPENDED,), MembershipStatus.MEMBER, MembershipStatus.SUSPENDED),
    T.MEMBERSHIP_LEFT: Rule((MembershipStatus.MEMBER, MembershipStatus.SUSPENDED), None, MembershipStatus.MEMBER),
}
_OPENING = frozenset({T.RECOGNITION_GRANTED, T.MISSION_OPENED, T.AGREEMENT_SIGNED})


def _but(state: State, **changes: Any) -> State:
    """``dataclasses.replace`` for the one class the fold builds most (without its introspection)."""
    fields: dict[str, Any] = {
        "status": state.status,
        "status_event": state.status_event,
        "recognitions": state.recognitions,
        "missions": state.missions,
        "agreements": state.agreements,
        "memberships": state.memberships,
        "life": state.life,
    }
    fields.update(changes)
    return State(**fields)


def in_valid_order(facts: Iterable[Fact]) -> list[Fact]:
    """Window start first, then record order: the stable order of the contract."""
    return sorted(facts, key=lambda fact: fact.sort_key)


def apply(state: State, fact: Fact, *, strict: bool) -> State:
    """The state after ``fact``; with ``strict`` a broken rule raises :class:`RuleBroken`. A fact
    with nothing recorded before it is taken as it comes: what it needs is inferred."""
    handler = _HANDLERS[fact.type.facet.value]
    return handler(state, fact, strict)


def prior(ordered: Sequence[Fact]) -> State:
    """What held before anything was recorded, as each fact's first event (of ``ordered``, in
    valid-time order) implies it: an establishment, that relations did not hold; a severance, that
    they did; a closing, that the mission was open; a grant, that there was no recognition."""
    status, status_event = Status.UNKNOWN, None
    recognitions: dict[tuple[str, str], Entry] = {}
    missions: dict[tuple[str, str, str], Entry] = {}
    agreements: dict[str, Entry] = {}
    memberships: dict[tuple[str, str], Membership] = {}
    life: Entry | None = None
    for fact in ordered:
        facet = fact.type.facet
        if facet is Facet.DIPLOMATIC and status_event is None:
            status, status_event = _DIPLOMATIC[fact.type].implies, fact
        elif facet is Facet.RECOGNITION:
            recognitions.setdefault((fact.subject, fact.counterpart), Entry(fact.type not in _OPENING, fact))
        elif facet is Facet.MISSION:
            for key, opening in mission_keys(fact):
                missions.setdefault(key, Entry(not opening, fact))
        elif facet is Facet.AGREEMENT:
            agreements.setdefault(str(fact.attributes["agreement"]), Entry(fact.type not in _OPENING, fact))
        elif facet is Facet.MEMBERSHIP:
            memberships.setdefault((fact.subject, fact.counterpart), Membership(_MEMBERSHIP[fact.type].implies, None, fact))
        elif facet is Facet.ENTITY and life is None:
            life = Entry(fact.type is T.ENTITY_ENDED, fact)  # an end says it lived before; a beginning, not
    return State(status, status_event, recognitions, missions, agreements, memberships, life)


def check(facts: Iterable[Fact]) -> State:
    """Judge every event in valid-time order; raise at the first that breaks its rule, else
    return the state after the last."""
    ordered = in_valid_order(facts)
    state = prior(ordered)
    for fact in ordered:
        state = apply(state, fact, strict=True)
    return state


def fold_on(facts: Iterable[Fact], day: date) -> State:
    """The state at the end of ``day``: only events whose whole window has ended apply, over what
    the first event of each fact implies held before it."""
    ordered = in_valid_order(facts)
    state = prior(ordered)
    for fact in ordered:
        if fact.occurred.window.certain_on(day):
            state = apply(state, fact, strict=False)
    return state


def pending_on(facts: Iterable[Fact], day: date) -> list[Fact]:
    """Events whose window contains ``day`` but runs past it."""
    return in_valid_order(f for f in facts if f.occurred.window.pending_on(day))


def first_of_its_fact(state: State, fact: Fact) -> bool:
    """Whether ``state`` records nothing of what ``fact`` changes: it is the first event of it."""
    facet = fact.type.facet
    if facet is Facet.DIPLOMATIC:
        return state.status_event is None
    if facet is Facet.RECOGNITION:
        return (fact.subject, fact.counterpart) not in state.recognitions
    if facet is Facet.MISSION:
        return any(key not in state.missions for key, _ in mission_keys(fact))
    if facet is Facet.AGREEMENT:
        return str(fact.attributes["agreement"]) not in state.agreements
    if facet is Facet.MEMBERSHIP:
        return (fact.subject, fact.counterpart) not in state.memberships
    if facet is Facet.ENTITY:
        return state.life is None
    return False


# What each entry says, and whether its event says it or only implies it.


def status_inferred(state: State) -> bool:
    """Whether the status is what its event implies held before it, not what it made."""
    return state.status_event is not None and state.status is not _DIPLOMATIC[state.status_event.type].leaves


def entry_inferred(entry: Entry, key: Any) -> bool:
    """Whether an entry is what its event implies held before it, not what it made."""
    fact = entry.event
    if fact.type.facet is Facet.MISSION:
        return entry.holds is not dict(mission_keys(fact))[key]
    return entry.holds is not (fact.type in _OPENING or fact.type is T.ENTITY_BEGAN)


def membership_inferred(membership: Membership) -> bool:
    return membership.status is not _MEMBERSHIP[membership.event.type].leaves


def government(fact: Fact) -> str | None:
    """The government a recognition names, if any."""
    named = fact.attributes.get("government")
    return None if named is None else str(named)


def mission_keys(fact: Fact) -> list[tuple[tuple[str, str, str], bool]]:
    """The missions a mission event touches, each with whether it opens it: a change of rank
    closes the mission at its old level and opens it at its new one."""
    who, where, level = fact.subject, fact.counterpart, str(fact.attributes["level"])
    if fact.type is T.MISSION_CHANGED:
        return [((who, where, str(fact.attributes["from"])), False), ((who, where, level), True)]
    return [((who, where, level), fact.type is T.MISSION_OPENED)]


def _refuse(rule: str, state: State, fact: Fact, *blocking: Fact | None) -> None:
    raise RuleBroken(rule, fact, state, [b for b in blocking if b is not None])


def _diplomatic(state: State, fact: Fact, strict: bool) -> State:
    rule = _DIPLOMATIC[fact.type]
    if strict and state.status is not Status.UNKNOWN and state.status not in rule.needs:
        wanted = " or ".join(s.value for s in rule.needs)
        _refuse(f"{fact.type.value} needs status {wanted}", state, fact, state.status_event)
    return _but(state, status=rule.leaves, status_event=fact)


def _keyed(
    held: Mapping[K, Entry], key: K, fact: Fact, opening: bool, strict: bool, state: State, already: str, missing: str
) -> dict[K, Entry]:
    """Open or close one keyed fact (a recognition, a mission, an agreement); closing one of which
    nothing is recorded is taken as it comes (it was open before, inferred)."""
    current = held.get(key)
    if strict and current is not None and current.holds is opening:
        _refuse(already if opening else missing, state, fact, current.event)
    updated = dict(held)
    updated[key] = Entry(opening, fact)
    return updated


def _recognition(state: State, fact: Fact, strict: bool) -> State:
    who, whom = fact.subject, fact.counterpart
    granting = fact.type is T.RECOGNITION_GRANTED
    current = state.recognitions.get((who, whom))
    named = government(fact)
    if granting and current is not None and current.holds and named is not None and named != government(current.event):
        # A new government of a state already recognized: not a duplicate.
        return _but(state, recognitions={**state.recognitions, (who, whom): Entry(True, fact)})
    recognitions = _keyed(
        state.recognitions, (who, whom), fact, granting, strict, state,
        f"{who} already recognizes {whom}" + (f" ({named})" if named else ""), f"{who} does not recognize {whom}",
    )
    return _but(state, recognitions=recognitions)


def _mission(state: State, fact: Fact, strict: bool) -> State:
    missions: Mapping[tuple[str, str, str], Entry] = state.missions
    for (who, where, level), opening in mission_keys(fact):
        missions = _keyed(
            missions, (who, where, level), fact, opening, strict, state,
            f"{who} already has a {level} in {where}", f"{who} has no {level} open in {where}",
        )
    return _but(state, missions=missions)


def _agreement(state: State, fact: Fact, strict: bool) -> State:
    key = str(fact.attributes["agreement"])
    agreements = _keyed(
        state.agreements, key, fact, fact.type is T.AGREEMENT_SIGNED, strict, state,
        f"agreement {key!r} is already in force", f"agreement {key!r} is not in force",
    )
    return _but(state, agreements=agreements)


_MEMBERSHIP_COMPLAINT = {
    T.MEMBERSHIP_JOINED: "is already a member of",
    T.MEMBERSHIP_SUSPENDED: "is not a member in good standing of",
    T.MEMBERSHIP_REINSTATED: "is not suspended from",
    T.MEMBERSHIP_LEFT: "is not a member of",
}


def _membership(state: State, fact: Fact, strict: bool) -> State:
    key = (fact.subject, fact.counterpart)
    current = state.memberships.get(key)
    rule = _MEMBERSHIP[fact.type]
    if strict and current is not None and current.status not in rule.needs:
        _refuse(f"{fact.subject} {_MEMBERSHIP_COMPLAINT[fact.type]} {fact.counterpart}", state, fact, current.event)
    given = fact.attributes.get("role")
    kept = current.role if current is not None else None
    role = None if rule.leaves is None else (str(given) if given is not None else kept)
    return _but(state, memberships={**state.memberships, key: Membership(rule.leaves, role, fact)})


def _note(state: State, fact: Fact, strict: bool) -> State:
    return state


def _entity(state: State, fact: Fact, strict: bool) -> State:
    """An entity begins, or ends; it may begin again after an end (a restoration)."""
    beginning = fact.type is T.ENTITY_BEGAN
    if strict and state.life is not None and state.life.holds is beginning:
        said = "already exists" if beginning else "had already ended"
        _refuse(f"{fact.subject} {said}", state, fact, state.life.event)
    return _but(state, life=Entry(beginning, fact))


_HANDLERS = {
    "diplomatic": _diplomatic,
    "recognition": _recognition,
    "mission": _mission,
    "agreement": _agreement,
    "membership": _membership,
    "note": _note,
    "entity": _entity,
}
