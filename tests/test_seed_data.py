"""The seed data set: faithful to its two documents, complete in its parties, and loaded idempotently."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pycountry
import pytest

from api.seed import load, read, seed_directory
from api.service import Service
from tests.conftest import SHARED, STORES, new_store

DATA = seed_directory()
PARSED = read(DATA)
ENTITIES = list(PARSED.entities)
EVENTS = [event for group in PARSED.groups for event in group.events]
DOCUMENTS = {
    "Foreign relations of Panama": "foreign-relations-of-panama.txt",
    "Panama strengthens ties with the US": "panama-strengthens-ties-with-us.txt",
}
NOT_ISO = {"XKX", "QING"}  # Kosovo's user-assigned code; a historical state


def document(title: str) -> str:
    path = SHARED / "seeds" / DOCUMENTS[title]
    if not path.exists():
        pytest.skip(f"the seed documents are not at {path.parent}")
    return path.read_text(encoding="utf-8")


def test_every_source_quote_is_found_verbatim_in_its_document():
    for event in EVENTS:
        for source in event.sources:
            assert source.title in DOCUMENTS, source.title
            assert source.quote and source.quote in document(source.title), (event.summary, source.quote)


def test_states_use_iso_alpha3_codes_where_one_exists():
    for entity in ENTITIES:
        if entity.kind.value == "state" and entity.code not in NOT_ISO:
            assert pycountry.countries.get(alpha_3=entity.code) is not None, entity.code


def test_every_party_of_every_event_is_registered():
    codes = {e.code for e in ENTITIES}
    assert {p for e in EVENTS for p in (e.subject, e.counterpart)} <= codes


def test_no_name_or_alias_belongs_to_two_entities():
    owners: dict[str, str] = {}
    for entity in ENTITIES:
        for name in {n.casefold() for n in (entity.code, entity.name, *entity.aliases)}:
            assert owners.setdefault(name, entity.code) == entity.code, name


def test_each_event_is_read_with_the_line_it_comes_from():
    assert [g.where for g in PARSED.groups][:2] == [f"{DATA / 'events.jsonl'}:1", f"{DATA / 'events.jsonl'}:2"]
    assert all(len(g.events) == 1 for g in PARSED.groups) and PARSED.unmapped is None


@pytest.fixture(scope="module", params=STORES)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The seed data set loaded once a module into a store of each kind."""
    with new_store(request.param, tmp_path_factory.mktemp("seed")) as url:
        service = Service(url)
        try:
            loaded = load(service, DATA, "seed")
            assert (loaded.entities_added, loaded.events_added) == (len(ENTITIES), len(EVENTS))
            yield service
        finally:
            service.close()



def test_a_second_load_appends_nothing(store):
    head = store.head()
    again = load(store, DATA, "seed")
    assert (again.entities_added, again.events_added) == (0, 0)
    assert (again.entities_present, again.events_present) == (len(ENTITIES), len(EVENTS))
    assert store.head() == head


@pytest.mark.parametrize(
    ("name", "code"),
    [("Taiwan", "TWN"), ("Republic of China", "TWN"), ("ROC", "TWN"), ("China", "CHN"),
     ("People's Republic of China", "CHN"), ("PRC", "CHN"), ("Sahrawi Arab Democratic Republic", "ESH"),
     ("SADR", "ESH"), ("Western Sahara", "ESH"), ("Kosovo", "XKX"), ("Qing dynasty", "QING"),
     ("Belt and Road Initiative", "BRI"), ("UN Security Council", "UNSC"), ("United Nations", "UN"),
     ("Rio Group", "RIO"), ("United States", "USA"), ("US", "USA"), ("India", "IND"), ("South Korea", "KOR"),
     ("Panamá", "PAN")],
)
def test_the_names_people_use_find_the_entity(store, name, code):
    assert store.code(name.lower()) == code
    assert store.code(name.upper()) == code


def statuses(store: Service, on: date) -> dict[str, str]:
    return {r.b.code: r.diplomatic.status.value for r in store.entity_relations("Panama", on).relations}


def test_on_2016_01_01_panama_has_relations_with_taiwan_not_the_prc_and_sadr_relations_are_suspended(store):
    on = statuses(store, date(2016, 1, 1))
    assert on["TWN"] == "established"
    assert on.get("CHN", "none") == "none"
    assert on["ESH"] == "suspended"


def test_on_2017_06_13_it_is_the_other_way_round(store):
    on = statuses(store, date(2017, 6, 13))
    assert (on["TWN"], on["CHN"], on["ESH"]) == ("severed", "established", "established")


@pytest.mark.parametrize(
    ("other", "day", "status"),
    [("QING", date(1908, 12, 31), "none"), ("QING", date(1909, 12, 31), "established"),
     ("KOR", date(1962, 9, 29), "none"), ("KOR", date(1962, 9, 30), "established"),
     ("XKX", date(2013, 8, 26), "none"), ("XKX", date(2013, 8, 27), "established"),
     ("ESH", date(2013, 11, 19), "established"), ("ESH", date(2013, 11, 20), "suspended"),
     ("ESH", date(2016, 1, 6), "suspended"), ("ESH", date(2016, 1, 7), "established"),
     ("TWN", date(2017, 6, 11), "established"), ("CHN", date(2017, 6, 11), "none")],
)
def test_dated_facts_take_effect_at_the_end_of_their_day(store, other, day, status):
    assert store.relation_state("PAN", other, day).diplomatic.status.value == status


def test_every_state_answer_names_its_events_and_each_quotes_its_source(store):
    for relation in store.entity_relations("PAN", date(2017, 6, 13)).relations:
        cited = {e.id: e for e in relation.events}
        behind = [relation.diplomatic.event] if relation.diplomatic.event else []
        behind += [r.event for r in relation.recognition.held + relation.recognition.not_held]
        behind += [m.event for m in relation.missions]
        behind += [a.event for a in relation.agreements] + [m.event for m in relation.memberships]
        assert set(behind) == set(cited)
        for event in cited.values():
            assert event.sources and all(s.quote for s in event.sources)


def test_memberships_and_missions_from_the_documents(store):
    assert [m.role for m in store.relation_state("PAN", "UNSC", date(2008, 6, 1)).memberships] == ["non-permanent member"]
    assert store.relation_state("PAN", "UNSC", date(2009, 6, 1)).memberships == []
    rio = store.relation_state("PAN", "Rio Group", date(1990, 1, 1)).memberships
    assert [m.status.value for m in rio] == ["suspended"]
    assert [m.status.value for m in store.relation_state("PAN", "RIO", date(1994, 9, 30)).memberships] == ["member"]
    assert [m.status.value for m in store.relation_state("PAN", "BRI", date(2018, 1, 1)).memberships] == ["member"]
    assert store.relation_state("PAN", "BRI", date(2025, 3, 1)).memberships == []
    assert [(m.sender, m.level) for m in store.relation_state("PAN", "India", date(1974, 1, 1)).missions] == [("IND", "embassy")]
    assert {a.kind for a in store.relation_state("PAN", "USA", date(2025, 5, 1)).agreements} == {"declaration", "mou"}
