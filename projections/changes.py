"""What changed between two days: the events that took effect, and each relation before and after."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import relation_key
from projections.columns import EVENT
from projections.models import Changes, Data, EntityRef, EventOut, RelationChange, RelationState
from projections.paging import BY_EFFECT, Key, Paged, page
from projections.reading import NOW, VISIBLE, Parts, marks, tuples
from projections.rows import event_out
from projections.state import StateReads
from projections.stores import Cursor


class ChangeReads(StateReads):
    def changes(
        self, start: date, end: date, entity: str | None = None, at: int = NOW, *, fresh: bool = False
    ) -> Changes:
        """Everything that changed between the two days, at once."""
        return self.changes_page(start, end, entity, at, fresh=fresh).answer

    def changes_page(
        self,
        start: date,
        end: date,
        entity: str | None = None,
        at: int = NOW,
        *,
        fresh: bool = False,
        limit: int | None = None,
        after: Key | None = None,
    ) -> Paged[Changes]:
        """Events that took effect after the end of ``start`` and by the end of ``end``, in the
        order they took effect; a page of ``limit`` of them after ``after``, and each relation they
        touched. A relation whose events span pages is on each, with the events of that page."""
        where = ["last_day > ?", "last_day <= ?", VISIBLE]
        params: list[Any] = [start.isoformat(), end.isoformat(), at, at]
        if entity:
            where.append("(a = ? OR b = ?)")
            params += [entity, entity]
        if after is not None:
            condition, values = after.after()
            where.append(condition)
            params += values
        more = "" if limit is None else f" LIMIT {limit + 1:d}"
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            cursor.execute(
                f"SELECT {EVENT} FROM rm_events WHERE {' AND '.join(where)} ORDER BY {BY_EFFECT.sql}{more}", params
            )
            rows, following = page(tuples(cursor.fetchall()), limit, BY_EFFECT)
            events = [event_out(row, at) for row in rows]
            touched = self._touched(cursor, events, entity, at)
            on_start, on_end = (
                self._states_on(cursor, touched, day, at, position, entity or "") for day in (start, end)
            )
            codes = {c for key in touched for c in key.split("/")} | ({entity} if entity else set())
            refs, _ = self._refs(cursor, sorted(codes), at)
        answer = Changes(
            from_day=start,
            to_day=end,
            entity=EntityRef(**refs[entity]) if entity else None,
            as_of_position=position,
            events=events,
            relations=[_change(key, entity, refs, on_start, on_end, events) for key in touched],
        )
        return Paged(answer, following)

    def _touched(self, cursor: Cursor, events: list[EventOut], entity: str | None, at: int) -> list[str]:
        """The relations the events touched (of ``entity`` alone, if given), by key; an entity's own
        event (it began, it ended) touches each relation of the entity recorded by then (after its
        end, they answer ended)."""
        touched = sorted({
            *(relation_key(e.subject, e.counterpart) for e in events if e.counterpart is not None),
            *self._relations_of(cursor, sorted({e.subject for e in events if e.counterpart is None}), at),
        })
        return [key for key in touched if entity in key.split("/")] if entity else touched

    def _relations_of(self, cursor: Cursor, codes: list[str], at: int) -> list[str]:
        """The relations of ``codes`` with an event recorded by ``at``, by key."""
        if not codes:
            return []
        cursor.execute(
            f"SELECT DISTINCT relation FROM rm_events WHERE (a IN ({marks(codes)}) OR b IN ({marks(codes)}))"
            f" AND a <> b AND {VISIBLE}",
            [*codes, *codes, at, at],
        )
        return [row["relation"] for row in cursor.fetchall()]

    def _states_on(
        self, cursor: Cursor, keys: list[str], day: date, at: int, position: int, focus: str
    ) -> dict[str, RelationState]:
        """The states of the relations ``keys`` at the end of ``day``, by key."""
        among: Parts = [(f"relation IN ({marks(keys)})" if keys else "1 = 0", keys)]
        counts = self._counts(cursor, among, day.isoformat(), at)
        return {
            relation_key(s["a"]["code"], s["b"]["code"]): RelationState.model_validate(s)
            for s in self._states(cursor, among, counts, keys, day, at, position, focus=focus)
        }


def _change(
    key: str,
    entity: str | None,
    refs: dict[str, Data],
    before: dict[str, RelationState],
    after: dict[str, RelationState],
    events: list[EventOut],
) -> RelationChange:
    a, b = key.split("/")
    if entity == b:
        a, b = b, a
    return RelationChange(
        a=EntityRef(**refs[a]),
        b=EntityRef(**refs[b]),
        before=before[key],
        after=after[key],
        events=[e.id for e in events if relation_key(e.subject, e.counterpart or e.subject) == key
                or (e.counterpart is None and e.subject in (a, b))],
    )
