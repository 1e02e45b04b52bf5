"""The one-sweep states equal a fresh fold on every day, for any facts (pure, no store), from the
first day, where what the first event of each fact implies holds."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import fold_on
from domain.history import DAWN
from projections.intervals import states_by_day
from tests.domain.builders import fact

KINDS = [("relations.established", {}), ("relations.suspended", {}), ("relations.resumed", {}),
         ("relations.severed", {}), ("recognition.granted", {}), ("recognition.withdrawn", {}),
         ("membership.joined", {"role": "r"}), ("membership.suspended", {}), ("membership.left", {}),
         ("mission.opened", {"level": "legation"}), ("mission.changed", {"from": "legation", "level": "embassy"}),
         ("mission.closed", {"level": "embassy"})]
dates = st.one_of(
    st.integers(2000, 2003).map(str),
    st.tuples(st.integers(2000, 2003), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.dates(date(2000, 1, 1), date(2003, 12, 31)).map(lambda d: d.isoformat()),
).flatmap(lambda d: st.sampled_from([d, d + "?", d + "~"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KINDS), dates), max_size=20))
def test_each_days_state_equals_folding_afresh(drawn):
    facts = [fact(kind, when, "PAN", "BRI", **attributes) for (kind, attributes), when in drawn]
    days = list(states_by_day(facts))
    assert [day for day, _ in days] == [DAWN, *sorted({f.occurred.window.last for f in facts})]
    for day, state in days:
        assert state == fold_on(facts, day)
