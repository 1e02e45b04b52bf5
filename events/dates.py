"""EDTF dates (level 0/1 subset) and the windows of days they cover; RFC 3339 times (record time)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

_FORM = re.compile(r"^(?P<base>\d{4}(?:-\d{2}(?:-\d{2})?)?)(?P<mark>[?~%]?)$", re.ASCII)
# RFC 3339's date-time: full-date "T" full-time, seconds and an offset required (T and Z in any case).
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?P<offset>[Zz]|[+-]\d{2}:\d{2})?", re.ASCII)


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


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
    """A parsed ``occurred`` value: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with ``?``, ``~`` or ``%``."""

    text: str
    window: Window
    precision: Precision
    uncertain: bool
    approximate: bool

    def __str__(self) -> str:
        return self.text


@lru_cache(maxsize=65_536)
def parse_date(text: str) -> EdtfDate:
    """Parse an ``occurred`` value, refusing anything outside the contract's forms.

    The contract's forms are EDTF level 0 dates with an optional level 1 qualifier, and a
    qualifier does not move a date's window, so the window is the calendar's: a year, a month
    or a day. (A general EDTF grammar takes milliseconds a date; the tests check these windows
    against the ``edtf`` library's strict bounds.)
    """
    match = _FORM.fullmatch(text)
    if match is None:
        raise InvalidDate(
            f"{text!r} is not an EDTF date of the form YYYY, YYYY-MM or YYYY-MM-DD, "
            "optionally followed by ?, ~ or %"
        )
    base, mark = match.group("base"), match.group("mark")
    year = int(base[:4])
    if year < 1:
        raise InvalidDate(f"{text!r}: the year must be 0001 or later")
    if len(base) == 4:
        precision, window = Precision.YEAR, Window(date(year, 1, 1), date(year, 12, 31))
    else:
        month = int(base[5:7])
        if not 1 <= month <= 12:
            # EDTF reads 21-41 as seasons and quarters; the contract's dates have months only.
            raise InvalidDate(f"{text!r} is not a valid calendar date: the month must be 01 to 12")
        days = calendar.monthrange(year, month)[1]
        if len(base) == 7:
            precision, window = Precision.MONTH, Window(date(year, month, 1), date(year, month, days))
        else:
            day = int(base[8:10])
            if not 1 <= day <= days:
                raise InvalidDate(f"{text!r} is not a valid calendar date")
            precision, window = Precision.DAY, Window(date(year, month, day), date(year, month, day))
    return EdtfDate(
        text=text,
        window=window,
        precision=precision,
        uncertain=mark in ("?", "%"),
        approximate=mark in ("~", "%"),
    )


def recorded_date(text: str) -> EdtfDate:
    """An ``occurred`` value as it was recorded: earlier releases also took one trailing newline
    after a date, and the events they recorded must replay as they were judged then."""
    return parse_date(text[:-1] if text.endswith("\n") else text)


def parse_day(text: str) -> date:
    """Parse a full calendar day ``YYYY-MM-DD`` (the ``on`` of a state query)."""
    parsed = parse_date(text)
    if parsed.precision is not Precision.DAY or parsed.uncertain or parsed.approximate:
        raise InvalidDate(f"{text!r} is not a calendar day of the form YYYY-MM-DD")
    return parsed.window.first


def change_edge(text: str, end: bool) -> date:
    """An edge of a "what changed" window: ``from`` (``end`` false) counts from the end of its day,
    ``to`` up to the end of its day; a month or a year stands for its whole window."""
    parsed = parse_date(text)
    if parsed.uncertain or parsed.approximate:
        raise InvalidDate("must be a plain date, without ? ~ or %")
    if end:
        return parsed.window.last
    if parsed.precision is Precision.DAY:
        return parsed.window.first
    if parsed.window.first == date.min:
        raise InvalidDate(f"{text} reaches back before 0001-01-01; give a day, as in 0001-01-01")
    return parsed.window.first - timedelta(days=1)


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
