"""The seed data set: faithful to its two documents, complete in its parties, and loaded idempotently.

Every event quotes its document verbatim, and its quotes name each of its parties and state its date;
a date the documents only imply is listed, with why, under "Dates implied, not stated" in
``data/NOT_LOADED.md``, which the README repeats word for word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pycountry
import pytest

from api.seed import load, read, seed_directory
from api.service import Service
from events import EventIn, parse_date
from tests.conftest import REPO, SHARED, STORES, new_store

DATA = seed_directory()
PARSED = read(DATA)
ENTITIES = list(PARSED.entities)
EVENTS = [event for group in PARSED.groups for event in group.events]
NAMES = {e.code: (e.code, e.name, *e.aliases) for e in ENTITIES}
DOCUMENTS = {
    "Foreign relations of Panama": "foreign-relations-of-panama.txt",
    "Panama strengthens ties with the US": "panama-strengthens-ties-with-us.txt",
}
NOT_ISO = {"XKX", "QING"}  # Kosovo's user-assigned code; a historical state
NOT_LOADED = (DATA / "NOT_LOADED.md").read_text(encoding="utf-8")
IMPLIED = [line for line in NOT_LOADED.partition("## Dates implied, not stated")[2].splitlines() if line.startswith("- ")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def document(title: str) -> str:
    path = SHARED / "seeds" / DOCUMENTS[title]
    if not path.exists():
        pytest.skip(f"the seed documents are not at {path.parent}")
    return path.read_text(encoding="utf-8")


def quoted(event: EventIn) -> str:
    return "\n".join(source.quote or "" for source in event.sources)


def named(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def states(text: str, end: str) -> bool:
    """Whether ``text`` states one end of a date (``1994``, ``1994-09``, ``2013-08-27``, qualifiers aside)."""
    parts = [int(part) for part in end.rstrip("?~%").split("-")]
    if not named(text, str(parts[0])):
        return False
    if len(parts) == 1:
        return True
    month = MONTHS[parts[1] - 1]
    if len(parts) == 2:
        return named(text, month)
    day = str(parts[2])
    return any(named(text, form) for form in (f"{day} {month}", f"{month} {day}", f"{month[:3]} {day}"))


def stated(event: EventIn) -> bool:
    return all(states(quoted(event), end) for end in event.occurred.split("/") if end != "..")


def parties(event: EventIn) -> list[str]:
    codes = [event.subject, *([event.counterpart] if event.counterpart else [])]
    return codes + [code for name in ("from", "into") for code in event.attributes.get(name, [])]


def implied_by(line: str) -> list[EventIn]:
    """The events a line of "Dates implied, not stated" speaks of: its date, its type and its parties."""
    return [
        event for event in EVENTS
        if line.startswith(f"- `{event.occurred}` ")
        and f"(`{event.type.value}` {'→'.join(parties(event)[:2] if event.counterpart else parties(event)[:1])})" in line
    ]


def test_every_source_quote_is_found_verbatim_in_its_document():
    for event in EVENTS:
        for source in event.sources:
            assert source.title in DOCUMENTS, source.title
            assert source.quote and source.quote in document(source.title), (event.summary, source.quote)


def test_the_quotes_of_every_event_name_each_of_its_parties():
    for event in EVENTS:
        for code in parties(event):
            assert any(named(quoted(event), name) for name in NAMES[code]), (event.summary, code)


def test_the_quotes_of_every_event_state_its_date_or_the_date_is_listed_as_implied():
    listed = [event for line in IMPLIED for event in implied_by(line)]
    for event in EVENTS:
        assert stated(event) or event in listed, (event.occurred, event.summary)
        parsed = parse_date(event.occurred)
        uncertain = parsed.uncertain or parsed.approximate
        assert not uncertain or event in listed, (event.occurred, event.summary)
    assert all(implied_by(line) for line in IMPLIED), [line for line in IMPLIED if not implied_by(line)]


def test_a_window_the_documents_bound_is_bounded_by_dates_its_quotes_state():
    for event in (e for e in EVENTS if "/" in e.occurred):
        assert stated(event), (event.occurred, event.summary)


def test_the_readme_lists_the_facts_not_loaded_word_for_word():
    assert NOT_LOADED.strip() in (REPO / "README.md").read_text(encoding="utf-8")


def test_states_use_iso_alpha3_codes_where_one_exists():
    for entity in ENTITIES:
        if entity.kind.value == "state" and entity.code not in NOT_ISO:
            assert pycountry.countries.get(alpha_3=entity.code) is not None, entity.code


def test_every_party_of_every_event_is_registered():
    assert {code for event in EVENTS for code in parties(event)} <= set(NAMES)


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
    assert on == {"CHN": "none", "ESH": "suspended", "IND": "unknown", "QING": "ended", "RIO": "unknown",
                  "TWN": "established", "UNSC": "unknown", "USA": "unknown", "XKX": "established"}


def test_on_2016_01_01_the_qing_dynasty_has_ended_and_no_relation_with_it_holds(store):
    qing = store.relation_state("PAN", "Qing dynasty", date(2016, 1, 1))
    ended = next(e for e in EVENTS if e.type.value == "entity.ended")
    assert (qing.diplomatic.status.value, qing.diplomatic.since) == ("ended", "1909/2009")
    assert str(qing.diplomatic.event) == str(ended.content_id())
    assert (qing.b.ended, qing.b.successors) == ("1909/2009", ["TWN"])
    assert store.relation_state("PAN", "QING", date(2009, 12, 30)).diplomatic.status.value == "established"


def test_on_2017_06_13_it_is_the_other_way_round(store):
    on = statuses(store, date(2017, 6, 13))
    assert (on["TWN"], on["CHN"], on["ESH"]) == ("severed", "established", "established")


@pytest.mark.parametrize("day", [date(1908, 12, 31), date(1950, 1, 1), date(2008, 12, 31), date(2013, 8, 26),
                                 date(2016, 1, 1), date(2017, 6, 13), date(2026, 3, 1)])
def test_none_only_where_the_documents_date_a_later_establishment(store, day):
    """``none`` is a claim: relations known not to hold, before an establishment the documents date.
    Where they date none, a relation's status is unknown (or inferred, or ended), never none."""
    for relation in store.entity_relations("PAN", day).relations:
        pair = {relation.a.code, relation.b.code}
        later = [e for e in EVENTS if e.type.value == "relations.established" and {e.subject, e.counterpart} == pair
                 and parse_date(e.occurred).window.first > day]
        assert (relation.diplomatic.status.value == "none") == bool(later), (day, pair)


@pytest.mark.parametrize(
    ("other", "day", "status"),
    [("QING", date(1908, 12, 31), "none"), ("QING", date(1909, 12, 31), "established"),
     ("QING", date(2009, 12, 31), "ended"), ("USA", date(2016, 1, 1), "unknown"), ("IND", date(2016, 1, 1), "unknown"),
     ("XKX", date(2013, 8, 26), "none"), ("XKX", date(2013, 8, 27), "established"),
     ("ESH", date(2013, 11, 19), "established"), ("ESH", date(2013, 11, 20), "suspended"),
     ("ESH", date(2016, 1, 6), "suspended"), ("ESH", date(2016, 1, 7), "established"),
     ("TWN", date(2017, 6, 11), "established"), ("TWN", date(2017, 6, 12), "severed"), ("CHN", date(2017, 6, 11), "none")],
)
def test_dated_facts_take_effect_at_the_end_of_their_day(store, other, day, status):
    assert store.relation_state("PAN", other, day).diplomatic.status.value == status


def test_relations_the_documents_do_not_date_are_inferred_from_what_ended_them(store):
    for other, day in (("TWN", date(2017, 6, 11)), ("ESH", date(2013, 11, 19))):
        answer = store.relation_state("PAN", other, day)
        assert (answer.diplomatic.inferred, answer.diplomatic.since) == (True, None), other
    taiwan = store.relation_state("PAN", "TWN", date(2016, 1, 1)).recognition
    assert taiwan.a_recognizes_b is True and taiwan.held[0].inferred


def test_every_state_answer_names_its_events_and_each_quotes_its_source(store):
    for day in (date(2016, 1, 1), date(2017, 6, 13)):
        for relation in store.entity_relations("PAN", day).relations:
            cited = {e.id: e for e in relation.events}
            behind = [relation.diplomatic.event] if relation.diplomatic.event else []
            behind += [r.event for r in relation.recognition.held + relation.recognition.not_held]
            behind += [m.event for m in relation.missions]
            behind += [a.event for a in relation.agreements] + [m.event for m in relation.memberships]
            assert set(behind) == set(cited), relation.b.code
            for event in cited.values():
                assert event.sources and all(s.quote for s in event.sources)


def test_panama_sits_on_the_security_council_for_its_two_year_term(store):
    def seated(day: date) -> list[str | None]:
        return [m.role for m in store.relation_state("PAN", "UNSC", day).memberships]

    assert seated(date(2006, 12, 31)) == []
    assert seated(date(2007, 1, 1)) == seated(date(2008, 12, 31)) == ["non-permanent member"]
    assert seated(date(2009, 1, 1)) == []


def test_memberships_and_missions_from_the_documents(store):
    rio = store.relation_state("PAN", "Rio Group", date(1987, 1, 1))
    assert rio.memberships == [] and [p.occurred for p in rio.pending] == ["../1988"]  # founded on a day not given
    assert [m.status.value for m in store.relation_state("PAN", "RIO", date(1990, 1, 1)).memberships] == ["suspended"]
    assert [m.status.value for m in store.relation_state("PAN", "RIO", date(1994, 9, 30)).memberships] == ["member"]
    assert [m.status.value for m in store.relation_state("PAN", "BRI", date(2018, 1, 1)).memberships] == ["member"]
    assert store.relation_state("PAN", "BRI", date(2025, 3, 1)).memberships == []
    assert [(m.sender, m.level) for m in store.relation_state("PAN", "India", date(1974, 1, 1)).missions] == [("IND", "embassy")]
    assert {a.kind for a in store.relation_state("PAN", "USA", date(2025, 5, 1)).agreements} == {"declaration", "mou"}
