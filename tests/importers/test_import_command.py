"""``chancery import <source> PATH`` on each store: the report a user reads, and a second run that adds nothing.

The guide is imported here from four of its articles (the whole guide is imported in process by
``test_real_data`` and ``test_guide_v11``): enough for implied events, headings without a date, new
entities and new names.
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


def test_the_guide_reports_what_its_headings_became_the_headings_without_a_date_and_the_totals(
    seeded_database_url: str, some_articles: Path
):
    printed = chancery("import", "state-dept-guide", str(some_articles), "--database-url", seeded_database_url)
    again = chancery("import", "state-dept-guide", str(some_articles), "--database-url", seeded_database_url)

    # Austria's "Re-establishment" of 1946 implies the end of the relations it had since 1921 (the
    # Anschluss); its raised legation, a legation open again; nothing is refused.
    assert not any(line.startswith("refused ") for line in printed)
    assert printed[0] == (
        "34 dated headings: 34 became 43 events (3 of them implied by the guide's words, 0 stated under more than "
        "one heading); headings without a date, not mapped:"
    )
    assert "  1 × German Unification" in printed[1:-1] and all(" × " in line for line in printed[1:-1])
    # Austria, Baden, Cuba, and Germany, which Austria went into in 1938; the seed's USA and Panama get new names.
    assert printed[-1] == "appended 43, already present 0, refused 0; entities registered 4, given new names 2"
    assert again[:-1] == printed[:-1]
    assert again[-1] == "appended 0, already present 43, refused 0; entities registered 0, given new names 0"
