"""``chancery import <source> PATH`` on each store: the report a user reads, and a second run that adds nothing.

The guide is imported here from four of its articles (the whole guide is imported in process by
``test_real_data``): enough for refusals, headings not mapped, new entities and new names.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.importers.conftest import ARTICLES, DATA, RANGES

CHANCERY = str(Path(sys.executable).parent / "chancery")
SOME_ARTICLES = ["austria", "baden", "cuba", "panama"]

if not RANGES.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"the real data sets must be at {DATA} in CI")
    pytest.skip(f"the real data sets are not at {DATA}", allow_module_level=True)


def chancery(*args: str) -> list[str]:
    done = subprocess.run([CHANCERY, *args], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout.splitlines()


@pytest.fixture
def some_articles(tmp_path: Path) -> Path:
    """A few of the guide's articles, laid out as the shared data are (the tables they need beside them)."""
    articles = tmp_path / "rdcr" / "articles"
    articles.mkdir(parents=True)
    for name in SOME_ARTICLES:
        (articles / f"{name}.xml").symlink_to(ARTICLES / f"{name}.xml")
    for table in ("us_diplomatic_missions", "countrycode"):
        (tmp_path / table).symlink_to(DATA / table)
    return articles


def test_the_missions_table_reports_what_it_appended_and_registered_then_nothing_new(seeded_database_url: str):
    first = chancery("import", "us-missions", str(RANGES), "--database-url", seeded_database_url)
    second = chancery("import", "us-missions", str(RANGES), "--database-url", seeded_database_url)

    assert first == ["appended 752, already present 0, refused 0; entities registered 210, given new names 7"]
    assert second == ["appended 0, already present 752, refused 0; entities registered 0, given new names 0"]


def test_the_guide_reports_each_refusal_the_headings_not_mapped_and_the_totals(seeded_database_url: str, some_articles: Path):
    printed = chancery("import", "state-dept-guide", str(some_articles), "--database-url", seeded_database_url)
    again = chancery("import", "state-dept-guide", str(some_articles), "--database-url", seeded_database_url)

    refused = [line for line in printed if line.startswith("refused ")]
    # Austria's relations re-established in 1946 with no end recorded since 1921: a contradiction.
    assert len(refused) == 1 and refused[0].startswith("refused austria.xml: Re-establishment of Diplomatic Relations")
    assert printed[1] == "22 headings became events; headings not mapped:"
    assert "  1 × German Unification" in printed[2:-1] and all(" × " in line for line in printed[2:-1])
    assert printed[-1] == "appended 25, already present 0, refused 1; entities registered 3, given new names 2"
    # The same refusals (what held then may name more, recorded by the first import) and headings.
    assert [line.split(": relations.")[0] for line in again[:-1]] == [line.split(": relations.")[0] for line in printed[:-1]]
    assert again[-1] == "appended 0, already present 25, refused 1; entities registered 0, given new names 0"
