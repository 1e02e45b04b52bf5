"""The event types: wire names, what each one touches, and the attributes it needs."""

from __future__ import annotations

from enum import StrEnum


class Facet(StrEnum):
    """The part of a relation an event type changes."""

    RECOGNITION = "recognition"
    DIPLOMATIC = "diplomatic"
    MISSION = "mission"
    AGREEMENT = "agreement"
    MEMBERSHIP = "membership"
    NOTE = "note"
    ENTITY = "entity"
    """An entity's own life: it began, it ended (no counterpart)."""


class EventType(StrEnum):
    RECOGNITION_GRANTED = "recognition.granted"
    RECOGNITION_WITHDRAWN = "recognition.withdrawn"
    RELATIONS_ESTABLISHED = "relations.established"
    RELATIONS_SUSPENDED = "relations.suspended"
    RELATIONS_RESUMED = "relations.resumed"
    RELATIONS_SEVERED = "relations.severed"
    MISSION_OPENED = "mission.opened"
    MISSION_CLOSED = "mission.closed"
    MISSION_CHANGED = "mission.changed"
    AGREEMENT_SIGNED = "agreement.signed"
    AGREEMENT_TERMINATED = "agreement.terminated"
    MEMBERSHIP_JOINED = "membership.joined"
    MEMBERSHIP_SUSPENDED = "membership.suspended"
    MEMBERSHIP_REINSTATED = "membership.reinstated"
    MEMBERSHIP_LEFT = "membership.left"
    NOTE_RECORDED = "note.recorded"
    ENTITY_BEGAN = "entity.began"
    ENTITY_ENDED = "entity.ended"

    @property
    def facet(self) -> Facet:
        return _FACETS[self]

    @property
    def directed(self) -> bool:
        """Whether subject and counterpart play different parts (who did what to whom)."""
        return self.facet in (Facet.RECOGNITION, Facet.MISSION, Facet.MEMBERSHIP)

    @property
    def required_attributes(self) -> tuple[str, ...]:
        return REQUIRED_ATTRIBUTES.get(self, ())


_FACET_PREFIX = {
    "recognition": "recognition",
    "relations": "diplomatic",
    "mission": "mission",
    "agreement": "agreement",
    "membership": "membership",
    "note": "note",
    "entity": "entity",
}

_FACETS: dict[EventType, Facet] = {kind: Facet(_FACET_PREFIX[kind.value.split(".")[0]]) for kind in EventType}

REQUIRED_ATTRIBUTES: dict[EventType, tuple[str, ...]] = {
    EventType.MISSION_OPENED: ("level",),
    EventType.MISSION_CLOSED: ("level",),
    EventType.MISSION_CHANGED: ("from", "level"),
    EventType.AGREEMENT_SIGNED: ("agreement", "kind"),
    EventType.AGREEMENT_TERMINATED: ("agreement",),
}


class DiplomaticStatus(StrEnum):
    """``unknown``: nothing recorded tells; ``none``: known not to hold (before a recorded first
    establishment); ``ended``: a party had ended, and the relation records no status after."""

    UNKNOWN = "unknown"
    NONE = "none"
    ENDED = "ended"
    ESTABLISHED = "established"
    SUSPENDED = "suspended"
    SEVERED = "severed"


class MembershipStatus(StrEnum):
    MEMBER = "member"
    SUSPENDED = "suspended"


class EntityKind(StrEnum):
    STATE = "state"
    ORGANIZATION = "organization"
    INITIATIVE = "initiative"
    OTHER = "other"
