"""The first login of an office account in a browser: set up the second factor, keep the recovery codes, then
log in again with a code (LUOSHI_2FA_REQUIRED on, as in production)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_sets_up_its_second_factor_and_logs_in_with_it(page: Any, live_server: Any, personas: Any,
                                                                    settings: Any) -> None:
    from tests.conftest import totp_now

    settings.LUOSHI_2FA_REQUIRED = True
    login(page, live_server, personas.supervisor.username, personas.password)
    assert page.url.endswith("/account/2fa/setup/")
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("code").first.inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    shot(page, "two-factor-setup")
    device = TOTPDevice.objects.get(user=personas.supervisor, confirmed=False)
    page.fill("#id_token", totp_now(device))
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("ul.codes li").count() == 10
    shot(page, "two-factor-recovery-codes")
    page.click("text=继续")
    assert page.url == f"{live_server.url}/"
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")
    device.refresh_from_db()
    device.last_t = -1  # the same 30-second window may be used again by this test's second login
    device.save()
    login(page, live_server, personas.supervisor.username, personas.password, totp_device=device)
    assert page.url == f"{live_server.url}/"
    assert "督查工作台" in page.content()
