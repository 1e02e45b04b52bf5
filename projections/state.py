"""A relation's state on a day, and every relation of an entity on a day.

States are built as plain data, named and ordered as their models serialise (``Data``): an answer
read from our own rows can be sent as it is, and the models are validated from the same data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any

from pydantic_core import from_json

from domain import relation_key
from events import DiplomaticStatus, EventType, Facet
from projections.columns import EVENT
from projections.models import Data, EntityRelations, RelationState
from projections.reading import (
    NO_EVENTS,
    NO_LIFE,
    NOW,
    VERSION,
    VISIBLE,
    Counts,
    Life,
    Parts,
    Reads,
    marks,
    position_of,
    tuples,
    union,
)
from projections.rows import event_data
from projections.stores import Cursor, Database

NO_STATUS = DiplomaticStatus.UNKNOWN.value  # nothing recorded tells
ENDED = DiplomaticStatus.ENDED.value
STATUS_TYPES = tuple(kind.value for kind in EventType if kind.facet is Facet.DIPLOMATIC)

# A fact holding on a day, as HELD selects it: relation, facet, item, value, event_id, since.
Held = tuple[str, str, str, str, str, str]
FACT_ORDER = itemgetter(1, 2)  # a state lists its facts by facet, then item
NOTHING_HELD: tuple[Held, ...] = ()

HELD = "SELECT relation, facet, item, value, event_id, since FROM rm_intervals WHERE {where} AND "
HELD_NOW = HELD + "to_pos IS NULL AND from_day <= ? AND (to_day IS NULL OR to_day > ?)"
HELD_KNOWN = HELD + "from_pos <= ? AND (to_pos IS NULL OR to_pos > ?) AND from_day <= ? AND (to_day IS NULL OR to_day > ?)"
# The counts of one relation, as columns added to Reads.newest.
RELATION_COUNTS = (
    f", (SELECT {VERSION} FROM rm_events WHERE relation = ?) AS version,"
    f" EXISTS (SELECT 1 FROM rm_events WHERE relation = ? AND first_day <= ? AND last_day > ? AND {VISIBLE})"
    " AS pending"
)
RELATION_COUNTS_NOW = (
    ", COUNT(*) + COUNT(retracted_pos) AS version,"
    " MAX(CASE WHEN first_day <= ? AND last_day > ? AND retracted_pos IS NULL THEN 1 ELSE 0 END) AS pending"
    " FROM rm_events WHERE relation = ?"
)


def held_on(at: int, day: str) -> tuple[str, tuple[Any, ...]]:
    """The rows holding on ``day`` as known at ``at`` (``{where}`` left to fill); as known now,
    the partial indexes serve it."""
    if at >= NOW:
        return HELD_NOW, (day, day)
    return HELD_KNOWN, (at, at, day, day)


class StateReads(Reads):
    def __init__(self, db: Database, head: str | None = None):
        super().__init__(db, head)
        # The newest row, with one relation's counts and its facts holding on a day, as known now
        # or at a position, in one statement (a row of nulls for facts when none holds).
        counted = {
            (now, fresh): f"SELECT {columns}{RELATION_COUNTS_NOW if now else RELATION_COUNTS}"
            for now in (True, False)
            for fresh, columns in self.columns.items()
        }
        self.relation = {
            (now, fresh): f"SELECT found.*, newest.* FROM ({sql}) AS newest"
            f" LEFT JOIN ({(HELD_NOW if now else HELD_KNOWN).format(where='relation = ?')}) AS found ON 1 = 1"
            for (now, fresh), sql in counted.items()
        }

    def relation_state(
        self, a: str, b: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> RelationState:
        return RelationState.model_validate(self.relation_state_data(a, b, on, at, explain, fresh=fresh))

    def relation_state_data(
        self, a: str, b: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> Data:
        """The state of ``a`` and ``b`` on ``on`` as a ``RelationState`` serialises."""
        key, day = relation_key(a, b), on.isoformat()
        if not explain:
            # One statement answers, a consistent snapshot by itself, unless an event is pending.
            with self.db.single() as cursor:
                newest, held = self._relation(cursor, key, day, at, fresh)
                if not newest["pending"]:
                    refs, known = self._refs(cursor, [a, b], at)
                    found = state(a, b, refs, on, position_of(newest, at, fresh), int(newest["version"] or 0),
                                  listed(held), [], [])
                    return self._ended(cursor, found, known, day, at, explain)
        with self.db.read() as cursor:
            newest, held = self._relation(cursor, key, day, at, fresh)
            position = position_of(newest, at, fresh)
            pending = self._pending(cursor, [key], day, at) if newest["pending"] else []
            evidence = self._evidence(cursor, held, at)[key] if explain else []
            refs, known = self._refs(cursor, [a, b], at)
            found = state(a, b, refs, on, position, int(newest["version"] or 0), listed(held), pending, evidence)
            return self._ended(cursor, found, known, day, at, explain)

    def _relation(self, cursor: Cursor, key: str, day: str, at: int, fresh: bool) -> tuple[Any, list[Held]]:
        """The newest row with the counts of the relation ``key``, and its facts holding on ``day``."""
        if at >= NOW:
            cursor.execute(self.relation[True, fresh], (day, day, key, key, day, day))
        else:
            cursor.execute(self.relation[False, fresh], (at, at, key, key, day, day, at, at, key, at, at, day, day))
        rows = cursor.fetchall()
        return rows[0], [fact[:6] for fact in tuples(rows) if fact[0] is not None]

    def entity_relations(
        self, code: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> EntityRelations:
        return EntityRelations.model_validate(self.entity_relations_data(code, on, at, explain, fresh=fresh))

    def entity_relations_data(
        self, code: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> Data:
        """Every relation of ``code`` with anything recorded on or before ``on``, as ``EntityRelations``
        serialises."""
        sides: Parts = [("a = ?", [code]), ("b = ?", [code])]
        either: Parts = sides if self.db.sides_apart else [("(a = ? OR b = ?)", [code, code])]
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            counts = self._counts(cursor, either, on.isoformat(), at)
            keys = sorted(key for key, count in counts.items() if count.listed and not own(key))
            states = self._states(
                cursor, sides, counts, keys, on, at, position, focus=code, explain=explain, holding=True
            )
            refs, _ = self._refs(cursor, [code], at)
        return {"entity": refs[code], "on": on, "as_of_position": position, "relations": states}

    def _states(
        self, cursor: Cursor, parts: Parts, counts: dict[str, Counts], keys: list[str], on: date, at: int,
        position: int, *, focus: str, explain: bool = True, holding: bool = False,
    ) -> list[Data]:
        """The states of the relations ``keys`` (all in ``parts``), with ``counts`` of their events;
        with ``holding``, also of those where a fact holds on ``on`` that a later event implies;
        with ``explain``, the events behind each."""
        day = on.isoformat()
        held_sql, bounds = held_on(at, day)
        cursor.execute(*union(held_sql, parts, after=bounds))
        facts = [fact for fact in tuples(cursor.fetchall()) if not own(fact[0])]
        if holding:
            keys = sorted({*keys, *(fact[0] for fact in facts if holds(fact))})
        held: dict[str, list[Held]] = {}
        for fact in facts:
            found = held.get(fact[0])
            if found is None:
                held[fact[0]] = [fact]
            else:
                found.append(fact)
        pending: dict[str, list[Any]] = defaultdict(list)
        for row in self._pending(cursor, [key for key in keys if counts.get(key, NO_EVENTS).pending], day, at):
            pending[row["relation"]].append(row)
        evidence = self._evidence(cursor, facts, at) if explain else {}
        refs, known = self._refs(cursor, sorted({code for key in keys for code in key.split("/")}), at)
        states = []
        for key in keys:
            first, second = key.split("/")
            a, b = (first, second) if focus != second else (second, first)
            facts_of = held.get(key)
            answer = state(a, b, refs, on, position, counts.get(key, NO_EVENTS).version,
                           listed(facts_of) if facts_of else NOTHING_HELD, pending.get(key, []), evidence.get(key, []))
            states.append(self._ended(cursor, answer, known, day, at, explain))
        return states

    def _ended(self, cursor: Cursor, found: Data, known: dict[str, Life], day: str, at: int, explain: bool) -> Data:
        """A relation after the certain end of a party is ``ended``, unless the relation records a
        status dated after that end: then its history goes on (the answer's party says it ended)."""
        a, b = found["a"]["code"], found["b"]["code"]
        for party in (a, b):
            end = known.get(party, NO_LIFE).ended_by_day(day)
            if end is None:
                continue
            last_day, event_id, occurred = end
            cursor.execute(
                f"SELECT 1 FROM rm_events WHERE relation = ? AND type IN ({marks(STATUS_TYPES)}) AND first_day > ?"
                f" AND {VISIBLE}",
                (relation_key(a, b), *STATUS_TYPES, last_day, at, at),
            )
            if cursor.fetchall():
                continue
            found["diplomatic"] = {"status": ENDED, "since": occurred, "event": event_id, "inferred": False}
            if explain:
                cursor.execute(f"SELECT {EVENT} FROM rm_events WHERE id = ?", (event_id,))
                cited = cited_by(found)  # the status it replaces may have been the only fact citing an event
                found["events"] = [
                    *(e for e in found["events"] if e["id"] in cited), *(event_data(row, at) for row in tuples(cursor.fetchall()))
                ]
            break
        return found

    def _evidence(self, cursor: Cursor, held: list[Held], at: int) -> dict[str, list[Data]]:
        """The events the ``held`` facts cite, by relation, in valid-time order."""
        cited = sorted({fact[4] for fact in held})
        evidence: dict[str, list[Data]] = defaultdict(list)
        if cited:
            cursor.execute(
                f"SELECT relation, {EVENT} FROM rm_events WHERE id IN ({marks(cited)}) ORDER BY first_day, position",
                cited,
            )
            for row in tuples(cursor.fetchall()):
                evidence[row[0]].append(event_data(row[1:], at))
        return evidence

    def _pending(self, cursor: Cursor, keys: list[str], day: str, at: int) -> list[Any]:
        """The events of ``keys`` whose window holds ``day`` but ends after it, in valid-time order."""
        if not keys:
            return []
        cursor.execute(
            f"SELECT relation, id, type, occurred, summary FROM rm_events WHERE relation IN ({marks(keys)})"
            f" AND first_day <= ? AND last_day > ? AND {VISIBLE} ORDER BY first_day, position",
            (*keys, day, day, at, at),
        )
        return cursor.fetchall()


def holds(fact: Held) -> bool:
    """Whether a row says something holds (not that it is known not to: relations before a first
    establishment, a recognition not granted)."""
    facet, value = fact[1], fields_of(fact[1], fact[3])
    if facet == "diplomatic":
        return bool(value[0] != "none")
    return facet != "recognition" or bool(value[2])


def listed(held: list[Held]) -> list[Held]:
    """One relation's facts in the order its state lists them: by facet, then item."""
    if len(held) > 1:
        held.sort(key=FACT_ORDER)
    return held


def cited_by(answer: Data) -> set[str]:
    """The events a state's entries name."""
    recognition = answer["recognition"]
    entries = [*recognition["held"], *recognition["not_held"], *answer["missions"], *answer["agreements"],
               *answer["memberships"]]
    return {answer["diplomatic"]["event"], *(entry["event"] for entry in entries)}


def own(key: str) -> bool:
    """Whether a relation's key is an entity's own history (``PAN/PAN``), not a relation."""
    first, _, second = key.partition("/")
    return first == second


def state(
    a: str, b: str, refs: dict[str, Data], on: date, position: int, version: int, held: Sequence[Held],
    pending: list[Any], evidence: list[Data],
) -> Data:
    """One state; ``held`` are its facts holding on ``on`` in the order a state lists them (by facet,
    then item), ``evidence`` the events they cite."""
    diplomatic, missions, agreements, memberships = None, [], [], []
    recognitions: list[tuple[bool, Data]] = []
    for _, facet, _, text, event, since in held:
        fields = fields_of(facet, text)
        dated = since or None  # a fact an event only implies has no date of its own
        if facet == "diplomatic":
            diplomatic = {"status": fields[0], "since": dated, "event": event, "inferred": fields[1]}
        elif facet == "recognition":
            recognizer, recognized, recognizes, government, inferred = fields
            recognitions.append((recognizes, {"recognizer": recognizer, "recognized": recognized, "since": dated,
                                              "event": event, "government": government, "inferred": inferred}))
        elif facet == "mission":
            missions.append({"sender": fields[0], "host": fields[1], "level": fields[2], "since": dated, "event": event,
                             "inferred": fields[3]})
        elif facet == "agreement":
            agreements.append({"agreement": fields[0], "kind": fields[1], "title": fields[2], "since": dated,
                               "event": event, "inferred": fields[3]})
        elif facet == "membership":
            memberships.append({"member": fields[0], "body": fields[1], "status": fields[2], "role": fields[3],
                                "since": dated, "event": event, "inferred": fields[4]})
    return {
        "a": refs[a],
        "b": refs[b],
        "on": on,
        "as_of_position": position,
        "version": version,
        "diplomatic": diplomatic or {"status": NO_STATUS, "since": None, "event": None, "inferred": False},
        "recognition": recognition(a, b, recognitions),
        "missions": missions,
        "agreements": agreements,
        "memberships": memberships,
        "pending": [
            {"id": row["id"], "type": row["type"], "occurred": row["occurred"], "summary": row["summary"]}
            for row in pending
        ],
        "events": evidence,
    }


def recognition(a: str, b: str, rows: list[tuple[bool, Data]]) -> Data:
    """Recognition each way: true, false (known not to) or None (nothing recorded), and the rows
    that say so, each with whether it holds."""
    said = {(row["recognizer"], row["recognized"]): holds for holds, row in rows}
    return {
        "a_recognizes_b": said.get((a, b)), "b_recognizes_a": said.get((b, a)),
        "held": [row for holds, row in rows if holds], "not_held": [row for holds, row in rows if not holds],
    }


# What a state shows of each kind of fact's value, in the order its model serialises them, and last
# whether it is inferred (rows of a recognition add whether it holds, true unless said, and the
# government recognized).
FIELDS: dict[str, Any] = {
    "diplomatic": lambda v: (v["status"], v.get("inferred", False)),
    "recognition": lambda v: (
        v["recognizer"], v["recognized"], v.get("recognizes", True), v.get("government"), v.get("inferred", False)
    ),
    "mission": lambda v: (v["sender"], v["host"], v["level"], v.get("inferred", False)),
    "agreement": lambda v: (v["agreement"], v["kind"], v["title"], v.get("inferred", False)),
    "membership": lambda v: (v["member"], v["body"], v["status"], v["role"], v.get("inferred", False)),
}


@lru_cache(maxsize=4096)
def fields_of(facet: str, text: str) -> Any:
    """The fields a state shows of a fact's value, parsed once and shared, immutable (a tuple): few
    values are distinct (a diplomatic status is one of a handful)."""
    return FIELDS[facet](from_json(text))
