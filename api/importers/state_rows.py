"""The rows of the three state-system tables (COW v2016, ISD v2.2, ICOW v1.1), read as they are.

All three number polities in COW's scheme (ISD gives its own new polities numbers in it too), so
the number is what ties a polity's rows together. Each row keeps the quote a source cites: the
row's own values, column by column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from api.importers.common import BadSource, read_csv

COW_FILE, ISD_FILE, ICOW_FILE = "cow_states2016.csv", "isd_v2_2.csv", "icow_coldata110.csv"
SNAPSHOT = "https://github.com/globalgov/manystates/tree/23d119a10b997c2d5ddbd6a665dc816146c20db7/data-raw/states"
COW = 'Correlates of War Project. 2017. "State System Membership List, v2016." (cow_states2016.csv)'
ISD = (
    'Butcher, C. R. and R. D. Griffiths. 2020. "States and their International Relations since 1816: '
    'Introducing Version 2 of the International System(s) Dataset (ISD)." International Interactions '
    "46(2): 291-308. (isd_v2_2.csv)"
)
ICOW = 'Hensel, Paul R. 2018. "ICOW Colonial History Data Set, version 1.1." (icow_coldata110.csv)'
RANK = {ISD: 0, COW: 1, ICOW: 2}
"""Which data set's date is taken when two date a beginning or an end alike."""

COW_COLUMNS = ["stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"]
ISD_COLUMNS = ["COWNum", "COWID", "StateName", "OtherName", "Start", "End", "StartType", "EndType", "DestinationA"]
ICOW_COLUMNS = ["State", "Name", "IndFrom", "IndDate", "IndType", "SecFrom", "SecDate", "Into", "IntoDate", "Notes"]
MISSING = "-9"


@dataclass(frozen=True)
class Cite:
    """A data set's row, as a fact's source: the data set's citation, the row's values, where it is."""

    title: str
    quote: str
    url: str


@dataclass(frozen=True)
class CowRow:
    number: str
    name: str
    start: date
    end: date
    cite: Cite


@dataclass(frozen=True)
class IsdRow:
    number: str
    name: str
    other_names: tuple[str, ...]
    start: date
    end: date
    start_type: str
    end_type: str
    into: tuple[str, ...]
    cite: Cite


@dataclass(frozen=True)
class IcowRow:
    """A state's independence (from whom, when, how), its secession and what absorbed it; months as
    (year, month), month 0 where ICOW knows only the year."""

    number: str
    name: str
    independence: tuple[int, int] | None
    independent_from: str | None
    independence_type: str
    secession: tuple[int, int] | None
    seceded_from: str | None
    into: str | None
    into_date: tuple[int, int] | None
    cite: Cite


@dataclass(frozen=True)
class Tables:
    cow: tuple[CowRow, ...]
    isd: tuple[IsdRow, ...]
    icow: tuple[IcowRow, ...]


def read_tables(folder: Path) -> Tables:
    """The three tables of ``folder``; a missing or malformed one is a ``BadSource``."""
    if not folder.is_dir():
        raise BadSource(f"{folder} is not the state-system folder (it should hold {COW_FILE}, {ISD_FILE}, {ICOW_FILE})")
    cow = tuple(_cow(row, folder / COW_FILE) for row in read_csv(folder / COW_FILE, COW_COLUMNS))
    isd = tuple(_isd(row, folder / ISD_FILE) for row in read_csv(folder / ISD_FILE, ISD_COLUMNS))
    icow = tuple(_icow(row, folder / ICOW_FILE) for row in _read_icow(folder / ICOW_FILE))
    return Tables(cow, isd, icow)


def _read_icow(path: Path) -> list[dict[str, str]]:
    """ICOW's table starts with a byte-order mark, which the first column's name must not keep."""
    rows = read_csv(path, ["Name", *ICOW_COLUMNS[2:]])
    return [{key.lstrip("\ufeff"): value for key, value in row.items()} for row in rows]


def _quote(row: dict[str, str], columns: list[str]) -> str:
    return "; ".join(f"{column}={row[column]}" for column in columns if row.get(column, "") != "")


def _cow(row: dict[str, str], path: Path) -> CowRow:
    try:
        start = date(int(row["styear"]), int(row["stmonth"]), int(row["stday"]))
        end = date(int(row["endyear"]), int(row["endmonth"]), int(row["endday"]))
    except ValueError:
        raise BadSource(f"{path}: state {row['ccode']} has a date that is not a day") from None
    cite = Cite(COW, _quote(row, COW_COLUMNS), "http://correlatesofwar.org")
    return CowRow(row["ccode"], row["statenme"].strip(), start, end, cite)


def _isd(row: dict[str, str], path: Path) -> IsdRow:
    try:
        start, end = date.fromisoformat(row["Start"]), date.fromisoformat(row["End"])
    except ValueError:
        raise BadSource(f"{path}: polity {row['COWNum']} has a Start or End that is not YYYY-MM-DD") from None
    destinations = [column for column in row if column.startswith("Destination")]
    into = tuple(dict.fromkeys(row[column] for column in destinations if row[column].strip()))
    quote = _quote(row, ISD_COLUMNS[:-1] + destinations)
    return IsdRow(row["COWNum"], row["StateName"].strip(), other_names(row["OtherName"]), start, end,
                  row["StartType"], row["EndType"], into, Cite(ISD, quote, SNAPSHOT))


def _icow(row: dict[str, str], path: Path) -> IcowRow:
    def month(column: str) -> tuple[int, int] | None:
        value = row[column]
        if value == MISSING:
            return None
        if not value.isdigit() or int(value) % 100 > 12:
            raise BadSource(f"{path}: state {row['State']} has a {column} that is not YYYYMM")
        return int(value) // 100, int(value) % 100

    def number(column: str) -> str | None:
        return None if row[column] == MISSING else row[column]

    cite = Cite(ICOW, _quote(row, ICOW_COLUMNS), SNAPSHOT)
    return IcowRow(row["State"], row["Name"].strip(), month("IndDate"), number("IndFrom"), row["IndType"],
                   month("SecDate"), number("SecFrom"), number("Into"), month("IntoDate"), cite)


NAME = re.compile(r"[A-Z][A-Za-z'’. \-()]{2,}")


def other_names(text: str) -> tuple[str, ...]:
    """The names in ISD's OtherName that read as names ("Bayern", "Persia", "Gran Colombia"); its
    notes, garbled characters and fragments ("(of the) Durranis", "of Caboul", "K??then") are left."""
    parts = (" ".join(part.split()) for part in text.split(","))
    return tuple(part for part in parts if NAME.fullmatch(part) and "(or" not in part)
