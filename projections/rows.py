"""Rows of the read model as the answers show them: one mapper each for an event, an entity and
an interval."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic_core import from_json

from projections.models import Data, EntityOut, EventOut, Interval

OWN = "entity."  # the types of an entity's own events, which show no counterpart
RETRACTION_FIELDS = ("id", "position", "reason", "replaced_by", "recorded_at", "recorded_by")


def shown(
    id_: str, position: int, type_: str, subject: str, counterpart: str, occurred: str, window: tuple[str, str],
    summary: str, attributes: Any, sources: Any, recorded_at: str, recorded_by: str, retracted: Data | None,
) -> Data:
    """An event as ``EventOut`` serialises it: the one place its shape is written."""
    return {
        "id": id_,
        "position": position,
        "type": type_,
        "subject": subject,
        "counterpart": None if type_.startswith(OWN) else counterpart,
        "occurred": occurred,
        "window": {"first": window[0], "last": window[1]},
        "summary": summary,
        "attributes": attributes,
        "sources": sources,
        "recorded_at": recorded_at,
        "recorded_by": recorded_by,
        "retracted": retracted,
    }


def event_data(row: Sequence[Any], at: int) -> Data:
    """An event from its ``columns.SHOWN`` columns, as known at ``at``."""
    (id_, position, type_, subject, counterpart, occurred, first_day, last_day, summary, attributes, sources,
     recorded_at, recorded_by, retracted_pos, retraction) = row
    retracted = None
    if retracted_pos is not None and retracted_pos <= at:
        withdrawn = from_json(retraction)
        retracted = {name: withdrawn[name] for name in RETRACTION_FIELDS}
    # Parsed afresh for each answer, not cached: a value shared between answers would have to be
    # frozen, and a frozen mapping serialises at a third of a plain one's speed.
    return shown(id_, position, type_, subject, counterpart, occurred, (first_day, last_day), summary,
                 from_json(attributes), from_json(sources), recorded_at, recorded_by, retracted)


def event_out(row: Sequence[Any], at: int) -> EventOut:
    return EventOut.model_validate(event_data(row, at))


def entity_out(row: Any, life: Any) -> EntityOut:
    """An entity from its row (every column of ``rm_entities``) and its life (``reading.Life``)."""
    return EntityOut(
        **life.ref(row["code"], row["name"]),
        kind=row["kind"],
        aliases=json.loads(row["aliases"]),
        position=row["position"],
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
    )


def _recognition_status(value: dict[str, Any]) -> str:
    return "recognized" if value.get("recognizes", True) else "not recognized"


def interval_out(row: Any) -> Interval:
    value = json.loads(row["value"])
    return Interval(
        facet=row["facet"],
        item=row["item"],
        status=value.get("status", _recognition_status(value) if row["facet"] == "recognition" else None),
        details=value,
        from_day=row["from_day"],
        to_day=row["to_day"],
        since=row["since"] or None,
        event=row["event_id"],
    )
