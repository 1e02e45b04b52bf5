"""Reads as known now check, in their own snapshot, that the read model has applied the whole log:
what another process wrote and left unprojected is read, and names learnt once stay right."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from api.service import Service
from events import EntityIn, EntityKind
from tests.domain.builders import sent

PAN = EntityIn(code="PAN", name="Panama", kind=EntityKind.STATE)
TWN = EntityIn(code="TWN", name="Republic of China (Taiwan)", kind=EntityKind.STATE, aliases=["Taiwan"])
KOR = EntityIn(code="KOR", name="Republic of Korea", kind=EntityKind.STATE, aliases=["South Korea"])
DAY = date(2000, 1, 1)


@pytest.fixture
def pair(database_url: str) -> Iterator[tuple[Service, Service]]:
    """A reader and a writer on one store, as two processes would be."""
    reader, writer = Service(database_url), Service(database_url)
    try:
        yield reader, writer
    finally:
        reader.close()
        writer.close()


def test_every_read_as_known_now_reflects_what_another_process_wrote(pair: tuple[Service, Service]) -> None:
    reader, writer = pair
    for entity in (PAN, TWN):
        writer.register_entity(entity, "t")
    assert reader.relation_state("PAN", "TWN", DAY).diplomatic.status.value == "unknown"
    writer.app.append(sent("relations.established", "1912~", "PAN", "TWN"), "t")  # not projected by the writer

    assert reader.relation_state("PAN", "TWN", DAY, explain=False).diplomatic.status.value == "established"
    writer.app.append(sent("recognition.granted", "1912~", "PAN", "TWN"), "t")
    assert reader.entity_relations("PAN", DAY).relations[0].recognition.a_recognizes_b
    writer.app.append(sent("relations.severed", "2017-06-12", "PAN", "TWN"), "t")
    assert [e.type.value for e in reader.timeline("PAN", "TWN").events][-1] == "relations.severed"
    writer.app.append(sent("note.recorded", "2018", "PAN", "TWN"), "t")
    assert [e.type.value for e in reader.events()][-1] == "note.recorded"
    assert reader.read.lag() is None


def test_a_state_answers_with_its_version_and_the_newest_position(pair: tuple[Service, Service]) -> None:
    reader, writer = pair
    for entity in (PAN, TWN):
        writer.register_entity(entity, "t")
    writer.append(sent("relations.established", "1912~", "PAN", "TWN"), "t")
    writer.app.append(sent("note.recorded", "1990", "PAN", "TWN"), "t")

    state = reader.relation_state("TWN", "PAN", DAY)
    assert (state.version, state.as_of_position) == (2, reader.read.position())
    assert [e.type.value for e in state.events] == ["relations.established"]


def test_an_entity_registered_by_another_process_is_named_once_it_is_read(pair: tuple[Service, Service]) -> None:
    reader, writer = pair
    for entity in (PAN, TWN):
        writer.register_entity(entity, "t")
    writer.append(sent("relations.established", "1912~", "PAN", "TWN"), "t")
    assert reader.entity_relations("PAN", DAY).entity.name == "Panama"

    writer.app.register_entity(KOR, "t")
    writer.app.append(sent("relations.established", "1962-09-30", "PAN", "KOR"), "t")

    state = reader.relation_state("South Korea", "Panama", DAY)
    assert (state.a.name, state.b.name) == ("Republic of Korea", "Panama")
    named = {r.b.code: r.b.name for r in reader.entity_relations("PAN", DAY).relations}
    assert named == {"KOR": "Republic of Korea", "TWN": "Republic of China (Taiwan)"}


def test_a_position_given_reads_as_known_then_without_waiting_for_the_head(pair: tuple[Service, Service]) -> None:
    reader, writer = pair
    for entity in (PAN, TWN):
        writer.register_entity(entity, "t")
    writer.append(sent("relations.established", "1912~", "PAN", "TWN"), "t")
    known = reader.read.position()
    writer.app.append(sent("relations.severed", "1950", "PAN", "TWN"), "t")

    assert reader.relation_state("PAN", "TWN", DAY, at=known).diplomatic.status.value == "established"
    assert reader.read.lag() is not None
    assert reader.relation_state("PAN", "TWN", DAY).diplomatic.status.value == "severed"
