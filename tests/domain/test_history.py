"""The fold and the state rules as pure functions: no store."""

from datetime import date

import pytest

from domain.history import Entry, RuleBroken, State, check, fold_on, pending_on
from events import DiplomaticStatus, MembershipStatus
from tests.domain.builders import fact


def test_the_fold_applies_events_whose_window_has_ended_by_the_end_of_the_day():
    facts = [fact("relations.established", "1912~"), fact("relations.severed", "2017-06-12")]
    assert fold_on(facts, date(1911, 12, 31)).status is DiplomaticStatus.NONE
    assert fold_on(facts, date(1912, 6, 1)).status is DiplomaticStatus.NONE  # still pending
    assert fold_on(facts, date(1912, 12, 31)).status is DiplomaticStatus.ESTABLISHED
    assert fold_on(facts, date(2017, 6, 11)).status is DiplomaticStatus.ESTABLISHED
    assert fold_on(facts, date(2017, 6, 12)).status is DiplomaticStatus.SEVERED


def test_an_event_is_pending_while_its_window_contains_the_day_and_runs_past_it():
    joined = fact("membership.joined", "2017", "PAN", "BRI")
    assert pending_on([joined], date(2017, 6, 1)) == [joined]
    assert pending_on([joined], date(2017, 12, 31)) == []
    assert pending_on([joined], date(2016, 12, 31)) == []
    assert fold_on([joined], date(2017, 6, 1)).memberships[("PAN", "BRI")].status is None  # known not yet
    assert fold_on([joined], date(2017, 12, 31)).memberships[("PAN", "BRI")].status is MembershipStatus.MEMBER


def test_same_day_events_apply_by_window_start_then_record_order():
    established = fact("relations.established", "2013")
    suspended = fact("relations.suspended", "2013-11-20")
    resumed = fact("relations.resumed", "2013-11-20")
    # the year starts first, then the two same-day events in the order they were recorded
    assert fold_on([resumed, suspended, established], date(2013, 12, 31)).status is DiplomaticStatus.ESTABLISHED
    check([resumed, suspended, established])


def test_the_fold_keeps_the_event_behind_each_entry():
    granted = fact("recognition.granted", "1912~")
    opened = fact("mission.opened", "1973", "IND", "PAN", level="embassy")
    signed = fact("agreement.signed", "2025-04", "PAN", "USA", agreement="mou-1", kind="mou")
    state = fold_on([granted, opened, signed], date(2026, 1, 1))
    assert state.recognitions[("PAN", "TWN")] == Entry(True, granted)
    assert state.missions[("IND", "PAN", "embassy")] == Entry(True, opened)
    assert state.agreements["mou-1"] == Entry(True, signed)


RULES = [
    # (history that must be accepted, the event it must refuse: what recorded events contradict)
    ([fact("recognition.granted", "1912")], fact("recognition.granted", "1950")),
    ([fact("recognition.granted", "1912", government="A")], fact("recognition.granted", "1950", government="A")),
    ([fact("recognition.granted", "1912"), fact("recognition.withdrawn", "1920")], fact("recognition.withdrawn", "1950")),
    ([fact("relations.established", "1912")], fact("relations.established", "1950")),
    ([fact("relations.established", "1912"), fact("relations.suspended", "1920")], fact("relations.established", "1950")),
    ([fact("relations.established", "1912"), fact("relations.severed", "1920")], fact("relations.suspended", "1950")),
    ([fact("relations.established", "1912")], fact("relations.resumed", "1950")),
    ([fact("relations.severed", "1941")], fact("relations.resumed", "1952")),
    ([fact("relations.established", "1912"), fact("relations.severed", "1920")], fact("relations.severed", "1950")),
    ([fact("mission.opened", "1912", level="embassy")], fact("mission.opened", "1950", level="embassy")),
    ([fact("mission.closed", "1912", level="embassy")], fact("mission.closed", "1950", level="embassy")),
    ([fact("mission.opened", "1912", level="embassy")],
     fact("mission.changed", "1950", **{"from": "legation", "level": "embassy"})),
    ([fact("mission.opened", "1912", level="legation"), fact("mission.closed", "1920", level="legation")],
     fact("mission.changed", "1950", **{"from": "legation", "level": "embassy"})),
    ([fact("agreement.signed", "1912", agreement="t1", kind="treaty")],
     fact("agreement.signed", "1950", agreement="t1", kind="treaty")),
    ([fact("agreement.terminated", "1912", agreement="t1")], fact("agreement.terminated", "1950", agreement="t1")),
    ([fact("membership.joined", "1912", "PAN", "RIO")], fact("membership.joined", "1950", "PAN", "RIO")),
    ([fact("membership.left", "1912", "PAN", "RIO")], fact("membership.suspended", "1950", "PAN", "RIO")),
    ([fact("membership.joined", "1912", "PAN", "RIO")], fact("membership.reinstated", "1950", "PAN", "RIO")),
    ([fact("membership.left", "1912", "PAN", "RIO")], fact("membership.left", "1950", "PAN", "RIO")),
]


@pytest.mark.parametrize(("history", "refused"), RULES, ids=[r[1].type.value for r in RULES])
def test_each_state_rule_refuses_an_event_the_state_does_not_allow(history, refused):
    check(history)
    with pytest.raises(RuleBroken) as raised:
        check([*history, refused])
    assert raised.value.event is refused


ALLOWED = [
    [fact("recognition.granted", "1912"), fact("recognition.withdrawn", "2017"), fact("recognition.granted", "2020")],
    [fact("relations.established", "1912"), fact("relations.severed", "1920"), fact("relations.established", "1930")],
    [fact("relations.established", "1912"), fact("relations.suspended", "1920"), fact("relations.severed", "1921")],
    [fact("relations.established", "1912"), fact("relations.suspended", "1920"), fact("relations.resumed", "1921")],
    [fact("mission.opened", "1912", level="embassy"), fact("mission.opened", "1913", level="consulate"),
     fact("mission.closed", "1920", level="embassy")],
    [fact("agreement.signed", "1912", agreement="a", kind="mou"), fact("agreement.terminated", "1920", agreement="a"),
     fact("agreement.signed", "1930", agreement="a", kind="mou")],
    [fact("membership.joined", "1912", "PAN", "RIO"), fact("membership.suspended", "1988", "PAN", "RIO"),
     fact("membership.left", "1990", "PAN", "RIO")],
    [fact("note.recorded", "1900"), fact("note.recorded", "1900")],
    [fact("recognition.granted", "1912", government="A"), fact("recognition.granted", "1943", government="B")],
    [fact("mission.opened", "1912", level="legation"),
     fact("mission.changed", "1943", **{"from": "legation", "level": "embassy"}),
     fact("mission.closed", "1990", level="embassy")],
    # A first event whose precondition nothing records is taken as it comes.
    [fact("recognition.withdrawn", "1950")],
    [fact("relations.suspended", "1950")],
    [fact("relations.resumed", "1950")],
    [fact("relations.severed", "1941"), fact("relations.established", "1952")],
    [fact("mission.closed", "1950", level="consulate")],
    [fact("mission.changed", "1950", **{"from": "legation", "level": "embassy"})],
    [fact("agreement.terminated", "1950", agreement="t1")],
    [fact("membership.suspended", "1950", "PAN", "RIO"), fact("membership.left", "1951", "PAN", "RIO")],
]


@pytest.mark.parametrize("history", ALLOWED)
def test_histories_that_follow_the_rules_are_accepted(history):
    check(history)


def test_a_backdated_event_that_makes_a_later_one_impossible_is_refused():
    suspended = fact("relations.suspended", "2013-11-20", "PAN", "ESH")
    resumed = fact("relations.resumed", "2016-01-07", "PAN", "ESH")
    established = fact("relations.established", "1978?", "PAN", "ESH")
    check([established, suspended, resumed])
    severed = fact("relations.severed", "2000", "PAN", "ESH")
    with pytest.raises(RuleBroken) as raised:
        check([established, suspended, resumed, severed])
    assert raised.value.event is suspended
    assert raised.value.state.status is DiplomaticStatus.SEVERED
    assert raised.value.blocking == (severed,)


def test_membership_roles_survive_suspension_and_reinstatement():
    joined = fact("membership.joined", "2007-01-01", "PAN", "UNSC", role="non-permanent member")
    suspended = fact("membership.suspended", "2007-06-01", "PAN", "UNSC")
    reinstated = fact("membership.reinstated", "2007-07-01", "PAN", "UNSC")
    history = [joined, suspended, reinstated]
    during = fold_on(history, date(2007, 6, 15)).memberships[("PAN", "UNSC")]
    after = fold_on(history, date(2007, 8, 1)).memberships[("PAN", "UNSC")]
    assert (during.status, during.role) == (MembershipStatus.SUSPENDED, "non-permanent member")
    assert (after.status, after.role, after.event) == (MembershipStatus.MEMBER, "non-permanent member", reinstated)


def test_an_empty_history_has_no_relations():
    assert fold_on([], date(2000, 1, 1)) == State()
