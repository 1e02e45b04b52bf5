"""The application over the in-memory store: appends, refusals, retractions, corrections."""

import json
from datetime import date, timedelta
from uuid import uuid4

import pytest

from domain import (
    AlreadyRetracted,
    BatchRejected,
    Chancery,
    DuplicateEntity,
    EventNotFound,
    InvalidRelation,
    StateRuleViolated,
    UnknownEntity,
    VersionMismatch,
    relation_id,
)
from domain.relation import restored, restored_from_json
from events import EntityIn, EventType
from tests.domain.builders import application, sent

ENTITIES = [
    EntityIn(code="PAN", name="Panama", kind="state", aliases=["Republic of Panama"]),
    EntityIn(code="TWN", name="Republic of China (Taiwan)", kind="state", aliases=["Taiwan", "ROC"]),
    EntityIn(code="CHN", name="People's Republic of China", kind="state", aliases=["China", "PRC"]),
    EntityIn(code="ESH", name="Sahrawi Arab Democratic Republic", kind="state", aliases=["SADR"]),
]


@pytest.fixture
def app() -> Chancery:
    chancery = Chancery()
    for entity in ENTITIES:
        chancery.register_entity(entity, "registrar")
    return chancery


def test_names_and_aliases_resolve_case_insensitively(app):
    assert app.resolve("taiwan").code == "TWN"
    assert app.resolve("Republic of China (Taiwan)").code == "TWN"
    assert app.resolve("roc").code == "TWN"
    assert app.resolve("prc").code == "CHN"
    assert app.resolve("pan").code == "PAN"


def test_an_unknown_name_suggests_close_ones(app):
    with pytest.raises(UnknownEntity) as raised:
        app.resolve("Taiwn")
    assert ("TWN", "Republic of China (Taiwan)") in raised.value.suggestions
    assert "Taiwn" in raised.value.detail


def test_a_code_or_alias_cannot_be_registered_twice(app):
    with pytest.raises(DuplicateEntity):
        app.register_entity(EntityIn(code="ROC", name="Formosa", kind="state"), "x")
    with pytest.raises(DuplicateEntity):
        app.register_entity(EntityIn(code="TWX", name="Formosa", kind="state", aliases=["taiwan"]), "x")
    same = app.register_entity(ENTITIES[0], "registrar")
    assert not same.created


def test_the_pair_is_unordered(app):
    app.append(sent("relations.established", "1912~", "TWN", "PAN"), "me")
    assert app.relation("PAN", "TWN").version == 1
    assert app.relation("TWN", "PAN").id == relation_id("PAN", "TWN")


def test_an_event_with_itself_is_refused(app):
    with pytest.raises(InvalidRelation):
        app.append(sent("relations.established", "1912", "PAN", "Panama"), "me")


def test_positions_increase_with_every_append(app):
    first = app.append(sent("relations.established", "1912~"), "me")
    second = app.append(sent("recognition.granted", "1912~"), "me")
    assert second.position == first.position + 1


def test_a_backdated_event_that_breaks_a_later_one_names_both_and_the_state(app):
    app.append(sent("relations.established", "1978?", "PAN", "SADR"), "me")
    suspended = app.append(sent("relations.suspended", "2013-11-20", "PAN", "SADR"), "me")
    with pytest.raises(StateRuleViolated) as raised:
        app.append(sent("relations.severed", "2000", "PAN", "SADR"), "me")
    refusal = raised.value
    cited = {c["id"] for c in refusal.conflicting}
    assert str(suspended.events[0].event_id) in cited
    assert refusal.on == "2013-11-20"
    assert refusal.state["diplomatic"] == "severed"
    assert "2013-11-20" in refusal.detail and "severed" in refusal.detail
    assert app.relation("PAN", "ESH").version == 2


def test_an_event_that_breaks_its_own_rule_says_what_held_then(app):
    app.append(sent("relations.established", "1978", "PAN", "ESH"), "me")
    app.append(sent("relations.severed", "2000", "PAN", "ESH"), "me")
    with pytest.raises(StateRuleViolated) as raised:
        app.append(sent("relations.suspended", "2013-11-20", "PAN", "ESH"), "me")
    assert raised.value.state["diplomatic"] == "severed"
    assert "needs status established" in raised.value.detail


def test_an_event_whose_precondition_nothing_records_is_accepted(app):
    app.append(sent("relations.suspended", "2013-11-20", "PAN", "ESH"), "me")
    app.append(sent("mission.closed", "1941", "PAN", "ESH", level="legation"), "me")
    assert app.relation("PAN", "ESH").version == 2


def test_retraction_keeps_the_event_and_removes_it_from_the_state(app):
    written = app.append(sent("recognition.granted", "1912~"), "me")
    event_id = written.events[0].event_id
    app.retract("PAN", "TWN", event_id, "wrong source", "me")
    relation = app.relation("PAN", "TWN")
    assert event_id in relation.recorded
    assert relation.facts() == []
    with pytest.raises(AlreadyRetracted):
        app.retract("PAN", "TWN", event_id, "again", "me")
    with pytest.raises(EventNotFound):
        app.retract("PAN", "TWN", uuid4(), "nothing", "me")


def test_a_retraction_that_leaves_a_later_event_impossible_is_refused(app):
    app.append(sent("relations.established", "1912~"), "me")
    severed = app.append(sent("relations.severed", "1950"), "me")
    app.append(sent("relations.established", "1960"), "me")
    with pytest.raises(StateRuleViolated):
        app.retract("PAN", "TWN", severed.events[0].event_id, "oops", "me")
    assert app.relation("PAN", "TWN").version == 3


def test_a_correction_retracts_and_replaces_in_one_write(app):
    wrong = app.append(sent("relations.established", "1921"), "me")
    app.append(sent("relations.severed", "2017-06-12"), "me")
    written = app.correct("PAN", "TWN", wrong.events[0].event_id, sent("relations.established", "1912~"), "misread", "me")
    assert len(written.positions) == 2
    relation = app.relation("PAN", "TWN")
    assert [f.occurred.text for f in relation.facts()] == ["2017-06-12", "1912~"]


def test_a_correction_whose_replacement_is_refused_writes_nothing(app):
    wrong = app.append(sent("relations.established", "1921"), "me")
    app.append(sent("relations.severed", "2017-06-12"), "me")
    with pytest.raises(StateRuleViolated):
        app.correct("PAN", "TWN", wrong.events[0].event_id, sent("relations.severed", "1921"), "x", "me")
    relation = app.relation("PAN", "TWN")
    assert relation.version == 2 and not relation.retractions


def test_a_correction_may_move_the_event_to_another_pair(app):
    wrong = app.append(sent("relations.established", "2017-06-12", "PAN", "TWN"), "me")
    app.correct("PAN", "TWN", wrong.events[0].event_id, sent("relations.established", "2017-06-12", "PAN", "CHN"), "x", "me")
    assert app.relation("PAN", "TWN").facts() == []
    assert [f.type for f in app.relation("PAN", "CHN").facts()] == [EventType.RELATIONS_ESTABLISHED]


def test_a_stale_expected_version_is_refused(app):
    app.append(sent("relations.established", "1912~"), "me", expected_version=0)
    with pytest.raises(VersionMismatch) as raised:
        app.append(sent("recognition.granted", "1912~"), "me", expected_version=0)
    assert (raised.value.expected, raised.value.actual) == (0, 1)
    app.append(sent("recognition.granted", "1912~"), "me", expected_version=1)


def test_a_batch_is_all_or_nothing(app):
    head = app.recorder.max_notification_id()
    with pytest.raises(BatchRejected) as raised:
        app.append_many(
            [sent("relations.established", "1912~"), sent("relations.established", "2013")], "me"
        )
    assert raised.value.index == 1
    assert app.recorder.max_notification_id() == head
    written = app.append_many(
        [sent("relations.established", "1912~"), sent("relations.severed", "2017-06-12"),
         sent("relations.established", "2017-06-12", "PAN", "CHN")], "me"
    )
    assert list(written.positions) == [head + 1, head + 2, head + 3]


def test_items_of_a_batch_are_judged_with_each_other(app):
    with pytest.raises(BatchRejected):
        app.append_many([sent("relations.established", "1912"), sent("relations.established", "1950")], "me")


def test_appending_a_known_event_id_again_records_nothing(app):
    event_id = uuid4()
    first = app.append(sent("relations.established", "1912~"), "me", event_id=event_id)
    again = app.append(sent("relations.established", "1912~"), "me", event_id=event_id)
    assert first.created and not again.created
    assert app.relation("PAN", "TWN").version == 1


def test_the_writer_is_recorded_on_each_event(app):
    written = app.append(sent("relations.established", "1912~"), "alice")
    assert written.events[0].recorded_by == "alice"


def two_writers(tmp_path) -> tuple[Chancery, Chancery]:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "shared.db")}
    first, second = Chancery(env=env), Chancery(env=env)
    for entity in ENTITIES:
        first.register_entity(entity, "registrar")
    return first, second


def test_a_writer_judges_against_what_another_writer_recorded_since(tmp_path):
    mine, theirs = two_writers(tmp_path)
    mine.append(sent("relations.established", "1912"), "mine")  # mine now holds PAN/TWN in memory
    theirs.append(sent("relations.severed", "2017-06-12"), "theirs")
    mine.append(sent("relations.established", "2019"), "mine")  # valid only after their severance
    with pytest.raises(StateRuleViolated):
        mine.append(sent("relations.resumed", "2020"), "mine")
    assert [f.type for f in sorted(mine.relation("PAN", "TWN").facts(), key=lambda f: f.seq)] == [
        EventType.RELATIONS_ESTABLISHED,
        EventType.RELATIONS_SEVERED,
        EventType.RELATIONS_ESTABLISHED,
    ]


def test_a_refused_batch_leaves_nothing_half_judged_behind(app):
    app.append(sent("relations.established", "1912"), "t")
    with pytest.raises(BatchRejected):
        app.append_many([sent("relations.severed", "2017"), sent("relations.resumed", "2018")], "t")
    # the severance of the refused batch was never stored, so suspending stays possible
    app.append(sent("relations.suspended", "2017"), "t")
    assert app.relation("PAN", "TWN").version == 2


def test_a_relation_too_large_to_keep_in_memory_is_read_back_and_judged_the_same(tmp_path):
    """A writer keeps ``write_cache`` events' worth of relations; beyond that, it reads them back."""
    app = application(f"sqlite:///{tmp_path}/small.db?write_cache=1000")
    for entity in ENTITIES:
        app.register_entity(entity, "registrar")
    days = [date(1901, 1, 1) + timedelta(n) for n in range(1100)]
    run = [sent("relations.established", "1900")]
    run += [sent("relations.suspended" if n % 2 == 0 else "relations.resumed", d.isoformat()) for n, d in enumerate(days)]
    app.append_many(run, "t")
    assert not app.relations.held  # 1101 events: too many to keep
    with pytest.raises(StateRuleViolated, match="relations.established needs status none or severed"):
        app.append(sent("relations.established", "1899"), "t")  # would make 1900's establishment impossible
    after = days[-1] + timedelta(10)  # the run ends resumed
    app.append(sent("relations.suspended", after.isoformat()), "t")
    with pytest.raises(StateRuleViolated, match="relations.resumed needs status suspended"):
        app.append(sent("relations.resumed", (after - timedelta(5)).isoformat()), "t")  # it was established then
    assert app.relation("PAN", "TWN").version == 1102


def test_a_writer_holds_fewer_small_relations_than_its_cache_counts_events(tmp_path):
    """Each relation held costs memory beyond its events, so many one-event relations fill the cache sooner."""
    app = application(f"sqlite:///{tmp_path}/small.db?write_cache=1000")
    codes = [f"S{n:03d}" for n in range(40)]
    for code in codes:
        app.register_entity(EntityIn(code=code, name=f"State {code}", kind="state"), "registrar")
    pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1 :]][:600]
    app.append_many([sent("relations.established", "1990", a, b) for a, b in pairs], "t")
    held = app.relations
    assert held.size <= 1000
    # beside the relations, each party's own history (empty here) is held too, at the cost of its overhead
    own = sum(1 for relation in held.held.values() if relation[0].a == relation[0].b)
    assert own == len(codes)
    assert len(held.held) - own == (1000 - own * held.OVERHEAD) // (1 + held.OVERHEAD)
    # a relation no longer held is read back and judged the same
    with pytest.raises(StateRuleViolated, match="relations.established needs status none or severed"):
        app.append(sent("relations.established", "1995", *pairs[0]), "t")


def test_a_relation_read_straight_from_its_stored_json_is_the_one_its_stored_events_rebuild(tmp_path):
    """A writer reads cold relations from the entries' JSON; it must equal the library's own decoding."""
    url = f"sqlite:///{tmp_path}/plain.db"
    app = application(url)
    for entity in ENTITIES:
        app.register_entity(entity, "registrar")
    app.append(sent("relations.established", "1904-11", role="ignored", nested={"a": [1, 2.5, None]}), "me")
    wrong = app.append(sent("recognition.granted", "1912~"), "me").events[0].event_id
    app.retract("PAN", "TWN", wrong, "wrong source", "me")
    mistaken = app.append(sent("relations.suspended", "1990-01-02"), "me").events[0].event_id
    app.correct("PAN", "TWN", mistaken, sent("relations.suspended", "1991-01-02"), "misdated", "me")
    stored = list(app.recorder.select_events(relation_id("PAN", "TWN")))
    by_events = restored([app.mapper.to_domain_event(entry) for entry in stored])
    by_json = restored_from_json([(e.originator_version, e.topic, json.loads(e.state)) for e in stored])
    assert (by_json.a, by_json.b, by_json.version) == (by_events.a, by_events.b, by_events.version) == ("PAN", "TWN", 6)
    assert by_json.recorded == by_events.recorded
    assert by_json.retractions == by_events.retractions and len(by_json.retractions) == 2
    assert by_json.state() == by_events.state()
    assert by_json.state().status.value == "suspended"
    assert by_json.state().recognitions == {}
    # and a fresh writer, reading it cold, judges against the same history
    cold = application(url)
    cold.refresh_directory()
    with pytest.raises(StateRuleViolated, match="needs status established"):
        cold.append(sent("relations.suspended", "1995"), "me")
