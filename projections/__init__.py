"""Read models kept from the log: states on any day, timelines, changes."""

from projections.audit import timestamp
from projections.models import (
    AuditEntry,
    AuditPage,
    Changes,
    Digest,
    EntityOut,
    EntityRef,
    EntityRelations,
    EntityTimelines,
    EventOut,
    EventPage,
    LogEntry,
    RelationState,
    Timeline,
)
from projections.paging import (
    BY_BEGINNING,
    BY_EFFECT,
    BY_RELATION,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    InvalidCursor,
    Key,
    Order,
    Paged,
)
from projections.projector import Busy, Projector
from projections.read_model import ReadModel
from projections.reading import MAX_POSITION, NOW, Behind
from projections.schema import create_tables

__all__ = [
    "BY_BEGINNING",
    "BY_EFFECT",
    "BY_RELATION",
    "Behind",
    "DEFAULT_LIMIT",
    "Busy",
    "AuditEntry",
    "AuditPage",
    "Digest",
    "MAX_POSITION",
    "NOW",
    "Changes",
    "EntityOut",
    "EntityRef",
    "EntityRelations",
    "EntityTimelines",
    "EventOut",
    "EventPage",
    "InvalidCursor",
    "Key",
    "MAX_LIMIT",
    "Order",
    "Paged",
    "LogEntry",
    "Projector",
    "ReadModel",
    "RelationState",
    "Timeline",
    "create_tables",
    "timestamp",
]
