"""An open world: what nothing records is unknown, and what a first event implies held before it
is inferred (pure functions, no store)."""

from datetime import date

from domain.history import DAWN, Entry, fold_on, status_inferred
from events import DiplomaticStatus, MembershipStatus
from projections.intervals import intervals
from tests.domain.builders import fact

Status = DiplomaticStatus


def test_nothing_recorded_is_unknown_not_none():
    assert fold_on([], date(2016, 1, 1)).status is Status.UNKNOWN
    only_a_mission = [fact("mission.opened", "1973", "IND", "PAN", level="embassy")]
    assert fold_on(only_a_mission, date(2016, 1, 1)).status is Status.UNKNOWN


def test_before_a_first_establishment_relations_are_known_not_to_hold():
    established = fact("relations.established", "1904-11-03")
    before = fold_on([established], date(1900, 1, 1))
    assert (before.status, before.status_event) == (Status.NONE, established)
    assert status_inferred(before)
    after = fold_on([established], date(1904, 11, 3))
    assert after.status is Status.ESTABLISHED and not status_inferred(after)


def test_a_severance_no_establishment_precedes_says_relations_held_before_it():
    severed = fact("relations.severed", "1941-12-08")
    established = fact("relations.established", "1952-04-28")
    facts = [severed, established]
    assert fold_on(facts, date(1930, 1, 1)).status is Status.ESTABLISHED
    assert status_inferred(fold_on(facts, date(1930, 1, 1)))
    assert fold_on(facts, date(1945, 1, 1)).status is Status.SEVERED
    assert fold_on(facts, date(1953, 1, 1)).status is Status.ESTABLISHED


def test_a_legation_raised_to_an_embassy_was_a_legation_before_and_an_embassy_after():
    raised = fact("mission.changed", "1943-06", "USA", "PAN", **{"from": "legation", "level": "embassy"})
    before, after = fold_on([raised], date(1930, 1, 1)), fold_on([raised], date(1943, 6, 30))
    assert before.missions[("USA", "PAN", "legation")] == Entry(True, raised)
    assert ("USA", "PAN", "embassy") not in before.missions or not before.missions[("USA", "PAN", "embassy")].holds
    assert not after.missions[("USA", "PAN", "legation")].holds
    assert after.missions[("USA", "PAN", "embassy")] == Entry(True, raised)


def test_a_withdrawal_with_no_grant_recorded_says_recognition_held_before_it():
    withdrawn = fact("recognition.withdrawn", "1979-01-01", "USA", "TWN")
    assert fold_on([withdrawn], date(1975, 1, 1)).recognitions[("USA", "TWN")].holds
    assert not fold_on([withdrawn], date(1979, 1, 1)).recognitions[("USA", "TWN")].holds


def test_a_new_government_recognized_replaces_the_one_before():
    committee = fact("recognition.granted", "1943-08-26", "USA", "FRA", government="French Committee of National Liberation")
    provisional = fact("recognition.granted", "1944-10-23", "USA", "FRA", government="Provisional Government")
    held = fold_on([committee, provisional], date(1945, 1, 1)).recognitions[("USA", "FRA")]
    assert held == Entry(True, provisional)


def test_membership_left_with_no_joining_recorded_was_held_before():
    left = fact("membership.left", "1990", "PAN", "RIO")
    assert fold_on([left], date(1980, 1, 1)).memberships[("PAN", "RIO")].status is MembershipStatus.MEMBER
    assert fold_on([left], date(1991, 1, 1)).memberships[("PAN", "RIO")].status is None


def test_what_is_inferred_holds_from_the_first_day_without_a_date_of_its_own():
    severed = fact("relations.severed", "1941-12-08")
    rows = {(held.facet, held.value): held for held in intervals([severed])}
    inferred = rows[("diplomatic", '{"inferred": true, "status": "established"}')]
    assert (inferred.start, inferred.end, inferred.since) == (DAWN, date(1941, 12, 8), "")
    recorded = rows[("diplomatic", '{"status": "severed"}')]
    assert (recorded.start, recorded.end, recorded.since) == (date(1941, 12, 8), None, "1941-12-08")
