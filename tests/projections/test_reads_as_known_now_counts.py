"""A state as known now is read with fewer terms than one as known at a position (every event stored
is visible unless retracted) and, without its evidence, in one statement: both must answer exactly
as the read at the newest position does, retractions and pending events included."""

from __future__ import annotations

import sqlite3
from datetime import date
from uuid import UUID

import psycopg
import pytest

from api.service import Service
from events import EntityIn, EntityKind
from projections import NOW
from tests.domain.builders import sent

ENTITIES = [
    EntityIn(code="PAN", name="Panama", kind=EntityKind.STATE),
    EntityIn(code="TWN", name="Republic of China (Taiwan)", kind=EntityKind.STATE),
    EntityIn(code="CHN", name="People's Republic of China", kind=EntityKind.STATE),
    EntityIn(code="KOR", name="Republic of Korea", kind=EntityKind.STATE),
]
DAYS = [date(1900, 1, 1), date(1912, 6, 1), date(2000, 1, 1), date(2016, 5, 10), date(2017, 6, 12), date(2030, 1, 1)]
PAIRS = [("PAN", "TWN"), ("CHN", "PAN"), ("PAN", "KOR")]


@pytest.fixture
def history(service: Service) -> Service:
    """Relations with an event pending on 2016-05-10, one retracted while pending, one relation whose
    only event is retracted, and one corrected."""
    for entity in ENTITIES:
        service.register_entity(entity, "t")
    service.append(sent("relations.established", "1912~", "PAN", "TWN"), "t")
    service.append(sent("recognition.granted", "1912~", "PAN", "TWN"), "t")
    service.append(sent("relations.suspended", "2016-05", "PAN", "TWN"), "t")
    service.append(sent("relations.resumed", "2016-09-01", "PAN", "TWN"), "t")
    service.append(sent("note.recorded", "2016", "TWN", "PAN"), "t")
    service.append(sent("relations.severed", "2017-06-12", "PAN", "TWN"), "t")
    only, _, _ = service.append(sent("relations.established", "2017-06-12", "PAN", "CHN"), "t")
    service.append(sent("relations.established", "1962-09-30", "PAN", "KOR"), "t")
    wrong, _, _ = service.append(sent("mission.opened", "1963", "KOR", "PAN", level="embassy"), "t")
    service.retract(UUID(only.id), "recorded against the wrong pair", "t")
    service.correct(UUID(wrong.id), sent("mission.opened", "1964~", "KOR", "PAN", level="embassy"), "the year", "t")
    note = next(e for e in service.events(entity="PAN") if e.type.value == "note.recorded")
    service.retract(UUID(note.id), "a duplicate", "t")
    return service


def test_a_state_as_known_now_is_the_state_at_the_newest_position(history: Service) -> None:
    read, head = history.read, history.read.position()
    for day in DAYS:
        for a, b in PAIRS:
            for explain in (False, True):
                assert read.relation_state(a, b, day, NOW, explain) == read.relation_state(a, b, day, head, explain)
        for code in ("PAN", "TWN", "CHN"):
            assert read.entity_relations(code, day, NOW) == read.entity_relations(code, day, head)
            assert read.entity_relations(code, day, NOW, False) == read.entity_relations(code, day, head, False)


def test_a_state_without_its_evidence_is_the_state_with_it_less_the_events(history: Service) -> None:
    read = history.read
    for day in DAYS:
        for a, b in PAIRS:
            briefly = read.relation_state(a, b, day, explain=False).model_dump()
            assert briefly.pop("events") == []
            fully = read.relation_state(a, b, day).model_dump()
            fully.pop("events")
            assert briefly == fully


def test_what_is_pending_or_retracted_reads_as_known_now(history: Service) -> None:
    read = history.read
    suspended = read.relation_state("PAN", "TWN", date(2016, 5, 10), explain=False)
    assert (suspended.diplomatic.status.value, [p.occurred for p in suspended.pending]) == ("established", ["2016-05"])
    assert suspended.version == 7  # six events and the note's retraction
    assert [r.b.code for r in read.entity_relations("PAN", date(2018, 1, 1)).relations] == ["KOR", "TWN"]
    assert read.relation_state("PAN", "CHN", date(2018, 1, 1)).version == 2  # an event and its retraction
    assert read.relation_state("PAN", "KOR", date(2018, 1, 1)).version == 4  # a correction is both
    assert [m.level for m in read.relation_state("PAN", "KOR", date(1964, 12, 31)).missions] == ["embassy"]
    assert read.relation_state("PAN", "KOR", date(1963, 12, 31), explain=False).missions == []


def test_reads_cannot_write(service: Service) -> None:
    with pytest.raises((sqlite3.OperationalError, psycopg.errors.ReadOnlySqlTransaction)):
        with service.db.read() as cursor:
            cursor.execute("DELETE FROM rm_tracking")
