"""An event as the read model will show it, made from the entry a write just stored."""

from __future__ import annotations

from domain import FactRecorded
from events import Source, parse_date
from projections.audit import timestamp
from projections.models import EventOut, WindowOut


def stored_event(event: FactRecorded, position: int) -> EventOut:
    """What ``GET /v1/events/{id}`` answers for a new event at ``position``, before it is projected.

    Every value was validated when the event was sent, so the answer is assembled, not validated again.
    """
    window = parse_date(event.occurred).window
    return EventOut.model_construct(
        id=str(event.event_id),
        position=position,
        type=event.event_type,
        subject=event.subject,
        counterpart=event.counterpart,
        occurred=event.occurred,
        window=WindowOut.model_construct(first=window.first, last=window.last),
        summary=event.summary,
        attributes=event.attributes,
        sources=[Source.model_construct(**source) for source in event.sources],
        recorded_at=timestamp(event.timestamp),
        recorded_by=event.recorded_by,
        retracted=None,
    )
