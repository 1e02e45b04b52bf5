"""The two real data sets imported into one store, and answered from faithfully."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.importers import state_dept_guide, us_missions
from api.importers.us_missions import level_of, state_codes
from api.service import Service
from tests.conftest import SHARED

DATA = SHARED / "data"
RANGES = DATA / "us_diplomatic_missions" / "mission_status_range_cow_v0.1.csv"
ARTICLES = DATA / "rdcr" / "articles"
CHANCERY = str(Path(sys.executable).parent / "chancery")

if not RANGES.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"the real data sets must be at {DATA} in CI")
    pytest.skip(f"the real data sets are not at {DATA}", allow_module_level=True)

with RANGES.open(encoding="utf-8") as ranges_file:
    ROWS = list(csv.DictReader(ranges_file))
CODES = state_codes(RANGES.parent / "cow_statelist2024.csv", DATA / "countrycode" / "codelist_without_cldr.csv")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path) -> Service:
    path = tmp_path_factory.mktemp("real") / "real.db"
    shutil.copy(seeded_sqlite_file, path)
    service = Service(f"sqlite:///{path}")
    service.missions = us_missions.run(service, RANGES, "importer")  # type: ignore[attr-defined]
    service.guide = state_dept_guide.run(service, ARTICLES, "importer")  # type: ignore[attr-defined]
    yield service
    service.close()


def us_levels(service: Service, code: str, day: date) -> list[str]:
    return [m.level for m in service.relation_state("USA", code, day).missions if m.sender == "USA"]


def expected(row: dict[str, str]) -> list[str]:
    level = level_of(row["us_mission_status"])
    return [level] if level else []


def test_every_range_holds_on_its_first_and_last_day(imported: Service):
    wrong = []
    for row in ROWS:
        code = CODES[row["country_code_cow"]].code
        for day in (row["date_start"], row["date_end"]):
            if us_levels(imported, code, date.fromisoformat(day)) != expected(row):
                wrong.append((row["country_name_cow"], day, row["us_mission_status"]))
    assert wrong == [], wrong[:10]
    assert len(ROWS) == 656


@settings(max_examples=300, deadline=None)
@given(row=st.sampled_from(ROWS), fraction=st.floats(0, 1))
def test_any_day_inside_a_range_agrees_with_the_ranges_file(imported: Service, row: dict[str, str], fraction: float):
    first, last = date.fromisoformat(row["date_start"]), date.fromisoformat(row["date_end"])
    day = first + timedelta(days=int((last - first).days * fraction))
    if row["country_code_cow"] == "345" and day == date(2006, 6, 3):
        return  # the one day two ranges of the file overlap (both Embassy)
    assert us_levels(imported, CODES[row["country_code_cow"]].code, day) == expected(row)


def test_a_second_import_of_either_source_appends_nothing(imported: Service):
    head = imported.projector.head()
    again = us_missions.run(imported, RANGES, "importer")
    guide = state_dept_guide.run(imported, ARTICLES, "importer")
    assert (again.appended, guide.appended, again.registered, guide.registered) == (0, 0, 0, 0)
    assert imported.projector.head() == head


def test_states_use_iso_codes_through_the_cow_table_and_carry_their_cow_alias(imported: Service):
    assert imported.code("cow:2") == "USA"
    assert imported.code("cow:95") == "PAN"
    assert imported.code("cow:713") == "TWN"
    assert imported.code("cow:345").startswith("COW")  # Yugoslavia has no ISO alpha-3
    assert imported.code("cow:315") == "COW315"  # Czechoslovakia, not Czechia's CZE
    assert imported.code("cow:316") == "CZE"


def test_a_state_from_the_seed_gains_names_and_is_never_registered_twice(imported: Service):
    panama = imported.read.entity("PAN")
    assert panama is not None and {"cow:95", "rdcr:panama"} <= set(panama.aliases)
    assert [e.code for e in imported.read.entities("panama")] == ["PAN"]


def test_the_guide_gives_panama_recognition_and_relations_in_1903(imported: Service):
    before, after = imported.relation_state("USA", "PAN", date(1903, 11, 5)), imported.relation_state("USA", "PAN", date(1903, 11, 13))
    assert (before.recognition.a_recognizes_b, before.diplomatic.status.value) == (False, "none")
    assert after.recognition.a_recognizes_b and after.diplomatic.status.value == "established"
    assert after.diplomatic.since == "1903-11-13"


def test_the_guide_keeps_the_day_cuba_was_severed_and_relations_resumed(imported: Service):
    assert imported.relation_state("USA", "CUB", date(1961, 1, 2)).diplomatic.status.value == "established"
    severed = imported.relation_state("USA", "CUB", date(1961, 1, 3)).diplomatic
    assert (severed.status.value, severed.since) == ("severed", "1961-01-03")
    assert imported.relation_state("USA", "CUB", date(2015, 7, 19)).diplomatic.status.value == "severed"
    again = imported.relation_state("USA", "CUB", date(2015, 7, 20)).diplomatic
    assert (again.status.value, again.since) == ("established", "2015-07-20")
    event = imported.event(uuid.UUID(severed.event)) if severed.event else None
    assert event is not None and "history.state.gov/countries/cuba" in (event.sources[0].url or "")
    assert "1961" in (event.sources[0].quote or "")


def test_the_guide_says_iran_was_severed_in_1980(imported: Service):
    severed = imported.relation_state("USA", "Iran", date(1980, 12, 31)).diplomatic
    assert severed.status.value == "severed" and severed.since.startswith("1980")  # type: ignore[union-attr]


def test_the_guide_reports_what_it_refused_and_what_it_did_not_map(imported: Service):
    guide = imported.guide  # type: ignore[attr-defined]
    assert guide.mapped > 300 and guide.appended > 300
    assert any("needs status" in reason for reason in guide.refused)
    assert "German Unification" in guide.unmapped


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["import", "us-missions", "/etc/hostname"], "lacks the column"),
        (["import", "us-missions"], "needs the path"),
        (["import", "state-dept-guide", "/tmp"], "TEI articles"),
        (["import", "us-missions", "/no/such/file.csv"], "does not exist"),
    ],
)
def test_a_file_that_is_not_what_an_importer_expects_is_one_line_and_exit_2(tmp_path: Path, args: list[str], says: str):
    result = subprocess.run([CHANCERY, *args, "--database-url", f"sqlite:///{tmp_path / 'x.db'}"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert says in result.stderr and result.stderr.count("\n") == 1
