"""What a sent event or entity must be before anything is recorded."""

import pytest
from pydantic import ValidationError

from events import EntityIn, EventIn

VALID = {
    "type": "relations.suspended",
    "subject": "PAN",
    "counterpart": "SADR",
    "occurred": "2013-11-20",
    "summary": "Panama suspends relations with the SADR.",
    "attributes": {},
    "sources": [{"title": "Foreign relations of Panama", "quote": "Relations were suspended", "url": None}],
}


def refused_at(**changes: object) -> tuple[object, ...]:
    with pytest.raises(ValidationError) as raised:
        EventIn.model_validate({**VALID, **changes})
    return raised.value.errors()[0]["loc"]


def test_the_contract_example_is_accepted():
    assert EventIn.model_validate(VALID).occurred == "2013-11-20"


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"type": "relations.improved"}, ("type",)),
        ({"occurred": "2013-11-31"}, ("occurred",)),
        ({"sources": []}, ("sources",)),
        ({"summary": ""}, ("summary",)),
        ({"summary": "nul \x00 inside"}, ("summary",)),
        ({"sources": [{"title": "t", "quote": "\x00"}]}, ("sources", 0, "quote")),
        ({"sources": [{"title": "t", "url": "ftp://x"}]}, ("sources", 0, "url")),
        ({"attributes": {"n": float("nan")}}, ("attributes",)),
        ({"attributes": {"deep": [{"x": float("inf")}]}}, ("attributes",)),
        ({"attributes": {"count": 2**53}}, ("attributes",)),
        ({"type": "mission.opened"}, ("attributes",)),
        ({"type": "agreement.signed", "attributes": {"agreement": "mou-1"}}, ("attributes",)),
        ({"colour": "blue"}, ("colour",)),
    ],
)
def test_bad_events_are_refused_at_the_field_at_fault(changes, where):
    assert refused_at(**changes) == where


def test_entity_codes_are_upper_case_letters_and_digits():
    assert EntityIn(code="XKX", name="Kosovo", kind="state").code == "XKX"
    for code in ("xk", "X", "X-K", "ABCDEFGHIJKLMNOPQ"):
        with pytest.raises(ValidationError):
            EntityIn(code=code, name="n", kind="state")


def test_an_event_is_known_by_the_same_content_id_in_every_release():
    """Re-importing a file records nothing new only if its events keep their ids: this one is pinned."""
    sent = {
        "type": "relations.severed", "subject": "PAN", "counterpart": "TWN", "occurred": "2017-06-12",
        "summary": "Panama severs relations with Taiwan — «adiós»", "attributes": {"note": "x", "count": 2},
        "sources": [{"title": "Ministry statement", "quote": "rompe relaciones", "url": "https://example.org/a"}],
    }
    assert str(EventIn.model_validate(sent).content_id()) == "31a8b07c-9659-5518-abb5-a3ea3e3e4c3d"
    reordered = {**sent, "attributes": {"count": 2, "note": "x"}}
    assert EventIn.model_validate(reordered).content_id() == EventIn.model_validate(sent).content_id()


@pytest.mark.parametrize("occurred", ["1960-06-15%/1965-05-20%", "1960-06/1965-05", "../1960-05", "1960/..", "196X", "1962-XX~"])
def test_level_1_dates_are_accepted_up_to_an_interval_of_two_qualified_days(occurred: str) -> None:
    assert EventIn.model_validate({**VALID, "occurred": occurred}).occurred == occurred


@pytest.mark.parametrize("occurred", ["1965/1960", "../..", "1960/", "1960-06-15%/1965-05-20%/", "196X-05"])
def test_level_1_dates_without_a_window_are_refused_at_occurred(occurred: str) -> None:
    assert refused_at(occurred=occurred) == ("occurred",)
