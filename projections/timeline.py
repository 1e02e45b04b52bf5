"""A relation's timeline: every event in valid-time order, and the days each fact held; and the
timelines of every relation of one entity. Both come whole or in pages (``projections.paging``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import groupby
from typing import Any

from domain import relation_key
from projections.columns import EVENT, INTERVAL, SHOWN
from projections.models import EntityRef, EntityTimelines, Interval, Timeline
from projections.paging import BY_BEGINNING, BY_RELATION, Key, Order, Paged, page
from projections.reading import NO_EVENTS, NO_LIFE, NOW, VISIBLE, Life, Reads, marks, tuples
from projections.rows import event_out, interval_out
from projections.state import ENDED, STATUS_TYPES, own
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
            done = {key} if after is None else set()
            (timeline,) = self._timelines(cursor, a, {key: rows}, at, position, whole=limit is None and after is None,
                                          done=done)
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
            done = set(by_relation) - ({after.values[0]} if after is not None else set())
            timelines = self._timelines(cursor, code, by_relation, at, position, whole=whole, done=done)
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
        self, cursor: Cursor, a: str, rows: dict[str, Sequence[Any]], at: int, position: int, *, whole: bool,
        done: set[str],
    ) -> list[Timeline]:
        """The timelines of the relations ``rows`` holds events of, each seen from ``a``; ``whole``:
        with every fact of the relation, else with those its events here began. A relation ``done``
        (on the page with its first event) also gets the days it was ended by a party's end."""
        keys = list(rows)
        versions = self._counts(cursor, [(f"relation IN ({marks(keys)})", keys)], "", at) if keys else {}
        refs, known = self._refs(cursor, sorted({code for key in keys for code in key.split("/")}), at)
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
                intervals=self._cut_at_ends(cursor, key, known, at, self._intervals(cursor, key, at, begun_by), key in done),
            )
            timelines.append(timeline)
        return timelines

    def _cut_at_ends(
        self, cursor: Cursor, key: str, known: dict[str, Life], at: int, held: list[Interval], last: bool
    ) -> list[Interval]:
        """The facts with the days a party's end ended the relation: its status cut at each end after
        which the relation records no status, and (on one page, ``last``) ``ended`` from there until
        the party began again, as a state on those days answers."""
        ends = [(turn, party) for party in key.split("/") for turn in known.get(party, NO_LIFE).turns if turn[1]]
        if not ends:
            return held
        cursor.execute(
            f"SELECT MAX(first_day) AS latest FROM rm_events WHERE relation = ? AND type IN ({marks(STATUS_TYPES)})"
            f" AND {VISIBLE}",
            (key, *STATUS_TYPES, at, at),
        )
        status_until = cursor.fetchall()[0]["latest"] or ""
        for (end_day, _, occurred, event_id), party in sorted(ends):
            if end_day < status_until:
                continue  # the relation's recorded history goes on after this end
            later = [t[0] for t in known[party].turns if not t[1] and t[0] > end_day]
            until = min(later) if later else None
            held = [_cut(i, end_day) for i in held if i.facet != "diplomatic" or i.from_day.isoformat() < end_day]
            if last:
                held.append(Interval(facet="diplomatic", item="status", status=ENDED, details={"status": ENDED},
                                     from_day=date.fromisoformat(end_day),
                                     to_day=date.fromisoformat(until) if until else None, since=occurred, event=event_id))
        return sorted(held, key=lambda i: (i.facet, i.from_day, i.item))

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


def _cut(interval: Interval, day: str) -> Interval:
    """A diplomatic status no longer held from ``day`` on (other facts are left as they are)."""
    if interval.facet != "diplomatic" or (interval.to_day is not None and interval.to_day.isoformat() <= day):
        return interval
    return interval.model_copy(update={"to_day": date.fromisoformat(day)})
