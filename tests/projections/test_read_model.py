"""The read model on each real store: tracking, exactly-once, bitemporal answers, timelines, changes."""

from __future__ import annotations

import threading
import uuid
from datetime import date

from api.service import Service
from domain import FactRecorded
from events import EntityIn
from tests.domain.builders import sent
from tests.projections.oracle import naive_answer, read_log, stored_answer

ENTITIES = [
    EntityIn(code="PAN", name="Panama", kind="state"),
    EntityIn(code="TWN", name="Republic of China (Taiwan)", kind="state", aliases=["Taiwan"]),
    EntityIn(code="CHN", name="People's Republic of China", kind="state", aliases=["PRC"]),
    EntityIn(code="BRI", name="Belt and Road Initiative", kind="initiative"),
]

SWITCH = [
    sent("relations.established", "1912~", "PAN", "TWN"),
    sent("recognition.granted", "1912~", "PAN", "TWN"),
    sent("relations.severed", "2017-06-12", "PAN", "TWN"),
    sent("recognition.withdrawn", "2017-06-12", "PAN", "TWN"),
    sent("relations.established", "2017-06-12", "PAN", "CHN"),
    sent("membership.joined", "2017", "PAN", "BRI"),
    sent("membership.left", "2025-02", "PAN", "BRI", reason="withdrawal"),
]
DAYS = [date(1912, 6, 1), date(1913, 1, 1), date(2016, 1, 1), date(2017, 6, 11), date(2017, 6, 12), date(2017, 7, 1),
        date(2018, 1, 1), date(2025, 2, 27), date(2025, 3, 1)]


def register(service: Service) -> None:
    for entity in ENTITIES:
        service.register_entity(entity, "t")


def assert_equals_the_fold_of_the_log(service: Service) -> None:
    """The read model applied every entry of the raw log once, in order, and its state of each pair
    on each day is what a naive fold of the raw log gives (``oracle``), not what another read of
    the same tables gives."""
    log = read_log(service)
    head = len(log)
    assert service.read.position() == head
    assert [entry.position for entry in service.audit_log(0, 1000)] == list(range(1, head + 1))
    recorded = [str(event.event_id) for _, event in log if isinstance(event, FactRecorded)]
    assert sorted(e.id for e in service.read.events(limit=1000)) == sorted(recorded)
    for a, b in [("PAN", "TWN"), ("PAN", "CHN"), ("PAN", "BRI")]:
        for day in DAYS:
            assert stored_answer(service, a, b, day, head) == naive_answer(log, a, b, day, head), f"{a}/{b} on {day}"


def assert_the_switch(service: Service) -> None:
    """What the switch says, day by day: Taiwan until 2017-06-12, then the PRC; the BRI from 2017 to 2025-02."""
    status = {day: statuses(service, day) for day in DAYS}
    # Before its first establishment, relations with the PRC are known not to hold; nothing recorded
    # says whether Panama and the BRI have relations at all.
    assert status[date(2017, 6, 11)] == {"TWN": "established", "CHN": "none", "BRI": "unknown"}
    assert status[date(2017, 6, 12)] == {"TWN": "severed", "CHN": "established", "BRI": "unknown"}
    assert [m.status.value for m in service.relation_state("PAN", "BRI", date(2018, 1, 1)).memberships] == ["member"]
    assert service.relation_state("PAN", "BRI", date(2025, 3, 1)).memberships == []


def statuses(service: Service, day: date) -> dict[str, str]:
    return {b: service.relation_state("PAN", b, day).diplomatic.status.value for b in ("TWN", "CHN", "BRI")}


def test_state_on_a_day_follows_the_switch(service):
    register(service)
    for event in SWITCH:
        service.append(event, "t")
    before = service.relation_state("PAN", "Taiwan", date(2017, 6, 11))
    after = service.relation_state("PAN", "Taiwan", date(2017, 6, 12))
    assert (before.diplomatic.status.value, before.recognition.a_recognizes_b) == ("established", True)
    assert (after.diplomatic.status.value, after.recognition.a_recognizes_b) == ("severed", False)
    assert service.relation_state("PRC", "PAN", date(2017, 6, 12)).diplomatic.status.value == "established"
    (withdrawn,) = after.recognition.not_held
    assert {e.id for e in after.events} == {after.diplomatic.event, withdrawn.event}  # each fact's source


def test_an_imprecise_date_is_pending_inside_its_window(service):
    register(service)
    for event in SWITCH:
        service.append(event, "t")
    mid = service.relation_state("PAN", "BRI", date(2017, 6, 1))
    assert [p.occurred for p in mid.pending] == ["2017"] and mid.memberships == []
    end = service.relation_state("PAN", "BRI", date(2017, 12, 31))
    assert end.pending == [] and [m.status.value for m in end.memberships] == ["member"]
    assert [p.occurred for p in service.relation_state("PAN", "BRI", date(2025, 2, 10)).pending] == ["2025-02"]
    assert service.relation_state("PAN", "BRI", date(2025, 2, 28)).memberships == []


def test_the_projection_resumes_where_it_stopped_and_applies_nothing_twice(database_url):
    writer = Service(database_url)
    try:
        register(writer)
        for event in SWITCH:  # straight to the log, the read model left behind
            writer.app.append(event, "t")
        head = writer.projector.head()
        assert writer.projector.catch_up(until=head - 3) == head - 3
    finally:
        writer.close()
    resumed = Service(database_url)
    try:
        assert resumed.read.position() == head - 3
        resumed.current()
        assert resumed.read.position() == head
        assert resumed.projector.catch_up() == head
        assert len(resumed.read.events(limit=1000)) == len(SWITCH)
        assert_equals_the_fold_of_the_log(resumed)
        assert_the_switch(resumed)
    finally:
        resumed.close()


def test_several_projectors_racing_apply_each_entry_once(database_url):
    writer = Service(database_url)
    register(writer)
    for event in SWITCH:
        writer.app.append(event, "t")
    others = [Service(database_url) for _ in range(3)]
    errors: list[BaseException] = []

    def race(service: Service) -> None:
        try:
            service.current()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=race, args=(s,)) for s in others + [writer]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert len(writer.read.events(limit=1000)) == len(SWITCH)
        assert_equals_the_fold_of_the_log(writer)
        assert_the_switch(others[0])
    finally:
        for service in others + [writer]:
            service.close()


def test_a_read_reflects_a_write_made_by_another_process(database_url):
    reader, writer = Service(database_url), Service(database_url)
    try:
        register(writer)
        reader.current()
        writer.app.append(SWITCH[0], "t")  # no projection run by the writer
        assert reader.relation_state("PAN", "TWN", date(2000, 1, 1)).diplomatic.status.value == "established"
    finally:
        reader.close()
        writer.close()


def test_answers_as_known_at_an_earlier_position(service):
    register(service)
    wrong, _, _ = service.append(sent("relations.established", "1921", "PAN", "TWN"), "t")
    before_correction = service.read.position()
    service.correct(uuid.UUID(wrong.id), sent("relations.established", "1912~", "PAN", "TWN"), "misread", "t")
    day = date(1915, 1, 1)
    assert service.relation_state("PAN", "TWN", day).diplomatic.status.value == "established"
    as_known = service.relation_state("PAN", "TWN", day, before_correction)
    assert as_known.diplomatic.status.value == "none"
    assert as_known.as_of_position == before_correction
    assert service.read.event(uuid.UUID(wrong.id), before_correction).retracted is None
    assert service.read.event(uuid.UUID(wrong.id)).retracted is not None


def test_known_at_maps_a_time_to_the_last_position_recorded_by_then(service):
    register(service)
    first, _, _ = service.append(SWITCH[0], "t")
    service.append(SWITCH[2], "t")
    from datetime import datetime

    moment = datetime.fromisoformat(first.recorded_at.replace("Z", "+00:00"))
    assert service.as_of(moment) == first.position
    assert service.as_of(datetime(1990, 1, 1).astimezone()) == 0


def test_the_timeline_lists_events_in_valid_time_and_the_days_each_fact_held(service):
    register(service)
    for event in reversed(SWITCH[:4]):  # latest first: each is taken as it comes, what it needs inferred
        service.append(event, "t")
    timeline = service.timeline("TWN", "PAN")
    assert [e.occurred for e in timeline.events] == ["1912~", "1912~", "2017-06-12", "2017-06-12"]
    status = [(i.status, str(i.from_day), i.to_day and str(i.to_day)) for i in timeline.intervals if i.facet == "diplomatic"]
    assert status == [
        ("none", "0001-01-01", "1912-12-31"), ("established", "1912-12-31", "2017-06-12"), ("severed", "2017-06-12", None)
    ]


def test_changes_between_two_days_list_what_took_effect(service):
    register(service)
    for event in SWITCH:
        service.append(event, "t")
    changes = service.changes(date(2012, 12, 31), date(2018, 12, 31), "PAN")
    assert {e.type.value for e in changes.events} == {
        "relations.severed", "recognition.withdrawn", "relations.established", "membership.joined"
    }
    diff = {r.b.code: (r.before.diplomatic.status.value, r.after.diplomatic.status.value) for r in changes.relations}
    assert diff["TWN"] == ("established", "severed")
    assert diff["CHN"] == ("none", "established")
    bri = next(r for r in changes.relations if r.b.code == "BRI")
    assert (bri.before.memberships, [m.status.value for m in bri.after.memberships]) == ([], ["member"])
