"""What the log stores: one class per kind of entry, named in the past tense of diplomacy.

The wire names of the contract (``relations.severed``) map to these classes in ``RECORDED``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import DomainEvent

from events import EventType


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class RecognitionGranted(FactRecorded):
    event_type = EventType.RECOGNITION_GRANTED


@dataclass(frozen=True)
class RecognitionWithdrawn(FactRecorded):
    event_type = EventType.RECOGNITION_WITHDRAWN


@dataclass(frozen=True)
class RelationsEstablished(FactRecorded):
    event_type = EventType.RELATIONS_ESTABLISHED


@dataclass(frozen=True)
class RelationsSuspended(FactRecorded):
    event_type = EventType.RELATIONS_SUSPENDED


@dataclass(frozen=True)
class RelationsResumed(FactRecorded):
    event_type = EventType.RELATIONS_RESUMED


@dataclass(frozen=True)
class RelationsSevered(FactRecorded):
    event_type = EventType.RELATIONS_SEVERED


@dataclass(frozen=True)
class MissionOpened(FactRecorded):
    event_type = EventType.MISSION_OPENED


@dataclass(frozen=True)
class MissionClosed(FactRecorded):
    event_type = EventType.MISSION_CLOSED


@dataclass(frozen=True)
class MissionChanged(FactRecorded):
    """A mission's rank changed: ``attributes.from`` the level it had, ``attributes.level`` its new one."""

    event_type = EventType.MISSION_CHANGED


@dataclass(frozen=True)
class AgreementSigned(FactRecorded):
    event_type = EventType.AGREEMENT_SIGNED


@dataclass(frozen=True)
class AgreementTerminated(FactRecorded):
    event_type = EventType.AGREEMENT_TERMINATED


@dataclass(frozen=True)
class MembershipJoined(FactRecorded):
    event_type = EventType.MEMBERSHIP_JOINED


@dataclass(frozen=True)
class MembershipSuspended(FactRecorded):
    event_type = EventType.MEMBERSHIP_SUSPENDED


@dataclass(frozen=True)
class MembershipReinstated(FactRecorded):
    event_type = EventType.MEMBERSHIP_REINSTATED


@dataclass(frozen=True)
class MembershipLeft(FactRecorded):
    event_type = EventType.MEMBERSHIP_LEFT


@dataclass(frozen=True)
class NoteRecorded(FactRecorded):
    event_type = EventType.NOTE_RECORDED


@dataclass(frozen=True)
class EntityBegan(FactRecorded):
    """An entity began (``attributes.how``, ``attributes.from``); stored with the entity as both
    parties: it is the entity's own history."""

    event_type = EventType.ENTITY_BEGAN


@dataclass(frozen=True)
class EntityEnded(FactRecorded):
    """An entity ended (``attributes.how``, ``attributes.into``)."""

    event_type = EventType.ENTITY_ENDED


@dataclass(frozen=True)
class EventRetracted(DomainEvent):
    """An earlier event withdrawn; with ``replaced_by``, the retraction half of a correction."""

    retraction_id: UUID
    event_id: UUID
    reason: str
    replaced_by: UUID | None
    recorded_by: str


@dataclass(frozen=True)
class EntityRegistered(DomainEvent):
    """A party that can hold relations entered the registry."""

    code: str
    name: str
    kind: str
    aliases: list[str]
    recorded_by: str


@dataclass(frozen=True)
class AliasesAdded(DomainEvent):
    """More names an entity is known by (a registry met it again, under other names)."""

    code: str
    aliases: list[str]
    recorded_by: str


@dataclass(frozen=True)
class RequestRecorded(DomainEvent):
    """A write request with an idempotency key was served; a retry gets the same answer."""

    key: str
    fingerprint: str
    action: str
    results: list[str]
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
        MissionChanged,
        AgreementSigned,
        AgreementTerminated,
        MembershipJoined,
        MembershipSuspended,
        MembershipReinstated,
        MembershipLeft,
        NoteRecorded,
        EntityBegan,
        EntityEnded,
    )
}
