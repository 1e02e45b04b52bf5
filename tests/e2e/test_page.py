"""The page for people (contract, "For people"; issue 9).

In a real browser: Debian's headless Chromium, driven by Playwright, against a real
``chancery serve --seed`` process on a temporary SQLite file (``tests/e2e/browsing.py`` starts both).
And, in-process, how the page and its files are served: content types, no address outside this
origin, the OpenAPI entry.

Without /usr/bin/chromium or the ``playwright`` package the browser tests skip locally and fail in
CI (``CI`` set), where ``.ci/run`` installs both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.page import STATIC
from api.settings import Settings
from tests.e2e.browsing import DESKTOP, PHONE, Visit, chromium, page_server, visiting
from tests.e2e.conftest import TOKEN, Server

SUSPENSION_QUOTE = "Relations were suspended from 20 November 2013 to 7 January 2016"
SADR_QUOTE = "Panama was the first Latin American country on recognizing the SADR in 1978"
SEVERANCE_QUOTE = "Panama has severed diplomatic relationship with the Republic of China (Taiwan)"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with page_server(tmp_path_factory.mktemp("page")) as started:
        yield started


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def desktop(browser: Any, server: Server) -> Iterator[Visit]:
    with visiting(browser, server, DESKTOP) as visit:
        yield visit


@pytest.fixture
def phone(browser: Any, server: Server) -> Iterator[Visit]:
    with visiting(browser, server, PHONE) as visit:
        yield visit


# ---------------------------------------------------------------- in a real browser


def open_panama(visit: Visit) -> Any:
    """The shared link: Panama on 1 January 2016, once the page has drawn it."""
    from playwright.sync_api import expect

    page = visit.page
    page.goto("/?entity=PAN&on=2016-01-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("Panama on 1 January 2016")
    return page


@pytest.mark.e2e
def test_the_shared_link_shows_panama_on_the_day(desktop: Visit, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = open_panama(desktop)

    expect(desktop.status_of("TWN")).to_have_text("established")
    expect(desktop.status_of("ESH")).to_have_text("suspended")
    expect(desktop.status_of("XKX")).to_have_text("established")
    expect(desktop.status_of("CHN")).to_have_text("none")
    expect(desktop.status_of("QING")).to_contain_text("ended")
    expect(desktop.row("TWN").get_by_role("rowheader")).to_contain_text("Republic of China (Taiwan)")
    expect(page.get_by_role("combobox", name="Entity")).to_have_value("Panama")
    expect(page.get_by_label("On the day")).to_have_value("2016-01-01")
    expect(page.locator(".lane")).to_have_count(10)  # every partner Panama ever had, one lane each
    page.screenshot(path=tmp_path / "panama-2016-01-01.png", full_page=True)
    assert desktop.elsewhere() == []
    assert desktop.problems == []


@pytest.mark.e2e
def test_moving_the_date_shows_that_day_and_back_goes_back_to_the_first(desktop: Visit) -> None:
    from playwright.sync_api import expect

    page = open_panama(desktop)
    page.get_by_label("On the day").fill("2017-07-01")

    expect(page).to_have_url(re.compile(r"[?&]on=2017-07-01(&|$)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Panama on 1 July 2017")
    expect(desktop.status_of("CHN")).to_have_text("established")
    expect(desktop.status_of("TWN")).to_have_text("severed")
    expect(desktop.status_of("ESH")).to_have_text("established")

    page.go_back()

    expect(page).to_have_url(f"{desktop.base}/?entity=PAN&on=2016-01-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("Panama on 1 January 2016")
    expect(page.get_by_label("On the day")).to_have_value("2016-01-01")
    expect(desktop.status_of("TWN")).to_have_text("established")
    expect(desktop.status_of("CHN")).to_have_text("none")
    assert desktop.problems == []


@pytest.mark.e2e
def test_a_marker_opens_its_event_and_sources_by_mouse_and_by_keyboard(desktop: Visit) -> None:
    from playwright.sync_api import expect

    page = open_panama(desktop)
    suspended = page.locator('.lane[data-partner="ESH"] .marker[data-type="relations.suspended"]')
    suspended.click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", level=2)).to_have_text(
        "Panama and Sahrawi Arab Democratic Republic, 20 November 2013"
    )
    expect(dialog.locator("blockquote")).to_have_text([SUSPENSION_QUOTE, SADR_QUOTE])
    expect(dialog).to_contain_text("Foreign relations of Panama")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(suspended).to_be_focused()  # focus goes back where it was (once the dialog's close event has run)
    severed = page.locator('.lane[data-partner="TWN"] .marker[data-type="relations.severed"]')
    severed.focus()
    page.keyboard.press("Enter")

    expect(dialog.locator("blockquote", has_text=SEVERANCE_QUOTE)).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(severed).to_be_focused()
    assert desktop.elsewhere() == []
    assert desktop.problems == []


@pytest.mark.e2e
def test_an_entitys_timelines_come_in_one_request_not_one_per_partner(desktop: Visit) -> None:
    from playwright.sync_api import expect

    page = open_panama(desktop)
    expect(page.locator(".lane")).to_have_count(10)
    page.get_by_label("On the day").fill("2017-07-01")
    expect(desktop.status_of("TWN")).to_have_text("severed")  # another day: the same history, not asked again
    page.locator('.lane[data-partner="ESH"] .lane-name a').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sahrawi Arab Democratic Republic on 1 July 2017")
    expect(page.locator('.lane[data-partner="PAN"]')).to_be_visible()

    asked = [url.removeprefix(desktop.base) for url in desktop.requested]
    timelines = [path.partition("?")[0] for path in asked if path.startswith("/v1/") and "/timeline" in path]
    assert timelines == ["/v1/entities/PAN/timelines", "/v1/entities/ESH/timelines"]


@pytest.mark.e2e
def test_an_imprecise_date_is_drawn_as_its_whole_window_not_a_day(desktop: Visit) -> None:
    from playwright.sync_api import expect

    page = desktop.page
    page.goto("/?entity=PAN&on=2016-01-01")
    year = page.locator('.lane[data-partner="ESH"] .marker[data-type="recognition.granted"]')  # "1978"
    day = page.locator('.lane[data-partner="ESH"] .marker[data-type="relations.suspended"]')  # "2013-11-20"
    expect(year).to_have_class(re.compile(r"\bwindowed\b"))
    expect(day).to_have_class(re.compile(r"\bexact\b"))

    def tick(year: int) -> float:
        box = page.locator(".tick", has_text=str(year)).bounding_box()
        assert box
        return float(box["x"] + box["width"] / 2)

    per_year = (tick(2000) - tick(1900)) / 100
    box = year.bounding_box()
    assert box
    assert per_year * 0.9 <= box["width"] <= per_year * 1.1  # the whole of 1978, not a day of it
    assert abs(box["x"] - (tick(1900) + 78 * per_year)) < per_year / 4
    year.click()
    expect(page.get_by_role("dialog")).to_contain_text("between 1 January 1978 and 31 December 1978")


@pytest.mark.e2e
def test_a_retracted_event_is_hidden_until_asked_for_and_then_struck_through(desktop: Visit, server: Server) -> None:
    from playwright.sync_api import expect

    notes = server.http.get("/v1/relations/PAN/USA/timeline").json()["events"]
    note = next(event for event in notes if event["type"] == "note.recorded")
    retracted = server.http.post(
        f"/v1/events/{note['id']}/retraction",
        json={"reason": "A test retraction: the year was never sourced."},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert retracted.status_code == 200, retracted.text
    page = desktop.page
    marker = page.locator(f'.marker[data-event="{note["id"]}"]')

    page.goto("/?entity=PAN&on=2016-01-01")
    expect(desktop.status_of("XKX")).to_have_text("established")
    expect(marker).to_have_count(0)

    page.get_by_label("Show retracted events").check()

    expect(page).to_have_url(re.compile(r"[?&]retracted=1(&|$)"))
    expect(marker).to_have_class(re.compile(r"\bretracted\b"))
    page.locator("#event-list summary").click()
    struck = page.locator("#event-list li.retracted s")
    expect(struck).to_contain_text(note["summary"])
    assert "line-through" in struck.evaluate("s => getComputedStyle(s).textDecorationLine")
    marker.click()
    expect(page.get_by_role("dialog")).to_contain_text("A test retraction: the year was never sourced.")

    page.reload()
    expect(page.get_by_label("Show retracted events")).to_be_checked()
    expect(marker).to_have_count(1)


@pytest.mark.e2e
def test_the_entity_search_suggests_by_alias_and_keeps_the_day(desktop: Visit) -> None:
    from playwright.sync_api import expect

    page = desktop.page
    page.goto("/?entity=PAN&on=2016-01-01")
    expect(desktop.status_of("ESH")).to_have_text("suspended")
    search = page.get_by_role("combobox", name="Entity")

    search.fill("SADR")
    option = page.get_by_role("option", name=re.compile("Sahrawi Arab Democratic Republic"))
    expect(option).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")

    expect(page).to_have_url(f"{desktop.base}/?entity=ESH&on=2016-01-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sahrawi Arab Democratic Republic on 1 January 2016")
    expect(desktop.status_of("PAN")).to_have_text("suspended")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panama on 1 January 2016")


@pytest.mark.e2e
def test_on_a_phone_the_page_fits_the_screen_and_the_timeline_scrolls_to_the_day(phone: Visit, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = phone.page
    page.goto("/?entity=PAN&on=2016-01-01")
    expect(phone.status_of("TWN")).to_have_text("established")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    scroller = page.locator(".tl-scroll")
    cursor = page.locator(".tl-cursor").bounding_box()
    seen = scroller.bounding_box()
    page.screenshot(path=tmp_path / "panama-2016-01-01-phone.png", full_page=True)

    assert overflow <= 0
    assert cursor and seen and seen["x"] <= cursor["x"] <= seen["x"] + seen["width"]
    assert phone.problems == []


# ---------------------------------------------------------------- how the files are served


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'page.db'}", tokens=None, tokens_file=None))
    with TestClient(app) as opened:
        yield opened


def test_the_page_and_its_files_are_served_with_their_content_types(client: TestClient) -> None:
    page = client.get("/")
    script = client.get("/static/app.js")
    style = client.get("/static/style.css")
    icon = client.get("/static/favicon.svg")

    assert (page.status_code, page.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert (script.status_code, script.headers["content-type"]) == (200, "text/javascript; charset=utf-8")
    assert (style.status_code, style.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert (icon.status_code, icon.headers["content-type"]) == (200, "image/svg+xml")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<script type="module" src="/static/app.js"' in page.text


def test_every_module_of_the_page_is_a_file_beside_it_served_as_javascript(client: TestClient) -> None:
    modules = {file.name: file.read_text(encoding="utf-8") for file in STATIC.glob("*.js")}
    imported = {name for text in modules.values() for name in re.findall(r'^import .* from "(.+)";$', text, re.M)}

    assert all(re.fullmatch(r"\./[\w-]+\.js", name) for name in imported), imported  # /static serves no folders
    assert {name.removeprefix("./") for name in imported} | {"app.js"} == set(modules)  # each one used
    for name in sorted(modules):
        answer = client.get(f"/static/{name}")
        assert (answer.status_code, answer.headers["content-type"]) == (200, "text/javascript; charset=utf-8"), name


def test_an_unchanged_file_is_not_sent_again(client: TestClient) -> None:
    first = client.get("/static/app.js")
    again = client.get("/static/app.js", headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("path", ["/static/missing.js", "/static/..%2Fpage.py", "/static/.hidden.css", "/static/page.py"])
def test_anything_but_a_static_file_is_not_found_as_problem_json(client: TestClient, path: str) -> None:
    answer = client.get(path)

    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_page_fetches_nothing_from_another_origin() -> None:
    outside = re.compile(r"(?:https?:)?//[\w-]+(?:\.[\w-]+)+")
    for file in sorted(STATIC.iterdir()):
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".svg":
            text = text.replace("http://www.w3.org/2000/svg", "")  # a namespace name, never fetched
        assert not outside.search(text), f"{file.name} names another origin: {outside.search(text)}"


def test_the_openapi_document_lists_the_page_and_not_its_static_files(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert paths["/"]["get"]["summary"]
    assert "text/html" in paths["/"]["get"]["responses"]["200"]["content"]
    assert not [path for path in paths if path.startswith("/static")]
