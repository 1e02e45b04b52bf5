"""A relation's timeline: every event in valid-time order, and the days each fact held; and the
timelines of every relation of one entity. Both come whole or in pages (``projections.paging``)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from domain import relation_key
from projections.columns import EVENT, INTERVAL, SHOWN
from projections.models import EntityRef, EntityTimelines, Interval, Timeline
from projections.paging import BY_BEGINNING, BY_RELATION, Key, Order, Paged, page
from projections.reading import NO_EVENTS, NOW, VISIBLE, Reads, marks, tuples
from projections.rows import event_out, interval_out
from projections.state import own
from projections.stores import Cursor


class TimelineReads(Reads):
    def timeline(self, a: str, b: str, at: int = NOW, *, fresh: bool = False) -> Timeline:
        """The pair's whole timeline."""
        return self.timeline_page(a, b, at, fresh=fresh).answer

    def timeline_page(
        self, a: str, b: str, at: int = NOW, *, fresh: bool = False, limit: int | None = None, after: Key | None = None
    ) -> Paged[Timeline]:
        """The pair's events in the order they began, a page of ``limit`` of them after ``after``,
        and the days each fact held that an event of the page began."""
        key = relation_key(a, b)
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            rows, following = self._events(cursor, "relation = ?", [key], at, BY_BEGINNING, limit, after)
            (timeline,) = self._timelines(cursor, a, {key: rows}, at, position, whole=limit is None and after is None)
        return Paged(timeline, following)

    def entity_timelines(self, code: str, at: int = NOW, *, fresh: bool = False) -> EntityTimelines:
        """The timeline of every relation of ``code``, whole."""
        return self.entity_timelines_page(code, at, fresh=fresh).answer

    def entity_timelines_page(
        self, code: str, at: int = NOW, *, fresh: bool = False, limit: int | None = None, after: Key | None = None
    ) -> Paged[EntityTimelines]:
        """The timelines of the relations of ``code`` with an event, by partner, ``a`` the entity: a
        page of ``limit`` events after ``after``, in order of relation and then as in a timeline. A
        relation whose events span pages is on each, with that page's events and the facts they began."""
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            rows, following = self._events(cursor, "(a = ? OR b = ?)", [code, code], at, BY_RELATION, limit, after)
            by_relation: dict[str, Sequence[Any]] = {
                key: list(group) for key, group in groupby(rows, key=lambda row: row[len(SHOWN)]) if not own(key)
            }
            whole = limit is None and after is None
            timelines = self._timelines(cursor, code, by_relation, at, position, whole=whole)
            refs, _ = self._refs(cursor, [code], at)
        entity = EntityRef(**refs[code])
        return Paged(EntityTimelines(entity=entity, as_of_position=position, timelines=timelines), following)

    def _events(
        self, cursor: Cursor, where: str, params: list[Any], at: int, order: Order, limit: int | None, after: Key | None
    ) -> tuple[Sequence[Any], str | None]:
        """The rows (``SORTABLE`` columns) of the events ``where`` visible at ``at`` in ``order``: a
        page of ``limit`` after ``after``, and the cursor of the page after it."""
        where, params = f"{where} AND {VISIBLE}", [*params, at, at]
        if after is not None:
            condition, values = after.after()
            where, params = f"{where} AND {condition}", [*params, *values]
        more = "" if limit is None else f" LIMIT {limit + 1:d}"
        cursor.execute(f"SELECT {EVENT}, relation FROM rm_events WHERE {where} ORDER BY {order.sql}{more}", params)
        return page(tuples(cursor.fetchall()), limit, order)

    def _timelines(
        self, cursor: Cursor, a: str, rows: dict[str, Sequence[Any]], at: int, position: int, *, whole: bool
    ) -> list[Timeline]:
        """The timelines of the relations ``rows`` holds events of, each seen from ``a``; ``whole``:
        with every fact of the relation, else with those its events here began."""
        keys = list(rows)
        versions = self._counts(cursor, [(f"relation IN ({marks(keys)})", keys)], "", at) if keys else {}
        refs, _ = self._refs(cursor, sorted({code for key in keys for code in key.split("/")}), at)
        timelines = []
        for key, events in rows.items():
            b = next(code for code in key.split("/") if code != a)
            shown = [event_out(row[: len(SHOWN)], at) for row in events]
            begun_by = None if whole else [e.id for e in shown]
            timeline = Timeline(
                a=EntityRef(**refs[a]),
                b=EntityRef(**refs[b]),
                as_of_position=position,
                version=versions.get(key, NO_EVENTS).version,
                events=shown,
                intervals=self._intervals(cursor, key, at, begun_by),
            )
            timelines.append(timeline)
        return timelines

    def _intervals(self, cursor: Cursor, key: str, at: int, begun_by: list[str] | None) -> list[Interval]:
        """The facts of the relation ``key`` as known at ``at``, and the days each held: every one,
        or those that the events ``begun_by`` began (every fact is begun by one event)."""
        where, params = "relation = ? AND from_pos <= ? AND (to_pos IS NULL OR to_pos > ?)", [key, at, at]
        if begun_by is not None:
            if not begun_by:
                return []
            where, params = f"{where} AND event_id IN ({marks(begun_by)})", [*params, *begun_by]
        cursor.execute(f"SELECT {INTERVAL} FROM rm_intervals WHERE {where} ORDER BY facet, from_day, item", params)
        return [interval_out(row) for row in cursor.fetchall()]
