"""The one loader, on each store: what a parser read is registered and appended, refusals reported, twice is once."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.importers import Group, Parsed
from api.importers.loader import load
from api.service import Service
from events import EntityIn, EntityKind, EventIn

STATE = EntityKind.STATE


def entity(code: str, name: str, *aliases: str) -> EntityIn:
    return EntityIn(code=code, name=name, kind=STATE, aliases=list(aliases))


def group(where: str, *events: tuple[str, str, str, str]) -> Group:
    return Group(tuple(sent(*e) for e in events), where)


def sent(kind: str, subject: str, counterpart: str, occurred: str, **attributes: Any) -> EventIn:
    return EventIn.model_validate({
        "type": kind, "subject": subject, "counterpart": counterpart, "occurred": occurred,
        "summary": f"{subject} and {counterpart}: {kind}.", "attributes": attributes,
        "sources": [{"title": "A test table", "quote": f"{kind} {occurred}"}],
    })


PARSED = Parsed(
    (entity("AAA", "Aland", "Aa"), entity("BBB", "Bland")),
    (
        group("row 2", ("relations.established", "AAA", "BBB", "1900-01-01")),
        group("row 3", ("relations.resumed", "AAA", "BBB", "1901"), ("note.recorded", "AAA", "BBB", "1901")),
        group("row 4", ("relations.severed", "AAA", "BBB", "1950-05-05")),
    ),
)


def test_a_load_registers_the_entities_appends_the_groups_and_reports_a_refused_group_by_where(service: Service):
    report = load(service, PARSED, "importer")

    assert (report.appended, report.present, report.registered, report.aliased) == (2, 0, 2, 0)
    assert len(report.refused) == 1 and report.refused[0].startswith("row 3: ")
    assert service.relation_state("Aland", "BBB", date(1960, 1, 1)).diplomatic.status.value == "severed"
    assert [e.type.value for e in service.timeline("AAA", "BBB").events] == ["relations.established", "relations.severed"]
    assert report.line() == "appended 2, already present 0, refused 1; entities registered 2, given new names 0"


def test_loading_the_same_source_again_appends_nothing(service: Service):
    load(service, PARSED, "importer")
    head = service.head()

    again = load(service, PARSED, "importer")

    assert (again.appended, again.present, len(again.refused), again.registered, again.aliased) == (0, 2, 1, 0, 0)
    assert service.head() == head


def test_an_entity_whose_name_is_taken_is_the_entity_that_name_finds(service: Service):
    # A name finds one entity: a source that names "Aland" means the Aland a reader finds.
    service.register_entity(entity("ZZZ", "Aland", "Aa"), "someone")

    report = load(service, PARSED, "importer")

    assert service.find("AAA") is None
    assert report.registered == 1 and report.appended == 2
    assert [e.subject for e in service.timeline("Aland", "BBB").events] == ["ZZZ", "ZZZ"]


def test_an_entity_the_store_knows_by_another_code_gains_the_names_and_its_events(service: Service):
    service.register_entity(entity("COW9", "Bland", "bbb"), "someone")

    report = load(service, Parsed((entity("AAA", "Aland"), entity("BBB", "Bland", "Bee")), PARSED.groups[:1]), "importer")

    known = service.find("Bee")
    assert known is not None and known.code == "COW9" and "Bee" in known.aliases
    assert (report.registered, report.aliased, report.appended, report.refused) == (1, 1, 1, [])
    assert [(e.subject, e.counterpart) for e in service.timeline("AAA", "COW9").events] == [("AAA", "COW9")]


def test_a_group_between_two_codes_the_store_knows_as_one_entity_is_left_out(service: Service):
    service.register_entity(entity("COW9", "Bland", "AAA", "BBB"), "someone")

    report = load(service, PARSED, "importer")

    assert (report.appended, report.refused, report.registered, report.aliased) == (0, [], 0, 1)
    assert service.events() == []


def test_an_entity_another_source_registered_under_another_code_is_found_by_its_name(service: Service):
    load(service, Parsed((entity("HAW", "Hawaii"), entity("USA", "United States")), ()), "guide")
    later = Parsed(
        (entity("COW99", "Hawaii", "cow:99"),),
        (group("row 9", ("relations.established", "COW99", "USA", "1826")),),
    )

    report = load(service, later, "table")

    assert (report.registered, report.appended, report.refused) == (0, 1, [])
    assert service.find("COW99") is None and service.find("cow:99").code == "HAW"
    assert [e.subject for e in service.timeline("Hawaii", "USA").events] == ["HAW"]
