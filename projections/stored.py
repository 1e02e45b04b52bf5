"""An event as the read model will show it, made from the entry a write just stored."""

from __future__ import annotations

from typing import Any

from domain import FactRecorded
from events import parse_date
from projections.audit import timestamp
from projections.models import EventOut
from projections.rows import shown


def stored_data(event: FactRecorded, position: int) -> dict[str, Any]:
    """What ``GET /v1/events/{id}`` answers for a new event at ``position``, before it is projected,
    as JSON values: every one was validated when the event was sent."""
    window = parse_date(event.occurred).window
    return shown(
        str(event.event_id), position, event.event_type.value, event.subject, event.counterpart, event.occurred,
        (window.first.isoformat(), window.last.isoformat()), event.summary, event.attributes, event.sources,
        timestamp(event.timestamp), event.recorded_by, None,
    )


def stored_event(event: FactRecorded, position: int) -> EventOut:
    return EventOut.model_validate(stored_data(event, position))
