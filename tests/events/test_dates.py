from datetime import date

import pytest
from edtf import parse_edtf
from hypothesis import given, settings
from hypothesis import strategies as st

from events import InvalidDate, Precision, parse_date, parse_day, recorded_date


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("1909", date(1909, 1, 1), date(1909, 12, 31), Precision.YEAR),
        ("2025-04", date(2025, 4, 1), date(2025, 4, 30), Precision.MONTH),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), Precision.MONTH),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28), Precision.MONTH),
        ("2013-11-20", date(2013, 11, 20), date(2013, 11, 20), Precision.DAY),
        ("1912~", date(1912, 1, 1), date(1912, 12, 31), Precision.YEAR),
        ("1978?", date(1978, 1, 1), date(1978, 12, 31), Precision.YEAR),
        ("2026-01-29%", date(2026, 1, 29), date(2026, 1, 29), Precision.DAY),
    ],
)
def test_a_date_covers_the_window_of_days_its_precision_allows(text, first, last, precision):
    parsed = parse_date(text)
    assert (parsed.window.first, parsed.window.last, parsed.precision) == (first, last, precision)
    assert str(parsed) == text


@pytest.mark.parametrize(
    ("text", "uncertain", "approximate"),
    [("1912", False, False), ("1912?", True, False), ("1912~", False, True), ("1912%", True, True)],
)
def test_qualifiers_mark_uncertainty_and_approximation(text, uncertain, approximate):
    parsed = parse_date(text)
    assert (parsed.uncertain, parsed.approximate) == (uncertain, approximate)


@pytest.mark.parametrize(
    "text",
    ["", "12", "2013-13", "2013-21", "2013-31", "2013-00", "2013-02-30", "2013/11/20", "2013-11-20T10:00", "0000", "1990s", "2013-1-2", "[2013]",
     "2013~?", " 2013", "2013\n", "2020-01-01\n", "2013~\n", "2013\r\n", "2013 "],
)
def test_anything_outside_the_contract_forms_is_refused(text):
    with pytest.raises(InvalidDate):
        parse_date(text)


def test_a_pending_window_contains_the_day_but_runs_past_it():
    window = parse_date("2025-04").window
    assert window.pending_on(date(2025, 4, 1))
    assert window.pending_on(date(2025, 4, 29))
    assert not window.pending_on(date(2025, 4, 30))
    assert window.certain_on(date(2025, 4, 30))
    assert not window.certain_on(date(2025, 4, 29))
    assert not window.pending_on(date(2025, 3, 31))


def test_a_state_query_day_must_be_a_plain_calendar_day():
    assert parse_day("2016-01-01") == date(2016, 1, 1)
    for text in ("2016", "2016-01", "2016-01-01?", "2016-02-31"):
        with pytest.raises(InvalidDate):
            parse_day(text)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from([4, 7, 10]),
    st.sampled_from(["", "?", "~", "%"]),
)
def test_windows_are_the_edtf_librarys_strict_bounds(day: date, length: int, mark: str) -> None:
    text = day.isoformat()[:length] + mark
    parsed = parse_edtf(text)
    lower, upper = parsed.lower_strict(), parsed.upper_strict()
    window = parse_date(text).window
    assert (window.first, window.last) == (
        date(lower.tm_year, lower.tm_mon, lower.tm_mday),
        date(upper.tm_year, upper.tm_mon, upper.tm_mday),
    )


@pytest.mark.parametrize("text", ["2023-02-29", "2024-04-31", "2024-00", "2024-13-01", "2024-21", "0000", "\u0661\u0669\u0660\u0669"])
def test_dates_the_calendar_lacks_are_refused(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_date(text)


def test_a_date_recorded_with_a_trailing_newline_by_an_earlier_release_still_reads_as_its_date():
    """New input refuses it; a log that holds it replays as it was judged."""
    with pytest.raises(InvalidDate):
        parse_date("2020-01-01\n")
    assert recorded_date("2020-01-01\n").window == parse_date("2020-01-01").window
    assert recorded_date("1912~").window == parse_date("1912~").window
