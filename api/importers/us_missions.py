"""US mission status in every COW state, 1816–2024, as day-precise ranges (Kenkel, v0.1).

Each range becomes the opening of that US mission on its first day and, when the status changes
or the state leaves the system, its closing the day the next status begins (or the day after the
range ends). Statuses are kept as mission levels: ``Ambassador Nonresident`` is
``ambassador-nonresident``; ``None`` means no US mission.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from api.importers.common import BadSource, Group, Parsed, read_csv
from events import EntityIn, EntityKind, EventIn

RANGES_COLUMNS = ["country_abbrev_cow", "country_code_cow", "country_name_cow", "country_name_usdos",
                  "date_start", "date_end", "us_mission_status"]
STATES_COLUMNS = ["stateabb", "ccode", "statenme", "styear", "endyear"]
CODES_COLUMNS = ["cown", "iso3c", "country.name.en"]
DATASET = "U.S. Diplomatic Mission Status Data v0.1 (Brenton Kenkel), mission_status_range_cow_v0.1.csv, CC BY 4.0"
DATASET_URL = "https://github.com/brentonk/us_diplomatic_missions"
END_OF_DATA = date(2024, 12, 31)
US_CCODE = "2"


@dataclass(frozen=True)
class Span:
    row: int
    text: str
    first: date
    last: date
    level: str | None


def level_of(status: str) -> str | None:
    return None if status == "None" else status.strip().lower().replace(" ", "-")


def state_codes(states: Path, codes: Path) -> dict[str, EntityIn]:
    """One entity per COW state: ISO alpha-3 through the COW→ISO table, else ``COW<ccode>``."""
    iso = {
        row["cown"]: row["iso3c"]
        for row in read_csv(codes, CODES_COLUMNS)
        if row["cown"] not in ("", "NA") and row["iso3c"] not in ("", "NA")
    }
    entities: dict[str, EntityIn] = {}
    names: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(states, STATES_COLUMNS):
        names[row["ccode"]].append(row["statenme"])
    for ccode, known_as in names.items():
        code = iso.get(ccode) or f"COW{ccode}"
        latest = known_as[-1]
        aliases = list(dict.fromkeys([*known_as, f"cow:{ccode}"]))
        entities[ccode] = EntityIn(code=code, name=latest, kind=EntityKind.STATE, aliases=aliases)
    return entities


def spans(ranges: Path) -> dict[str, list[Span]]:
    by_state: dict[str, list[Span]] = defaultdict(list)
    rows = read_csv(ranges, RANGES_COLUMNS)
    lines = ranges.read_text(encoding="utf-8").splitlines()
    for number, row in enumerate(rows, start=2):
        try:
            first, last = date.fromisoformat(row["date_start"]), date.fromisoformat(row["date_end"])
        except ValueError:
            raise BadSource(f"{ranges}:{number}: the dates are not YYYY-MM-DD") from None
        if last < first:
            raise BadSource(f"{ranges}:{number}: the range ends before it starts")
        by_state[row["country_code_cow"]].append(
            Span(number, lines[number - 1], first, last, level_of(row["us_mission_status"]))
        )
    for state in by_state.values():
        state.sort(key=lambda s: (s.first, s.row))
    return by_state


def mission_events(us: str, host: str, name: str, state: list[Span]) -> list[Group]:
    groups: list[Group] = []
    for index, span in enumerate(state):
        following = state[index + 1] if index + 1 < len(state) else None
        previous = state[index - 1] if index else None
        carried = previous is not None and previous.level == span.level and previous.last >= span.first - timedelta(1)
        if span.level and not carried:
            groups.append(_event("mission.opened", us, host, name, span, span.first))
        if span.level is None:
            continue
        if following is not None and following.level == span.level and following.first <= span.last + timedelta(1):
            continue  # the same status goes on in the next range
        if following is None and span.last >= END_OF_DATA:
            continue  # still so when the data end
        closes = following.first if following and following.first <= span.last + timedelta(1) else span.last + timedelta(1)
        groups.append(_event("mission.closed", us, host, name, span, closes))
    return groups


def _event(kind: str, us: str, host: str, name: str, span: Span, day: date) -> Group:
    verb = "opens" if kind == "mission.opened" else "closes"
    event = EventIn.model_validate({
        "type": kind,
        "subject": us,
        "counterpart": host,
        "occurred": day.isoformat(),
        "summary": f"The United States {verb} its {span.level} in {name} (row {span.row} of the ranges file).",
        "attributes": {"level": span.level, "dataset_row": span.row},
        "sources": [{"title": DATASET, "quote": span.text, "url": DATASET_URL}],
    })
    return Group((event,), f"row {span.row}")


def parse(ranges: Path, states: Path | None = None, codes: Path | None = None) -> Parsed:
    """The ranges file's events; the COW state list and the COW→ISO table default to its neighbours."""
    by_state = spans(ranges)
    states = states or ranges.parent / "cow_statelist2024.csv"
    codes = codes or ranges.parent.parent / "countrycode" / "codelist_without_cldr.csv"
    entities = state_codes(states, codes)
    us = entities[US_CCODE]
    named, groups = [us], []
    for ccode, state in by_state.items():
        if ccode == US_CCODE:
            continue
        if ccode not in entities:
            raise BadSource(f"{ranges}: COW state {ccode} is not in {states}")
        named.append(entities[ccode])
        groups += mission_events(us.code, entities[ccode].code, entities[ccode].name, state)
    return Parsed(tuple(named), tuple(groups))
