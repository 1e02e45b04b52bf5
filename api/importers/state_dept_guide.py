"""The Office of the Historian's guide to US recognition and relations, country by country (TEI).

Each dated heading that means a recognition, an establishment, a severance, an interruption, a
resumption, or a legation raised to an embassy becomes the contract's event between the USA and
that country, dated to the day where the paragraph states it, else to the heading's year.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from api.importers.common import BadSource, Group, Parsed, read_csv
from api.importers.us_missions import US_CCODE, state_codes
from events import DiplomaticStatus, EntityIn, EntityKind, EventIn

TEI = "{http://www.tei-c.org/ns/1.0}"
GUIDE = "A Guide to the United States' History of Recognition, Diplomatic, and Consular Relations, by Country, since 1776"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAY = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{1,2}),\s+(\d{4})")

# What a heading means, tried in this order; a heading may mean more than one thing.
MEANINGS: list[tuple[str, re.Pattern[str]]] = [
    ("recognition", re.compile(r"\brecogni[tsz]", re.I)),
    ("raised", re.compile(r"legations?\b.*\b(raised|elevat\w*)\b.*\bembassy|elevation of .*legations? to embassy", re.I)),
    ("severed", re.compile(r"\bsever\w*|\bterminat\w* of (diplomatic )?relations|\bcessation of (diplomatic )?relations", re.I)),
    ("interrupted", re.compile(r"\binterrupt\w*\b.*\brelations|\brelations\b.*\binterrupt\w*", re.I)),
    ("resumed", re.compile(r"\b(resum\w*|re-?establish\w*)\b.*\brelations|\brelations\b.*\b(resum\w*|re-?establish\w*)", re.I)),
    ("established", re.compile(r"\bestablish\w*\b.*\bdiplomatic relations|\bdiplomatic relations\b.*\bestablish\w*", re.I)),
]


@dataclass(frozen=True)
class Heading:
    article: str
    country: str
    section: str
    text: str
    year: int
    paragraph: str


def read_article(path: Path) -> tuple[str, list[Heading], list[str]]:
    """The country, its dated headings, and the texts of headings without a single year."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        raise BadSource(f"{path} is not a TEI article: {error}") from None
    short = root.find(f".//{TEI}titleStmt/{TEI}title[@type='short']")
    if short is None or not (short.text or "").strip():
        raise BadSource(f"{path} is not an article of the guide: it has no short title")
    country = " ".join(short.text.split()) if short.text else ""
    headings, undated = [], []
    for section in root.iter(f"{TEI}div"):
        if section.get("type") != "section":
            continue
        title = _text(section.find(f"{TEI}head"))
        for div in section.findall(f"{TEI}div"):
            if div.get("type") != "timeline" or (head := div.find(f"{TEI}head")) is None:
                continue
            text = _text(head).rstrip(".")
            year = _year(head, text)
            if year is None:
                undated.append(text)
                continue
            paragraph = " ".join(_text(p) for p in div.findall(f"{TEI}p"))
            headings.append(Heading(path.stem, country, title, text, year, paragraph))
    return country, headings, undated


def _year(head: ET.Element, text: str) -> int | None:
    """The heading's year: its date's ``when`` (or ``notBefore``/``from``), else the one year it names."""
    when = head.find(f"{TEI}date")
    if when is not None:
        for attribute in ("when", "notBefore", "from"):
            value = (when.get(attribute) or "")[:4]
            if value.isdigit():
                return int(value)
    years = set(re.findall(r"\b(1[6-9]\d\d|20\d\d)\b", text))
    return int(years.pop()) if len(years) == 1 else None


def meanings(text: str) -> list[str]:
    found = [name for name, pattern in MEANINGS if pattern.search(text)]
    if "resumed" in found and "established" in found:
        found.remove("established")  # "resumption … and reestablishment of …" is one resumption
    return found


def dated(heading: Heading) -> tuple[str, str]:
    """The day the paragraph gives in the heading's year, else the year; and the sentence saying so."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", heading.paragraph)
    for sentence in sentences:
        for match in DAY.finditer(sentence):
            if int(match.group(3)) == heading.year:
                day = date(heading.year, MONTHS.index(match.group(1)) + 1, int(match.group(2)))
                return day.isoformat(), sentence.strip()
    return str(heading.year), (sentences[0].strip() if sentences and sentences[0].strip() else heading.text)


def entity_for(path: Path, country: str, cow: dict[str, EntityIn], iso: list[tuple[re.Pattern[str], str]]) -> EntityIn:
    aliases = [country, f"rdcr:{path.stem}"]
    for entity in cow.values():
        if country.casefold() in (n.casefold() for n in (entity.name, *entity.aliases)):
            return EntityIn(code=entity.code, name=entity.name, kind=EntityKind.STATE, aliases=[*entity.aliases, *aliases])
    for pattern, code in iso:
        if pattern.search(country):
            return EntityIn(code=code, name=country, kind=EntityKind.STATE, aliases=aliases)
    own = re.sub(r"[^A-Z0-9]", "", path.stem.upper())[:16]
    return EntityIn(code=own if own[:1].isalpha() else f"G{own}"[:16], name=country, kind=EntityKind.STATE, aliases=aliases)


def iso_patterns(codes: Path) -> list[tuple[re.Pattern[str], str]]:
    found = []
    for row in read_csv(codes, ["country.name.en.regex", "iso3c"]):
        if row["iso3c"] in ("", "NA") or not row["country.name.en.regex"]:
            continue
        try:
            found.append((re.compile(row["country.name.en.regex"], re.I), row["iso3c"]))
        except re.error:
            continue
    return found


def events_for(heading: Heading, us: str, other: str, status: DiplomaticStatus) -> tuple[list[EventIn], DiplomaticStatus]:
    """The events a heading means, given the relation's status before it; and the status after."""
    occurred, sentence = dated(heading)
    source = {
        "title": f"{GUIDE}: {heading.country}, {heading.section}: {heading.text}",
        "quote": sentence,
        "url": f"https://history.state.gov/countries/{heading.article}",
    }
    made: list[EventIn] = []

    def add(kind: str, subject: str, counterpart: str, **attributes: str) -> None:
        made.append(EventIn.model_validate({
            "type": kind, "subject": subject, "counterpart": counterpart, "occurred": occurred,
            "summary": f"{heading.text} ({heading.country}), as the Office of the Historian's guide records it.",
            "attributes": attributes, "sources": [source],
        }))

    for meaning in meanings(heading.text):
        if meaning == "recognition":
            add("recognition.granted", us, other)
            if re.search(r"\bmutual\b", heading.text, re.I):
                add("recognition.granted", other, us)
        elif meaning == "raised":
            add("mission.closed", us, other, level="legation")
            add("mission.opened", us, other, level="embassy")
        elif meaning == "severed":
            add("relations.severed", us, other)
            status = DiplomaticStatus.SEVERED
        elif meaning == "interrupted":
            add("relations.suspended", us, other)
            status = DiplomaticStatus.SUSPENDED
        elif meaning in ("resumed", "established"):
            kind = "relations.resumed" if status is DiplomaticStatus.SUSPENDED else "relations.established"
            add(kind, us, other)
            status = DiplomaticStatus.ESTABLISHED
    return made, status


def parse(articles: Path, states: Path | None = None, codes: Path | None = None) -> Parsed:
    """The guide's events, a group a heading; the COW state list and the COW→ISO table default to
    their places beside the articles' folder in the shared data."""
    if not articles.is_dir() or not any(articles.glob("*.xml")):
        raise BadSource(f"{articles} is not a folder of the guide's TEI articles (*.xml)")
    data = articles.parent.parent
    states = states or data / "us_diplomatic_missions" / "cow_statelist2024.csv"
    codes = codes or data / "countrycode" / "codelist_without_cldr.csv"
    cow, iso = state_codes(states, codes), iso_patterns(codes)
    us = cow[US_CCODE]
    entities, groups, unmapped = [us], [], Counter[str]()
    for path in sorted(articles.glob("*.xml")):
        country, headings, undated = read_article(path)
        unmapped.update(undated)
        other = entity_for(path, country, cow, iso)
        entities.append(other)
        if other.code != us.code:
            groups += article_groups(path, headings, us.code, other.code, unmapped)
    return Parsed(tuple(entities), tuple(groups), unmapped)


def article_groups(path: Path, headings: list[Heading], us: str, other: str, unmapped: Counter[str]) -> list[Group]:
    """A group for each heading that means events, in the order of their years; the rest counted unmapped."""
    groups = []
    status = DiplomaticStatus.NONE
    for heading in sorted(headings, key=lambda h: h.year):
        made, status = events_for(heading, us, other, status)
        if made:
            groups.append(Group(tuple(made), f"{path.name}: {heading.text}, {heading.year}"))
        else:
            unmapped[heading.text] += 1
    return groups


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""
