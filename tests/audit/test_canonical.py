"""The chain's canonical JSON is RFC 8785's, whichever way it is computed; record times sort as text."""

from datetime import UTC, datetime, timedelta, timezone

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.audit import canonical, timestamp

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.sampled_from(["\U0001f30d", "\ue000", "\u2028", "\x7f", "\x1f", '"\\']),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text() | st.sampled_from(["\U0001f30d", "\ue000"]), inner, max_size=4),
    max_leaves=20,
)


def entry(attributes: object, sources: object = ()) -> dict[str, object]:
    return {"position": 1, "kind": "note.recorded", "data": {"id": "x", "attributes": attributes, "sources": sources}}


@settings(max_examples=500)
@given(JSON, JSON)
def test_canonical_text_is_rfc_8785(attributes: object, source: object) -> None:
    sent = entry(attributes, [source])
    try:
        expected = rfc8785.dumps(sent).decode("utf-8")
    except rfc8785.CanonicalizationError:
        return
    assert canonical(sent) == expected


def test_keys_sort_by_utf16_code_units() -> None:
    # U+1F30D sorts before U+E000 in UTF-16 (a surrogate pair starts with 0xD83C), after it in code points.
    assert '"attributes":{"\U0001f30d":2,"\ue000":1}' in canonical(entry({"\ue000": 1, "\U0001f30d": 2}))


def test_fractions_take_the_standard_forms() -> None:
    assert '"attributes":{"a":1,"b":1e+21,"c":0.1}' in canonical(entry({"a": 1.0, "b": 1e21, "c": 0.1}))


def test_record_times_compare_as_text_in_time_order() -> None:
    early, late = datetime(500, 1, 1, tzinfo=UTC), datetime(2026, 11, 26, 12, 0, 0, 5, tzinfo=timezone(timedelta(hours=1)))
    assert timestamp(early) == "0500-01-01T00:00:00.000000Z"
    assert timestamp(late) == "2026-11-26T11:00:00.000005Z"
    assert timestamp(early) < timestamp(late)
