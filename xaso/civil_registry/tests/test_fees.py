"""Registration fees follow Luật Hộ tịch Đ11 (procedures.md §1): the official's saved
registration corrects the dossier's fee quote — free with the legal reason, or the
catalog's (HĐND) rate — visibly on the dossier page and on the fee receipt."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import PreparedRegistration
from xaso.civil_registry.tests.conftest import DECLARED
from xaso.civil_registry.tests.conftest import KIND_DECLARATIONS
from xaso.civil_registry.tests.conftest import form_data
from xaso.civil_registry.tests.conftest import forward_to_leader
from xaso.civil_registry.tests.conftest import post_data
from xaso.civil_registry.tests.conftest import procedure_for
from xaso.civil_registry.tests.conftest import register_through_approval
from xaso.core.models import AuditEvent
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import FeeRule
from xaso.dossiers.services import processing
from xaso.dossiers.services.results import collect_fee

# The provincial People's Council's rate the unit entered in its catalog (illustrative).
HDND_RATE = 5000

ON_TIME_BIRTH = "Đăng ký khai sinh đúng hạn (Điều 11 Luật Hộ tịch)"
LATE_BIRTH = "Đăng ký khai sinh quá hạn: lệ phí theo nghị quyết của HĐND tỉnh"


def priced(procedure, amount=HDND_RATE):
    FeeRule.objects.create(procedure=procedure, name="Lệ phí hộ tịch", amount=amount, basis="case")
    return procedure


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def prepare_through_view(client, dossier, **overrides):
    fee_exemption = overrides.pop("fee_exemption", "")
    return client.post(
        reverse("civil_registry:prepare_from_dossier", args=[dossier.pk]),
        {
            **post_data(form_data(dossier, **overrides)),
            "fee_exemption": fee_exemption,
            "checked": "on",
        },
        follow=True,
    )


def test_on_time_birth_becomes_free_with_its_reason(
    client_as, birth_procedure, father, receive, justice_official, chairman
):
    priced(birth_procedure)
    # The counter quoted the catalog's rate at reception.
    dossier = receive(birth_procedure, father, declared_data=dict(DECLARED), fee_due=HDND_RATE)

    page = prepare_through_view(client_as(justice_official), dossier)

    dossier.refresh_from_db()
    assert (dossier.fee_due, dossier.fee_exemption, dossier.fee_basis) == (0, ON_TIME_BIRTH, "")
    html = page.content.decode()
    assert f"Không thu lệ phí: {ON_TIME_BIRTH}." in html
    assert f"Không phải nộp phí, lệ phí. Lý do miễn, giảm: {ON_TIME_BIRTH}" in html
    event = dossier.events.get(action="fee_requoted")
    assert event.data == {"from": 5000, "to": 0, "exemption": ON_TIME_BIRTH, "basis": ""}
    assert event.actor == justice_official
    assert AuditEvent.objects.filter(action="dossier.fee_requoted").count() == 1
    dossier = forward_to_leader(dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.fee_due == 0  # the approval keeps the corrected quote
    entry = CivilEntry.objects.get(dossier=dossier)
    assert (entry.is_late, entry.fee_exempt_reason) == (False, ON_TIME_BIRTH)


def test_late_birth_pays_the_catalog_rate_shown_on_the_page_and_receipt(
    client_as, birth_procedure, father, receive, justice_official, chairman, counter_officer
):
    priced(birth_procedure)
    declared = {**DECLARED, "date_of_birth": "2026-08-01"}  # 111 days before 20/11/2026
    dossier = receive(birth_procedure, father, declared_data=declared)
    assert dossier.fee_due == 0  # nothing quoted at the counter

    page = prepare_through_view(client_as(justice_official), dossier)

    dossier.refresh_from_db()
    assert (dossier.fee_due, dossier.fee_exemption, dossier.fee_basis) == (5000, "", LATE_BIRTH)
    html = page.content.decode()
    assert f"Lệ phí phải nộp: 5.000 đồng ({LATE_BIRTH})." in html
    assert f"Căn cứ thu: {LATE_BIRTH}" in html
    review = client_as(chairman).get(reverse("civil_registry:prepared_detail", args=[dossier.pk]))
    assert f"Lệ phí: 5.000 đồng ({LATE_BIRTH})" in review.content.decode()
    dossier = forward_to_leader(dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=dossier)
    entry = CivilEntry.objects.get(dossier=dossier)
    assert (entry.is_late, entry.fee_exempt_reason) == (True, "")

    counter = client_as(counter_officer)
    collected = counter.post(
        reverse("dossiers:fee_collect", args=[dossier.pk]),
        {"amount": "5000", "method": "cash", "payer_name": "Nguyễn Văn Đức"},
    )
    assert collected.status_code == 302
    payment = dossier.payments.get()
    assert payment.amount == 5000
    receipt = counter.get(reverse("dossiers:fee_receipt_pdf", args=[dossier.pk, payment.pk]))
    text = pdf_text(receipt.content)
    assert "5.000 đồng" in text
    assert "Đăng ký khai sinh quá hạn" in text


def test_exempt_category_is_free_with_the_reason_recorded(
    client_as, birth_procedure, father, receive, justice_official, chairman
):
    priced(birth_procedure)
    declared = {**DECLARED, "date_of_birth": "2026-08-01"}
    dossier = receive(birth_procedure, father, declared_data=declared, fee_due=HDND_RATE)

    prepare_through_view(client_as(justice_official), dossier, fee_exemption="Thành viên hộ nghèo")

    reason = "Miễn lệ phí hộ tịch: Thành viên hộ nghèo (Điều 11 Luật Hộ tịch)"
    dossier.refresh_from_db()
    assert (dossier.fee_due, dossier.fee_exemption) == (0, reason)
    assert PreparedRegistration.objects.get(dossier=dossier).fee_exemption == "Thành viên hộ nghèo"
    # The form shows the category again when reopened.
    form = client_as(justice_official).get(
        reverse("civil_registry:prepare_from_dossier", args=[dossier.pk])
    )
    assert '<option value="Thành viên hộ nghèo" selected>' in form.content.decode()
    dossier = forward_to_leader(dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=dossier)
    entry = CivilEntry.objects.get(dossier=dossier)
    assert (entry.is_late, entry.fee_exempt_reason) == (True, reason)


@pytest.mark.parametrize(
    ("kind", "overrides", "due", "exemption"),
    [
        ("death", {}, 0, "Đăng ký khai tử đúng hạn (Điều 11 Luật Hộ tịch)"),
        ("death", {"date_of_death": "2026-10-01"}, 5000, ""),  # 50 days: late
        ("guardianship", {}, 0, "Đăng ký giám hộ không thu lệ phí (Điều 11 Luật Hộ tịch)"),
        (
            "marriage",
            {},
            0,
            (
                "Miễn lệ phí đăng ký kết hôn của công dân Việt Nam cư trú ở trong nước "
                "(Điều 11 Luật Hộ tịch)"
            ),
        ),
        ("marriage", {"wife_nationality": "Lào"}, 5000, ""),
        ("marital_status", {}, 5000, ""),
        ("parent_child", {}, 5000, ""),
    ],
)
def test_each_kind_is_quoted_by_the_law(
    client_as,
    identified_commune,
    father,
    receive,
    justice_official,
    kind,
    overrides,
    due,
    exemption,
):
    code, declared, _name = KIND_DECLARATIONS[kind]
    procedure = priced(procedure_for(identified_commune, code))
    dossier = receive(procedure, father, declared_data={**declared, **overrides}, fee_due=1234)

    response = prepare_through_view(client_as(justice_official), dossier)

    assert response.redirect_chain[-1][0] == reverse("dossiers:dossier_detail", args=[dossier.pk])
    dossier.refresh_from_db()
    assert (dossier.fee_due, dossier.fee_exemption) == (due, exemption)
    if kind == "death" and due:
        assert dossier.fee_basis == (
            "Đăng ký khai tử quá hạn: lệ phí theo nghị quyết của HĐND tỉnh"
        )
    elif due:
        assert dossier.fee_basis == (
            "Lệ phí theo nghị quyết của HĐND tỉnh (danh mục thủ tục của đơn vị)"
        )


def test_a_late_registration_without_a_catalog_rate_warns_the_official(
    client_as, birth_procedure, father, receive, justice_official
):
    declared = {**DECLARED, "date_of_birth": "2026-08-01"}
    dossier = receive(birth_procedure, father, declared_data=declared)

    page = prepare_through_view(client_as(justice_official), dossier)

    html = page.content.decode()
    assert "Danh mục thủ tục của đơn vị chưa có mức lệ phí" in html
    assert f"Căn cứ thu: {LATE_BIRTH} — danh mục thủ tục của đơn vị chưa có mức thu." in html
    dossier.refresh_from_db()
    assert (dossier.fee_due, dossier.fee_basis) == (0, LATE_BIRTH)


def test_a_fee_already_collected_above_the_new_quote_is_refused_and_nothing_changes(
    client_as, birth_procedure, father, receive, justice_official, counter_officer
):
    priced(birth_procedure)
    dossier = receive(birth_procedure, father, declared_data=dict(DECLARED), fee_due=HDND_RATE)
    collect_fee(
        actor=counter_officer, dossier=dossier, amount=5000, method="cash", payer_name="Đức"
    )

    page = prepare_through_view(client_as(justice_official), dossier)

    assert page.status_code == 200
    assert "Hồ sơ đã nộp 5.000 đồng, nhiều hơn số phải nộp xác định lại (0 đồng)" in (
        page.content.decode()
    )
    dossier.refresh_from_db()
    assert (dossier.fee_due, dossier.fee_exemption) == (5000, "")
    assert dossier.declared_data == DECLARED
    assert not PreparedRegistration.objects.filter(dossier=dossier).exists()
    assert not dossier.events.filter(action="fee_requoted").exists()


def test_a_correction_pays_the_catalog_rate_unless_exempt(
    client_as, birth_dossier, identified_commune, father, receive, justice_official, chairman
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)
    procedure = priced(procedure_for(identified_commune, "XASO.HT.CAICHINH"), 7000)
    client = client_as(justice_official)
    for exemption, due in (("", 7000), ("Người khuyết tật", 0)):
        dossier = receive(procedure, father)
        client.post(
            reverse("civil_registry:correction_from_dossier", args=[dossier.pk]),
            {
                **post_data(entry.data),
                "entry": entry.pk,
                "child_full_name": "Nguyễn Thị Ân",
                "change_type": "correction",
                "reason": "Sai dấu",
                "fee_exemption": exemption,
                "checked": "on",
            },
        )
        dossier.refresh_from_db()
        assert dossier.fee_due == due
    assert Dossier.objects.get(pk=dossier.pk).fee_exemption == (
        "Miễn lệ phí hộ tịch: Người khuyết tật (Điều 11 Luật Hộ tịch)"
    )
