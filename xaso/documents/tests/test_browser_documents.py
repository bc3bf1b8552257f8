"""End to end in a real browser (Debian Chromium driven by Playwright), the issue's
"done when": the clerk registers three incoming documents (pre-filled from a PDF; the third
is warned as a duplicate), the chairman assigns one with a deadline, the official answers
with a công văn numbered N/UBND-VP, and both registers export."""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from xaso.core.demo import DEMO_PASSWORD
from xaso.core.models import User
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.tests.conftest import sample_pdf

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian chromium (apt-get install chromium)"
    ),
]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture
def browser(monkeypatch):
    playwright_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _login(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _click(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _register_from_pdf(page, base: str) -> None:
    page.goto(f"{base}/van-ban/den/vao-so/")
    page.set_input_files(
        "#id_file",
        {"name": "qd-12.pdf", "mimeType": "application/pdf", "buffer": sample_pdf()},
    )
    _click(page, "button[value=prefill]")
    assert page.input_value("#id_code_number") == "12"
    assert page.input_value("#id_code_notation") == "QĐ-UBND"
    assert page.input_value("#id_document_date") == "2026-11-20"
    page.fill("#id_issuing_body", "UBND tỉnh Nghệ An")
    _click(page, "button[value=save]")


@pytest.mark.django_db(transaction=True)
def test_register_assign_answer_and_export(live_server, browser):
    call_command("load_demo_commune", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    base = live_server.url
    chairman_user = User.objects.get(username="chutich")
    official_user = User.objects.get(username="vanphong")

    clerk = _login(browser, base, "vanthu")
    _register_from_pdf(clerk, base)
    assert "Đã vào sổ văn bản đến, số đến 1." in clerk.content()

    clerk.goto(f"{base}/van-ban/den/vao-so/")
    clerk.select_option("#id_medium", "paper")
    clerk.fill("#id_issuing_body", "Công an tỉnh Nghệ An")
    clerk.fill("#id_code_number", "310")
    clerk.fill("#id_code_notation", "CAT-PV01")
    clerk.fill("#id_document_date", "2026-11-21")
    clerk.fill("#id_subject", "Tăng cường bảo đảm an ninh trật tự")
    _click(clerk, "button[value=save]")
    assert "số đến 2." in clerk.content()

    _register_from_pdf(clerk, base)
    assert clerk.locator("#duplicates").is_visible()
    assert "Văn bản này có thể đã vào sổ: số đến 1/" in clerk.content()
    assert IncomingDocument.objects.count() == 2
    first = IncomingDocument.objects.get(arrival_number=1)

    chairman = _login(browser, base, "chutich")
    chairman.goto(f"{base}/van-ban/den/{first.pk}/phan-cong/")
    chairman.select_option("#id_lead", str(official_user.pk))
    chairman.fill("#id_deadline_days", "5")
    chairman.fill("#id_instruction", "Văn phòng tham mưu trả lời.")
    _click(chairman, "main form button[type=submit]")
    assert "Đã phân công giải quyết văn bản." in chairman.content()

    official = _login(browser, base, "vanphong")
    official.goto(f"{base}/van-ban/viec-cua-toi/")
    _click(official, f"a[href='/van-ban/den/{first.pk}/']")
    _click(official, "a:has-text('Soạn văn bản trả lời')")
    official.fill("#id_body", "Ủy ban nhân dân xã trả lời như sau.")
    official.select_option("#id_signer", str(chairman_user.pk))
    official.fill("#id_signer_title", "Chủ tịch")
    _click(official, "main form button[type=submit]")
    _click(official, "button:has-text('Trình duyệt')")
    reply = OutgoingDocument.objects.get()

    chairman.goto(f"{base}/van-ban/di/{reply.pk}/")
    _click(chairman, "button:has-text('Duyệt')")
    _click(chairman, "button:has-text('Ký ban hành')")

    clerk.goto(f"{base}/van-ban/di/{reply.pk}/")
    _click(clerk, "button:has-text('Cấp số, vào sổ và phát hành')")
    assert "Đã cấp số 01/UBND-VP" in clerk.content()
    first.refresh_from_db()
    assert first.reply_document == reply

    for kind, expected in (("incoming", 2), ("outgoing", 1)):
        export = clerk.request.get(f"{base}/van-ban/so/{kind}.xlsx")
        assert export.status == 200
        rows = list(load_workbook(io.BytesIO(export.body()))["Sổ"].iter_rows(values_only=True))
        assert len(rows) == 2 + expected
    outgoing_rows = list(
        load_workbook(io.BytesIO(clerk.request.get(f"{base}/van-ban/so/outgoing.xlsx").body()))[
            "Sổ"
        ].iter_rows(values_only=True)
    )
    assert outgoing_rows[2][0] == "01/UBND-VP"
    pdf = clerk.request.get(f"{base}/van-ban/so/incoming.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
