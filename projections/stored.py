"""An event as the read model will show it, made from the entry a write just stored."""

from __future__ import annotations

from typing import Any

from domain import FactRecorded
from events import parse_date
from projections.audit import timestamp
from projections.models import EventOut


def stored_data(event: FactRecorded, position: int) -> dict[str, Any]:
    """What ``GET /v1/events/{id}`` answers for a new event at ``position``, before it is projected,
    as JSON values: every one was validated when the event was sent."""
    window = parse_date(event.occurred).window
    return {
        "id": str(event.event_id),
        "position": position,
        "type": event.event_type.value,
        "subject": event.subject,
        "counterpart": event.counterpart,
        "occurred": event.occurred,
        "window": {"first": window.first.isoformat(), "last": window.last.isoformat()},
        "summary": event.summary,
        "attributes": event.attributes,
        "sources": event.sources,
        "recorded_at": timestamp(event.timestamp),
        "recorded_by": event.recorded_by,
        "retracted": None,
    }


def stored_event(event: FactRecorded, position: int) -> EventOut:
    return EventOut.model_validate(stored_data(event, position))
