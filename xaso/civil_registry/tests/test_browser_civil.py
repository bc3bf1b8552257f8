"""The issue's done-when path in a real browser (Debian Chromium driven by Playwright).

A birth dossier received at the counter (chip-CCCD QR) becomes a register entry at the
chairman's approval, from the form the justice official checked once; the printed birth
certificate's fields equal the dossier's. Later the mother, who lost the certificate, is
found by searching "nguyen thi an", and the counter starts an extract-copy dossier in one
click; its fee comes from the catalog and the approved copy carries a verification QR
whose public page names only the number, the unit and the date.
"""

import datetime
import io
import os
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import ExtractCopy
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import FeeRule
from xaso.dossiers.models import Procedure
from xaso.dossiers.tests.test_browser_onestop import CHROMIUM
from xaso.dossiers.tests.test_browser_onestop import QR
from xaso.dossiers.tests.test_browser_onestop import _act
from xaso.dossiers.tests.test_browser_onestop import _login
from xaso.dossiers.tests.test_browser_onestop import browser  # noqa: F401  (fixture)
from xaso.dossiers.tests.test_browser_onestop import pytestmark  # noqa: F401

assert CHROMIUM


@pytest.fixture
def fixed_now() -> None:
    """Real time here: the browser's cookies expire by its own clock."""


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _through_leader(base: str, official, chairman, dossier: Dossier) -> None:  # type: ignore[no-untyped-def]
    official.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    _act(official, "forward")
    chairman.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    _act(chairman, "claim")
    _act(chairman, "approve")


@pytest.mark.django_db(transaction=True)
def test_birth_dossier_to_certificate_and_lost_certificate_extract(live_server, browser):  # noqa: F811
    call_command("load_demo_commune", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    call_command("load_procedures", unit=16777, stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    base = live_server.url
    birth = Procedure.objects.get(unit__code=16777, code="1.001193")
    extract = Procedure.objects.get(unit__code=16777, code="2.000635")
    # The HĐND rate is the province's: the unit administrator enters it in the catalog.
    FeeRule.objects.create(procedure=extract, name="Lệ phí", amount=8000, basis="copy")
    born = timezone.localdate() - datetime.timedelta(days=10)

    # The counter receives the birth dossier from the mother's chip-CCCD QR.
    counter = _login(browser, base, "motcua")
    counter.goto(f"{base}/mot-cua/tiep-nhan/?thu_tuc={birth.pk}")
    counter.fill("#id_qr", QR)
    counter.press("#id_qr", "Enter")
    counter.wait_for_selector("text=Đã điền thông tin từ mã QR")
    for box in counter.locator("#reception-form table input[type=checkbox]").all():
        box.check()
    with counter.expect_navigation():
        counter.click("button[name=action][value=accept]")
    code = re.search(r"H41\.16777-\d{6}-\d{4}", counter.content()).group(0)
    dossier = Dossier.objects.get(code=code)

    # The justice official claims it and completes the pre-filled registration form once.
    official = _login(browser, base, "tuphap")
    official.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    _act(official, "claim")
    official.click("a.button:has-text('Lập tờ đăng ký hộ tịch')")
    assert official.input_value("#id_declarant_name") == "Nguyễn Thị An"  # from the QR
    official.fill("#id_child_full_name", "Trần Minh Khôi")
    official.select_option("#id_sex", "male")
    official.fill("#id_date_of_birth", born.isoformat())
    official.fill("#id_place_of_birth", "Trạm Y tế xã Quỳ Châu, tỉnh Nghệ An")
    official.fill("#id_ethnicity", "Thái")
    official.fill("#id_mother_full_name", "Nguyễn Thị An")
    official.fill("#id_mother_date_of_birth", "1990-05-17")
    official.fill("#id_mother_id_number", "040190012345")
    official.fill("#id_father_full_name", "Trần Văn Khánh")
    official.fill("#id_declarant_relation", "Mẹ")
    official.check("#id_checked")
    with official.expect_navigation():
        official.click("main form button[type=submit]")
    assert "Đã lưu tờ đăng ký" in official.content()
    assert not CivilEntry.objects.exists()

    # The chairman's approval puts it in the register.
    chairman = _login(browser, base, "chutich")
    _through_leader(base, official, chairman, dossier)
    entry = CivilEntry.objects.get(dossier=dossier)
    assert (entry.kind, entry.entry_number) == ("birth", 1)

    # The printed certificate shows exactly what the dossier declares (typed once).
    official.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    with official.expect_navigation():
        official.click("a.button:has-text('Xem, in giấy tờ hộ tịch')")
    certificate = official.request.get(f"{base}/ho-tich/viec/{entry.pk}/giay.pdf")
    text = _pdf_text(certificate.body())
    dossier.refresh_from_db()
    declared = dossier.declared_data
    for name in (
        "child_full_name",
        "place_of_birth",
        "ethnicity",
        "mother_full_name",
        "father_full_name",
        "declarant_name",
        "declarant_relation",
    ):
        assert declared[name] == entry.data[name], name
        assert declared[name] in text, name
    assert born.strftime("%d/%m/%Y") in text
    assert declared["date_of_birth"] == born.isoformat()
    assert "GIẤY KHAI SINH" in text

    # The mother lost the certificate: the counter finds it and starts the extract dossier.
    counter.goto(f"{base}/ho-tich/so/?q=nguyen+thi+an")
    counter.click("a:has-text('Trần Minh Khôi')")
    assert "8.000 đồng/bản" in counter.content() or "8000 đồng/bản" in counter.content()
    with counter.expect_navigation():
        counter.click("button:has-text('Tiếp nhận hồ sơ cấp bản sao trích lục')")
    copy_dossier = Dossier.objects.get(procedure=extract)
    assert copy_dossier.fee_due == 8000
    assert copy_dossier.applicant == dossier.applicant

    official.goto(f"{base}/mot-cua/ho-so/{copy_dossier.pk}/")
    _act(official, "claim")
    _through_leader(base, official, chairman, copy_dossier)
    copy = ExtractCopy.objects.get()
    assert (copy.serial_number, copy.entry) == (1, entry)

    pdf = counter.request.get(f"{base}/ho-tich/ban-sao/{copy.pk}/trich-luc.pdf")
    copy_text = _pdf_text(pdf.body())
    assert "Số trích lục: 1/" in copy_text
    assert "Trần Minh Khôi" in copy_text
    assert len(PdfReader(io.BytesIO(pdf.body())).pages[0].images) == 1  # the QR

    citizen = browser.new_context().new_page()
    citizen.goto(f"{base}/ho-tich/xac-minh/{copy.token}/")
    public = citizen.content()
    assert f"Bản sao trích lục số 1/{copy.year}" in public
    assert "Trần Minh Khôi" not in public
    assert "Nguyễn Thị An" not in public
