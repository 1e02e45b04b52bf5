"""The parsers read a source into entities and groups of events, with no store in sight."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.importers import IMPORTERS, BadSource
from api.importers.guide_text import read_article
from tests.importers.conftest import ARTICLES, DATA, RANGES

if not RANGES.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"the real data sets must be at {DATA} in CI")
    pytest.skip(f"the real data sets are not at {DATA}", allow_module_level=True)


def test_the_registry_names_each_source_with_its_parser_and_a_line_on_what_it_reads():
    assert list(IMPORTERS) == ["us-missions", "state-dept-guide", "state-system"]
    for importer in IMPORTERS.values():
        assert callable(importer.parse) and importer.about and "\n" not in importer.about


def test_the_importers_and_their_parsers_import_nothing_of_the_service():
    code = (
        "import sys, api.importers; print(sorted(m for m in sys.modules if m.split('.')[0] in ('domain', 'projections')"
        " or m.startswith('api.') and not m.startswith('api.importers')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_the_missions_table_gives_an_event_a_group_each_quoting_its_row():
    parsed = IMPORTERS["us-missions"].parse(RANGES)
    lines = RANGES.read_text(encoding="utf-8").splitlines()

    assert parsed.entities[0].code == "USA" and len({e.code for e in parsed.entities}) == len(parsed.entities)
    assert len(parsed.groups) == 752 and parsed.unmapped is None
    for group in parsed.groups:
        (event,) = group.events
        row = int(group.where.removeprefix("row "))
        assert event.sources[0].quote == lines[row - 1] and event.attributes["dataset_row"] == row


def test_the_guide_gives_each_article_an_entity_and_every_dated_heading_events_with_the_usa_or_of_a_polity():
    parsed = IMPORTERS["state-dept-guide"].parse(ARTICLES)
    codes = [e.code for e in parsed.entities]
    names = {name for e in parsed.entities for name in e.aliases}

    assert codes[0] == "USA" and len(set(codes)) == len(codes)
    dated = [path for path in ARTICLES.glob("*.xml") if read_article(path).headings]
    assert len(dated) == 226 and all(f"rdcr:{path.stem}" in names for path in dated)  # not the Cayman Islands, the USSR
    for group in parsed.groups:
        assert group.where.split(":")[0].endswith(".xml")
        for event in group.events:
            parties = {event.subject, event.counterpart} - {None}
            assert parties <= set(codes) and ("USA" in parties or event.counterpart is None)
    assert parsed.unmapped is not None and parsed.unmapped["German Unification"] == 14
    assert parsed.summary is not None and parsed.summary.startswith("1130 dated headings: 1130 became ")


def test_parsing_twice_gives_the_same_events():
    first, second = IMPORTERS["state-dept-guide"].parse(ARTICLES), IMPORTERS["state-dept-guide"].parse(ARTICLES)
    assert [e.content_id() for g in first.groups for e in g.events] == [e.content_id() for g in second.groups for e in g.events]


@pytest.mark.parametrize(
    ("source", "text", "says"),
    [
        ("us-missions", "a,b\n1,2\n", "lacks the column(s) country_abbrev_cow"),
        ("us-missions", RANGES.read_text(encoding="utf-8").replace("1981-11-01", "1981-13-01", 1), "the dates are not"),
    ],
)
def test_a_source_that_is_not_what_its_parser_expects_is_refused_by_name(tmp_path: Path, source: str, text: str, says: str):
    (tmp_path / "us_diplomatic_missions").mkdir()
    path = tmp_path / "us_diplomatic_missions" / RANGES.name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadSource, match=r"mission_status_range_cow_v0\.1\.csv") as refused:
        IMPORTERS[source].parse(path)
    assert says in str(refused.value)
