"""A relation's timeline: every event in valid-time order, and the days each fact held."""

from __future__ import annotations

from domain import relation_key
from projections.columns import EVENT, INTERVAL
from projections.models import EntityRef, EntityTimelines, Timeline
from projections.reading import NO_EVENTS, NOW, VISIBLE, Reads, tuples
from projections.rows import event_out, interval_out
from projections.stores import Cursor


class TimelineReads(Reads):
    def timeline(self, a: str, b: str, at: int = NOW, *, fresh: bool = False) -> Timeline:
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            return self._timeline(cursor, a, b, at, position)

    def entity_timelines(self, code: str, at: int = NOW, *, fresh: bool = False) -> EntityTimelines:
        """The timeline of every relation of ``code`` with an event recorded by ``at``, by partner."""
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            cursor.execute(
                "SELECT DISTINCT relation FROM rm_events WHERE (a = ? OR b = ?) AND position <= ? ORDER BY relation",
                (code, code, at),
            )
            partners = [other for row in cursor.fetchall() for other in row["relation"].split("/") if other != code]
            timelines = [self._timeline(cursor, code, other, at, position) for other in partners]
            names = self._names(cursor, [code])
        return EntityTimelines(
            entity=EntityRef(code=code, name=names.get(code, code)), as_of_position=position, timelines=timelines
        )

    def _timeline(self, cursor: Cursor, a: str, b: str, at: int, position: int) -> Timeline:
        key = relation_key(a, b)
        cursor.execute(
            f"SELECT {EVENT} FROM rm_events WHERE relation = ? AND {VISIBLE} ORDER BY first_day, position",
            (key, at, at),
        )
        events = [event_out(row, at) for row in tuples(cursor.fetchall())]
        cursor.execute(
            f"SELECT {INTERVAL} FROM rm_intervals WHERE relation = ? AND from_pos <= ? AND (to_pos IS NULL OR to_pos > ?)"
            " ORDER BY facet, from_day, item",
            (key, at, at),
        )
        rows = cursor.fetchall()
        names = self._names(cursor, [a, b])
        version = self._counts(cursor, [("relation = ?", [key])], "", at).get(key, NO_EVENTS).version
        return Timeline(
            a=EntityRef(code=a, name=names.get(a, a)),
            b=EntityRef(code=b, name=names.get(b, b)),
            as_of_position=position,
            version=version,
            events=events,
            intervals=[interval_out(row) for row in rows],
        )
