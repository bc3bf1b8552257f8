"""The TV screen in a real browser (Debian Chromium driven by Playwright).

The screen is opened once, without login, through the unit's display token. It
highlights today, runs its clock, and shows a change the office makes and the chairman
publishes a moment later, without anyone reloading the page.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from xaso.core.demo import DEMO_PASSWORD
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.models import DisplayScreen
from xaso.work_calendar.models import PublishedRevision

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian chromium (apt-get install chromium)"
    ),
]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TODAY_BACKGROUND = "rgb(255, 243, 160)"


@pytest.fixture
def browser(monkeypatch):
    playwright_api = pytest.importorskip("playwright.sync_api")
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


@pytest.mark.django_db(transaction=True)
def test_tv_highlights_today_and_picks_up_a_published_change(live_server, browser, settings):
    settings.XASO_TV_REFRESH_SECONDS = 1
    call_command("load_demo_commune", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    call_command("load_demo_work_calendar", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    base = live_server.url
    token = DisplayScreen.objects.get(unit__code=16777).token
    today = timezone.localdate()

    # A TV in the office: a 1920×1080 screen, no account.
    tv = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    tv.set_default_timeout(15_000)
    tv.goto(f"{base}/lich-cong-tac/man-hinh/{token}/")
    today_rows = tv.locator("tbody.is-today")
    assert today_rows.count() == 1
    assert today_rows.get_attribute("data-date") == today.isoformat()
    assert (
        today_rows.locator("th").first.evaluate("el => getComputedStyle(el).backgroundColor")
        == TODAY_BACKGROUND
    )
    assert "Hôm nay" in today_rows.inner_text()
    other_day = tv.locator("tbody.wc-day:not(.is-today) td").first
    assert other_day.evaluate("el => getComputedStyle(el).backgroundColor") != TODAY_BACKGROUND
    # Large type: today's text at least 24 px on a full-HD screen (past days are smaller).
    size = today_rows.locator("td").first.evaluate("el => getComputedStyle(el).fontSize")
    assert float(size.removesuffix("px")) >= 24
    tv.wait_for_function(
        "() => /^\\d{2}:\\d{2}:\\d{2}$/.test(document.getElementById('tv-clock').textContent)"
    )
    tv.evaluate("() => { window.__sameScreen = 'không tải lại'; }")

    # The office changes an event; nothing appears on the TV until the chairman publishes.
    event = CalendarEvent.objects.filter(unit__code=16777).order_by("date", "position").first()
    office = _login(browser, base, "vanphong")
    office.goto(f"{base}/lich-cong-tac/su-kien/{event.pk}/sua/")
    office.fill("#id_content", "Giao ban đột xuất về phòng chống rét cho gia súc")
    office.fill("#id_place", "Hội trường UBND xã")
    with office.expect_navigation():
        office.click("main form button[type=submit]")
    tv.wait_for_timeout(2_500)
    assert "Giao ban đột xuất" not in tv.inner_text("#tv-week")

    chairman = _login(browser, base, "chutich")
    chairman.goto(f"{base}/lich-cong-tac/?tuan={today.isoformat()}")
    chairman.fill("#id_note", "Thay nội dung giao ban")
    with chairman.expect_navigation():
        chairman.click("#publish button[type=submit]")
    assert "Đã công bố lịch điều chỉnh (lần 2)." in chairman.content()
    assert PublishedRevision.objects.filter(unit__code=16777).count() == 2

    tv.wait_for_selector("text=Giao ban đột xuất về phòng chống rét cho gia súc")
    assert tv.evaluate("() => window.__sameScreen") == "không tải lại"
    assert re.search(r"điều chỉnh lúc \d{2}:\d{2} \d{2}/\d{2}", tv.inner_text("#tv-week"))
    assert tv.locator("tbody.is-today").get_attribute("data-date") == today.isoformat()
    assert tv.locator(".wc-changed").count() == 1

    # A small screen cannot show the whole week: the page scrolls by itself.
    tv.set_viewport_size({"width": 1280, "height": 360})
    tv.wait_for_function("() => window.pageYOffset > 40")
