"""The read side: indexed look-ups in the interval tables, never a fold of the log per request.
Each question has a module of its own; the read model answers them all from one database."""

from __future__ import annotations

from projections.changes import ChangeReads
from projections.entities import EntityReads
from projections.log import LogReads
from projections.state import StateReads
from projections.timeline import TimelineReads


class ReadModel(ChangeReads, StateReads, TimelineReads, LogReads, EntityReads):
    """States on a day, timelines, changes, the log and the registry, as known now or at a position."""
