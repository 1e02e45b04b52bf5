"""The page in a real browser, for its tests: Debian's headless Chromium driven by Playwright, and a
real ``chancery serve --seed`` process on a temporary SQLite file.

Without /usr/bin/chromium or the ``playwright`` package the browser tests skip locally and fail in
CI (``CI`` set), where ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXPECT_MS = 15_000  # the longest Playwright's expect waits for the page to settle
READY_SECONDS = 30.0
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need_a_browser() -> None:
    """Skip here, fail in CI, when the browser or its driver is missing, saying which."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (pip install -e '.[test]')")
    if missing:
        reason = "the browser test of the page needs " + " and ".join(missing)
        if in_ci():
            pytest.fail(reason + "; .ci/run installs both")
        pytest.skip(reason)


# ---------------------------------------------------------------- a server, a browser, a visit


def wait_until_ready(server: Server) -> None:
    """Until the read model has the seed (``serving`` waits only for liveness)."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.http.get("/readyz").status_code == 200:
            return
        time.sleep(0.1)  # polling for readiness, not a timing assertion
    pytest.fail(f"chancery serve was not ready in {READY_SECONDS:.0f}s:\n{server.output.read_text(errors='replace')}")


@contextmanager
def page_server(folder: Path) -> Iterator[Server]:
    """``chancery serve --seed`` on a SQLite file in ``folder``, once its read model has the seed."""
    with serving(folder, folder / "page.db") as started:
        wait_until_ready(started)
        yield started


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (a skip, or a failure in CI, without either)."""
    need_a_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_MS)
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


class Visit:
    """One browser page on the served app that records what it asked for and what went wrong."""

    def __init__(self, browser: Any, server: Server, viewport: dict[str, int]):
        self.base = str(server.http.base_url).rstrip("/")
        self.context = browser.new_context(viewport=viewport, base_url=self.base)
        self.page = self.context.new_page()
        self.requested: list[str] = []
        self.problems: list[str] = []
        self.page.on("request", lambda request: self.requested.append(request.url))
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on(
            "console",
            lambda message: self.problems.append(f"console: {message.text}") if message.type == "error" else None,
        )

    def elsewhere(self) -> list[str]:
        return [url for url in self.requested if not url.startswith(self.base + "/")]

    def row(self, code: str) -> Any:
        return self.page.locator(f'#relations tbody tr[data-partner="{code}"]')

    def status_of(self, code: str) -> Any:
        return self.row(code).locator("td.cell-status .badge")


@contextmanager
def visiting(browser: Any, server: Server, viewport: dict[str, int]) -> Iterator[Visit]:
    visit = Visit(browser, server, viewport)
    try:
        yield visit
    finally:
        visit.context.close()


