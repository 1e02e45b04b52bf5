"""Entities in time: the spells an entity lived, from its own events (``entity.began``,
``entity.ended``), and whether a relation event falls inside its parties' lives.

An entity with no beginning recorded lived since before anything recorded; one with no end
recorded lives still. An entity may end and begin again (a restoration): each spell counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.history import Fact, in_valid_order
from events import EventType, Facet

T = EventType
CLOSINGS = frozenset({T.MISSION_CLOSED, T.AGREEMENT_TERMINATED, T.MEMBERSHIP_LEFT, T.RECOGNITION_WITHDRAWN})
"""Events that only end a fact: they may record, after a party's end, what its end brought."""


@dataclass(frozen=True, slots=True)
class Spell:
    """One stretch of an entity's life: begun by ``began`` (None: before anything recorded) and
    ended by ``ended`` (None: it lives still)."""

    began: Fact | None
    ended: Fact | None

    def holds(self, fact: Fact) -> bool:
        """Whether ``fact``'s window may fall inside this spell (its window overlaps it)."""
        window = fact.occurred.window
        if self.began is not None and window.last < self.began.occurred.window.first:
            return False
        return self.ended is None or window.first <= self.ended.occurred.window.last


def spells(own: Iterable[Fact]) -> list[Spell]:
    """An entity's spells from its own events, in valid-time order."""
    found: list[Spell] = []
    began: Fact | None = None
    open_ = False
    for fact in in_valid_order(f for f in own if f.type.facet is Facet.ENTITY):
        if fact.type is T.ENTITY_BEGAN:
            if open_:
                found.append(Spell(began, None))  # begun again with no end between: the later counts
            began, open_ = fact, True
        else:
            found.append(Spell(began if open_ else None, fact))
            began, open_ = None, False
    if open_ or not found:
        found.append(Spell(began, None))
    return found


def outside(fact: Fact, code: str, lived: Sequence[Spell], relation: Iterable[Fact]) -> tuple[str, Fact] | None:
    """Why ``fact`` falls outside the life of its party ``code``, and the event that dates it; None
    when it falls inside. After an end, a relation's recorded history goes on when the fact is a
    status event or the relation records one dated after that end (the United States kept
    relations with Bavaria after 1871); and what held may be closed after it (a mission closed
    the day after its host ended), for nothing begins in a closing."""
    if any(spell.holds(fact) for spell in lived):
        return None
    window = fact.occurred.window
    first = lived[0].began
    if first is not None and window.last < first.occurred.window.first:
        return f"{code} began on {first.occurred.text}; this event is dated before", first
    end = max((s.ended for s in lived if s.ended is not None and s.ended.occurred.window.last < window.first),
              key=lambda ended: ended.sort_key)
    after = end.occurred.window.last
    if fact.type in CLOSINGS or fact.type.facet is Facet.DIPLOMATIC or any(
        f.type.facet is Facet.DIPLOMATIC and f.occurred.window.first > after for f in relation
    ):
        return None
    return (
        f"{code} ended on {end.occurred.text} and the relation records no status after; this event is dated after",
        end,
    )
