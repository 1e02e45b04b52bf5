"""The State Department's guide alone, imported once into a fresh store, answers as its articles say.

Every dated heading becomes events (what it says, or a note), the changes its words imply but do not
date become implied events, and nothing is refused. Each fact checked below cites the article and
the heading whose words state it; the days are read from the articles, not from the importer.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from api.importers import IMPORTERS, Parsed
from api.importers.guide_text import read_article
from api.importers.loader import Report, load
from api.service import Service
from events import EventType
from projections.models import RelationState
from tests.conftest import new_store
from tests.importers.conftest import ARTICLES, DATA

if not ARTICLES.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"the real data sets must be at {DATA} in CI")
    pytest.skip(f"the real data sets are not at {DATA}", allow_module_level=True)

DATED = [heading for path in sorted(ARTICLES.glob("*.xml")) for heading in read_article(path).headings]


@dataclass(frozen=True)
class Guide:
    service: Service
    parsed: Parsed
    report: Report


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Guide]:
    """The whole guide in a fresh SQLite store, as a new user imports it (a second of work)."""
    with new_store("sqlite", tmp_path_factory.mktemp("guide")) as url:
        service = Service(url)
        try:
            parsed = IMPORTERS["state-dept-guide"].parse(ARTICLES)
            yield Guide(service, parsed, load(service, parsed, "importer"))
        finally:
            service.close()


def state(guide: Guide, other: str, day: str) -> RelationState:
    return guide.service.relation_state("USA", other, date.fromisoformat(day))


STATUS = [
    # bavaria.xml, "Cessation of Relations, 1917": relations with Bavaria were severed "On February 3,
    # 1917"; nothing dates their beginning, so they held before it (inferred), also after Bavaria joined
    # the German Empire (bavaria.xml, "Bavaria Joins the German Empire, 1871": January 18, 1871).
    ("COW245", "1850-01-01", "established"), ("COW245", "1880-01-01", "established"),
    ("COW245", "1917-02-02", "established"), ("COW245", "1917-02-03", "severed"),
    # baden.xml, "Cessation of Relations, 1917": Baden as Bavaria.
    ("COW267", "1920-01-01", "severed"),
    # german-democratic-republic.xml, "Recognition of the German Democratic Republic, and the Establishment
    # of Diplomatic Relations…, 1974": relations "occurred on September 4, 1974"; germany.xml,
    # "International Recognition of Reunified Germany, 1990-91": the GDR "absorbed" by the FRG in 1990.
    ("COW265", "1960-01-01", "none"), ("COW265", "1974-09-03", "none"), ("COW265", "1974-09-04", "established"),
    ("COW265", "1995-01-01", "ended"),
    # austrian-empire.xml: relations from "November 7, 1838" ("Establishment of Diplomatic Relations and the
    # American Legation in Vienna, 1838"), severed "On April 8, 1917" ("Termination of Diplomatic Relations,
    # 1917"); the empire's "breakup in 1918" ("U.S. Consulates in Venice, Trieste, and Vienna").
    ("COW300", "1900-01-01", "established"), ("COW300", "1917-04-08", "severed"), ("COW300", "1920-01-01", "ended"),
    # two-sicilies.xml, "Establishment of Diplomatic Relations, 1832" (January 25, 1832) and "Cessation of
    # Relations, 1861": the kingdom "ceased to exist".
    ("COW329", "1850-01-01", "established"), ("COW329", "1862-01-01", "ended"),
    # texas.xml, "Establishment of Diplomatic Relations…, 1837" (March 6, 1837), "Cessation of Relations,
    # 1846": "the transfer of Texan sovereignty to the United States on February 19, 1846".
    ("COW7", "1840-01-01", "established"), ("COW7", "1846-02-19", "ended"),
    # hawaii.xml, "Establishment of Diplomatic Relations and the American Legation at Honolulu, 1853"
    # (December 20, 1853); "Cessation of Relations…, 1898": annexation "on August 12, 1898".
    ("COW4", "1890-01-01", "established"), ("COW4", "1898-08-11", "established"), ("COW4", "1898-08-12", "ended"),
    # congo-free-state.xml: recognized, never in diplomatic relations; "Demise of Congo Free State, 1908":
    # annexed by Belgium "on November 15, 1908".
    ("CONGOFREESTATE", "1900-01-01", "unknown"), ("CONGOFREESTATE", "1910-01-01", "ended"),
    # china.xml, "Establishment of Diplomatic Relations, 1844" ("on or about June 16, 1844"); "Relations
    # Interrupted, 1912": the Manchu Emperor abdicated on February 12, 1912.
    ("QING", "1900-01-01", "established"), ("QING", "1913-01-01", "ended"),
    # china.xml, "Relations Interrupted, 1924" (December 9, 1924), "Relations Resumed, 1928" (July 25, 1928).
    ("TWN", "1926-01-01", "suspended"), ("TWN", "1930-01-01", "established"),
    # japan.xml, "Suspension of Diplomatic Relations, 1941": "severed on December 8, 1941"; "Resumption of
    # Diplomatic Relations, 1952": "reestablished … on April 28, 1952".
    ("JPN", "1941-12-07", "established"), ("JPN", "1945-01-01", "severed"), ("JPN", "1952-04-28", "established"),
    # hungary.xml, "Relations Interrupted, 1941": "Hungary severed diplomatic relations … on December 11, 1941".
    ("HUN", "1943-01-01", "severed"),
    # cuba.xml, "Diplomatic Relations Severed, 1961" (January 3, 1961); "Resumption of Diplomatic Relations
    # and Reestablishment of the American Embassy in Cuba, 2015" (July 20, 2015).
    ("CUB", "1961-01-03", "severed"), ("CUB", "2015-07-19", "severed"), ("CUB", "2015-07-20", "established"),
    # bulgaria.xml: severed December 13, 1941; resumed September 27, 1947; severed by Bulgaria February 20,
    # 1950; reestablished March 24, 1959.
    ("BGR", "1945-01-01", "severed"), ("BGR", "1948-01-01", "established"), ("BGR", "1955-01-01", "severed"),
    ("BGR", "1959-03-24", "established"),
    # panama.xml: "Diplomatic Relations Interrupted, 1931" (January 2) and "Resumed, 1931" (January 15);
    # "Severed by Panama, 1964" (January 10) and "Reestablished, 1964" (April 3).
    ("PAN", "1931-01-10", "suspended"), ("PAN", "1931-01-15", "established"), ("PAN", "1964-02-01", "severed"),
    ("PAN", "1964-04-03", "established"),
    # germany.xml: severed February 3, 1917; "Reestablishment of Diplomatic Relations, 1921" (December 10,
    # 1921); "Severed by Germany, 1941" (December 11, 1941); relations with the FRG from May 6, 1955.
    ("DEU", "1919-01-01", "severed"), ("DEU", "1921-12-10", "established"), ("DEU", "1950-01-01", "severed"),
    ("DEU", "1955-05-06", "established"), ("DEU", "1995-01-01", "established"),
    # austria.xml: relations from 1921; the Anschluss ("Nazi Germany annexed Austria in March 1938", the
    # Legation closed "on April 30, 1938"); "Re-establishment of Diplomatic Relations, 1946" (January 21).
    ("AUT", "1930-01-01", "established"), ("AUT", "1940-01-01", "severed"), ("AUT", "1946-01-21", "established"),
    # estonia.xml, "Legation at Tallinn Closed, 1940" and "Resumption of Normal Relations, 1991" (September 4).
    ("EST", "1930-01-01", "established"), ("EST", "1960-01-01", "suspended"), ("EST", "1991-09-04", "established"),
    # italy.xml, "Diplomatic Relations Severed, 1941" (December 11) and "Re-established, 1944" (October 16).
    ("ITA", "1942-06-01", "severed"), ("ITA", "1944-10-16", "established"),
    # papal-states.xml: relations from August 19, 1848; ceased 1867; "Incorporation of Rome into the Kingdom
    # of Italy, 1870": annexed after "a plebiscite held in early October".
    ("COW327", "1860-01-01", "established"), ("COW327", "1868-06-01", "severed"), ("COW327", "1871-01-01", "ended"),
    # piedmont-sardinia.xml, "Expansion of Relations, 1839": "established full diplomatic relations … on
    # February 7, 1839"; "Cessation of Relations, 1861": its king "proclaimed King of Italy on March 17, 1861".
    ("SARDINIA", "1839-02-06", "none"), ("SARDINIA", "1850-01-01", "established"),
    ("SARDINIA", "1862-01-01", "ended"),
]


@pytest.mark.parametrize(("other", "day", "status"), STATUS)
def test_a_relation_answers_as_the_guide_says(guide: Guide, other: str, day: str, status: str):
    assert state(guide, other, day).diplomatic.status.value == status


def test_a_resumption_after_a_severance_is_an_establishment_and_after_an_interruption_a_resumption(guide: Guide):
    # japan.xml: severed in 1941, "Resumption of Diplomatic Relations, 1952"; panama.xml: "Interrupted, 1931"
    # then "Resumed, 1931".
    japan = state(guide, "JPN", "1952-04-28").diplomatic
    panama = state(guide, "PAN", "1931-01-15").diplomatic
    assert (japan.since, panama.since) == ("1952-04-28", "1931-01-15")
    assert guide.service.event(uuid.UUID(str(japan.event))).type.value == "relations.established"
    assert guide.service.event(uuid.UUID(str(panama.event))).type.value == "relations.resumed"


RECOGNITIONS = [
    # china.xml, "Establishment of Diplomatic Relations with PRC/Termination of Diplomatic Relations with the
    # Republic of China, 1979": "On January 1, 1979, the United States recognized the PRC … withdrew its
    # recognition of … the Republic of China"; "Relations Resumed, 1928": "full recognition of the
    # Nationalist Government of China".
    ("CHN", "1975-06-01", False, None), ("CHN", "1979-01-01", True, None),
    ("TWN", "1975-06-01", True, "Nationalist Government of the Republic of China"), ("TWN", "1979-01-01", False, None),
    # france.xml, "Limited U.S. Recognition of the French Committee of National Liberation, 1943" (the message
    # of August 24 distributed "two days later") and "U.S. Recognition of the Provisional Government of the
    # French Republic, 1944" (the press release of October 23, 1944).
    ("FRA", "1943-09-01", True, "French Committee of National Liberation"),
    ("FRA", "1945-01-01", True, "Provisional Government of the French Republic"),
    # russia.xml, "Normal Diplomatic Relations Resumed, 1933": "recognized the Government of the Union of
    # Soviet Socialist Republics"; "Dissolution of the Soviet Union and Recognition of the Russian
    # Federation, 1991" (December 25, 1991).
    ("RUS", "1940-01-01", True, "Government of the Union of Soviet Socialist Republics"),
    ("RUS", "1992-01-01", True, "Russian Federation"),
    # egypt.xml, "Formation, Recognition, and Dissolution of the United Arab Republic": recognized on
    # February 25, 1958.
    ("EGY", "1960-01-01", True, "United Arab Republic"),
    # el-salvador.xml, "Diplomatic Relations Normalized, 1934": "recognized the Martinez Government … on
    # January 26, 1934".
    ("SLV", "1935-01-01", True, "Martinez Government of El Salvador"),
    # germany.xml, "Establishment of Diplomatic Relations with the German Empire, 1871": "the United States
    # recognized the new German Empire" (after January 18, by April 8, 1871).
    ("DEU", "1880-01-01", True, "German Empire"),
    # yemen.xml, "U.S. Recognition of Yemen Arab Republic (North Yemen), 1962" (December 19, 1962).
    ("COW678", "1963-01-01", True, "Yemen Arab Republic"),
    # kingdom-of-yugoslavia.xml, "U.S. Recognition of the Independence of the Kingdom of Serbs, Croats, and
    # Slovenes, 1919" (February 7, 1919).
    ("COW345", "1920-01-01", True, "Kingdom of Serbs, Croats, and Slovenes"),
    # montenegro.xml, "Recognition of Independent Montenegro Withdrawn by the United States, 1920-21"
    # (December 30, 1920), and "United States Recognition of Montenegro, 2006" (June 13, 2006).
    ("MNE", "1925-01-01", False, None), ("MNE", "2006-06-13", True, None),
    # german-democratic-republic.xml: "U.S. Non-Recognition of GDR, 1949", recognized September 4, 1974.
    ("COW265", "1960-01-01", False, None), ("COW265", "1980-01-01", True, None),
    # congo-free-state.xml, "U.S. Recognition of the Independent State of Congo, 1885" (September 11, 1885).
    ("CONGOFREESTATE", "1885-09-10", False, None), ("CONGOFREESTATE", "1900-01-01", True, None),
]


@pytest.mark.parametrize(("other", "day", "recognized", "government"), RECOGNITIONS)
def test_the_united_states_recognizes_the_governments_the_guide_names(
    guide: Guide, other: str, day: str, recognized: bool, government: str | None
):
    answer = state(guide, other, day).recognition
    assert answer.a_recognizes_b is recognized
    assert [h.government for h in answer.held if h.recognizer == "USA"] == ([government] if recognized else [])


MISSIONS = [
    # cuba.xml, "Elevation of U.S. Legation to Embassy Status, 1923": "raised to Embassy status on February 10,
    # 1923".
    ("CUB", "USA", "1923-02-09", ["legation"]), ("CUB", "USA", "1923-02-10", ["embassy"]),
    # poland.xml, "Elevation of American Legation…, 1930" (January 31) and "Elevation of Polish Legation to
    # Embassy Status, 1930" ("presented his new credentials on March 4, 1930").
    ("POL", "USA", "1930-01-31", ["embassy"]), ("POL", "POL", "1930-03-03", ["legation"]),
    ("POL", "POL", "1930-03-04", ["embassy"]),
    # china.xml, "Legation Raised to Embassy, 1935": "elevated to the level of Embassy on June 18, 1935".
    ("TWN", "USA", "1935-06-17", ["legation"]), ("TWN", "USA", "1935-06-18", ["embassy"]),
    # ethiopia.xml, "American Legation Raised to Embassy, 1949" (June 28) and "Ethiopian Legation…" (September 27).
    ("ETH", "USA", "1949-06-28", ["embassy"]), ("ETH", "ETH", "1949-09-26", ["legation"]),
    ("ETH", "ETH", "1949-09-27", ["embassy"]),
    # china.xml: the Liaison Office opened "on May 1, 1973" and "was converted to an Embassy on March 1, 1979";
    # "The U.S. embassy in Taipei was closed on February 28, 1979".
    ("CHN", "USA", "1975-06-01", ["liaison-office"]), ("CHN", "USA", "1979-03-01", ["embassy"]),
    ("TWN", "USA", "1979-02-27", ["embassy"]), ("TWN", "USA", "1979-02-28", []),
    # hawaii.xml: "the legation ceased to exist on August 12, 1898".
    ("COW4", "USA", "1898-08-11", ["legation"]), ("COW4", "USA", "1898-08-12", []),
]


@pytest.mark.parametrize(("other", "sender", "day", "levels"), MISSIONS)
def test_missions_open_close_and_change_rank_as_the_guide_says(
    guide: Guide, other: str, sender: str, day: str, levels: list[str]
):
    assert [m.level for m in state(guide, other, day).missions if m.sender == sender] == levels


def test_a_legation_raised_to_an_embassy_is_one_mission_changed_event(guide: Guide):
    # cuba.xml, "Elevation of U.S. Legation to Embassy Status, 1923".
    (embassy,) = state(guide, "CUB", "1923-02-10").missions
    event = guide.service.event(uuid.UUID(embassy.event))
    assert (event.type.value, event.occurred, event.attributes) == (
        "mission.changed", "1923-02-10", {"from": "legation", "level": "embassy"})
    assert "Elevation of U.S. Legation to Embassy Status, 1923" in event.sources[0].title


LIVES = [
    # bavaria.xml, "Bavaria Joins the German Empire, 1871": "proclaimed on January 18, 1871".
    ("COW245", None, "1871-01-18", ["DEU"]),
    # german-democratic-republic.xml, "Division of Germany…, 1949": created "on October 7, 1949"; its end is
    # implied (germany.xml, "International Recognition of Reunified Germany, 1990-91").
    ("COW265", "1949-10-07", "1990-08-31/1990-12-31", ["DEU"]),
    # austrian-empire.xml: "until its breakup in 1918".
    ("COW300", None, "1918", ["AUT", "HUN", "COW315"]),
    # two-sicilies.xml, "Cessation of Relations, 1861"; texas.xml and hawaii.xml, "Cessation of Relations".
    ("COW329", None, "1860/1861-03-17", ["ITA"]), ("COW7", None, "1846-02-19", ["USA"]),
    ("COW4", None, "1898-08-12", ["USA"]),
    # congo-free-state.xml, "Demise of Congo Free State, 1908": annexed by Belgium on November 15, 1908.
    ("CONGOFREESTATE", None, "1908-11-15", ["BEL"]),
    # china.xml, "Relations Interrupted, 1912"; north-german-confederation.xml: established "on July 1, 1867",
    # "abolished by the creation of the German Empire in 1871".
    ("QING", None, "1912-02-12", ["TWN"]), ("NORTHGERMANCONF", "1867-07-01", "1871", ["DEU"]),
]


@pytest.mark.parametrize(("code", "began", "ended", "successors"), LIVES)
def test_polities_that_ended_are_entities_with_the_lives_the_guide_gives(
    guide: Guide, code: str, began: str | None, ended: str, successors: list[str]
):
    entity = state(guide, code, "2000-01-01").b
    assert (entity.began, entity.ended, entity.successors) == (began, ended, successors)


def test_the_two_chinas_in_1975_and_1979(guide: Guide):
    # china.xml: relations with the Republic of China since 1928, the Liaison Office in Beijing (1973), the
    # switch of January 1, 1979.
    prc, roc = state(guide, "CHN", "1975-06-01"), state(guide, "TWN", "1975-06-01")
    assert (prc.diplomatic.status.value, roc.diplomatic.status.value) == ("none", "established")
    assert (prc.b.name, roc.b.name) == ("People's Republic of China", "Republic of China (Taiwan)")
    prc, roc = state(guide, "CHN", "1979-06-01"), state(guide, "TWN", "1979-06-01")
    assert (prc.diplomatic.status.value, prc.diplomatic.since) == ("established", "1979-01-01")
    assert (roc.diplomatic.status.value, roc.diplomatic.since) == ("severed", "1979-01-01")
    assert guide.service.find("rdcr:china") is not None and guide.service.code("Qing dynasty") == "QING"


def test_italy_begins_once_though_six_articles_say_so(guide: Guide):
    # "Proclamation of the Kingdom of Italy, 1861" in genoa, grand-duchy-tuscany, parma, papal-states,
    # piedmont-sardinia and two-sicilies.xml: "proclaimed on March 17, 1861" — one event citing all six.
    italy = state(guide, "ITA", "2000-01-01").b
    # Italy came from Piedmont-Sardinia, and the Two Sicilies and the Papal States ended into it
    # (two-sicilies.xml, "Cessation of Relations, 1861"; papal-states.xml, "Incorporation of Rome…, 1870").
    assert (italy.began, sorted(italy.predecessors)) == ("1861-03-17", ["COW327", "COW329", "SARDINIA"])
    (began,) = guide.service.events(entity="ITA", types=[EventType.ENTITY_BEGAN])
    assert len(began.sources) == 6


def test_a_change_the_guide_implies_is_an_event_of_its_own_over_the_window_it_allows(guide: Guide):
    # austria.xml, "Re-establishment of Diplomatic Relations, 1946": relations established in 1921 were
    # re-established, so they had ended — with the Anschluss ("He closed the Legation on April 30, 1938").
    severed = state(guide, "AUT", "1940-01-01").diplomatic
    event = guide.service.event(uuid.UUID(str(severed.event)))
    assert (event.type.value, event.occurred) == ("relations.severed", "1938-03/1938-04-30")
    assert event.summary.startswith("Implied") and "Re-establishment of Diplomatic Relations, 1946" in event.summary
    assert "He closed the Legation on April 30, 1938" in (event.sources[0].quote or "")
    # cuba.xml: the embassy "reestablished" in 2015 had closed after relations were severed on January 3, 1961.
    (closed,) = [e for e in guide.service.events(entity="CUB", types=[EventType.MISSION_CLOSED]) if e.subject == "USA"]
    assert closed.occurred == "1961-01-03/2015-07-20" and closed.summary.startswith("Implied")


def test_every_implied_event_says_so_and_quotes_the_words_that_imply_it(guide: Guide):
    implied = [e for group in guide.parsed.groups for e in group.events if e.summary.startswith("Implied")]
    assert 30 <= len(implied) <= 50
    for event in implied:
        quote = event.sources[0].quote or ""
        assert quote[:80] in event.summary and event.sources[0].url.startswith("https://history.state.gov/countries/")


def test_every_dated_heading_becomes_events_and_none_is_refused(guide: Guide):
    """The bar: at most 2% of the dated headings refused, each for a real contradiction. Each dated
    heading is cited by at least one event (a heading the general reading finds nothing in is a note)."""
    cited = {source.title.split(": ", 1)[1].split(": ", 1)[1] for g in guide.parsed.groups for e in g.events
             for source in e.sources}
    assert len(DATED) == 1130 and all(heading.text in cited for heading in DATED)
    assert guide.report.refused == [] and len(guide.report.refused) <= 0.02 * len(DATED)
    events = sum(len(group.events) for group in guide.parsed.groups)
    assert (guide.report.appended, guide.report.present) == (events, 0)
    assert guide.parsed.summary == (
        f"1130 dated headings: 1130 became {events} events ({guide.parsed.summary.split('(')[1].split(' of')[0]} of "
        "them implied by the guide's words, 14 stated under more than one heading); headings without a date, "
        "not mapped:"
    )


def test_a_second_import_appends_nothing(guide: Guide):
    head = guide.service.head()
    again = load(guide.service, IMPORTERS["state-dept-guide"].parse(ARTICLES), "importer")
    assert (again.appended, again.present, again.refused, again.registered) == (0, guide.report.appended, [], 0)
    assert guide.service.head() == head
