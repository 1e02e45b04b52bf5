"""The state rules and the fold: a relation's events, judged and applied in valid-time order.

Everything here is pure: no store, no clock. The projection stores what ``fold_on`` answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar
from uuid import UUID

from events import DiplomaticStatus, EdtfDate, EventType, MembershipStatus

Status = DiplomaticStatus
T = EventType
K = TypeVar("K")


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
class Membership:
    status: MembershipStatus
    role: str | None
    event: Fact


NOTHING: Mapping[Any, Any] = MappingProxyType({})
"""The one empty mapping every state starts from; a change copies before it adds."""


def _nothing() -> Mapping[Any, Any]:
    return NOTHING


@dataclass(frozen=True, slots=True)
class State:
    """What holds in one relation; each entry keeps the event that put it there."""

    status: DiplomaticStatus = Status.NONE
    status_event: Fact | None = None
    recognitions: Mapping[tuple[str, str], Fact] = field(default_factory=_nothing)
    missions: Mapping[tuple[str, str, str], Fact] = field(default_factory=_nothing)
    agreements: Mapping[str, Fact] = field(default_factory=_nothing)
    memberships: Mapping[tuple[str, str], Membership] = field(default_factory=_nothing)


class RuleBroken(Exception):
    """An event whose state rule does not hold at its place in valid time."""

    def __init__(self, rule: str, event: Fact, state: State, blocking: Sequence[Fact]):
        self.rule = rule
        self.event = event
        self.state = state
        self.blocking = tuple(blocking)
        super().__init__(rule)


_DIPLOMATIC_FROM: dict[EventType, tuple[tuple[Status, ...], Status]] = {
    T.RELATIONS_ESTABLISHED: ((Status.NONE, Status.SEVERED), Status.ESTABLISHED),
    T.RELATIONS_SUSPENDED: ((Status.ESTABLISHED,), Status.SUSPENDED),
    T.RELATIONS_RESUMED: ((Status.SUSPENDED,), Status.ESTABLISHED),
    T.RELATIONS_SEVERED: ((Status.ESTABLISHED, Status.SUSPENDED), Status.SEVERED),
}


def _but(state: State, **changes: Any) -> State:
    """``dataclasses.replace`` for the one class the fold builds most (without its introspection)."""
    fields: dict[str, Any] = {
        "status": state.status,
        "status_event": state.status_event,
        "recognitions": state.recognitions,
        "missions": state.missions,
        "agreements": state.agreements,
        "memberships": state.memberships,
    }
    fields.update(changes)
    return State(**fields)


def in_valid_order(facts: Iterable[Fact]) -> list[Fact]:
    """Window start first, then record order: the stable order of the contract."""
    return sorted(facts, key=lambda fact: fact.sort_key)


def apply(state: State, fact: Fact, *, strict: bool) -> State:
    """The state after ``fact``; with ``strict`` a broken rule raises :class:`RuleBroken`."""
    handler = _HANDLERS[fact.type.facet.value]
    return handler(state, fact, strict)


def check(facts: Iterable[Fact]) -> State:
    """Judge every event in valid-time order; raise at the first that breaks its rule, else
    return the state after the last."""
    state = State()
    for fact in in_valid_order(facts):
        state = apply(state, fact, strict=True)
    return state


def fold_on(facts: Iterable[Fact], day: date) -> State:
    """The state at the end of ``day``: only events whose whole window has ended apply."""
    state = State()
    for fact in in_valid_order(f for f in facts if f.occurred.window.certain_on(day)):
        state = apply(state, fact, strict=False)
    return state


def pending_on(facts: Iterable[Fact], day: date) -> list[Fact]:
    """Events whose window contains ``day`` but runs past it."""
    return in_valid_order(f for f in facts if f.occurred.window.pending_on(day))


def _refuse(rule: str, state: State, fact: Fact, *blocking: Fact | None) -> None:
    raise RuleBroken(rule, fact, state, [b for b in blocking if b is not None])


def _diplomatic(state: State, fact: Fact, strict: bool) -> State:
    allowed, after = _DIPLOMATIC_FROM[fact.type]
    if strict and state.status not in allowed:
        wanted = " or ".join(s.value for s in allowed)
        _refuse(f"{fact.type.value} needs status {wanted}", state, fact, state.status_event)
    return _but(state, status=after, status_event=fact)


def _toggled(
    held: Mapping[K, Fact], key: K, fact: Fact, opening: bool, strict: bool, state: State, already: str, missing: str
) -> dict[K, Fact]:
    """Open or close one keyed fact (a recognition, a mission, an agreement)."""
    current = held.get(key)
    if strict and opening and current is not None:
        _refuse(already, state, fact, current)
    if strict and not opening and current is None:
        _refuse(missing, state, fact)
    updated = dict(held)
    if opening:
        updated[key] = fact
    else:
        updated.pop(key, None)
    return updated


def _recognition(state: State, fact: Fact, strict: bool) -> State:
    who, whom = fact.subject, fact.counterpart
    recognitions = _toggled(
        state.recognitions, (who, whom), fact, fact.type is T.RECOGNITION_GRANTED, strict, state,
        f"{who} already recognizes {whom}", f"{who} does not recognize {whom}",
    )
    return _but(state, recognitions=recognitions)


def _mission(state: State, fact: Fact, strict: bool) -> State:
    level = str(fact.attributes["level"])
    who, where = fact.subject, fact.counterpart
    missions = _toggled(
        state.missions, (who, where, level), fact, fact.type is T.MISSION_OPENED, strict, state,
        f"{who} already has a {level} in {where}", f"{who} has no {level} open in {where}",
    )
    return _but(state, missions=missions)


def _agreement(state: State, fact: Fact, strict: bool) -> State:
    key = str(fact.attributes["agreement"])
    agreements = _toggled(
        state.agreements, key, fact, fact.type is T.AGREEMENT_SIGNED, strict, state,
        f"agreement {key!r} is already in force", f"agreement {key!r} is not in force",
    )
    return _but(state, agreements=agreements)


_MEMBERSHIP_FROM: dict[EventType, tuple[tuple[MembershipStatus | None, ...], str]] = {
    T.MEMBERSHIP_JOINED: ((None,), "is already a member of"),
    T.MEMBERSHIP_SUSPENDED: ((MembershipStatus.MEMBER,), "is not a member in good standing of"),
    T.MEMBERSHIP_REINSTATED: ((MembershipStatus.SUSPENDED,), "is not suspended from"),
    T.MEMBERSHIP_LEFT: ((MembershipStatus.MEMBER, MembershipStatus.SUSPENDED), "is not a member of"),
}


def _membership(state: State, fact: Fact, strict: bool) -> State:
    key = (fact.subject, fact.counterpart)
    current = state.memberships.get(key)
    allowed, complaint = _MEMBERSHIP_FROM[fact.type]
    if strict and (current.status if current else None) not in allowed:
        _refuse(f"{fact.subject} {complaint} {fact.counterpart}", state, fact, current.event if current else None)
    memberships = dict(state.memberships)
    given = fact.attributes.get("role")
    role = None if given is None else str(given)
    if fact.type is T.MEMBERSHIP_LEFT:
        memberships.pop(key, None)
    elif fact.type is T.MEMBERSHIP_SUSPENDED:
        memberships[key] = Membership(MembershipStatus.SUSPENDED, current.role if current else None, fact)
    else:
        kept = current.role if current else None
        memberships[key] = Membership(MembershipStatus.MEMBER, role if role is not None else kept, fact)
    return _but(state, memberships=memberships)


def _note(state: State, fact: Fact, strict: bool) -> State:
    return state


_HANDLERS = {
    "diplomatic": _diplomatic,
    "recognition": _recognition,
    "mission": _mission,
    "agreement": _agreement,
    "membership": _membership,
    "note": _note,
}
