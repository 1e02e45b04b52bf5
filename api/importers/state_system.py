"""The polities of the state system, 1816–2016, with their lives: the COW state list (v2016), the
International System(s) Dataset (ISD v2.2) and the ICOW Colonial History data (v1.1), read together.

Every polity any of them numbers is registered once (446: ISD's 446 numbers hold COW's 217 and
ICOW's 217): ISO 3166-1 alpha-3 through the COW→ISO table of ``countrycode`` where it has one
(``XKX`` for Kosovo, and ``COW327`` for the Papal States, which the table gives the Vatican City's
code), else ``COW<number>``, the code the other importers give it; its names from all three, and
the alias ``cow:<number>``. Each spell's dated beginning is an ``entity.began`` (how, and ``from``
the codes it came from) and its dated end an ``entity.ended`` (how, and ``into``), citing every row
that gives its date, its how or a link. A polity that was a state on 1816-01-01 has no beginning:
the lists start there (COW's 1816 is where it begins to look, not a birth); one that still was on
2016-12-31 has no end.

Where the data sets disagree on a date, a spell begins on the earliest day by which one of them
counts the polity a state and ends on the latest day on which one still does: Chancery refuses an
event dated outside a party's life, so no day a data set counts as the polity's is left out. COW
dates entry into its state system, which until 1920 waited on missions from Britain and France and
a population of 500,000 (Costa Rica 1920, Liberia 1920, China 1860), so ISD's dates of statehood
come first in most cases (Mexico 1821-08-24, Uruguay 1828-08-27); ISD takes COW's dates for most
twentieth-century states, and ICOW's month of independence then comes first where it is earlier
(South Korea 1948-08 against 1949-06-29, the two Germanys 1949 against 1954 and 1955, Croatia
1991-06 against 1992-01-15); ISD's 1972-12-16 for Bangladesh yields to COW's 1971-12-16, and
COW's gap for Paraguay (1870–1876) to ISD's unbroken spell. Where two agree, ISD is cited first.
The rules are in ``api.importers.state_spells``.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from api.importers.common import BadSource, Group, Parsed
from api.importers.state_rows import COW, ICOW, ISD, Cite, Tables, read_tables
from api.importers.state_spells import Change, Spell, spells
from events import EntityIn, EntityKind, EventIn, EventType

SHORT = {COW: "COW v2016", ISD: "ISD v2.2", ICOW: "ICOW v1.1"}
OWN_CODES = {"347": "XKX", "327": "COW327"}
"""Kosovo has no ISO code but the contract's user-assigned one; the Papal States (1816–1870) are not
the Vatican City State (1929–), whose code the COW→ISO table gives them."""


@dataclass(frozen=True)
class Lifecycle:
    """One spell of a polity's life: when and how it began, from what, and when and how it ended,
    into what, each with the rows that say so. ``began`` is None when the polity was a state on
    1816-01-01, where the data sets begin; ``ended`` is None when it still was on 2016-12-31."""

    code: str
    began: str | None
    began_how: str | None
    began_from: tuple[str, ...]
    began_sources: tuple[Cite, ...]
    ended: str | None
    ended_how: str | None
    ended_into: tuple[str, ...]
    ended_sources: tuple[Cite, ...]


@dataclass(frozen=True)
class StateSystem:
    """What the three tables say: each polity as an entity, and its spells."""

    entities: tuple[EntityIn, ...]
    lifecycles: tuple[Lifecycle, ...]


def parse(folder: Path, codes: Path | None = None) -> Parsed:
    """The state-system folder's polities and their lives (an ``entity.began`` and an ``entity.ended``
    a spell, each its own group); the COW→ISO table defaults to ``countrycode`` beside the folder,
    as in the shared data."""
    system = read(folder, codes)
    return Parsed(system.entities, tuple(groups(system)))


def read(folder: Path, codes: Path | None = None) -> StateSystem:
    tables = read_tables(folder)
    lived = spells(tables)
    code = iso_codes(codes or folder.parent / "countrycode" / "codelist_without_cldr.csv", lived)
    entities = named(tables, lived, code)
    lifecycles = [_lifecycle(code[number], spell, code) for number, own in lived.items() for spell in own]
    return StateSystem(tuple(entities[number] for number in lived), tuple(lifecycles))


def iso_codes(path: Path, numbers: Iterable[str]) -> dict[str, str]:
    """Each polity's code: ISO alpha-3 where the COW→ISO table gives one, else ``COW<number>``."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError) as error:
        raise BadSource(f"cannot read the COW→ISO table {path}: {getattr(error, 'strerror', None) or error}") from None
    if rows and not {"cown", "iso3c"} <= rows[0].keys():
        raise BadSource(f"{path} is not the COW→ISO table: it lacks the columns cown and iso3c")
    iso = {row["cown"]: row["iso3c"] for row in rows if "" != row["cown"] != "NA" and "" != row["iso3c"] != "NA"}
    return {number: OWN_CODES.get(number) or iso.get(number) or f"COW{number}" for number in numbers}


def named(tables: Tables, lived: Mapping[str, list[Spell]], codes: Mapping[str, str]) -> dict[str, EntityIn]:
    """One entity per polity, named as COW last names it (else as ISD last does), with every other
    name the tables give it as aliases; a polity's name is kept from the others' aliases, a name
    two polities share is left to neither, and of two polities of one name the one that lives on
    keeps it while the other is told apart by its years ("Samoa (1873–1899)")."""
    known = {number: _names(tables, number) for number in lived}
    firsts = Counter(names[0].casefold() for names in known.values())
    shared = Counter(name.casefold() for names in known.values() for name in names)
    entities = {}
    for number, (first, *others) in known.items():
        unique = firsts[first.casefold()] == 1
        living = lived[number][-1].ended.when is None
        name = first if unique or living else f"{first} ({_years(lived[number])})"
        free = [n for n in others if shared[n.casefold()] == 1 and n.casefold() not in firsts]
        aliases = [*([first] if name == first else []), *free, f"cow:{number}"]
        entities[number] = EntityIn(code=codes[number], name=name, kind=EntityKind.STATE, aliases=aliases)
    return entities


def _names(tables: Tables, number: str) -> list[str]:
    """A polity's names, its own first, each once (in any case)."""
    cow = [row.name for row in tables.cow if row.number == number]
    isd = sorted((row for row in tables.isd if row.number == number), key=lambda row: row.start)
    icow = [row.name for row in tables.icow if row.number == number]
    names = [*reversed(cow), *(row.name for row in reversed(isd)), *icow, *(n for row in isd for n in row.other_names)]
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _years(own: list[Spell]) -> str:
    first, last = own[0].began.when, own[-1].ended.when
    if first is None:
        return f"until {last[:4]}" if last else "1816–2016"
    return f"{first[:4]}–{last[:4]}" if last else f"since {first[:4]}"


def _lifecycle(code: str, spell: Spell, codes: Mapping[str, str]) -> Lifecycle:
    began, ended = spell.began, spell.ended
    return Lifecycle(
        code,
        began.when, began.how, _codes(began, codes), began.cites,
        ended.when, ended.how, _codes(ended, codes), ended.cites,
    )


def _codes(change: Change, codes: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(codes[number] for number in change.others)


MOVED = {"TWN"}
"""Polities whose entry in the tables is not their beginning: Taiwan's (COW 713, 1949-12-08) is
when the Republic of China's government moved to Taipei; the Republic of China (TWN) began before,
and Chancery records its relations from 1912."""


def groups(system: StateSystem) -> list[Group]:
    """Each dated beginning and end as an event of its own, in the order of the polities' lives."""
    names = {entity.code: entity.name for entity in system.entities}
    found = []
    for spell in system.lifecycles:
        if spell.began is not None and spell.code not in MOVED:
            found.append(_event(EventType.ENTITY_BEGAN, spell.code, spell.began, spell.began_how,
                                spell.began_from, spell.began_sources, names))
        if spell.ended is not None:
            found.append(_event(EventType.ENTITY_ENDED, spell.code, spell.ended, spell.ended_how,
                                spell.ended_into, spell.ended_sources, names))
    return found


def _event(
    kind: EventType, code: str, when: str, how: str | None, others: tuple[str, ...], cites: tuple[Cite, ...],
    names: Mapping[str, str],
) -> Group:
    began = kind is EventType.ENTITY_BEGAN
    titles = list(dict.fromkeys(SHORT[cite.title] for cite in cites))
    summary = f"{names[code]} {'begins' if began else 'ends'}" + (f" ({how})" if how else "")
    if others:
        summary += f", {'from' if began else 'into'} {', '.join(names[other] for other in others)}"
    summary += f", as {_listed(titles)} record it."
    attributes: dict[str, object] = {"how": how} if how else {}
    if others:
        attributes["from" if began else "into"] = list(others)
    event = EventIn.model_validate({
        "type": kind, "subject": code, "occurred": when, "summary": summary, "attributes": attributes,
        "sources": [{"title": cite.title, "quote": cite.quote, "url": cite.url} for cite in cites],
    })
    return Group((event,), f"{code} ({names[code]}) {'began' if began else 'ended'} {when}")


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
