"""What the read side answers with: states on a day, events as stored, timelines, changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from events import DiplomaticStatus, EntityKind, EventType, MembershipStatus, Source

Data = dict[str, Any]  # an answer as plain JSON-ready data, keyed and ordered as its model serialises


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class EntityRef(Out):
    code: str = Field(examples=["PAN"])
    name: str = Field(examples=["Panama"])
    began: str | None = Field(default=None, description="when it began, as recorded (null: nothing recorded)")
    ended: str | None = Field(default=None, description="when its latest spell ended (null: it lives, or nothing recorded)")
    predecessors: list[str] = Field(default_factory=list, description="the codes of what it came from")
    successors: list[str] = Field(default_factory=list, description="the codes of what it went into")


class EntityOut(EntityRef):
    kind: EntityKind
    aliases: list[str]
    position: int
    recorded_at: str
    recorded_by: str


class WindowOut(Out):
    first: date
    last: date


class RetractionOut(Out):
    id: str
    position: int
    reason: str
    replaced_by: str | None
    recorded_at: str
    recorded_by: str


class EventOut(Out):
    """An event as stored: the sent form plus its place in the log."""

    id: str
    position: int
    type: EventType
    subject: str
    counterpart: str | None = Field(description="null for an entity's own event (entity.began, entity.ended)")
    occurred: str = Field(examples=["2013-11-20"])
    window: WindowOut
    summary: str
    attributes: dict[str, Any]
    sources: list[Source]
    recorded_at: str
    recorded_by: str
    retracted: RetractionOut | None


class Diplomatic(Out):
    status: DiplomaticStatus = Field(description="unknown: nothing recorded tells; none: known not to hold")
    since: str | None
    event: str | None
    inferred: bool = Field(default=False, description="implied by a later event (no source dates its beginning)")


class RecognitionHeld(Out):
    recognizer: str
    recognized: str
    since: str | None
    event: str
    government: str | None = Field(default=None, description="the government recognized, where the source names one")
    inferred: bool = Field(default=False, description="implied by a later event (no source dates its beginning)")


class Recognition(Out):
    a_recognizes_b: bool | None = Field(description="null: nothing recorded; false: known not to")
    b_recognizes_a: bool | None
    held: list[RecognitionHeld]
    not_held: list[RecognitionHeld] = Field(
        default_factory=list, description="recognitions known not to hold: withdrawn, or not yet granted (inferred)"
    )


class Mission(Out):
    sender: str
    host: str
    level: str
    since: str | None
    event: str
    inferred: bool = Field(default=False, description="implied by a later event (no source dates its beginning)")


class Agreement(Out):
    agreement: str
    kind: str | None
    title: str | None
    since: str | None
    event: str
    inferred: bool = Field(default=False, description="implied by a later event (no source dates its beginning)")


class Membership(Out):
    member: str
    body: str
    status: MembershipStatus
    role: str | None
    since: str | None
    event: str
    inferred: bool = Field(default=False, description="implied by a later event (no source dates its beginning)")


class Pending(Out):
    id: str
    type: EventType
    occurred: str
    summary: str


class RelationState(Out):
    """One relation at the end of day ``on``, with every event its answer rests on."""

    a: EntityRef
    b: EntityRef
    on: date
    as_of_position: int
    version: int
    diplomatic: Diplomatic
    recognition: Recognition
    missions: list[Mission]
    agreements: list[Agreement]
    memberships: list[Membership]
    pending: list[Pending]
    events: list[EventOut] = Field(description="the events behind this answer, with their sources")


class EntityRelations(Out):
    entity: EntityRef
    on: date
    as_of_position: int
    relations: list[RelationState]


class Interval(Out):
    """One fact and the days it held: ``from`` inclusive, ``to`` exclusive (null: still holds)."""

    facet: str
    item: str
    status: str | None
    details: dict[str, Any]
    from_day: date = Field(serialization_alias="from")
    to_day: date | None = Field(serialization_alias="to")
    since: str | None = Field(description="the date of the event behind it; null where that event only implies it")
    event: str


class Timeline(Out):
    a: EntityRef
    b: EntityRef
    as_of_position: int
    version: int
    events: list[EventOut]
    intervals: list[Interval] = Field(description="the facts the page's events began, and the days each held")
    next: str | None = Field(default=None, description="the link to the following page, null on the last")


class EntityTimelines(Out):
    """The timeline of each relation of one entity with anything recorded, ``a`` the entity."""

    entity: EntityRef
    as_of_position: int
    timelines: list[Timeline] = Field(description="the relations the page's events are of, each with those events")
    next: str | None = Field(default=None, description="the link to the following page, null on the last")


class RelationChange(Out):
    """A relation touched between the two days: its whole state on each, and the events between."""

    a: EntityRef
    b: EntityRef
    before: RelationState
    after: RelationState
    events: list[str]


class Changes(Out):
    from_day: date = Field(serialization_alias="from", description="state compared at the end of this day")
    to_day: date = Field(serialization_alias="to")
    entity: EntityRef | None
    as_of_position: int
    events: list[EventOut] = Field(description="events that took effect after `from` and on or before `to`")
    relations: list[RelationChange] = Field(description="each relation the page's events touched")
    next: str | None = Field(default=None, description="the link to the following page, null on the last")


class EventPage(Out):
    events: list[EventOut]
    next: str | None = Field(description="the link to the following page, null at the end of the log")


class LogEntry(Out):
    """One entry of the log as the live stream sends it; ``kind`` says which part is filled."""

    position: int
    kind: str = Field(examples=["relations.suspended", "event.retracted", "entity.registered", "request.recorded"])
    recorded_at: str
    event: EventOut | None = Field(default=None, description="a relation event, or the event a retraction withdrew")
    entity: EntityOut | None = None


class AuditEntry(Out):
    """One entry of the raw log with its chain hash (see the contract's "The audit chain")."""

    position: int
    kind: str
    recorded_at: str
    recorded_by: str
    data: dict[str, Any]
    hash: str = Field(description="SHA-256 hex of the previous hash followed by this entry's canonical JSON")


class AuditPage(Out):
    entries: list[AuditEntry]
    next: str | None


class Digest(Out):
    """The head of the chain: keep it, and check the log against it later."""

    position: int
    hash: str
