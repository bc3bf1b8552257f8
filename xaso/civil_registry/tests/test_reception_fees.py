"""The counter quotes the hộ tịch fee of Luật Hộ tịch Đ11 at reception: an on-time birth is
free with its legal reason on the receipt page, a late one pays the catalog's (HĐND) rate
with the late basis, a missing date quotes the catalog rate "to be checked", and a bad
date is refused in Vietnamese with nothing saved."""

import datetime

from django.urls import reverse

from xaso.civil_registry.tests.conftest import TODAY
from xaso.civil_registry.tests.test_fees import HDND_RATE
from xaso.civil_registry.tests.test_fees import LATE_BIRTH
from xaso.civil_registry.tests.test_fees import ON_TIME_BIRTH
from xaso.civil_registry.tests.test_fees import priced
from xaso.core.models import IdempotencyRecord
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierDocument

PENDING = (
    "Lệ phí theo danh mục thủ tục của đơn vị; sẽ tính lại khi lập tờ đăng ký (Điều 11 Luật Hộ tịch)"
)


def counter_form(procedure, applicant, **overrides):
    data = {
        "procedure": str(procedure.pk),
        "form_token": "phieu-ho-tich",
        "action": "accept",
        "channel": "direct",
        "delivery_method": "desk",
        "copies": "1",
        "fee_pages": "1",
        "fee_copies": "1",
        "extra_kind": "copy",
        "extra_quantity": "1",
        "applicant": str(applicant.pk),
    }
    for document in procedure.required_documents.all():
        data[f"doc_{document.pk}_received"] = "on"
        data[f"doc_{document.pk}_kind"] = "original" if document.originals else "copy"
        data[f"doc_{document.pk}_quantity"] = "1"
    data.update(overrides)
    return data


def born(days_ago: int) -> str:
    return (TODAY - datetime.timedelta(days=days_ago)).isoformat()


def test_counter_form_asks_the_date_of_birth_of_a_birth_registration(
    client_as, counter_officer, birth_procedure
):
    page = client_as(counter_officer).get(
        reverse("dossiers:reception"), {"thu_tuc": birth_procedure.pk}
    )

    html = page.content.decode()
    assert "Ngày sinh của người được khai sinh" in html
    assert 'name="hotich_date_of_birth"' in html


def test_birth_registered_20_days_after_is_free_on_the_receipt(
    client_as, counter_officer, birth_procedure, father
):
    priced(birth_procedure)

    page = client_as(counter_officer).post(
        reverse("dossiers:reception"),
        counter_form(birth_procedure, father, hotich_date_of_birth=born(20)),
        follow=True,
    )

    dossier = Dossier.objects.get()
    assert (dossier.fee_due, dossier.fee_exemption, dossier.fee_basis) == (0, ON_TIME_BIRTH, "")
    # The date typed at the counter is the declared date of birth (typed once).
    assert dossier.declared_data["date_of_birth"] == born(20)
    html = page.content.decode()
    assert f"0 đ (miễn, giảm: {ON_TIME_BIRTH})" in html


def test_birth_registered_90_days_after_pays_the_catalog_rate_as_late(
    client_as, counter_officer, birth_procedure, father
):
    priced(birth_procedure)

    page = client_as(counter_officer).post(
        reverse("dossiers:reception"),
        counter_form(birth_procedure, father, hotich_date_of_birth=born(90)),
        follow=True,
    )

    dossier = Dossier.objects.get()
    assert (dossier.fee_due, dossier.fee_exemption, dossier.fee_basis) == (
        HDND_RATE,
        "",
        LATE_BIRTH,
    )
    html = page.content.decode()
    assert f"5000 đ<br>Căn cứ thu: {LATE_BIRTH}" in html


def test_without_the_date_the_catalog_rate_is_quoted_to_be_checked(
    client_as, counter_officer, birth_procedure, father
):
    priced(birth_procedure)

    page = client_as(counter_officer).post(
        reverse("dossiers:reception"), counter_form(birth_procedure, father), follow=True
    )

    dossier = Dossier.objects.get()
    assert (dossier.fee_due, dossier.fee_exemption, dossier.fee_basis) == (
        HDND_RATE,
        "",
        PENDING,
    )
    assert f"Căn cứ thu: {PENDING}" in page.content.decode()


def test_the_counters_exemption_still_wins(client_as, counter_officer, birth_procedure, father):
    priced(birth_procedure)

    client_as(counter_officer).post(
        reverse("dossiers:reception"),
        counter_form(
            birth_procedure,
            father,
            hotich_date_of_birth=born(90),
            fee_exempt="on",
            fee_exemption="Thành viên hộ nghèo",
        ),
    )

    dossier = Dossier.objects.get()
    assert (dossier.fee_due, dossier.fee_exemption) == (0, "Thành viên hộ nghèo")


def _assert_nothing_saved() -> None:
    assert not Dossier.objects.exists()
    assert not DossierDocument.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_a_date_of_birth_after_today_is_refused_and_nothing_saved(
    client_as, counter_officer, birth_procedure, father
):
    priced(birth_procedure)

    page = client_as(counter_officer).post(
        reverse("dossiers:reception"),
        counter_form(birth_procedure, father, hotich_date_of_birth=born(-3)),
    )

    assert page.status_code == 200
    assert "Ngày này không được sau ngày tiếp nhận hồ sơ." in page.content.decode()
    _assert_nothing_saved()


def test_a_malformed_date_is_refused_in_vietnamese_and_nothing_saved(
    client_as, counter_officer, birth_procedure, father
):
    page = client_as(counter_officer).post(
        reverse("dossiers:reception"),
        counter_form(birth_procedure, father, hotich_date_of_birth="31/02/2026"),
    )

    assert page.status_code == 200
    assert "Ngày không hợp lệ (ngày/tháng/năm)." in page.content.decode()
    _assert_nothing_saved()


def test_death_registered_after_15_days_pays_the_late_rate(
    client_as, counter_officer, identified_commune, father
):
    from xaso.civil_registry.tests.conftest import procedure_for

    death = priced(procedure_for(identified_commune, "1.000656", "Đăng ký khai tử"))

    client_as(counter_officer).post(
        reverse("dossiers:reception"),
        counter_form(death, father, hotich_date_of_death=born(16)),
    )

    dossier = Dossier.objects.get()
    assert dossier.fee_due == HDND_RATE
    assert dossier.fee_basis == "Đăng ký khai tử quá hạn: lệ phí theo nghị quyết của HĐND tỉnh"
