"""Browser tests: the app served on 127.0.0.1 by a real HTTP server, driven by Playwright in
Debian's Chromium (`/usr/bin/chromium`, installed by `./dev test`; no browser is downloaded)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.ivr.conftest import (  # noqa: F401 (the IVR's fixtures, for calls seen in a page)
    make_operator,
    new_call,
    operator_login,
    set_clock,
)

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test's app behind a threaded WSGI server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is missing: ./dev test installs it (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield found
        found.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    found = context.new_page()
    found.set_default_timeout(15_000)
    # expectations wait as long as actions (a busy CI machine; a test that needs a bound on
    # the wait, as the desk's 2 s screen pop, says so on the expectation)
    expect.set_options(timeout=15_000)
    yield found
    context.close()
