"""Browser-test helpers and fixtures (registered in tests/conftest.py, so one browser serves every module).

Browser tests: Debian's Chromium driven by Playwright (its own browser download cannot work here).

They run against pytest-django's live server. Without /usr/bin/chromium they are skipped with a reason
(.ci/run installs it, so CI always runs them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("LUOSHI_SCREENSHOTS", Path(__file__).resolve().parents[1] / "out" / "screenshots"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must allow ORM calls from it
    # while the browser is open (test_deploy keeps the variable out of its production subprocess).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under out/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Any, live_server: Any, username: str, password: str, totp_device: Any = None) -> None:
    """Log in through the login page; with `totp_device`, also pass the second step with its current code
    (needed only where a test switches LUOSHI_2FA_REQUIRED on, or the account has enrolled)."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if totp_device is not None and "/account/2fa/verify/" in page.url:
        from tests.conftest import totp_now

        page.fill("#id_token", totp_now(totp_device))
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
