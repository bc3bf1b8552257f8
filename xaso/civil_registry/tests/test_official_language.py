"""Officials who switched their screens to English still produce Vietnamese papers and records
(xaso/core/i18n.py): the stored fee basis and exemption reason, the certificate, the register
(PDF and XLSX) and the fee receipt. Only the screens are in English."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.tests.conftest import DECLARED
from xaso.civil_registry.tests.conftest import forward_to_leader
from xaso.civil_registry.tests.conftest import register_through_approval
from xaso.civil_registry.tests.test_fees import HDND_RATE
from xaso.civil_registry.tests.test_fees import LATE_BIRTH
from xaso.civil_registry.tests.test_fees import ON_TIME_BIRTH
from xaso.civil_registry.tests.test_fees import pdf_text
from xaso.civil_registry.tests.test_fees import prepare_through_view
from xaso.civil_registry.tests.test_fees import priced
from xaso.core.testing import compiled_catalogues
from xaso.dossiers.models import Result
from xaso.dossiers.services import processing

pytestmark = pytest.mark.django_db

NATIONAL_HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@pytest.fixture(autouse=True)
def catalogues():
    with compiled_catalogues():
        yield


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_vietnamese_paper(text: str) -> None:
    assert NATIONAL_HEADING in text
    assert "Độc lập - Tự do - Hạnh phúc".upper() in text.upper()
    assert "SOCIALIST REPUBLIC" not in text.upper()
    assert "Independence" not in text


@pytest.mark.parametrize(
    ("date_of_birth", "stored"),
    [
        (DECLARED["date_of_birth"], {"fee_exemption": ON_TIME_BIRTH, "fee_basis": ""}),
        ("2026-08-01", {"fee_exemption": "", "fee_basis": LATE_BIRTH}),
    ],
)
def test_fee_reason_and_basis_are_stored_in_vietnamese_from_an_english_screen(
    client_as, birth_procedure, father, receive, justice_official, chairman, date_of_birth, stored
):
    priced(birth_procedure)
    declared = {**DECLARED, "date_of_birth": date_of_birth}
    dossier = receive(birth_procedure, father, declared_data=declared, fee_due=HDND_RATE)

    page = prepare_through_view(english(client_as(justice_official)), dossier)

    assert page.status_code == 200
    assert page["Content-Language"] == "en"  # the screen stays English
    dossier.refresh_from_db()
    assert {"fee_exemption": dossier.fee_exemption, "fee_basis": dossier.fee_basis} == stored
    event = dossier.events.get(action="fee_requoted")
    assert (event.data["exemption"], event.data["basis"]) == (
        stored["fee_exemption"],
        stored["fee_basis"],
    )
    # The leader approves from an English session too: the entry keeps the Vietnamese reason.
    with translation.override("en"):
        dossier = forward_to_leader(dossier, justice_official, chairman)
        processing.approve_dossier(actor=chairman, dossier=dossier)
    entry = CivilEntry.objects.get(dossier=dossier)
    assert entry.fee_exempt_reason == stored["fee_exemption"]
    result = Result.objects.get(dossier=dossier)
    assert result.summary == f"Giấy khai sinh của {entry.main_name}"
    assert result.number == f"Số {entry.entry_number}, quyển số {entry.register.book_number}/2026"


def test_certificate_and_register_print_in_vietnamese_for_an_english_leader(
    client_as, birth_dossier, justice_official, chairman
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)
    client = english(client_as(chairman))

    screen = client.get(reverse("civil_registry:entry_detail", args=[entry.pk]))
    certificate = client.get(reverse("civil_registry:certificate_pdf", args=[entry.pk]))
    register_pdf = client.get(
        reverse("civil_registry:register_pdf"), {"kind": "birth", "year": 2026}
    )
    register_xlsx = client.get(
        reverse("civil_registry:register_xlsx"), {"kind": "birth", "year": 2026}
    )

    assert screen["Content-Language"] == "en"
    assert certificate.status_code == 200
    assert_vietnamese_paper(pdf_text(certificate.content))
    assert "Nguyễn Thị An" in pdf_text(certificate.content)
    register_text = pdf_text(register_pdf.content)
    assert "ỦY BAN NHÂN DÂN" in register_text
    assert "SỔ ĐĂNG KÝ KHAI SINH Năm 2026" in register_text
    assert "PEOPLE'S COMMITTEE" not in register_text
    sheet = load_workbook(io.BytesIO(register_xlsx.content)).active
    assert sheet.title == "Quyển 1"
    assert sheet["A1"].value == "Sổ đăng ký khai sinh 2026"


def test_fee_receipt_prints_in_vietnamese_for_an_english_cashier(
    client_as, birth_procedure, father, receive, justice_official, counter_officer
):
    priced(birth_procedure)
    declared = {**DECLARED, "date_of_birth": "2026-08-01"}
    dossier = receive(birth_procedure, father, declared_data=declared)
    prepare_through_view(client_as(justice_official), dossier)
    counter = english(client_as(counter_officer))
    counter.post(
        reverse("dossiers:fee_collect", args=[dossier.pk]),
        {"amount": "5000", "method": "cash", "payer_name": "Nguyễn Văn Đức"},
    )
    payment = dossier.payments.get()

    receipt = counter.get(reverse("dossiers:fee_receipt_pdf", args=[dossier.pk, payment.pk]))

    assert receipt.status_code == 200
    text = pdf_text(receipt.content)
    assert "ỦY BAN NHÂN DÂN" in text
    assert "PEOPLE'S COMMITTEE" not in text
    assert LATE_BIRTH in text
