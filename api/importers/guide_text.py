"""The guide's articles as text: their dated headings, and the days their paragraphs give.

A *dated heading* is a timeline heading that has a year: its ``<date>`` (``when``, ``from``/``to``,
``notBefore``), else the years its text names. Where the two disagree (the source's ``1909`` for
"Reunified Germany, 1990-91", ``1933`` for "Eritrean Independence, 1993"), the text wins.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from api.importers.common import BadSource

TEI = "{http://www.tei-c.org/ns/1.0}"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|" \
         r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
DAY = re.compile(r"(on or about |about |around )?\b" + _MONTH + r",?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
DAY_FIRST = re.compile(r"\b(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})\b")
MONTH = re.compile(r"\b" + _MONTH + r",?\s+(?:of\s+)?(\d{4})\b")
YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
SHORT_RANGE = re.compile(r"\b(1[6-9]\d\d|20\d\d)\s*[-–]\s*(\d\d)\b(?!\d)")
ABBREVIATED = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Dr|St|Jr|Sr|Gen|Lt|Col|Capt|Gov|Hon|Rev|Messrs|No|Ft))\.$")
SENTENCE = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")


@dataclass(frozen=True)
class Heading:
    """One dated timeline heading of an article, with the text of its paragraphs."""

    article: str
    country: str
    section: str
    text: str
    first: int
    last: int
    when: str | None
    """The heading's own date when it gives a month or a day (``1827-12-04``)."""
    paragraph: str
    order: int

    @property
    def years(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}/{self.last}"

    @property
    def where(self) -> str:
        return f"{self.article}.xml: {self.text}"


@dataclass(frozen=True)
class Article:
    """One article: the country it is about, its dated headings in their order, the texts of its
    timeline headings without a year, and all its words (to check a quote against)."""

    name: str
    country: str
    headings: list[Heading]
    undated: list[str]
    text: str


def read_article(path: Path) -> Article:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        raise BadSource(f"{path} is not a TEI article: {error}") from None
    short = root.find(f".//{TEI}titleStmt/{TEI}title[@type='short']")
    country = " ".join((short.text or "").split()).rstrip("*").strip() if short is not None else ""
    if not country:
        raise BadSource(f"{path} is not an article of the guide: it has no short title")
    headings: list[Heading] = []
    undated: list[str] = []
    for section in root.iter(f"{TEI}div"):
        if section.get("type") != "section":
            continue
        title = text_of(section.find(f"{TEI}head"))
        for div in section.findall(f"{TEI}div"):
            head = div.find(f"{TEI}head")
            if div.get("type") != "timeline" or head is None:
                continue
            text = text_of(head).rstrip(".").strip()
            span = _years(head, text)
            if span is None:
                undated.append(text)
                continue
            paragraph = " ".join(text_of(p) for p in div.findall(f"{TEI}p"))
            headings.append(Heading(path.stem, country, title, text, *span, paragraph, len(headings)))
    words = " ".join(text_of(p) for p in root.iter(f"{TEI}p"))
    return Article(path.stem, country, headings, undated, words)


def _years(head: ET.Element, text: str) -> tuple[int, int, str | None] | None:
    """The first and last year a heading covers, and its own month or day if it gives one."""
    said = sorted({int(y) for y in YEAR.findall(text)} | {int(a[:2] + b) for a, b in SHORT_RANGE.findall(text)})
    element = head.find(f"{TEI}date")
    attributes = {} if element is None else {k: v for k, v in element.attrib.items() if v[:4].isdigit()}
    given = sorted({int(v[:4]) for v in attributes.values()})
    if given and (not said or set(given) & set(said)):
        precise = next((v for k, v in attributes.items() if k in ("when", "from") and len(v) > 4), None)
        if precise is not None and not _plain_date(precise):
            precise = None
        return given[0], given[-1], precise
    if not said:
        return None
    return said[-2 if len(said) > 1 and said[-1] - said[-2] < 10 else -1], said[-1], None


def _plain_date(text: str) -> bool:
    try:
        date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        return False
    return True


def sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences; a stop after an initial or a title ("U.S. Envoy", "Donald R. Heath",
    "Mr. Canaz") does not end one."""
    found: list[str] = []
    for part in (p.strip() for p in SENTENCE.split(paragraph)):
        if found and ABBREVIATED.search(found[-1]):
            found[-1] = f"{found[-1]} {part}"
        elif part:
            found.append(part)
    return found


def day_in(sentence: str, first: int, last: int) -> str | None:
    """The first date the sentence gives within the years, as EDTF (a day, else a month)."""
    found: list[tuple[int, str]] = []
    for match in DAY.finditer(sentence):
        year, month, day = int(match.group(4)), _month(match.group(2)), int(match.group(3))
        if first <= year <= last and _valid(year, month, day):
            found.append((match.start(), f"{year:04d}-{month:02d}-{day:02d}" + ("~" if match.group(1) else "")))
    for match in DAY_FIRST.finditer(sentence):
        year, month, day = int(match.group(3)), _month(match.group(2)), int(match.group(1))
        if first <= year <= last and _valid(year, month, day):
            found.append((match.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    if found:
        return min(found)[1]
    for match in MONTH.finditer(sentence):
        year = int(match.group(2))
        if first <= year <= last:
            return f"{year:04d}-{_month(match.group(1)):02d}"
    return None


def _month(name: str) -> int:
    return next(i for i, full in enumerate(MONTHS, start=1) if full.startswith(name.rstrip(".")[:3]))


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def text_of(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""
