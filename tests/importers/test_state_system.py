"""The state-system importer: the polities of COW v2016, ISD v2.2 and ICOW v1.1, their codes and
names, and each spell of their lives, checked against the rows of the three tables by hand."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from api.importers import IMPORTERS
from api.importers.loader import load
from api.importers.state_system import Lifecycle, StateSystem, read
from api.service import Service
from events import CODE_PATTERN
from tests.importers.conftest import DATA

STATE_SYSTEM = DATA / "state_system"
CHANCERY = str(Path(sys.executable).parent / "chancery")

if not STATE_SYSTEM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"the real data sets must be at {DATA} in CI")
    pytest.skip(f"the state-system tables are not at {STATE_SYSTEM}", allow_module_level=True)


@pytest.fixture(scope="module")
def system() -> StateSystem:
    return read(STATE_SYSTEM)


def life(system: StateSystem, code: str) -> list[Lifecycle]:
    return [spell for spell in system.lifecycles if spell.code == code]


def dates(system: StateSystem, code: str) -> list[tuple[str | None, str | None]]:
    return [(spell.began, spell.ended) for spell in life(system, code)]


def began(spell: Lifecycle) -> tuple[str | None, str | None, tuple[str, ...]]:
    return spell.began, spell.began_how, spell.began_from


def ended(spell: Lifecycle) -> tuple[str | None, str | None, tuple[str, ...]]:
    return spell.ended, spell.ended_how, spell.ended_into


def quoted(spell: Lifecycle, side: str) -> list[str]:
    return [f"{cite.title.split('.')[0]}: {cite.quote}" for cite in getattr(spell, f"{side}_sources")]


# What the tables hold, counted


def test_every_polity_of_the_three_tables_is_one_entity_and_every_row_a_spell(system: StateSystem):
    # ISD numbers 446 polities in 499 rows; COW's 217 states (243 rows) and ICOW's 217 are all among them.
    assert len(system.entities) == 446
    assert len({entity.code for entity in system.entities}) == 446
    assert len(system.lifecycles) == 499  # a spell an ISD row; each COW row overlaps one of them
    assert sum(spell.began is not None for spell in system.lifecycles) == 266
    assert sum(spell.ended is not None for spell in system.lifecycles) == 304
    assert sum(entity.code.startswith("COW") for entity in system.entities) == 252


def test_the_data_sets_edges_are_not_births_or_deaths(system: StateSystem):
    assert life(system, "USA") == [life(system, "USA")[0]] and dates(system, "USA") == [(None, None)]
    assert dates(system, "GBR") == dates(system, "CHN") == dates(system, "RUS") == [(None, None)]
    assert not [s for s in system.lifecycles if (s.began or "").startswith("1816-01-01")]
    assert not [s for s in system.lifecycles if (s.ended or "").startswith("2016-12-31")]
    assert dates(system, "MCO") == [(None, None)]  # ICOW: independent since 1419; ISD's 1993 is UN membership


# Hard cases, against the rows


def test_bavaria_and_baden_were_states_in_1816_and_went_into_germany_on_18_january_1871(system: StateSystem):
    (bavaria,), (baden,) = life(system, "COW245"), life(system, "COW267")
    assert began(bavaria) == began(baden) == (None, None, ())
    assert ended(bavaria) == ended(baden) == ("1871-01-18", "unification", ("DEU",))
    assert (
        "Butcher, C: COWNum=267; COWID=BAD; StateName=Baden; OtherName=-9; Start=1816-01-01; End=1871-01-18; "
        "StartType=2; EndType=3; DestinationA=255; DestinationB=260"
    ) in quoted(baden, "ended")
    assert any("IntoDate=187012" in quote for quote in quoted(baden, "ended"))
    assert any("stateabb=BAV; ccode=245" in quote for quote in quoted(bavaria, "ended"))


def test_hawaii_was_annexed_by_the_united_states_and_texas_went_into_them(system: StateSystem):
    (hawaii,), (texas,) = life(system, "COW4"), life(system, "COW7")
    assert (began(hawaii), ended(hawaii)) == ((None, None, ()), ("1898-07-07", "annexation", ("USA",)))
    assert began(texas) == ("1837-03-03", "secession", ())
    assert ended(texas) == ("1846-02-19", "dissolution", ("USA",))  # ISD's EndType 4, as it codes it


def test_the_two_germanys_began_in_1949_and_went_into_germany_which_began_again_in_1990(system: StateSystem):
    (west,), (east,) = life(system, "COW260"), life(system, "COW265")
    assert began(west) == ("1949-09", "partition", ("DEU",))  # ICOW's month, before ISD's 1955-05-05
    assert began(east) == ("1949-10", "partition", ("DEU",))  # before ISD's 1954-03-25
    assert ended(west) == ended(east) == ("1990-10-02", "merger", ("DEU",))
    prussia, germany = life(system, "DEU")
    assert began(prussia) == (None, None, ())
    assert ended(prussia) == ("1945-05-08", "dissolution", ("LUX", "COW315", "POL", "BEL", "NLD", "ITA"))
    assert began(germany) == ("1990-10-03", "unification", ("COW260", "COW265"))
    assert germany.ended is None


def test_austria_ended_in_1938_and_began_again_in_1955(system: StateSystem):
    first, second = life(system, "AUT")
    assert began(first) == ("1918-11-11", "dissolution", ("COW300",))
    assert ended(first) == ("1938-03-13", "occupation", ())  # COW's day, after ISD's 1938-03-12
    assert began(second) == ("1955-07-27", "restoration", ())
    assert second.ended is None
    (empire,) = life(system, "COW300")
    assert ended(empire)[:2] == ("1918-11-12", "dissolution") and {"AUT", "HUN", "COW315"} <= set(empire.ended_into)


def test_korea_ended_in_1905_and_the_two_koreas_were_partitioned_out_of_it(system: StateSystem):
    (korea,) = life(system, "COW730")
    assert ended(korea) == ("1905-11-17", "annexation", ())  # ISD's successors are the Koreas of 1948
    assert [began(s) for s in life(system, "KOR")] == [("1948-08", "partition", ("COW730",))]
    assert [began(s) for s in life(system, "PRK")] == [("1948-09-09", "partition", ("COW730",))]


@pytest.mark.parametrize(("code", "first"), [("EST", "1918-02-24"), ("LVA", "1918-11-18"), ("LTU", "1918-02-16")])
def test_the_baltic_states_were_occupied_in_1940_and_restored_in_1991(system: StateSystem, code: str, first: str):
    before, after = life(system, code)
    assert began(before)[:2] == (first, "dissolution")
    assert ended(before)[0].startswith("1940-06-") and ended(before)[1:] == ("occupation", ())
    assert began(after) == ("1991-09-06", "restoration", ("RUS",)) and after.ended is None


def test_yugoslavia_lives_on_and_its_successors_seceded_from_it(system: StateSystem):
    assert [began(s) for s in life(system, "HRV")] == [("1991-06", "secession", ("COW345",))]
    assert [began(s) for s in life(system, "SVN")] == [("1991-06", "secession", ("COW345",))]
    assert [began(s) for s in life(system, "MKD")] == [("1991-09", "secession", ("COW345",))]
    assert [began(s) for s in life(system, "BIH")] == [("1992-03", "secession", ("COW345",))]
    assert [began(s) for s in life(system, "XKX")] == [("2008-02-20", "secession", ("COW345",))]
    assert [began(s) for s in life(system, "MNE")] == [("1878-07-13", "secession", ()),
                                                     ("2006-06-12", "restoration", ("COW345",))]
    assert dates(system, "COW345") == [("1878-07-13", "1941-04-20"), ("1944-10-20", None)]


def test_the_republic_of_vietnam_went_into_vietnam(system: StateSystem):
    (south,) = life(system, "COW817")
    assert began(south) == ("1954-06-04", "independence", ("FRA",))
    assert ended(south) == ("1975-04-30", "merger", ("VNM",))
    assert dates(system, "VNM") == [("1954-07-21", None)]


def test_where_the_tables_disagree_the_earliest_beginning_and_the_latest_end_are_taken(system: StateSystem):
    assert dates(system, "BGD") == [("1971-12-16", None)]  # COW and ICOW; ISD says 1972-12-16
    assert dates(system, "CRI") == [("1838-11", None)]  # ICOW; ISD 1840, COW 1920
    assert dates(system, "COW240") == [(None, "1866-09-20")]  # Hanover: ISD; COW ends it 1866-07-26
    assert dates(system, "PRY") == [(None, None)]  # ISD counts it throughout; COW has a gap 1870-1876
    (first, *_) = life(system, "DOM")
    assert began(first) == ("1844-01-16", "secession", ("HTI",))


def test_a_first_of_january_or_a_thirty_first_of_december_is_a_year_unless_icow_gives_the_month(system: StateSystem):
    assert dates(system, "COW4741") == [("1828", "1902")]  # Abuja: ISD 1828-01-01, 1902-12-31
    assert dates(system, "WSM") == [("1962-01-01", None)]  # ICOW: 196201
    (czechoslovakia, restored) = life(system, "COW315")
    assert ended(restored) == ("1992-12-31", "partition", ("CZE", "SVK"))  # its successors began on 1993-01-01


# Codes and names


def test_codes_are_iso_through_the_cow_table_else_cow_numbers_and_every_polity_has_its_cow_alias(system: StateSystem):
    by_number = {next(a for a in e.aliases if a.startswith("cow:")): e for e in system.entities}
    assert all(re.fullmatch(CODE_PATTERN, e.code) for e in system.entities)
    assert len(by_number) == 446
    wanted = {"cow:95": "PAN", "cow:710": "CHN", "cow:713": "TWN", "cow:2": "USA", "cow:732": "KOR", "cow:255": "DEU",
              "cow:347": "XKX", "cow:327": "COW327", "cow:345": "COW345", "cow:260": "COW260", "cow:4": "COW4"}
    assert {alias: by_number[alias].code for alias in wanted} == wanted


def test_no_two_polities_share_a_name_or_an_alias(system: StateSystem):
    names = [n.casefold() for e in system.entities for n in {e.name, *e.aliases}]
    assert len(names) == len(set(names))
    samoa = {e.code: e.name for e in system.entities if e.name.startswith("Samoa")}
    assert samoa == {"WSM": "Samoa", "COW9900": "Samoa (1873–1899)"}
    assert {"Prussia", "Germany"} <= set(next(e for e in system.entities if e.code == "DEU").aliases)


# The events


def test_each_dated_beginning_and_end_is_an_event_of_its_own_that_quotes_its_rows():
    parsed = IMPORTERS["state-system"].parse(STATE_SYSTEM)
    assert all(len(group.events) == 1 for group in parsed.groups) and parsed.unmapped is None
    events = [group.events[0] for group in parsed.groups]
    assert Counter(event.type.value for event in events) == {"entity.began": 265, "entity.ended": 304}
    # Taiwan's entry (1949) is when the Republic of China's government moved there, not its beginning
    assert not [event for event in events if event.subject == "TWN" and event.type.value == "entity.began"]
    assert all(event.counterpart is None for event in events)
    (bavaria,) = [event for event in events if event.subject == "COW245"]
    assert (bavaria.type.value, bavaria.occurred) == ("entity.ended", "1871-01-18")
    assert bavaria.attributes == {"how": "unification", "into": ["DEU"]}
    assert bavaria.summary == (
        "Bavaria ends (unification), into Germany, as ISD v2.2, COW v2016 and ICOW v1.1 record it."
    )
    cited = [source.title.split(".")[0] for source in bavaria.sources]
    assert cited == ["Butcher, C", "Correlates of War Project", "Hensel, Paul R"]
    assert bavaria.sources[1].quote == (
        "stateabb=BAV; ccode=245; statenme=Bavaria; styear=1816; stmonth=1; stday=1; "
        "endyear=1871; endmonth=1; endday=18"
    )
    (texas, _) = [event for event in events if event.subject == "COW7"]
    assert (texas.occurred, texas.attributes) == ("1837-03-03", {"how": "secession"})


# Into a store


def test_a_fresh_store_gets_every_polity_and_life_and_a_second_import_adds_nothing(database_url: str):
    service = Service(database_url)
    try:
        parsed = IMPORTERS["state-system"].parse(STATE_SYSTEM)
        first, second = load(service, parsed, "importer"), load(service, parsed, "importer")
        assert (first.appended, first.refused, first.registered, first.aliased) == (569, [], 446, 0)
        assert (second.appended, second.present, second.registered, second.aliased) == (0, 569, 0, 0)
        assert service.code("Prussia") == service.code("cow:255") == "DEU"
        after = service.relation_state("USA", "Bavaria", date(1880, 1, 1))
        assert after.diplomatic.status.value == "ended"
        assert (after.b.ended, after.b.successors) == ("1871-01-18", ["DEU"])
        germany = service.relation_state("USA", "DEU", date(2000, 1, 1)).b
        assert (germany.began, germany.ended, germany.predecessors[:2]) == ("1990-10-03", None, ["COW260", "COW265"])
        assert "COW245" in germany.predecessors  # Bavaria went into it in 1871: said on Bavaria's side only
    finally:
        service.close()


def test_the_seed_s_states_are_reused_and_given_their_cow_names(seeded_database_url: str):
    service = Service(seeded_database_url)
    try:
        report = load(service, IMPORTERS["state-system"].parse(STATE_SYSTEM), "importer")
        assert (report.appended, report.refused, report.registered, report.aliased) == (569, [], 439, 7)
        assert {service.code(f"cow:{n}") for n in (95, 2, 710, 713, 750, 732, 347)} == {
            "PAN", "USA", "CHN", "TWN", "IND", "KOR", "XKX"}
        taiwan = service.entity("TWN")
        assert taiwan.name == "Republic of China (Taiwan)" and "Taiwan (ROC)" in taiwan.aliases
        assert service.code("Qing dynasty") == "QING"
        panama = service.relation_state("PAN", "USA", date(2016, 1, 1)).a
        assert (panama.began, panama.predecessors) == ("1903-11-03", ["COL"])
    finally:
        service.close()


def chancery(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHANCERY, *args], capture_output=True, text=True, timeout=120, check=False)


def test_the_command_reports_what_it_registered_then_nothing_new(seeded_database_url: str):
    first = chancery("import", "state-system", str(STATE_SYSTEM), "--database-url", seeded_database_url)
    second = chancery("import", "state-system", str(STATE_SYSTEM), "--database-url", seeded_database_url)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.splitlines() == [
        "appended 569, already present 0, refused 0; entities registered 439, given new names 7"]
    assert second.stdout.splitlines() == [
        "appended 0, already present 569, refused 0; entities registered 0, given new names 0"]


def test_a_folder_without_the_tables_is_one_line_and_status_2(tmp_path: Path, sqlite_url: str):
    (tmp_path / "cow_states2016.csv").write_text("stateabb,ccode\nUSA,2\n", encoding="utf-8")
    done = chancery("import", "state-system", str(tmp_path), "--database-url", sqlite_url)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("chancery: error: ") and "lacks the column(s) statenme" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
