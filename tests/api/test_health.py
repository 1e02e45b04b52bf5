"""Liveness, readiness and the Prometheus metrics."""

from __future__ import annotations

import threading

import anyio
import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import WRITER, event, keyed, korea_note, log_head, ok, problem


def test_health_is_ok(client: TestClient) -> None:
    assert ok(client.get("/healthz")) == {"status": "ok"}


def test_liveness_answers_while_every_worker_thread_is_taken(client: TestClient) -> None:
    """A probe that queued behind busy worker threads would report a live server dead."""

    async def probe() -> tuple[int, bool]:
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = 1
        taken, done = anyio.Event(), anyio.Event()

        async def take_the_only_thread() -> None:
            async with limiter:
                taken.set()
                await done.wait()

        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(take_the_only_thread)
                await taken.wait()
                with anyio.fail_after(10):
                    health = await http.get("/healthz")
                with anyio.move_on_after(0.5) as waiting:
                    await http.get("/v1/entities/PAN")  # a route answered in a worker thread waits
                done.set()
        return health.status_code, waiting.cancelled_caught

    assert anyio.run(probe) == (200, True)


def test_readiness_is_200_with_the_read_model_at_the_head_of_the_log(writable: TestClient) -> None:
    before = ok(writable.get("/readyz"))
    appended = writable.post("/v1/events", json=korea_note(), headers=WRITER)
    after = ok(writable.get("/readyz"))

    assert before["status"] == after["status"] == "ready"
    assert before["position"] == before["head"] > 0
    assert after["position"] == after["head"] == int(appended.headers["chancery-position"]) > before["head"]


# Metrics


def metric_samples(client: TestClient, name: str) -> list[tuple[dict[str, str], float]]:
    """Every sample named ``name`` in the /metrics answer, with its labels."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == name
    ]


def metric(client: TestClient, name: str, **labels: str) -> float:
    """The sum of the samples named ``name`` whose labels include ``labels`` (0 if none)."""
    return sum(value for found, value in metric_samples(client, name) if labels.items() <= found.items())


def test_metrics_count_requests_by_route_template_not_by_raw_path(refusing: TestClient) -> None:
    relation = {"method": "GET", "route": "/v1/relations/{a}/{b}", "status": "200"}
    before = metric(refusing, "chancery_http_requests_total", **relation)

    ok(refusing.get("/v1/relations/PAN/TWN", params={"on": "2016-01-01"}))
    ok(refusing.get("/v1/relations/Panama/taiwan"))
    problem(refusing.get("/v1/no-such-route/12345"), 404)

    samples = metric_samples(refusing, "chancery_http_requests_total")
    assert metric(refusing, "chancery_http_requests_total", **relation) == before + 2
    routes = {labels["route"] for labels, _ in samples}
    assert not [route for route in routes if "PAN" in route or "taiwan" in route or "12345" in route]
    assert (
        metric(refusing, "chancery_http_request_duration_seconds_count", method="GET", route="/v1/relations/{a}/{b}")
        >= 2
    )
    assert metric(refusing, "chancery_http_requests_total", route="unmatched", status="404") >= 1


def test_metrics_count_appended_events_by_type_and_not_replays(writable: TestClient) -> None:
    counted = {"type": "relations.suspended"}
    before = metric(writable, "chancery_events_appended_total", **counted)
    suspended = event("relations.suspended", "PAN", "KOR", "2020-03-01")

    ok(writable.post("/v1/events", json=suspended, headers=keyed()), 201)
    once = metric(writable, "chancery_events_appended_total", **counted)
    ok(writable.post("/v1/events", json=suspended, headers=keyed()), 201)

    assert once == before + 1
    assert metric(writable, "chancery_events_appended_total", **counted) == once


def test_metrics_report_no_projection_lag_once_the_read_model_is_current(writable: TestClient) -> None:
    ok(writable.post("/v1/events", json=korea_note(), headers=WRITER), 201)
    head = log_head(writable)

    assert metric_samples(writable, "chancery_projection_lag_entries") == [({}, 0.0)]
    assert metric(writable, "chancery_log_head_position") == head


def test_made_up_methods_share_one_label_so_metrics_stay_bounded(refusing: TestClient) -> None:
    assert refusing.request("BREW", "/v1/relations/PAN/TWN").status_code == 405
    refusing.get("/metrics")  # its own series, counted once it has answered
    before = len(refusing.get("/metrics").content)
    for n in range(50):
        assert refusing.request(f"BREW{n}", "/v1/relations/PAN/TWN").status_code == 405

    methods = {labels["method"] for labels, _ in metric_samples(refusing, "chancery_http_requests_total")}
    assert not [m for m in methods if m.startswith("BREW")]
    assert metric(refusing, "chancery_http_requests_total", method="other") >= 51
    assert len(refusing.get("/metrics").content) < before + 200  # only the counts' digits grew


def test_readiness_never_shows_the_read_model_past_the_head_while_writes_go_on(writable: TestClient) -> None:
    """Ready is the read model at the head as readiness found it: the model's position read later,
    after another write, showed a position past the head."""
    writes = 150
    answers: list[dict[str, int]] = []

    def append() -> None:
        for n in range(writes):
            ok(writable.post("/v1/events", json=korea_note(f"{1900 + n}"), headers=WRITER), 201)

    writer = threading.Thread(target=append)
    writer.start()
    while writer.is_alive():
        answers.append(ok(writable.get("/readyz")))
    writer.join()

    assert answers
    assert [a for a in answers if a["position"] != a["head"] or a["status"] != "ready"] == []
