"""An event as the read model will show it, made from the entry a write just stored."""

from __future__ import annotations

from domain import FactRecorded
from events import parse_date
from projections.audit import timestamp
from projections.models import EventOut


def stored_event(event: FactRecorded, position: int) -> EventOut:
    """What ``GET /v1/events/{id}`` answers for a new event at ``position``, before it is projected."""
    window = parse_date(event.occurred).window
    return EventOut.model_validate(
        {
            "id": str(event.event_id),
            "position": position,
            "type": event.event_type,
            "subject": event.subject,
            "counterpart": event.counterpart,
            "occurred": event.occurred,
            "window": {"first": window.first, "last": window.last},
            "summary": event.summary,
            "attributes": event.attributes,
            "sources": event.sources,
            "recorded_at": timestamp(event.timestamp),
            "recorded_by": event.recorded_by,
            "retracted": None,
        }
    )
