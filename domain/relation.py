"""One aggregate per relation: the unordered pair, all its events, judged before they are kept."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from sys import intern
from types import MappingProxyType
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from domain import history
from domain.errors import AlreadyRetracted, EventNotFound, StateRuleViolated
from domain.history import Fact, RuleBroken, State
from domain.lives import Spell, outside
from domain.records import RECORDED, EventRetracted, FactRecorded
from events import EventIn, EventType, recorded_date

NAMESPACE = UUID("5d0c4b8e-7f3a-4c41-9d55-6a1b2f0e8c21")


def relation_key(a: str, b: str) -> str:
    """``CHN/PAN`` for both ``PAN/CHN`` and ``CHN/PAN``."""
    return "/".join(sorted((a, b)))


@lru_cache(maxsize=1 << 18)
def relation_id(a: str, b: str) -> UUID:
    return uuid5(NAMESPACE, "relation:" + relation_key(a, b))


_NO_ATTRIBUTES: Mapping[str, Any] = MappingProxyType({})


def to_fact(event: FactRecorded) -> Fact:
    """The event as the rules see it; the codes and dates it shares with others are kept once."""
    return Fact(
        id=event.event_id,
        type=event.event_type,
        subject=intern(event.subject),
        counterpart=intern(event.counterpart),
        occurred=recorded_date(event.occurred),
        attributes=event.attributes or _NO_ATTRIBUTES,
        seq=event.originator_version,
    )


@dataclass(slots=True)
class Relation:
    """Everything recorded about one pair; ``version`` counts its stored events.

    It keeps each recorded event as the rules see it (a :class:`Fact`), and the state after all
    of them in valid-time order, so an event dated after every other one is judged against that
    state alone; any other is judged with the whole history.
    """

    id: UUID
    a: str
    b: str
    version: int = 0
    recorded: dict[UUID, Fact] = field(default_factory=dict)
    retractions: dict[UUID, UUID] = field(default_factory=dict)
    """The retracted event's id, and the id of the retraction that withdrew it."""
    _new: list[DomainEvent] = field(default_factory=list)
    _state: State | None = field(default_factory=State)
    _last: tuple[date, int] | None = None

    @classmethod
    def start(cls, a: str, b: str) -> Relation:
        first, second = sorted((a, b))
        return cls(id=relation_id(a, b), a=first, b=second)

    @property
    def key(self) -> str:
        return f"{self.a}/{self.b}"

    def facts(self) -> list[Fact]:
        return [f for i, f in self.recorded.items() if i not in self.retractions]

    def state(self) -> State:
        """The state after every unretracted event, in valid-time order."""
        if self._state is None:
            ordered = history.in_valid_order(self.facts())
            state = State()
            for fact in ordered:
                state = history.apply(state, fact, strict=False)
            self._state, self._last = state, (ordered[-1].sort_key if ordered else None)
        return self._state

    def record(
        self, spec: EventIn, subject: str, counterpart: str, event_id: UUID, by: str,
        lives: Mapping[str, Sequence[Spell]] | None = None,
    ) -> FactRecorded:
        """Judge the new event against its parties' ``lives`` and the whole history, then keep it."""
        event = RECORDED[spec.type](
            originator_id=self.id,
            originator_version=self.version + 1,
            timestamp=DomainEvent.create_timestamp(),
            event_id=event_id,
            subject=subject,
            counterpart=counterpart,
            occurred=spec.occurred,
            summary=spec.summary,
            attributes=dict(spec.attributes),
            sources=[s.model_dump() for s in spec.sources],
            recorded_by=by,
        )
        fact = to_fact(event)
        for code, lived in (lives or {}).items():
            found = outside(fact, code, lived, self.facts())
            if found is not None:
                reason, dating = found
                detail = f"{fact.type.value} ({fact.occurred.text}) is refused: {reason}"
                conflicting = [_cite(fact), _cite(dating)]
                raise StateRuleViolated(
                    detail, rule=reason, on=fact.occurred.text, conflicting=conflicting, state=describe(self.state())
                )
        if self._state is not None and (self._last is None or fact.sort_key > self._last):
            try:
                after = history.apply(self._state, fact, strict=True)
            except RuleBroken as broken:
                raise self._violation(broken, fact, "recording") from None
            self._keep(event, fact, after, fact.sort_key)
        else:
            facts = [*self.facts(), fact]
            self._keep(event, fact, self._judge(facts, fact, "recording"), max(f.sort_key for f in facts))
        return event

    def retract(
        self,
        event_id: UUID,
        retraction_id: UUID,
        reason: str,
        by: str,
        replaced_by: UUID | None = None,
        *,
        judge: bool = True,
    ) -> EventRetracted:
        """Withdraw an event; the rest of the history must still hold without it.

        A correction passes ``judge=False`` and judges once its replacement is recorded.
        """
        if event_id not in self.recorded:
            raise EventNotFound(event_id)
        if event_id in self.retractions:
            raise AlreadyRetracted(f"event {event_id} was already retracted by {self.retractions[event_id]}")
        if judge:
            remaining = [f for f in self.facts() if f.id != event_id]
            self._judge(remaining, self.recorded[event_id], "retracting")
        retraction = EventRetracted(
            originator_id=self.id,
            originator_version=self.version + 1,
            timestamp=DomainEvent.create_timestamp(),
            retraction_id=retraction_id,
            event_id=event_id,
            reason=reason,
            replaced_by=replaced_by,
            recorded_by=by,
        )
        self.mutate(retraction)
        return retraction

    def judge_without(self, event_id: UUID) -> None:
        """Check that the history holds now that ``event_id`` is withdrawn."""
        self._judge(self.facts(), self.recorded[event_id], "retracting")

    def mutate(self, event: DomainEvent) -> None:
        if isinstance(event, FactRecorded):
            fact = to_fact(event)
            if self._state is not None and (self._last is None or fact.sort_key > self._last):
                self._keep(event, fact, history.apply(self._state, fact, strict=False), fact.sort_key)
                return
            self.recorded[event.event_id] = fact
            self._state = None
        elif isinstance(event, EventRetracted):
            self.retractions[event.event_id] = event.retraction_id
            self._state = None
        self.version = event.originator_version
        self._new.append(event)

    def _keep(self, event: FactRecorded, fact: Fact, after: State, last: tuple[date, int]) -> None:
        """Keep an event, the state after the whole history with it, and where that history ends."""
        self.recorded[event.event_id] = fact
        self._state, self._last = after, last
        self.version = event.originator_version
        self._new.append(event)

    def collect_events(self) -> list[DomainEvent]:
        new, self._new = self._new, []
        return new

    def _judge(self, facts: list[Fact], changed: Fact, doing: str) -> State:
        try:
            return history.check(facts)
        except RuleBroken as broken:
            raise self._violation(broken, changed, doing) from None

    def _violation(self, broken: RuleBroken, changed: Fact, doing: str) -> StateRuleViolated:
        on = broken.event.occurred.text
        state = describe(broken.state)
        where = f"on {on} the relation {self.key} has {_summarise(state)}"
        if broken.event.id == changed.id and doing == "recording":
            detail = f"{changed.type.value} ({changed.occurred.text}) is refused: {broken.rule}; {where}"
        else:
            detail = (
                f"{doing} {changed.type.value} ({changed.occurred.text}, {changed.id}) would make the "
                f"recorded event {broken.event.type.value} ({on}, {broken.event.id}) impossible: "
                f"{broken.rule}; {where}"
            )
        cited = [changed, broken.event, *broken.blocking]
        conflicting = [_cite(f) for f in {f.id: f for f in cited}.values()]
        return StateRuleViolated(detail, rule=broken.rule, on=on, conflicting=conflicting, state=state)


def restored(events: Sequence[DomainEvent]) -> Relation:
    """A relation from all its stored events, in order; its state is folded when first needed."""
    first = events[0]
    assert isinstance(first, FactRecorded)
    relation = Relation.start(first.subject, first.counterpart)
    for event in events:
        if isinstance(event, FactRecorded):
            relation.recorded[event.event_id] = to_fact(event)
        elif isinstance(event, EventRetracted):
            relation.retractions[event.event_id] = event.retraction_id
    relation.version = events[-1].originator_version
    relation._state = None
    return relation


_RECORDED_TOPICS: dict[str, EventType] = {get_topic(cls): kind for kind, cls in RECORDED.items()}
_RETRACTED_TOPIC = get_topic(EventRetracted)


def restored_from_json(entries: Sequence[tuple[int, str, Mapping[str, Any]]]) -> Relation:
    """A relation from its stored entries (version, topic, the entry's JSON object), in order.

    The same relation as :func:`restored` gives, without building each stored event first: only
    what the rules need is read. An entry of another shape raises ``KeyError`` or ``TypeError``.
    """
    relation: Relation | None = None
    for version, topic, entry in entries:
        kind = _RECORDED_TOPICS.get(topic)
        if kind is not None:
            fact = Fact(
                id=UUID(hex=entry["event_id"]["_data_"]),
                type=kind,
                subject=intern(entry["subject"]),
                counterpart=intern(entry["counterpart"]),
                occurred=recorded_date(entry["occurred"]),
                attributes=entry["attributes"] or _NO_ATTRIBUTES,
                seq=version,
            )
            if relation is None:
                relation = Relation.start(fact.subject, fact.counterpart)
            relation.recorded[fact.id] = fact
        elif topic == _RETRACTED_TOPIC and relation is not None:
            relation.retractions[UUID(hex=entry["event_id"]["_data_"])] = UUID(hex=entry["retraction_id"]["_data_"])
        else:
            raise KeyError(topic)
    if relation is None:
        raise KeyError("no entries")
    relation.version = entries[-1][0]
    relation._state = None
    return relation


def project(relation: Relation | None, events: Iterable[DomainEvent]) -> Relation | None:
    """Rebuild a relation from its stored events (the repository's projector)."""
    for event in events:
        if relation is None:
            assert isinstance(event, FactRecorded)
            relation = Relation.start(event.subject, event.counterpart)
        relation.mutate(event)
    if relation is not None:
        relation.collect_events()
    return relation


def describe(state: State) -> dict[str, Any]:
    """A plain account of a state, for messages that must say what held on a date."""
    return {
        "diplomatic": state.status.value,
        "recognitions": [f"{a} recognizes {b}" for (a, b), entry in state.recognitions.items() if entry.holds],
        "missions": [f"{s} {level} in {h}" for (s, h, level), entry in state.missions.items() if entry.holds],
        "agreements": sorted(key for key, entry in state.agreements.items() if entry.holds),
        "memberships": [
            f"{m} {ms.status.value} of {b}" for (m, b), ms in state.memberships.items() if ms.status is not None
        ],
    }


def _summarise(state: dict[str, Any]) -> str:
    parts = [f"diplomatic status {state['diplomatic']}"]
    for name in ("recognitions", "missions", "agreements", "memberships"):
        if state[name]:
            parts.append(f"{name}: {', '.join(state[name])}")
    return "; ".join(parts)


def _cite(fact: Fact) -> dict[str, Any]:
    return {"id": str(fact.id), "type": fact.type.value, "occurred": fact.occurred.text}
