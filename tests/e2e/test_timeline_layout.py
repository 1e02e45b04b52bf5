"""The timeline's layout (``api/static/timeline-layout.js``): pure functions that place an entity's
timelines on an axis of years, run in the real Chromium on the served module.

Each test hands the module plain data (Panama's timelines as the service answers them, or a few
intervals and events written here) and asserts what a reader of the timeline would notice: later days
lie further right, a fact that still holds runs to the end of the axis, a relation severed and resumed
is two spans, facts of different kinds never share a row, markers never overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from api.routes.page import STATIC
from tests.e2e.browsing import DESKTOP, Visit, chromium, page_server, visiting
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e

THIS_YEAR = 2030  # the axis runs to this year at least: a fixed one, for answers that do not change
LANES = """(layout, {timelines, events, width, thisYear}) => {
  const [first, last] = layout.yearRange(events, thisYear);
  const scale = layout.yearScale(first, last);
  return layout.lanes(timelines, { scale, events, shown: events, trackWidth: width });
}"""
LEFT_OF = "(layout, [day, lastYear]) => layout.leftOf(layout.yearScale(1900, lastYear), day)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with page_server(tmp_path_factory.mktemp("layout")) as started:
        yield started


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def blank(browser: Any, server: Server) -> Iterator[Visit]:
    """The page with no entity chosen: the module is imported from it, under the page's own CSP."""
    with visiting(browser, server, DESKTOP) as visit:
        visit.page.goto("/")
        yield visit
        assert visit.problems == []


@pytest.fixture(scope="module")
def panama(server: Server) -> dict[str, Any]:
    """Panama's timelines and events, as the page asks the service for them."""
    timelines = server.http.get("/v1/entities/PAN/timelines").json()["timelines"]
    events = server.http.get("/v1/events", params={"entity": "PAN", "limit": 1000}).json()["events"]
    return {"timelines": timelines, "events": events}


def lay_out(visit: Visit, function: str, arg: Any = None) -> Any:
    """``function(layout, arg)`` run in the page, ``layout`` the module; its answer, as JSON."""
    return visit.page.evaluate(f"async (arg) => ({function})(await import('/static/timeline-layout.js'), arg)", arg)


def lanes_of(visit: Visit, timelines: list[dict[str, Any]], events: list[dict[str, Any]], width: int = 1190) -> Any:
    return {lane["code"]: lane for lane in lay_out(visit, LANES, {"timelines": timelines, "events": events, "width": width, "thisYear": THIS_YEAR})}


def interval(facet: str, start: str, end: str | None, status: str | None = None, item: str = "status") -> dict[str, Any]:
    """A fact of the relation of AAA and BBB, held from ``start`` to ``end`` (None: it still holds)."""
    return {"facet": facet, "item": item, "status": status, "details": {}, "from": start, "to": end, "since": start}


def timeline(partner: str, *intervals: dict[str, Any]) -> dict[str, Any]:
    """A timeline of AAA and ``partner``, shaped as the service's."""
    return {"a": {"code": "AAA"}, "b": {"code": partner}, "events": [], "intervals": list(intervals)}


def event(number: int, day: str) -> dict[str, Any]:
    """A note on AAA and BBB, of an exact day."""
    window = {"first": day, "last": day}
    return {"id": f"e{number}", "position": number, "type": "note.recorded", "subject": "AAA", "counterpart": "BBB",
            "occurred": day, "window": window, "summary": f"note {number}", "retracted": None}


def right_end(span: dict[str, Any]) -> float:
    return float(span["left"] + span["width"])


# ---------------------------------------------------------------- the axis


def test_later_days_lie_further_right_on_an_axis_of_whole_years(blank: Visit) -> None:
    days = ["1900-01-01", "1912-06-30", "1912-07-01", "2000-02-29", "2020-12-31", "2021-01-01"]
    answer = lay_out(
        blank,
        """(layout, days) => {
          const scale = layout.yearScale(1900, 2020);
          return { lefts: days.map((day) => layout.leftOf(scale, day)), ticks: layout.ticks(scale) };
        }""",
        days,
    )
    lefts, ticks = answer["lefts"], answer["ticks"]

    assert lefts == sorted(set(lefts))  # strictly: each later day further right
    assert lefts[0] == 0 and lefts[-1] == 100  # from 1 January 1900 to the end of 2020
    assert [tick["year"] for tick in ticks] == list(range(1900, 2021, 10))  # 120 years: a tick each decade
    assert [tick["left"] for tick in ticks] == sorted(tick["left"] for tick in ticks)


def test_the_axis_runs_from_the_decade_of_the_first_event_to_this_year(blank: Visit, panama: dict[str, Any]) -> None:
    first, last = lay_out(blank, f"(layout, events) => layout.yearRange(events, {THIS_YEAR})", panama["events"])

    assert (first, last) == (1900, THIS_YEAR)  # Panama's first event is of 1909
    assert lay_out(blank, "(layout) => layout.yearRange([], 2024)") == [1800, 2024]


def test_the_chosen_day_is_marked_only_when_it_is_a_day_on_the_axis(blank: Visit) -> None:
    marks = lay_out(
        blank,
        """(layout) => {
          const scale = layout.yearScale(1900, 2020);
          return ["1960-07-01", "1899-12-31", "2021-01-01", "2015-02-30", ""].map((day) => layout.cursorAt(scale, day));
        }""",
    )

    assert 0 < marks[0] < 100
    assert marks[1:] == [None, None, None, None]


# ---------------------------------------------------------------- spans


def test_a_relation_that_still_holds_reaches_the_end_of_the_axis(blank: Visit, panama: dict[str, Any]) -> None:
    lanes = lanes_of(blank, panama["timelines"], panama["events"])
    china = lanes["CHN"]["bands"]  # established in 2017, never ended
    bri = lanes["BRI"]["bands"]  # joined in 2017, left in February 2025

    assert [band["status"] for band in china] == ["established"]
    assert right_end(china[0]) == pytest.approx(100)
    assert [band["status"] for band in bri] == ["member"]
    assert right_end(bri[0]) < 100
    assert right_end(bri[0]) == pytest.approx(lay_out(blank, LEFT_OF, ["2025-02-28", THIS_YEAR]))


def test_a_relation_severed_and_resumed_is_two_spans(blank: Visit) -> None:
    resumed = timeline(
        "BBB",
        interval("diplomatic", "1950-01-01", "1970-05-01", "established"),
        interval("diplomatic", "1970-05-01", "1990-01-01", "severed"),
        interval("diplomatic", "1990-01-01", None, "established"),
    )
    bands = lanes_of(blank, [resumed], [event(1, "1950-01-01")])["BBB"]["bands"]

    established = [band for band in bands if band["status"] == "established"]
    assert len(established) == 2
    assert right_end(established[0]) < established[1]["left"]  # apart, the severance between them
    assert [band["status"] for band in bands] == ["established", "severed", "established"]
    for before, after in zip(bands, bands[1:], strict=False):
        assert right_end(before) == pytest.approx(after["left"])  # each begins where the last ends


def test_panamas_relation_with_the_sahrawi_republic_was_suspended_and_resumed(
    blank: Visit, panama: dict[str, Any]
) -> None:
    bands = lanes_of(blank, panama["timelines"], panama["events"])["ESH"]["bands"]

    assert [(band["status"], band["from"]) for band in bands] == [
        ("established", "0001-01-01"),
        ("suspended", "2013-11-20"),
        ("established", "2016-01-07"),
    ]
    # No source dates the establishment: inferred from the suspension, drawn from the axis's edge.
    assert bands[0]["left"] == 0 and bands[0]["leadIn"] is None
    assert bands[0]["label"] == "Established, before 20 November 2013 (inferred: no source dates its beginning)"


def test_facts_of_different_kinds_never_share_a_row(blank: Visit, panama: dict[str, Any]) -> None:
    mixed = timeline(
        "BBB",
        interval("diplomatic", "1950-01-01", None, "established"),
        interval("recognition", "1949-06-01", None, "recognized", item="AAA>BBB"),
        interval("mission", "1951-01-01", "1980-01-01", item="AAA>BBB:embassy"),
        interval("mission", "1985-01-01", None, item="AAA>BBB:embassy"),
        interval("membership", "1960-01-01", None, "member", item="AAA>OAS"),
    )
    lanes = lanes_of(blank, [*panama["timelines"], mixed], panama["events"])

    assert [[line["facet"] for line in row] for row in lanes["BBB"]["thinRows"]] == [
        ["recognition"],
        ["mission", "mission"],
        ["membership"],  # under the diplomatic band, a membership is a thin line of its own
    ]
    for lane in lanes.values():
        assert len({band["facet"] for band in lane["bands"]}) <= 1
        for row in lane["thinRows"]:
            assert len({(line["facet"], line["item"]) for line in row}) == 1
            for before, after in zip(row, row[1:], strict=False):
                assert right_end(before) <= after["left"] + 1e-9


def test_a_membership_is_the_band_where_there_is_no_diplomacy(blank: Visit, panama: dict[str, Any]) -> None:
    rio = lanes_of(blank, panama["timelines"], panama["events"])["RIO"]

    # A founding member, on a day not given: joined "../1988", certain only with the suspension of 1988.
    assert [band["status"] for band in rio["bands"]] == ["suspended", "member"]
    assert rio["thinRows"] == []
    assert rio["described"] == ["Suspended (PAN in RIO), from 1988 to 30 September 1994", "Member (PAN in RIO), from September 1994"]


# ---------------------------------------------------------------- markers


def test_an_event_dated_to_a_year_spans_that_year(blank: Visit, panama: dict[str, Any]) -> None:
    lanes = lanes_of(blank, panama["timelines"], panama["events"])
    markers = {marker["event"]["type"]: marker for marker in lanes["ESH"]["markers"]["singles"]}
    year = markers["recognition.granted"]  # "1978"
    day = markers["relations.suspended"]  # "2013-11-20"
    one_year = lay_out(blank, LEFT_OF, ["1979-01-01", THIS_YEAR]) - lay_out(blank, LEFT_OF, ["1978-01-01", THIS_YEAR])

    assert year["windowed"] and not day["windowed"]
    assert year["width"] == pytest.approx(one_year)
    assert year["label"] == "1978, Recognition granted: " + year["event"]["summary"]


def test_markers_in_one_row_never_overlap(blank: Visit, panama: dict[str, Any]) -> None:
    for width in (300, 1190, 5000):
        for code, lane in lanes_of(blank, panama["timelines"], panama["events"], width).items():
            placed = lane["markers"]["singles"] + lane["markers"]["crowds"]
            for row in range(lane["markers"]["rows"]):
                edges = sorted((marker["x0"], marker["x1"]) for marker in placed if marker["row"] == row)
                for (_, right), (left, _) in zip(edges, edges[1:], strict=False):
                    assert right + 2 <= left, f"{code} at {width}px, row {row}"


def test_events_too_close_to_tell_apart_become_one_marker_that_counts_them(blank: Visit) -> None:
    week = [event(number, f"2001-05-0{number}") for number in range(1, 6)]
    narrow = lanes_of(blank, [timeline("BBB")], week, 400)["BBB"]["markers"]
    wide = lanes_of(blank, [timeline("BBB")], week, 10_000_000)["BBB"]["markers"]

    assert narrow["singles"] == []
    assert [(len(crowd["events"]), crowd["years"]) for crowd in narrow["crowds"]] == [(5, "2001")]
    assert narrow["crowds"][0]["label"] == "5 events with BBB, 2001: list them"
    assert [marker["event"]["id"] for marker in wide["singles"]] == ["e1", "e2", "e3", "e4", "e5"]
    assert (wide["crowds"], wide["rows"]) == ([], 1)


def test_lanes_are_in_the_order_their_relations_began(blank: Visit, panama: dict[str, Any]) -> None:
    order = list(lanes_of(blank, panama["timelines"], panama["events"]))

    # The Rio Group's "../1988" reaches back to the calendar's first day; Taiwan's first event is of 2017.
    assert order == ["RIO", "QING", "IND", "ESH", "USA", "UNSC", "CHN", "XKX", "BRI", "TWN"]


# ---------------------------------------------------------------- what the module may touch


def test_the_layout_reads_nothing_but_its_arguments() -> None:
    source = (STATIC / "timeline-layout.js").read_text(encoding="utf-8")
    imports = re.findall(r'^import .* from "([^"]+)";$', source, flags=re.MULTILINE)
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.DOTALL)  # what runs, not what is said of it

    assert imports == ["./dates.js", "./words.js"]
    assert not re.search(r"(?<![.\w])(document|window|fetch|location|history|localStorage|navigator)\b", code)
    assert not re.search(r"^(let|var) ", code, flags=re.MULTILINE)  # no state of its own
    assert "new Date()" not in code and "todayIso" not in code  # not even the clock


# ---------------------------------------------------------------- the timelines, page after page


@pytest.mark.parametrize("limit", [1, 3, 9])
def test_an_entitys_timelines_read_in_pages_are_put_back_together_as_one_answer(
    blank: Visit, server: Server, limit: int
) -> None:
    whole = server.http.get("/v1/entities/PAN/timelines", params={"limit": 1000}).json()
    assert whole["next"] is None
    events = sum(len(timeline["events"]) for timeline in whole["timelines"])
    assert events > 3 * limit  # so that relations do span pages

    put_together = blank.page.evaluate(
        "async (limit) => (await import('/static/api.js')).timelinesOf('PAN', limit)", limit
    )

    assert put_together == whole
