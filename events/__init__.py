"""The vocabulary of Chancery: event types, EDTF dates and the values clients send."""

from events.dates import (
    EdtfDate,
    InvalidDate,
    Precision,
    Window,
    change_edge,
    parse_date,
    parse_day,
    parse_moment,
    recorded_date,
)
from events.models import CODE_PATTERN, EntityIn, EventIn, Prose, Source, is_code
from events.vocabulary import (
    DiplomaticStatus,
    EntityKind,
    EventType,
    Facet,
    MembershipStatus,
)

__all__ = [
    "CODE_PATTERN",
    "DiplomaticStatus",
    "EdtfDate",
    "EntityIn",
    "EntityKind",
    "EventIn",
    "EventType",
    "Facet",
    "InvalidDate",
    "MembershipStatus",
    "Precision",
    "Prose",
    "Source",
    "Window",
    "change_edge",
    "is_code",
    "parse_date",
    "parse_day",
    "parse_moment",
    "recorded_date",
]
