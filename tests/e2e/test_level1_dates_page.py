"""EDTF level 1 dates on the page, in the real Chromium against a real ``chancery serve --seed``: said
in words, and drawn on an axis that an open side (``../1960-05``, ``1960/..``) does not stretch to the
calendar's first or last day."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.e2e.browsing import DESKTOP, Visit, chromium, page_server, visiting
from tests.e2e.conftest import TOKEN, Server

pytestmark = pytest.mark.e2e

OPEN_AND_BOUNDED = {"USA": "../1960-05", "TWN": "1960/..", "IND": "1960-06/1965-05"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seed, and South Korea's relations established on or before May 1960 (USA), on or after
    1960 (TWN) and some day from June 1960 to May 1965 (IND)."""
    with page_server(tmp_path_factory.mktemp("level1")) as started:
        for partner, occurred in OPEN_AND_BOUNDED.items():
            sent = {
                "type": "relations.established", "subject": partner, "counterpart": "KOR", "occurred": occurred,
                "summary": f"Relations established ({occurred}).", "sources": [{"title": "A test source"}],
            }
            answer = started.http.post("/v1/events", json=sent, headers={"Authorization": f"Bearer {TOKEN}"})
            assert answer.status_code == 201, answer.text
        yield started


@pytest.fixture(scope="module")
def visit(server: Server) -> Iterator[Visit]:
    with chromium() as browser, visiting(browser, server, DESKTOP) as opened:
        yield opened
        assert opened.problems == []


def said(visit: Visit, function: str, texts: list[str]) -> list[str]:
    """``function`` of dates.js applied to each text in the page."""
    answer: list[str] = visit.page.evaluate(
        f"async (texts) => {{ const dates = await import('/static/dates.js'); return texts.map(dates.{function}); }}",
        texts,
    )
    return answer


def test_level_1_dates_are_said_in_words(visit: Visit) -> None:
    visit.page.goto("/")
    texts = ["1960-06/1965-05", "../1960-05", "1960/..", "1960?/1965~", "196X", "19XX", "1962-XX", "1985-04-XX"]
    assert said(visit, "edtf", texts) == [
        "June 1960 – May 1965", "May 1960 or before", "1960 or after", "1960? – c. 1965", "the 1960s", "the 1900s",
        "1962", "April 1985",
    ]
    assert said(visit, "precision", texts) == [
        "some day between its two ends", "some day on or before its end", "some day on or after its start",
        "uncertain and approximate; some day between its two ends", "some day in that decade",
        "some day in that century", "some day in that year", "some day in that month",
    ]
    assert said(visit, "edtf", ["1912~", "2025-06?", "2013-11-20"]) == ["c. 1912", "June 2025?", "20 November 2013"]


def places(visit: Visit, selector: str) -> list[tuple[float, float]]:
    """(left, width) in percent of each element the selector finds, as drawn."""
    styles: list[str] = visit.page.locator(selector).evaluate_all("(found) => found.map((e) => e.style.cssText)")
    found = []
    for style in styles:
        left, width = re.search(r"left: (-?[\d.]+)%", style), re.search(r"width: (-?[\d.]+)%", style)
        found.append((float(left[1]) if left else 0.0, float(width[1]) if width else 0.0))
    return found


def test_an_open_side_is_drawn_to_the_edge_of_an_axis_it_does_not_stretch(visit: Visit) -> None:
    visit.page.goto("/?entity=KOR&on=1962-01-01")
    title = visit.page.locator("#timeline-title")
    title.wait_for()
    assert re.fullmatch(r"Timeline of South Korea, 1960–20\d\d", title.inner_text()), title.inner_text()
    for selector in ("#timeline .band", "#timeline .marker"):
        drawn = places(visit, selector)
        assert drawn, selector
        for left, width in drawn:
            assert 0 <= left <= 100 and 0 <= width and left + width <= 100 + 1e-6, (selector, left, width)
    usa = places(visit, '#timeline li[data-partner="USA"] .marker')
    twn = places(visit, '#timeline li[data-partner="TWN"] .marker')
    assert [left for left, _ in usa] == [0.0]  # on or before May 1960: from the axis' first day
    assert [round(left + width, 4) for left, width in twn] == [100.0]  # on or after 1960: to its last
