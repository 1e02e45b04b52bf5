"""The two real data sets imported into one store, and answered from faithfully."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.importers import IMPORTERS
from api.importers.loader import load
from api.importers.us_missions import level_of, state_codes
from api.service import Service
from tests.importers.conftest import ARTICLES, DATA, RANGES, Imported

CHANCERY = str(Path(sys.executable).parent / "chancery")

if not RANGES.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"the real data sets must be at {DATA} in CI")
    pytest.skip(f"the real data sets are not at {DATA}", allow_module_level=True)

with RANGES.open(encoding="utf-8") as ranges_file:
    ROWS = list(csv.DictReader(ranges_file))
CODES = state_codes(RANGES.parent / "cow_statelist2024.csv", DATA / "countrycode" / "codelist_without_cldr.csv")


def us_levels(service: Service, code: str, day: date) -> list[str]:
    return [m.level for m in service.relation_state("USA", code, day).missions if m.sender == "USA"]


def expected(row: dict[str, str]) -> list[str]:
    level = level_of(row["us_mission_status"])
    return [level] if level else []


def test_every_range_holds_on_its_first_and_last_day(imported: Imported):
    wrong = []
    for row in ROWS:
        code = imported.service.code(f"cow:{row['country_code_cow']}")  # the code the store knows it by
        for day in (row["date_start"], row["date_end"]):
            if us_levels(imported.service, code, date.fromisoformat(day)) != expected(row):
                wrong.append((row["country_name_cow"], day, row["us_mission_status"]))
    # The one real disagreement of the two sources: the guide's vanuatu.xml, "Opening of U.S. Embassy in
    # Port Vila, 2024": "On July 19, 2024, the United States officially opened the U.S. Embassy in Port
    # Vila", where the table's last range (to 2024-12-31) still has the ambassador non-resident.
    assert wrong == [("Vanuatu", "2024-12-31", "Ambassador Nonresident")], wrong[:10]
    assert len(ROWS) == 656


@settings(max_examples=300, deadline=None)
@given(row=st.sampled_from(ROWS), fraction=st.floats(0, 1))
def test_any_day_inside_a_range_agrees_with_the_ranges_file(imported: Imported, row: dict[str, str], fraction: float):
    first, last = date.fromisoformat(row["date_start"]), date.fromisoformat(row["date_end"])
    day = first + timedelta(days=int((last - first).days * fraction))
    if row["country_code_cow"] == "345" and day == date(2006, 6, 3):
        return  # the one day two ranges of the file overlap (both Embassy)
    levels = us_levels(imported.service, imported.service.code(f"cow:{row['country_code_cow']}"), day)
    if row["country_code_cow"] == "935" and day >= date(2024, 7, 19):
        levels.remove("embassy")  # opened that day, as the guide says and the table does not (see above)
    assert levels == expected(row)


def test_a_second_import_of_either_source_appends_nothing(imported: Imported):
    service = imported.service
    head = service.head()
    again = load(service, IMPORTERS["us-missions"].parse(RANGES), "importer")
    guide = load(service, IMPORTERS["state-dept-guide"].parse(ARTICLES), "importer")
    assert (again.appended, guide.appended, again.registered, guide.registered) == (0, 0, 0, 0)
    assert (again.present, guide.present) == (imported.missions.appended, imported.guide.appended)
    assert service.head() == head


def test_states_use_iso_codes_through_the_cow_table_and_carry_their_cow_alias(imported: Imported):
    service = imported.service
    assert service.code("cow:2") == "USA"
    assert service.code("cow:95") == "PAN"
    assert service.code("cow:713") == "TWN"
    assert service.code("cow:345").startswith("COW")  # Yugoslavia has no ISO alpha-3
    assert service.code("cow:315") == "COW315"  # Czechoslovakia, not Czechia's CZE
    assert service.code("cow:316") == "CZE"


def test_a_state_from_the_seed_gains_names_and_is_never_registered_twice(imported: Imported):
    panama = imported.service.find("PAN")
    assert panama is not None and {"cow:95", "rdcr:panama"} <= set(panama.aliases)
    assert [e.code for e in imported.service.entities("panama")] == ["PAN"]


def test_a_historical_polity_of_the_guide_takes_the_code_of_its_cow_state(imported: Imported):
    baden = imported.service.find("rdcr:baden")  # Baden is COW state 267, as the missions table registered it
    assert baden is not None and baden.code == "COW267" and imported.service.find("cow:267") == baden


def test_the_guide_gives_panama_recognition_and_relations_in_1903(imported: Imported):
    service = imported.service
    before, after = service.relation_state("USA", "PAN", date(1903, 11, 5)), service.relation_state("USA", "PAN", date(1903, 11, 13))
    assert (before.recognition.a_recognizes_b, before.diplomatic.status.value) == (False, "none")
    assert after.recognition.a_recognizes_b and after.diplomatic.status.value == "established"
    assert after.diplomatic.since == "1903-11-13"


def test_the_guide_keeps_the_day_cuba_was_severed_and_relations_resumed(imported: Imported):
    service = imported.service
    assert service.relation_state("USA", "CUB", date(1961, 1, 2)).diplomatic.status.value == "established"
    severed = service.relation_state("USA", "CUB", date(1961, 1, 3)).diplomatic
    assert (severed.status.value, severed.since) == ("severed", "1961-01-03")
    assert service.relation_state("USA", "CUB", date(2015, 7, 19)).diplomatic.status.value == "severed"
    again = service.relation_state("USA", "CUB", date(2015, 7, 20)).diplomatic
    assert (again.status.value, again.since) == ("established", "2015-07-20")
    event = service.event(uuid.UUID(severed.event)) if severed.event else None
    assert event is not None and "history.state.gov/countries/cuba" in (event.sources[0].url or "")
    assert "1961" in (event.sources[0].quote or "")


def test_the_guide_says_iran_was_severed_in_1980(imported: Imported):
    severed = imported.service.relation_state("USA", "Iran", date(1980, 12, 31)).diplomatic
    assert severed.status.value == "severed" and severed.since.startswith("1980")  # type: ignore[union-attr]


def test_beside_the_missions_table_the_guide_is_refused_only_its_own_account_of_us_missions(imported: Imported):
    """The table is the day-precise source of US missions: where the guide's account of a mission
    disagrees with it (another day, another rank's name), that account is refused as a whole, naming
    the table's event it contradicts; the seed's own end of the Qing dynasty refuses the guide's. No
    status, recognition or note is refused."""
    parsed, guide = imported.parsed_guide, imported.guide
    assert len(parsed.groups) > 1000 and guide.appended > 900
    others = [r for r in guide.refused if not re.search(r": (?:recording )?mission\.\w+ \(", r)]
    assert others == [r for r in guide.refused if "QING had already ended" in r] and len(others) == 1
    assert all("would make the recorded event" in r or "is refused" in r for r in guide.refused)
    assert parsed.unmapped is not None and "German Unification" in parsed.unmapped


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["import", "us-missions", "/etc/hostname"], "lacks the column"),
        (["import", "us-missions"], "needs the path"),
        (["import", "state-dept-guide", "/tmp"], "TEI articles"),
        (["import", "us-missions", "/no/such/file.csv"], "does not exist"),
    ],
)
def test_a_file_that_is_not_what_an_importer_expects_is_one_line_and_exit_2(database_url: str, args: list[str], says: str):
    result = subprocess.run([CHANCERY, *args, "--database-url", database_url], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert says in result.stderr and result.stderr.count("\n") == 1
