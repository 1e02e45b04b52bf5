"""EDTF dates (level 0/1 subset) and the windows of days they cover; RFC 3339 times (record time)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

# A level 0 date and its qualifier; unspecified digits (X) only at the right of the year, month or day.
_FORM = re.compile(r"(?P<base>\d{4}(?:-\d{2}(?:-\d{2})?)?)(?P<mark>[?~%]?)", re.ASCII)
_UNSPECIFIED = re.compile(
    r"(?:(?P<digits>\d{3}X|\d{2}XX|\dXXX)|(?P<month>\d{4}-\d{2})-XX|(?P<year>\d{4})(?:-XX){1,2})(?P<mark>[?~%]?)",
    re.ASCII,
)
_X_ANYWHERE = re.compile(r"[\dX]{4}(?:-[\dX]{2}){0,2}[?~%]?", re.ASCII)
OPEN = ".."
# RFC 3339's date-time: full-date "T" full-time, seconds and an offset required (T and Z in any case).
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?P<offset>[Zz]|[+-]\d{2}:\d{2})?", re.ASCII)


class Precision(StrEnum):
    """The unit of a date's window; an interval's window runs between two dates."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"
    MILLENNIUM = "millennium"
    INTERVAL = "interval"


_UNIT_OF_XS = {1: Precision.DECADE, 2: Precision.CENTURY, 3: Precision.MILLENNIUM}


class InvalidDate(ValueError):
    """A string that is not a supported EDTF date."""


@dataclass(frozen=True, order=True)
class Window:
    """The days an EDTF date covers, both ends inclusive."""

    first: date
    last: date

    def certain_on(self, day: date) -> bool:
        """Whether the event has surely happened by the end of ``day``."""
        return self.last <= day

    def pending_on(self, day: date) -> bool:
        """Whether ``day`` falls inside the window but the window runs past it."""
        return self.first <= day < self.last


@dataclass(frozen=True)
class EdtfDate:
    """A parsed ``occurred`` value: a date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, or with digits
    unspecified at the right, ``196X``, ``1962-XX``) with ``?``, ``~`` or ``%``; or an interval
    ``A/B`` of two dates, either end ``..`` when open."""

    text: str
    window: Window
    precision: Precision
    uncertain: bool
    approximate: bool

    def __str__(self) -> str:
        return self.text


_UNCERTAIN, _APPROXIMATE = ("?", "%"), ("~", "%")
_FORMS = (
    "an EDTF date: YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ?, ~ or %; digits unspecified "
    "at the right (196X, 19XX, 1962-XX, 1985-04-XX); or an interval A/B of two dates, either end .. when open"
)


@lru_cache(maxsize=65_536)
def parse_date(text: str) -> EdtfDate:
    """Parse an ``occurred`` value, refusing anything outside the contract's forms.

    The forms are EDTF level 0 dates with level 1's qualifiers, unspecified digits and intervals.
    A qualifier does not move a date's window; digits left unspecified widen it to all they may
    be; an interval runs from its start's first day to its end's last, and an open end (``..``)
    reaches the calendar's first or last day. (A general EDTF grammar takes milliseconds a date;
    the tests check these windows against the ``edtf`` library's strict bounds.)
    """
    if "/" in text:
        return _interval(text)
    window, precision, mark = _single(text, text)
    return EdtfDate(text, window, precision, uncertain=mark in _UNCERTAIN, approximate=mark in _APPROXIMATE)


def _interval(text: str) -> EdtfDate:
    start, _, end = text.partition("/")
    if "/" in end:
        raise InvalidDate(f"{text!r} is not {_FORMS}")
    if not start or not end:
        raise InvalidDate(f"{text!r}: an end of an interval may not be left empty; write .. for an open end, as in 1960/..")
    if start == end == OPEN:
        raise InvalidDate(f"{text!r}: at least one end of an interval must be a date")
    first, first_mark = (date.min, "") if start == OPEN else _end_of_interval(start, text)
    last, last_mark = (date.max, "") if end == OPEN else _end_of_interval(end, text, last=True)
    if last < first:
        raise InvalidDate(f"{text!r}: the interval ends ({last}) before it begins ({first})")
    marks = (first_mark, last_mark)
    uncertain, approximate = (any(mark in kind for mark in marks) for kind in (_UNCERTAIN, _APPROXIMATE))
    return EdtfDate(text, Window(first, last), Precision.INTERVAL, uncertain=uncertain, approximate=approximate)


def _end_of_interval(part: str, text: str, last: bool = False) -> tuple[date, str]:
    if "X" in part:
        raise InvalidDate(
            f"{text!r}: an end of an interval is a day, a month or a year, without unspecified digits, as in 1960/1969"
        )
    window, _, mark = _single(part, text)
    return (window.last if last else window.first), mark


def _single(part: str, text: str) -> tuple[Window, Precision, str]:
    """The window, unit and qualifier of one date (the whole of ``text``, or an end of it)."""
    match = _FORM.fullmatch(part)
    if match is None:
        return _unspecified(part, text)
    base, mark = match.group("base"), match.group("mark")
    year = _year(base[:4], text)
    if len(base) == 4:
        return Window(date(year, 1, 1), date(year, 12, 31)), Precision.YEAR, mark
    month = int(base[5:7])
    if not 1 <= month <= 12:
        # EDTF reads 21-41 as seasons and quarters; the contract's dates have months only.
        raise InvalidDate(f"{text!r} is not a valid calendar date: the month must be 01 to 12")
    days = calendar.monthrange(year, month)[1]
    if len(base) == 7:
        return Window(date(year, month, 1), date(year, month, days)), Precision.MONTH, mark
    day = int(base[8:10])
    if not 1 <= day <= days:
        raise InvalidDate(f"{text!r} is not a valid calendar date")
    return Window(date(year, month, day), date(year, month, day)), Precision.DAY, mark


def _unspecified(part: str, text: str) -> tuple[Window, Precision, str]:
    """``196X``, ``19XX``, ``1XXX``: every year the digits given allow; ``1962-XX``, ``1985-XX-XX``:
    that year; ``1985-04-XX``: that month."""
    match = _UNSPECIFIED.fullmatch(part)
    if match is None and _X_ANYWHERE.fullmatch(part):
        raise InvalidDate(
            f"{text!r}: digits may be left unspecified (X) only at the right of the year, the month or "
            "the day, as in 196X, 19XX, 1962-XX, 1985-04-XX or 1985-XX-XX"
        )
    if match is None:
        raise InvalidDate(f"{text!r} is not {_FORMS}")
    mark = match.group("mark")
    if match.group("month"):
        window, _, _ = _single(match.group("month"), text)
        return window, Precision.MONTH, mark
    if match.group("year"):
        window, _, _ = _single(match.group("year"), text)
        return window, Precision.YEAR, mark
    digits = match.group("digits")
    unspecified = digits.count("X")
    span = 10**unspecified
    begins = int(digits[: 4 - unspecified]) * span
    if begins < 1:
        raise InvalidDate(f"{text!r} reaches back before the year 0001")
    return Window(date(begins, 1, 1), date(begins + span - 1, 12, 31)), _UNIT_OF_XS[unspecified], mark


def _year(digits: str, text: str) -> int:
    year = int(digits)
    if year < 1:
        raise InvalidDate(f"{text!r}: the year must be 0001 or later")
    return year


def recorded_date(text: str) -> EdtfDate:
    """An ``occurred`` value as it was recorded: earlier releases also took one trailing newline
    after a date, and the events they recorded must replay as they were judged then."""
    return parse_date(text[:-1] if text.endswith("\n") else text)


def parse_day(text: str) -> date:
    """Parse a full calendar day ``YYYY-MM-DD`` (the ``on`` of a state query)."""
    parsed = _calendar_date(text, "is not a calendar day of the form YYYY-MM-DD")
    if parsed.precision is not Precision.DAY or parsed.uncertain or parsed.approximate:
        raise InvalidDate(f"{text!r} is not a calendar day of the form YYYY-MM-DD")
    return parsed.window.first


def change_edge(text: str, end: bool) -> date:
    """An edge of a "what changed" window: ``from`` (``end`` false) counts from the end of its day,
    ``to`` up to the end of its day; a month or a year stands for its whole window."""
    parsed = _calendar_date(text, "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    if parsed.uncertain or parsed.approximate:
        raise InvalidDate("must be a plain date, without ? ~ or %")
    if end:
        return parsed.window.last
    if parsed.precision is Precision.DAY:
        return parsed.window.first
    if parsed.window.first == date.min:
        raise InvalidDate(f"{text} reaches back before 0001-01-01; give a day, as in 0001-01-01")
    return parsed.window.first - timedelta(days=1)


def _calendar_date(text: str, otherwise: str) -> EdtfDate:
    """A date of a query: a day, a month or a year (no interval, no unspecified digit)."""
    if _FORM.fullmatch(text) is None:
        raise InvalidDate(f"{text!r} {otherwise}")
    return parse_date(text)


def parse_moment(text: str) -> datetime:
    """An RFC 3339 time with its offset (``2017-06-13T00:00:00Z``), and no other ISO 8601 form."""
    form = _MOMENT.fullmatch(text)
    if form is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
        raise InvalidDate(f"{text!r} is a day: give a time and its time zone offset, as in {text}T00:00:00Z")
    if form is None:
        raise InvalidDate(f"{text!r} is not an RFC 3339 time, as in 2017-06-13T00:00:00Z")
    if form["offset"] is None:
        raise InvalidDate(f"{text!r} needs a time zone offset, as in 2017-06-13T00:00:00Z")
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        raise InvalidDate(f"{text!r} is not a time that exists: a field or the offset is out of range") from None
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise InvalidDate(f"{text!r} is out of range once taken to UTC") from None
    return moment
