"""What a heading of the guide says happened, read from its words: its *claims*.

A heading may say several things ("Establishment of Diplomatic Relations and the American Legation
in Cuba"): each is a claim, in the order the heading says them. A heading that says nothing this
reading knows is a note (``note.recorded``): every dated heading becomes at least one event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from api.importers.guide_text import Heading, day_in, sentences

US, THEM, BOTH = "us", "them", "both"


@dataclass(frozen=True)
class Claim:
    """One thing a heading says: an act (below), who did it, and what it needs to be an event."""

    act: str
    """recognized, withdrawn, established, reestablished, resumed, suspended, severed, opened,
    closed, changed, signed, terminated, began, ended, note."""
    by: str = US
    """For directed acts: the United States (``us``), the other party (``them``) or each (``both``)."""
    party: str | None = None
    """The other party's code; None: the entity the article is about."""
    level: str | None = None
    was: str | None = None
    government: str | None = None
    when: str | None = None
    """EDTF; None: the day the paragraph gives, else the heading's years."""
    quote: str | None = None
    """Words of the article the claim rests on; None: the sentence its day comes from."""
    how: str | None = None
    others: tuple[str, ...] = ()
    """Entity events: what it came from or went into."""
    implied: bool = False
    """The heading implies it and does not say it."""


def C(act: str, **fields: object) -> Claim:  # noqa: N802 - reads as a table
    return Claim(act, **fields)  # type: ignore[arg-type]


_US = r"(?:American|U\.\s?S\.|United States|US)"
LEVELS = [
    ("liaison-office", r"liaison office"),
    ("interests-section", r"interests? section"),
    ("consulate", r"consulate"),
    ("embassy", r"embass(?:y|ies)"),
    ("legation", r"legations?"),
]
_TREATY = re.compile(r"\b(treaty|treaties|convention|agreement|declaration of accession|arrangement|compact|"
                     r"additional article|protocol)\b", re.I)
_STATUS: list[tuple[str, re.Pattern[str]]] = [
    ("severed", re.compile(r"\bsever\w*|\bterminat\w* of (?:diplomatic )?relations|cessation of (?:diplomatic )?"
                           r"relations|relations\b[\w\s,]*\bended\b", re.I)),
    ("suspended", re.compile(r"\binterrupt\w*|suspension of (?:normal )?diplomatic relations", re.I)),
    ("reestablished", re.compile(r"\bre-?establish\w* (?:of )?(?:full )?(?:diplomatic )?relations|relations\b[\w\s]*"
                                 r"\bre-?establish\w*|re-?opening of diplomatic relations", re.I)),
    ("resumed", re.compile(r"\bresum\w*\b[\w\s]*\brelations|relations\b[\w\s]*\b(?:resum\w*|restored|normalized)",
                           re.I)),
    ("established", re.compile(r"\bestablish\w*\b(?: of)?(?: full)?(?: diplomatic)? relations|\bdiplomatic "
                               r"relations(?: were)? established", re.I)),
]
_OPEN = r"(?:establish\w*|opening|opened|reopen\w*|re-open\w*|re-?establish\w*|resumption of|resumed)"
_CLOSE = r"(?:clos\w*|suspension of|suspended|evacuation of|staff withdrawn)"
_MOVED = re.compile(r"\b(?:mov\w*|movement|relocat\w*|transferred|returns?|returned|change from)\b", re.I)
VERBS = {
    "recognized": (r"recogni", ""), "withdrawn": (r"withdr|recogni", ""),
    "established": (r"establish|credentials|began|accepted", r"relations"),
    "reestablished": (r"establish|resum|restor|reopen", r"relations"),
    "resumed": (r"resum|restor|re-?establish|normal", r"relations"),
    "suspended": (r"interrupt|suspen|recall|closed", r"relations"),
    "severed": (r"sever|terminat|ceas|ended|recall|closed|withdr", r"relations"),
    "opened": (r"establish|open|presented|credentials|raised|elevat|became", ""),
    "closed": (r"clos|suspend|evacuat|withdr", ""), "changed": (r"raised|elevat|became|converted|ambassador", ""),
    "signed": (r"sign|conclud", r""), "terminated": (r"terminat|denounc", r""),
    "began": (r"establish|proclaim|creat|form|independen", ""),
    "ended": (r"join|annex|absorb|incorporat|ceased|abolish|close", ""),
}


def claims_of(heading: Heading) -> list[Claim]:
    """What the heading's words say, in their order; a note if they say nothing this reading knows."""
    text, section = heading.text, heading.section.lower()
    if re.search(r"franco-|non-recognition", text, re.I):
        return [C("note")]
    if re.search(r"\bterminated\b", text, re.I) and _TREATY.search(text):
        return [C("terminated")]
    if "treat" in section or _TREATY.search(text) and not re.search(r"relations", text, re.I):
        return [C("signed")]
    if "consul" in section:
        return [C("note")]
    found = _recognitions(text) + _changes(text) + _statuses(text) + _missions(text)
    return [claim for _, claim in sorted(found, key=lambda pair: pair[0])] or [C("note")]


def _recognitions(text: str) -> list[tuple[int, Claim]]:
    match = re.search(r"recogni[tsz]\w*", text, re.I)
    if match is None or re.search(r"recogni\w* of \w+ legation", text, re.I):
        return []
    if re.search(r"withdr", text, re.I):
        return [(match.start(), C("withdrawn"))]
    if re.search(r"\bmutual\b|\bbetween\b", text, re.I):
        return [(match.start(), C("recognized", by=BOTH))]
    if re.search(r"recogni\w*\s+(?:of\s+)?(?:the\s+)?(?:independence\s+of\s+)?(?:the\s+)?(?:U\.\s?S\.|United States)",
                 text, re.I):
        return [(match.start(), C("recognized", by=THEM))]
    return [(match.start(), C("recognized"))]


def _changes(text: str) -> list[tuple[int, Claim]]:
    """A mission raised in rank: "Legation Raised to Embassy", "Consulate Elevated to Embassy"."""
    match = re.search(r"\b(legations?|consulate|liaison office|representation)\b.*\b(?:raised|elevat\w*|to)\b.*"
                      r"\b(embassy|ambassadorship)\b|elevation of (?:status of )?(legations?|consulate|liaison office)"
                      r".*\bto (embassy)", text, re.I)
    if match is None or re.search(r"representative", text, re.I):
        return []
    was = (match.group(1) or match.group(3)).lower().rstrip("s")
    was = {"representation": "legation", "liaison office": "liaison-office"}.get(was, was)
    at = match.start(1) if match.group(1) else match.start(3)
    return [(at, C("changed", by=_sender(text, at), was=was, level="embassy"))]


def _statuses(text: str) -> list[tuple[int, Claim]]:
    if re.search(r"ambassadorial|consular relations|handled through|expansion of", text, re.I):
        return []
    found: list[tuple[int, Claim]] = []
    for act, pattern in _STATUS:
        match = pattern.search(text)
        if match and not any(start <= match.start() < start + 40 for start, _ in found):
            found.append((match.start(), C(act)))
    if any(claim.act in ("reestablished", "resumed") for _, claim in found):
        found = [(at, claim) for at, claim in found if claim.act != "established"]
    return found


def _missions(text: str) -> list[tuple[int, Claim]]:
    """Missions opened or closed ("Establishment of the American Embassy in Yerevan"); a mission
    moved from one city to another is a note."""
    if _MOVED.search(text) and not re.search(r"reopen|re-open|closure", text, re.I):
        return []
    found: list[tuple[int, Claim]] = []
    for level, noun in LEVELS:
        for match in re.finditer(rf"\b{noun}\b", text, re.I):
            before, after = text[max(0, match.start() - 60): match.start()], text[match.end(): match.end() + 40]
            if re.search(r"raised|elevat|(?:^|\s)to$", before + " " + after[:12], re.I) or level == "consulate":
                continue
            act = _mission_act(before, after)
            if act is not None and not any(c.act == "changed" for _, c in _changes(text)):
                found.append((match.start(), C(act, by=_sender(text, match.start()), level=level)))
    return found


def _mission_act(before: str, after: str) -> str | None:
    if re.search(rf"{_CLOSE}\W+(?:\w+\W+){{0,4}}$", before, re.I) or re.search(rf"^\W*(?:[\w.]+\W+){{0,3}}{_CLOSE}",
                                                                                 after, re.I):
        return "closed"
    if re.search(rf"{_OPEN}\W+(?:\w+\W+){{0,7}}$", before, re.I) or re.search(rf"^\W*(?:[\w.’']+\W+){{0,4}}{_OPEN}",
                                                                                after, re.I):
        return "opened"
    return None


def _sender(text: str, at: int) -> str:
    """Whose mission: the United States' unless a foreign one is named (the "Polish Legation", a
    legation "in the United States"), or both ("Elevation of Legations")."""
    before, after = text[max(0, at - 30): at], text[at: at + 60]
    if re.search(r"legations\b", after[:12], re.I) and not re.search(_US, before):
        return BOTH
    if re.search(rf"{_US}\W*$", before) or re.search(rf"{_US}\W+(?:\w+\W+)?$", before):
        return US
    if re.search(r"in (?:the )?(?:United States|U\.S\.)|in Washington|to the United States", after):
        return THEM
    word = re.search(r"\b([A-Z][a-z]+(?:an|ese|ish|ch|i|ian|ean))\W*$", before)
    return THEM if word else US


def dated(heading: Heading, claim: Claim) -> tuple[str, str]:
    """When a claim happened, as EDTF, and the words that say so: its own date, else the heading's
    day or month, else the first date in the heading's years of the sentence that best names the
    act (its verb and noun), else the heading's years."""
    said = claim.quote
    if claim.when is not None:
        return claim.when, said or _sentence_of(heading, said)
    if heading.when is not None:
        return heading.when, said or _best(heading, claim)[1] or heading.text
    occurred, sentence = _best(heading, claim)
    years = str(heading.first) if claim.act == "note" else heading.years  # a note on a span: when it began
    return occurred or years, said or sentence or heading.text


def _best(heading: Heading, claim: Claim) -> tuple[str | None, str | None]:
    verb, noun = VERBS.get(claim.act, ("", ""))
    noun = noun or (claim.level or "").replace("-", " ")
    best: tuple[int, str, str] | None = None
    for number, sentence in enumerate(sentences(heading.paragraph)):
        day = day_in(sentence, heading.first, heading.last)
        if day is None:
            continue
        score = (2 if verb and re.search(verb, sentence, re.I) else 0) + (1 if noun and re.search(noun, sentence,
                                                                                                   re.I) else 0)
        if best is None or score > best[0]:
            best = (score, day, sentence)
        if score == 3 or number > 12:
            break
    if best is None:
        first = sentences(heading.paragraph)
        return None, first[0] if first else None
    return best[1], best[2]


def _sentence_of(heading: Heading, said: str | None) -> str:
    first = sentences(heading.paragraph)
    return first[0] if first else heading.text


def restated(claim: Claim, **changes: object) -> Claim:
    return replace(claim, **changes)  # type: ignore[arg-type]
