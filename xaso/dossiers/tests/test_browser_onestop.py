"""End to end in a real browser (Debian Chromium driven by Playwright).

A counter officer receives a birth-registration dossier from a chip-CCCD QR string (the
scanner field relies on HTMX), the justice official processes it, the chairman approves,
the counter returns the result, and the citizen follows it on the public lookup and rates it.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from xaso.core.demo import DEMO_PASSWORD
from xaso.dossiers.models import Dossier

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian chromium (apt-get install chromium)"
    ),
]

QR = "040190012345|123456789|Nguyễn Thị An|17051990|Nữ|Bản Hạnh Tiến, xã Quỳ Châu, tỉnh Nghệ An|01012022"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous, so Django's async-safety guard does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _login(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _act(page, action: str, **fields: str) -> None:
    """Open the action's panel on the dossier page, fill it and submit."""
    panel = page.locator(f'details[data-action="{action}"]')
    panel.locator("summary").click()
    for name, value in fields.items():
        panel.locator(f'[name="{name}"]').fill(value)
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()


@pytest.mark.django_db(transaction=True)
def test_birth_registration_from_qr_to_rating(live_server, browser):
    call_command("load_demo_commune", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    call_command("load_procedures", unit=16777, stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    base = live_server.url
    birth = Dossier._meta.get_field("procedure").related_model.objects.get(
        unit__code=16777, code="1.001193"
    )

    # The counter officer scans the chip-CCCD QR: HTMX fills the applicant without a reload.
    counter = _login(browser, base, "motcua")
    counter.goto(f"{base}/mot-cua/tiep-nhan/?thu_tuc={birth.pk}")
    counter.fill("#id_qr", QR)
    counter.press("#id_qr", "Enter")
    counter.wait_for_selector("text=Đã điền thông tin từ mã QR")
    assert counter.input_value('#applicant-section [name$="full_name"]') == "Nguyễn Thị An"
    for box in counter.locator("#reception-form table input[type=checkbox]").all():
        box.check()
    with counter.expect_navigation():
        counter.click("button[name=action][value=accept]")
    code = re.search(r"H41\.16777-\d{6}-\d{4}", counter.content()).group(0)
    dossier = Dossier.objects.get(code=code)
    assert dossier.applicant.id_number == "040190012345"
    receipt = counter.request.get(f"{base}/mot-cua/ho-so/{dossier.pk}/giay-tiep-nhan.pdf")
    assert receipt.status == 200
    assert receipt.headers["content-type"] == "application/pdf"

    # The justice official claims the step, records the result and sends it up.
    official = _login(browser, base, "tuphap")
    official.goto(f"{base}/mot-cua/viec-cua-toi/")
    official.click(f"a:has-text('{code}')")
    _act(official, "claim")
    official.click("a.button:has-text('Ghi nhận kết quả')")
    official.fill("#id_number", "15/2026/TLKS")
    official.fill("#id_issued_on", timezone.localdate().isoformat())
    official.fill("#id_signer_name", "Lê Văn Hùng")
    official.fill("#id_summary", "Giấy khai sinh")
    with official.expect_navigation():
        official.click("main form button[type=submit]")
    _act(official, "forward")

    # The chairman approves.
    chairman = _login(browser, base, "chutich")
    chairman.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    _act(chairman, "claim")
    _act(chairman, "approve")
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.RESULT_READY

    # The counter returns the result at the desk.
    counter.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    counter.click("a.button:has-text('Trả kết quả')")
    counter.fill("#id_returned_to", "Nguyễn Thị An")
    with counter.expect_navigation():
        counter.click("main form button[type=submit]")
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.RETURNED

    # The citizen follows the dossier from the receipt's QR address and rates it.
    citizen = browser.new_context().new_page()
    citizen.goto(f"{base}/cong-khai/tra-cuu/?ma={code}")
    citizen.fill("#id_digits", "2345")
    with citizen.expect_navigation():
        citizen.click("main form button[type=submit]")
    timeline = citizen.content()
    assert "Đã trả kết quả" in timeline
    assert "040190012345" not in timeline  # no personal data on the public page
    citizen.goto(f"{base}/cong-khai/danh-gia/")
    citizen.fill("#id_code", code)
    citizen.fill("#id_digits", "2345")
    with citizen.expect_navigation():
        citizen.click("main form button[type=submit]")
    for name in ("time_score", "visits_score", "bodies_score", "attitude_score"):
        citizen.check(f'input[name="{name}"][value="2"]')
    citizen.check('input[name="is_satisfied"][value="1"]')
    with citizen.expect_navigation():
        citizen.click("main form button[type=submit]")
    dossier.refresh_from_db()
    assert dossier.rating.average == 2.0
