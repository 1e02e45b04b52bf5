"""What the log stores: one class per kind of entry, named in the past tense of diplomacy.

The wire names of the contract (``relations.severed``) map to these classes in ``RECORDED``.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import DomainEvent

from events import EventType


class FactRecorded(DomainEvent):
    """A dated fact about a relation (the base of every relation event type)."""

    event_id: UUID
    subject: str
    counterpart: str
    occurred: str
    summary: str
    attributes: dict[str, Any]
    sources: list[dict[str, Any]]
    recorded_by: str

    event_type: ClassVar[EventType]


class RecognitionGranted(FactRecorded):
    event_type = EventType.RECOGNITION_GRANTED


class RecognitionWithdrawn(FactRecorded):
    event_type = EventType.RECOGNITION_WITHDRAWN


class RelationsEstablished(FactRecorded):
    event_type = EventType.RELATIONS_ESTABLISHED


class RelationsSuspended(FactRecorded):
    event_type = EventType.RELATIONS_SUSPENDED


class RelationsResumed(FactRecorded):
    event_type = EventType.RELATIONS_RESUMED


class RelationsSevered(FactRecorded):
    event_type = EventType.RELATIONS_SEVERED


class MissionOpened(FactRecorded):
    event_type = EventType.MISSION_OPENED


class MissionClosed(FactRecorded):
    event_type = EventType.MISSION_CLOSED


class AgreementSigned(FactRecorded):
    event_type = EventType.AGREEMENT_SIGNED


class AgreementTerminated(FactRecorded):
    event_type = EventType.AGREEMENT_TERMINATED


class MembershipJoined(FactRecorded):
    event_type = EventType.MEMBERSHIP_JOINED


class MembershipSuspended(FactRecorded):
    event_type = EventType.MEMBERSHIP_SUSPENDED


class MembershipReinstated(FactRecorded):
    event_type = EventType.MEMBERSHIP_REINSTATED


class MembershipLeft(FactRecorded):
    event_type = EventType.MEMBERSHIP_LEFT


class NoteRecorded(FactRecorded):
    event_type = EventType.NOTE_RECORDED


class EventRetracted(DomainEvent):
    """An earlier event withdrawn; with ``replaced_by``, the retraction half of a correction."""

    retraction_id: UUID
    event_id: UUID
    reason: str
    replaced_by: UUID | None
    recorded_by: str


class EntityRegistered(DomainEvent):
    """A party that can hold relations entered the registry."""

    code: str
    name: str
    kind: str
    aliases: list[str]
    recorded_by: str


RECORDED: dict[EventType, type[FactRecorded]] = {
    cls.event_type: cls
    for cls in (
        RecognitionGranted,
        RecognitionWithdrawn,
        RelationsEstablished,
        RelationsSuspended,
        RelationsResumed,
        RelationsSevered,
        MissionOpened,
        MissionClosed,
        AgreementSigned,
        AgreementTerminated,
        MembershipJoined,
        MembershipSuspended,
        MembershipReinstated,
        MembershipLeft,
        NoteRecorded,
    )
}
