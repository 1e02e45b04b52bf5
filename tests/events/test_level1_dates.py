"""EDTF level 1 forms of ``occurred``: intervals, open ends, unspecified digits; the ``edtf``
library's grammar and strict bounds are the oracle."""

import re
from datetime import date
from time import struct_time

import pytest
from edtf import parse_edtf
from hypothesis import given, settings
from hypothesis import strategies as st

from events import InvalidDate, Precision, change_edge, parse_date, parse_day

MARKS = st.sampled_from(["", "?", "~", "%"])
DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


def day_of(bound: struct_time) -> date:
    return date(bound.tm_year, bound.tm_mon, bound.tm_mday)


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("1960-06/1965-05", date(1960, 6, 1), date(1965, 5, 31), Precision.INTERVAL),
        ("1960/1960", date(1960, 1, 1), date(1960, 12, 31), Precision.INTERVAL),
        ("1960-06-15?/1965~", date(1960, 6, 15), date(1965, 12, 31), Precision.INTERVAL),
        ("../1960-05", date(1, 1, 1), date(1960, 5, 31), Precision.INTERVAL),
        ("1960/..", date(1960, 1, 1), date(9999, 12, 31), Precision.INTERVAL),
        ("196X", date(1960, 1, 1), date(1969, 12, 31), Precision.DECADE),
        ("19XX", date(1900, 1, 1), date(1999, 12, 31), Precision.CENTURY),
        ("1XXX~", date(1000, 1, 1), date(1999, 12, 31), Precision.MILLENNIUM),
        ("1962-XX", date(1962, 1, 1), date(1962, 12, 31), Precision.YEAR),
        ("1985-XX-XX?", date(1985, 1, 1), date(1985, 12, 31), Precision.YEAR),
        ("1984-02-XX", date(1984, 2, 1), date(1984, 2, 29), Precision.MONTH),
    ],
)
def test_level_1_forms_cover_their_windows(text: str, first: date, last: date, precision: Precision) -> None:
    parsed = parse_date(text)
    assert (parsed.window.first, parsed.window.last, parsed.precision) == (first, last, precision)
    assert str(parsed) == text


def test_an_interval_is_uncertain_or_approximate_when_either_end_is() -> None:
    assert (parse_date("1960?/1965").uncertain, parse_date("1960?/1965").approximate) == (True, False)
    assert (parse_date("1960/1965~").uncertain, parse_date("1960/1965~").approximate) == (False, True)
    assert (parse_date("../1965%").uncertain, parse_date("../1965%").approximate) == (True, True)
    assert (parse_date("1960/1965").uncertain, parse_date("1960/1965").approximate) == (False, False)


def test_an_interval_is_pending_on_every_day_of_its_window_but_the_last() -> None:
    window = parse_date("1960-06/1965-05").window
    assert window.pending_on(date(1960, 6, 1)) and window.pending_on(date(1965, 5, 30))
    assert not window.pending_on(date(1960, 5, 31)) and not window.certain_on(date(1960, 5, 31))
    assert window.certain_on(date(1965, 5, 31)) and not window.pending_on(date(1965, 5, 31))


def test_an_open_side_is_pending_on_every_day_it_reaches() -> None:
    before = parse_date("../1960-05").window
    assert before.pending_on(date(1, 1, 1)) and before.pending_on(date(1900, 1, 1))
    assert before.certain_on(date(1960, 5, 31))
    after = parse_date("1960/..").window
    assert not after.pending_on(date(1959, 12, 31))
    for day in (date(1960, 1, 1), date(2100, 1, 1), date(9999, 12, 30)):
        assert after.pending_on(day) and not after.certain_on(day)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1965/1960", "ends (1960-12-31) before it begins (1965-01-01)"),
        ("1960-06-15/1960-06-01", "ends (1960-06-01) before it begins (1960-06-15)"),
        ("../..", "at least one end"),
        ("1960/", "may not be left empty"),
        ("/1960", "may not be left empty"),
        ("/", "may not be left empty"),
        ("196X/1970", "without unspecified digits"),
        ("../1962-XX", "without unspecified digits"),
        ("1962-1X", "only at the right"),
        ("196X-05", "only at the right"),
        ("1985-XX-05", "only at the right"),
        ("1985-04-1X", "only at the right"),
        ("XXXX", "only at the right"),
        ("1X0X", "only at the right"),
        ("00XX", "before the year 0001"),
        ("000X", "before the year 0001"),
        ("0XXX", "before the year 0001"),
        ("0000/1960", "0001 or later"),
        ("1960/1965/1970", "an interval A/B"),
        ("1960/..?", "an interval A/B"),
        ("..?/1960", "an interval A/B"),
        ("1960 /1965", "an interval A/B"),
        ("1960-21/1965", "the month must be 01 to 12"),
        ("1960-02-30/1965", "not a valid calendar date"),
        ("196x", "an interval A/B"),
        ("196X?~", "an interval A/B"),
        ("1960/1965\n", "an interval A/B"),
    ],
)
def test_level_1_forms_outside_the_contract_are_refused_saying_why(text: str, says: str) -> None:
    with pytest.raises(InvalidDate, match=re.escape(says)):
        parse_date(text)


@pytest.mark.parametrize("text", ["1960/1965", "../1960", "196X", "1962-XX", "2016-01-XX", "2016-01-01/2016-01-01"])
def test_query_days_and_change_edges_stay_plain_dates(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_day(text)
    with pytest.raises(InvalidDate):
        change_edge(text, end=True)


def unspecified_forms() -> st.SearchStrategy[str]:
    year = st.integers(min_value=1000, max_value=9999).map(str)
    years = st.tuples(year, st.integers(min_value=1, max_value=3)).map(lambda yx: yx[0][: 4 - yx[1]] + "X" * yx[1])
    months = st.tuples(year, st.sampled_from(["-XX", "-XX-XX"])).map("".join)
    days = DAYS.map(lambda day: day.isoformat()[:7] + "-XX")
    return st.tuples(st.one_of(years, months, days), MARKS).map("".join)


@settings(max_examples=300, deadline=None)
@given(unspecified_forms())
def test_unspecified_digits_cover_the_edtf_librarys_strict_bounds(text: str) -> None:
    library, ours = parse_edtf(text), parse_date(text)
    assert type(library).__name__ == "Unspecified"
    assert (ours.window.first, ours.window.last) == (day_of(library.lower_strict()), day_of(library.upper_strict()))


def interval_end() -> st.SearchStrategy[str]:
    dated = st.tuples(DAYS, st.sampled_from([4, 7, 10]), MARKS).map(lambda d: d[0].isoformat()[: d[1]] + d[2])
    return st.one_of(dated, st.just(".."))


@settings(max_examples=500, deadline=None)
@given(interval_end(), interval_end())
def test_intervals_are_the_edtf_librarys_level_1_intervals(start: str, end: str) -> None:
    """Every interval the library's level 1 grammar takes is taken with its bounds, an open end
    reaching the calendar's edge; one that runs backwards, or open at both ends, is refused."""
    text = f"{start}/{end}"
    library = parse_edtf(text)
    assert type(library).__name__ in ("Interval", "Level1Interval")
    first = date.min if start == ".." else day_of(library.lower.lower_strict())
    last = date.max if end == ".." else day_of(library.upper.upper_strict())
    if start == end == ".." or last < first:
        with pytest.raises(InvalidDate):
            parse_date(text)
        return
    ours = parse_date(text)
    assert (ours.window.first, ours.window.last, ours.precision) == (first, last, Precision.INTERVAL)
    uncertain = bool(getattr(library, "is_uncertain", False) or getattr(library, "is_uncertain_and_approximate", False))
    approximate = bool(
        getattr(library, "is_approximate", False) or getattr(library, "is_uncertain_and_approximate", False)
    )
    assert (ours.uncertain, ours.approximate) == (uncertain, approximate)

