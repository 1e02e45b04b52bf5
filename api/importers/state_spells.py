"""Each polity's spells of life as the three state-system tables date them: how each began and
ended, and what it came from and went into.

- A spell is the union of the COW and ISD rows of a polity that overlap or touch. It begins on the
  earliest day by which one of the data sets counts the polity a state, and ends on the latest day
  on which one still does; ICOW's month of independence (or secession) counts too when it comes
  before the spell's rows and after the polity's previous spell. A date a data set gives as
  1 January (a beginning) or 31 December or 1 January (an end) stands for the year alone, unless
  ICOW dates that change to the same month.
- The data sets' edges, 1816-01-01 and 2016-12-31, are where they begin and stop looking, not
  births or deaths: a spell that reaches one has no date on that side.
- How a spell began: ISD's StartType, else "unification" when two or more polities that ended
  within a year of it went into it, else "restoration" for a polity's later spell, else ICOW's
  IndType. How it ended: ISD's EndType ("occupation" rather than "annexation" when the polity
  comes back later), else "merger" when ICOW says what absorbed it, else "partition" when ICOW says
  its successors were partitioned out of it.
- What it went into: ISD's destinations that lived within a year of its end (ISD lists every
  polity that later held part of its territory: Bavaria's include the German Federal Republic of
  1949) and ICOW's Into; what it came from: ICOW's IndFrom and SecFrom. A polity that ended up to
  a year before another began (or a month after it), one naming the other, is named on both sides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from api.importers.state_rows import RANK, Cite, CowRow, IcowRow, IsdRow, Tables
from events import parse_date

EDGE_FIRST, EDGE_LAST = date(1816, 1, 1), date(2016, 12, 31)
NEAR, AHEAD = timedelta(days=366), timedelta(days=31)
START_HOW = {"1": "formation", "2": "secession", "3": "dissolution", "4": "unification", "5": "independence"}
END_HOW = {"1": "colonization", "2": "annexation", "3": "unification", "4": "dissolution", "5": "partition"}
ICOW_HOW = {"1": "formation", "2": "independence", "3": "secession", "4": "partition"}
Month = tuple[int, int]
R = TypeVar("R", CowRow, IsdRow)
How = tuple[str | None, list[Cite]]
"""How a side of a spell came about, and the rows that say so."""


@dataclass(frozen=True)
class Bound:
    """A beginning or an end as one row dates it: EDTF text, its window and the row."""

    text: str
    first: date
    last: date
    cite: Cite


@dataclass(frozen=True)
class Change:
    """A spell's beginning or end: when (None: at the data's edge), how, the polities on its other
    side (COW numbers), and the rows that say so."""

    when: str | None
    how: str | None
    others: tuple[str, ...]
    cites: tuple[Cite, ...]


@dataclass(frozen=True)
class Spell:
    began: Change
    ended: Change


@dataclass
class Stretch:
    """A spell being put together from its rows."""

    first: date
    last: date
    starts: list[Bound] = field(default_factory=list)
    ends: list[Bound] = field(default_factory=list)
    isd: list[IsdRow] = field(default_factory=list)
    began: Bound | None = None
    ended: Bound | None = None
    came: dict[str, list[Cite]] = field(default_factory=dict)
    went: dict[str, list[Cite]] = field(default_factory=dict)
    independence: bool = False
    secession: bool = False
    absorbed: bool = False
    how_began: How = (None, [])

    def lives_near(self, day: date) -> bool:
        """Whether it lived at some time in the year from ``day``."""
        began = self.began.first if self.began else date.min
        return began <= day + NEAR and (self.ended.last if self.ended else date.max) >= day


Lives = dict[str, list[Stretch]]
"""Each polity's spells being put together, by COW number."""


def spells(tables: Tables) -> dict[str, list[Spell]]:
    """Every polity's spells, by COW number, in the numbers' order."""
    cow, isd = _by_number(tables.cow), _by_number(tables.isd)
    icow = {row.number: row for row in tables.icow}
    successors: dict[str, set[Month]] = defaultdict(set)
    for row in tables.icow:
        for month, source in ((row.independence, row.independent_from), (row.secession, row.seceded_from)):
            if month and month[1] == 1 and source:
                successors[source].add((month[0] - 1, 12))  # its end on 31 December is that day
    numbers = sorted({*cow, *isd, *icow}, key=int)
    lives = {n: _stretches(cow.get(n, []), isd.get(n, []), icow.get(n), successors[n]) for n in numbers}
    _link(lives, icow)
    for number, stretches in lives.items():
        for index, stretch in enumerate(stretches):
            stretch.how_began = _how_began(index, stretch, lives, icow.get(number))
    return {n: [_spell(n, i, s, lives, icow.get(n)) for i, s in enumerate(lives[n])] for n in numbers}


def _by_number(rows: Iterable[R]) -> dict[str, list[R]]:
    found: dict[str, list[R]] = defaultdict(list)
    for row in rows:
        found[row.number].append(row)
    return found


def _bound(day: date, cite: Cite, end: bool, confirmed: set[Month]) -> Bound:
    """A row's day, or its year where the day is the data sets' way of writing a year alone."""
    edge = day == (EDGE_LAST if end else EDGE_FIRST)
    placeholder = (day.month, day.day) in (((12, 31), (1, 1)) if end else ((1, 1),))
    text = f"{day.year:04d}" if placeholder and not edge and (day.year, day.month) not in confirmed else day.isoformat()
    return _window(text, cite)


def _month(month: Month, cite: Cite) -> Bound:
    return _window(f"{month[0]:04d}-{month[1]:02d}" if month[1] else f"{month[0]:04d}", cite)


def _window(text: str, cite: Cite) -> Bound:
    window = parse_date(text).window
    return Bound(text, window.first, window.last, cite)


def _stretches(cow: Sequence[CowRow], isd: Sequence[IsdRow], icow: IcowRow | None, ends: set[Month]) -> list[Stretch]:
    """A polity's spells: its COW and ISD rows united, ICOW's months placed, each side dated."""
    starts = {m for m in (icow.independence, icow.secession) if m and m[1]} if icow else set()
    ends = ends | ({icow.into_date} if icow and icow.into_date else set())
    rows: list[CowRow | IsdRow] = sorted([*isd, *cow], key=lambda r: (r.start, r.end))
    stretches: list[Stretch] = []
    for row in rows:
        if not stretches or row.start > stretches[-1].last + timedelta(days=1):
            stretches.append(Stretch(row.start, row.end))
        stretch = stretches[-1]
        stretch.last = max(stretch.last, row.end)
        stretch.starts.append(_bound(row.start, row.cite, False, starts))
        stretch.ends.append(_bound(row.end, row.cite, True, ends))
        if isinstance(row, IsdRow):
            stretch.isd.append(row)
    if icow:
        _place(stretches, icow)
    for stretch in stretches:
        _date(stretch)
    ended = [s for s in stretches if s.ended]
    if icow and icow.into and icow.into_date and ended:
        day = _month(icow.into_date, icow.cite).first
        min(ended, key=lambda s: abs(s.ended.first - day) if s.ended else NEAR).absorbed = True
    return stretches


def _date(stretch: Stretch) -> None:
    """The spell's beginning (the earliest its rows give) and end (the latest), or None at an edge."""
    began = min(stretch.starts, key=lambda b: (b.last, b.last - b.first, RANK[b.cite.title]))
    ended = min(stretch.ends, key=lambda b: (-b.first.toordinal(), b.last - b.first, RANK[b.cite.title]))
    stretch.began = None if began.first <= EDGE_FIRST else began
    stretch.ended = None if ended.last >= EDGE_LAST else ended


def _place(stretches: list[Stretch], icow: IcowRow) -> None:
    """ICOW's independence and secession, each on the spell it begins (the first not over before it);
    a month before that spell's rows is one more date of its beginning."""
    for month, flag in ((icow.independence, "independence"), (icow.secession, "secession")):
        if month is None or (flag == "secession" and icow.seceded_from is None):
            continue
        bound = _month(month, icow.cite)
        stretch = next((s for s in stretches if s.last >= bound.first), None)
        if stretch is None:
            continue
        setattr(stretch, flag, True)
        if bound.last < stretch.first:
            stretch.starts.append(bound)


def _link(lives: Lives, icow: dict[str, IcowRow]) -> None:
    """What each spell came from and went into, as the rows say; then each link on both sides."""
    for number, stretches in lives.items():
        row = icow.get(number)
        for stretch in stretches:
            if stretch.ended and stretch.isd:
                last = stretch.isd[-1]
                for other in last.into:
                    day = stretch.ended.first
                    if other != number and other in lives and any(s.lives_near(day) for s in lives[other]):
                        stretch.went.setdefault(other, []).append(last.cite)
            if row is None:
                continue
            sources: list[tuple[str | None, bool]] = [
                (row.independent_from, stretch.independence), (row.seceded_from, stretch.secession)
            ]
            for source, said in sources:
                if said and stretch.began and source and source != number and source in lives:
                    stretch.came.setdefault(source, []).append(row.cite)
            if stretch.absorbed and row.into in lives and row.into != number:
                stretch.went.setdefault(str(row.into), []).append(row.cite)
    for number, stretches in lives.items():
        for stretch in stretches:
            for other, cites in list(stretch.went.items()):
                if stretch.ended and (successor := _near(lives[other], stretch.ended.first, began=True)):
                    successor.came.setdefault(number, []).extend(cites)
    for number, stretches in lives.items():
        for stretch in stretches:
            for other, cites in list(stretch.came.items()):
                if stretch.began and (predecessor := _near(lives[other], stretch.began.first, began=False)):
                    predecessor.went.setdefault(number, []).extend(cites)


def _follows(end: date, beginning: date) -> bool:
    """Whether a beginning follows an end: within a year after it, or a month before (a state that
    breaks up may end days after its successors declare themselves)."""
    return -AHEAD <= beginning - end <= NEAR


def _near(stretches: Sequence[Stretch], day: date, began: bool) -> Stretch | None:
    """The spell that began after an end on ``day`` (or ended before a beginning on it), nearest it."""
    if began:
        found = [(abs(s.began.first - day), s) for s in stretches if s.began and _follows(day, s.began.first)]
    else:
        found = [(abs(s.ended.first - day), s) for s in stretches if s.ended and _follows(s.ended.first, day)]
    return min(found, key=lambda pair: pair[0])[1] if found else None


def _how_began(index: int, stretch: Stretch, lives: Lives, icow: IcowRow | None) -> How:
    if stretch.began is None:
        return None, []
    if stretch.isd and stretch.isd[0].start_type in START_HOW:
        return START_HOW[stretch.isd[0].start_type], [stretch.isd[0].cite]
    merged = [other for other in stretch.came if _near(lives[other], stretch.began.first, began=False)]
    if len(merged) >= 2:
        return "unification", []
    if index > 0:
        return "restoration", []
    if icow and stretch.independence and icow.independence_type in ICOW_HOW:
        return ICOW_HOW[icow.independence_type], [icow.cite]
    return None, []


def _how_ended(index: int, stretches: list[Stretch], lives: Lives, icow: IcowRow | None) -> How:
    stretch = stretches[index]
    if stretch.ended is None:
        return None, []
    last = stretch.isd[-1] if stretch.isd else None
    if last and last.end_type in END_HOW:
        comes_back = last.end_type == "2" and index + 1 < len(stretches)
        return "occupation" if comes_back else END_HOW[last.end_type], [last.cite]
    if icow and stretch.absorbed:
        return "merger", [icow.cite]
    for other in stretch.went:
        successor = _near(lives[other], stretch.ended.first, began=True)
        if successor and successor.how_began[0] == "partition":
            return "partition", successor.how_began[1]
    return None, []


def _spell(number: str, index: int, stretch: Stretch, lives: Lives, icow: IcowRow | None) -> Spell:
    how_ended = _how_ended(index, lives[number], lives, icow)
    return Spell(
        _change(stretch.began, stretch.starts, stretch.how_began, stretch.came),
        _change(stretch.ended, stretch.ends, how_ended, stretch.went),
    )


def _change(bound: Bound | None, dated: list[Bound], how: How, links: dict[str, list[Cite]]) -> Change:
    """A side of a spell, citing the rows that give its date, its how and its links (each row once)."""
    if bound is None:
        return Change(None, None, (), ())
    linked = (cite for cites in links.values() for cite in cites)
    cites = [bound.cite, *(b.cite for b in dated if b.text == bound.text), *how[1], *linked]
    return Change(bound.text, how[0], tuple(links), tuple(dict.fromkeys(cites)))
