"""Civil registry pages through the test client: the dossier's form, approval, the entry,
certificates, corrections, registers, extract copies, the public verification page."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from xaso.civil_registry import services
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import ExtractCopy
from xaso.civil_registry.models import PreparedRegistration
from xaso.civil_registry.tests.conftest import CORRECTION_CODE
from xaso.civil_registry.tests.conftest import DECLARED
from xaso.civil_registry.tests.conftest import KIND_DECLARATIONS
from xaso.civil_registry.tests.conftest import form_data
from xaso.civil_registry.tests.conftest import forward_to_leader
from xaso.civil_registry.tests.conftest import post_data
from xaso.civil_registry.tests.conftest import procedure_for
from xaso.civil_registry.tests.conftest import register_through_approval
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Dossier
from xaso.dossiers.services import processing


@pytest.fixture
def entry(birth_dossier, justice_official, chairman) -> CivilEntry:
    return register_through_approval(birth_dossier, justice_official, chairman)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_form_is_prefilled_and_saving_prepares_the_registration(
    client_as, birth_dossier, justice_official
):
    client = client_as(justice_official)
    url = reverse("civil_registry:prepare_from_dossier", args=[birth_dossier.pk])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Nguyễn Thị An"' in html
    assert 'value="Lê Thị Hoà"' in html
    assert 'value="2026-11-01"' in html
    assert 'value="Nguyễn Văn Đức"' in html  # the applicant as declarant

    data = post_data(form_data(birth_dossier))
    unchecked = client.post(url, data)
    assert unchecked.status_code == 200
    assert not PreparedRegistration.objects.exists()

    response = client.post(url, {**data, "checked": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:dossier_detail", args=[birth_dossier.pk])
    prepared = PreparedRegistration.objects.get()
    assert prepared.data["child_full_name"] == "Nguyễn Thị An"
    assert not CivilEntry.objects.exists()  # the approval creates the entry
    # Opened again, the form shows what was saved.
    assert 'value="Nguyễn Thị An"' in client.get(url).content.decode()


def test_refused_data_shows_the_message_and_saves_nothing(
    client_as, birth_dossier, justice_official
):
    client = client_as(justice_official)
    url = reverse("civil_registry:prepare_from_dossier", args=[birth_dossier.pk])
    data = post_data(form_data(birth_dossier, mother_full_name="", father_full_name=""))

    response = client.post(url, {**data, "checked": "on"})

    assert response.status_code == 200
    assert "Hãy nhập họ tên người mẹ hoặc người cha." in response.content.decode()
    assert not PreparedRegistration.objects.exists()
    birth_dossier.refresh_from_db()
    assert birth_dossier.declared_data == DECLARED


def test_the_leader_reads_the_prepared_registration_from_the_dossier_page(
    client_as, birth_dossier, justice_official, chairman
):
    url = reverse("civil_registry:prepared_detail", args=[birth_dossier.pk])
    page = f"/mot-cua/ho-so/{birth_dossier.pk}/"
    assert url not in client_as(chairman).get(page).content.decode()
    assert client_as(chairman).get(url).status_code == 404  # nothing prepared yet

    client_as(justice_official).post(
        reverse("civil_registry:prepare_from_dossier", args=[birth_dossier.pk]),
        {**post_data(form_data(birth_dossier)), "checked": "on"},
    )

    assert url in client_as(chairman).get(page).content.decode()
    html = client_as(chairman).get(url).content.decode()
    assert "Nguyễn Thị An" in html
    assert "Lê Thị Hoà" in html


def test_approving_on_the_dossier_page_without_the_form_shows_why(
    client_as, birth_dossier, justice_official, chairman
):
    dossier = forward_to_leader(birth_dossier, justice_official, chairman)
    response = client_as(chairman).post(
        reverse("dossiers:dossier_approve", args=[dossier.pk]),
        {"approve-step": dossier.current_step_id, "approve-note": ""},
    )
    assert response.status_code == 200
    assert "Chưa lập tờ đăng ký hộ tịch" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.WAITING_APPROVAL
    assert not CivilEntry.objects.exists()


def test_birth_dossier_page_links_to_the_form_until_registered(
    client_as, birth_dossier, justice_official, counter_officer, chairman
):
    form_url = reverse("civil_registry:prepare_from_dossier", args=[birth_dossier.pk])
    page = f"/mot-cua/ho-so/{birth_dossier.pk}/"

    before = client_as(justice_official).get(page).content.decode()
    counter_view = client_as(counter_officer).get(page).content.decode()
    register_through_approval(birth_dossier, justice_official, chairman)
    after = client_as(justice_official).get(page).content.decode()

    assert form_url in before
    assert form_url not in counter_view  # no register permission
    assert form_url not in after  # already in the register
    record_url = reverse("civil_registry:record_for_dossier", args=[birth_dossier.pk])
    assert record_url not in before
    assert record_url in after
    entry = CivilEntry.objects.get(dossier=birth_dossier)
    assert client_as(chairman).get(record_url)["Location"] == reverse(
        "civil_registry:entry_detail", args=[entry.pk]
    )


def test_certificate_fields_equal_the_dossier(client_as, entry, birth_dossier, chairman):
    page = client_as(chairman).get(reverse("civil_registry:entry_detail", args=[entry.pk]))
    assert page.status_code == 200
    assert "Nguyễn Thị An" in page.content.decode()

    response = client_as(chairman).get(reverse("civil_registry:certificate_pdf", args=[entry.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)

    birth_dossier.refresh_from_db()
    declared = birth_dossier.declared_data
    for name, value in DECLARED.items():
        assert declared[name] == value, name
        assert entry.data[name] == value, name
        shown = "/".join(reversed(value.split("-"))) if name.endswith("date_of_birth") else value
        if name not in ("sex", "nationality"):
            assert shown in text, name
    assert "Nữ" in text
    assert "GIẤY KHAI SINH" in text
    assert "Số: 1" in text
    assert "Quyển số: 1/2026" in text
    assert "Nguyễn Văn Đức" in text  # declarant, from the applicant
    assert "Trần Văn Chủ Tịch" in text  # the approving leader signs


@pytest.mark.parametrize("kind", sorted(KIND_DECLARATIONS))
def test_every_kind_prints_its_certificate(
    kind, client_as, father, receive, identified_commune, justice_official, chairman
):
    code, declared, main_name = KIND_DECLARATIONS[kind]
    dossier = receive(procedure_for(identified_commune, code), father, declared_data=declared)
    entry = register_through_approval(dossier, justice_official, chairman)

    response = client_as(chairman).get(reverse("civil_registry:certificate_pdf", args=[entry.pk]))

    text = pdf_text(response.content)
    titles = {
        "death": "TRÍCH LỤC KHAI TỬ",
        "marriage": "GIẤY CHỨNG NHẬN KẾT HÔN",
        "marital_status": "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
        "parent_child": "TRÍCH LỤC ĐĂNG KÝ NHẬN CHA, MẸ, CON",
        "guardianship": "TRÍCH LỤC ĐĂNG KÝ GIÁM HỘ",
    }
    assert titles[kind] in text
    assert main_name in text
    assert "Số: 1" in text


@override_settings(XASO_CIVIL_CORRECTION_PROCEDURE_CODES=[CORRECTION_CODE])
def test_correction_pages_keep_both_versions_and_show_them(
    client_as, entry, father, receive, identified_commune, justice_official, chairman
):
    dossier = receive(procedure_for(identified_commune, CORRECTION_CODE), father)
    client = client_as(justice_official)
    # The dossier page's link leads to the correction page.
    assert client.get(reverse("civil_registry:prepare_from_dossier", args=[dossier.pk]))[
        "Location"
    ] == reverse("civil_registry:correction_from_dossier", args=[dossier.pk])
    url = reverse("civil_registry:correction_from_dossier", args=[dossier.pk])
    found = client.get(url, {"q": "nguyen thi an"}).content.decode()
    assert f"?entry={entry.pk}" in found
    form = client.get(url, {"entry": entry.pk}).content.decode()
    assert 'value="Nguyễn Thị An"' in form

    data = {
        **post_data(entry.data),
        "entry": entry.pk,
        "child_full_name": "Nguyễn Thị Ân",
        "change_type": "correction",
        "reason": "Sai dấu",
        "checked": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    review = (
        client_as(chairman)
        .get(reverse("civil_registry:prepared_detail", args=[dossier.pk]))
        .content.decode()
    )
    assert "<td>Nguyễn Thị An</td><td>Nguyễn Thị Ân</td>" in review
    dossier = forward_to_leader(dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=dossier)

    entry.refresh_from_db()
    assert entry.version == 2
    page = client.get(reverse("civil_registry:entry_detail", args=[entry.pk])).content.decode()
    assert "Nguyễn Thị An → Nguyễn Thị Ân" in page
    assert "Cải chính hộ tịch: Sai dấu" in page
    assert "bản gốc" in page
    change = CivilEntry.objects.get(kind="change")
    text = pdf_text(client.get(reverse("civil_registry:certificate_pdf", args=[change.pk])).content)
    assert "TRÍCH LỤC THAY ĐỔI, CẢI CHÍNH, BỔ SUNG HỘ TỊCH" in text
    assert "Nguyễn Thị An → Nguyễn Thị Ân" in text


def test_register_prints_and_exports_in_columns(client_as, entry, chairman):
    client = client_as(chairman)
    params = {"kind": "birth", "year": 2026}

    page = client.get(reverse("civil_registry:register_print"), params).content.decode()
    assert "Sổ đăng ký khai sinh 2026" in page
    assert "<td>Nguyễn Thị An</td>" in page

    xlsx = client.get(reverse("civil_registry:register_xlsx"), params)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Sổ đăng ký khai sinh 2026"
    assert rows[1][0] == (
        "Quyển số 1/2026: từ số 1 ngày 20/11/2026 đến số 1 ngày 20/11/2026 (1 việc)."
    )
    assert rows[2][:4] == ("Số", "Quyển", "Ngày đăng ký", "Họ, chữ đệm, tên")
    assert rows[3][:5] == ("1", "1", "20/11/2026", "Nguyễn Thị An", "Nữ")

    pdf = client.get(reverse("civil_registry:register_pdf"), params)
    text = pdf_text(pdf.content)
    assert "SỔ ĐĂNG KÝ KHAI SINH 2026" in text.upper()
    assert "Nguyễn Thị An" in text
    assert client.get(reverse("civil_registry:register_print"), {"kind": "x"}).status_code == 404


def test_lost_certificate_extract_is_found_issued_with_fee_and_verified(
    client_as,
    client,
    entry,
    father,
    extract_procedure,
    counter_officer,
    justice_official,
    chairman,
    commune,
):
    counter = client_as(counter_officer)
    found = counter.get(reverse("civil_registry:register_list"), {"q": "nguyen thi an"})
    assert reverse("civil_registry:entry_detail", args=[entry.pk]) in found.content.decode()
    page = counter.get(reverse("civil_registry:entry_detail", args=[entry.pk])).content.decode()
    assert "8000 đồng/bản" in page or "8.000 đồng/bản" in page

    response = counter.post(
        reverse("civil_registry:request_extract", args=[entry.pk]),
        {"applicant": father.pk, "copies": 1},
    )
    dossier = Dossier.objects.get(procedure=extract_procedure)
    assert response["Location"] == reverse("dossiers:dossier_detail", args=[dossier.pk])
    assert dossier.fee_due == 8000
    dossier = forward_to_leader(dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=dossier)
    copy = ExtractCopy.objects.get()

    pdf = counter.get(reverse("civil_registry:extract_copy_pdf", args=[copy.pk]))
    text = pdf_text(pdf.content)
    assert "Số trích lục: 1/2026" in text
    assert "Nguyễn Thị An" in text
    assert f"/ho-tich/xac-minh/{copy.token}/" in text.replace(" ", "")
    # The QR code is embedded as an image.
    assert len(PdfReader(io.BytesIO(pdf.content)).pages[0].images) == 1

    public = client.get(reverse("civil_registry:verify_extract", args=[copy.token]))
    body = public.content.decode()
    assert public.status_code == 200
    assert f"Bản sao trích lục số 1/2026 do {commune.name} cấp ngày 20/11/2026." in body
    assert "Nguyễn" not in body  # no personal data
    unknown = client.get(reverse("civil_registry:verify_extract", args=["khong-co-ma-nay"]))
    assert unknown.status_code == 404
    assert "Không tìm thấy bản sao trích lục" in unknown.content.decode()


def test_every_page_is_isolated(
    client_as,
    entry,
    birth_procedure,
    father,
    receive,
    extract_procedure,
    justice_official,
    other_justice_official,
    chairman,
    other_chairman,
    counter_officer,
    other_counter,
    land_official,
):
    pending = receive(birth_procedure, father, declared_data=dict(DECLARED))
    data = {**post_data(form_data(pending)), "checked": "on"}
    copy_dossier = receive(extract_procedure, father, declared_data={"civil_entry_id": entry.pk})
    copy_dossier = forward_to_leader(copy_dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=copy_dossier)
    copy = ExtractCopy.objects.get()
    # (allowed, wrong role, same position in the other commune)
    leader = (chairman, land_official, other_chairman)
    justice = (justice_official, chairman, other_justice_official)
    counter = (counter_officer, land_official, other_counter)
    counter_not_leader = (counter_officer, chairman, other_counter)

    def case(name, args, users, status, **options):
        allowed, wrong, other = users
        return IsolationCase(
            url=reverse(f"civil_registry:{name}", args=args),
            allowed=allowed,
            wrong_role=wrong,
            other_unit=other,
            allowed_status=status,
            **options,
        )

    with override_settings(XASO_CIVIL_CORRECTION_PROCEDURE_CODES=[CORRECTION_CODE]):
        correction = receive(procedure_for(entry.unit, CORRECTION_CODE), father)
        assert_isolation(
            case("correction_from_dossier", [correction.pk], justice, 200, data={"entry": entry.pk})
        )
    registers = {"kind": "birth", "year": 2026}
    services.prepare_registration(actor=justice_official, dossier=pending, data=form_data(pending))
    my_unit = {"other_unit_status": 200}
    cases = [
        case("prepared_detail", [pending.pk], leader, 200),
        case("prepare_from_dossier", [pending.pk], justice, 200),
        case("prepare_from_dossier", [pending.pk], justice, 302, method="post", data=data),
        case(
            "register_list",
            [],
            leader,
            200,
            data={"year": 2026},
            hidden_text="Nguyễn Thị An",
            **my_unit,
        ),
        case("record_for_dossier", [entry.dossier_id], leader, 302),
        case("record_for_dossier", [copy.dossier_id], counter, 302),
        case("entry_detail", [entry.pk], leader, 200),
        case("certificate_pdf", [entry.pk], leader, 200),
        case("extract_copy_pdf", [copy.pk], counter, 200),
        case(
            "request_extract",
            [entry.pk],
            counter_not_leader,
            302,
            method="post",
            data={"applicant": father.pk, "copies": 1},
        ),
        case(
            "register_print",
            [],
            leader,
            200,
            data=registers,
            hidden_text="Nguyễn Thị An",
            **my_unit,
        ),
        case("register_xlsx", [], leader, 200, data=registers, **my_unit),
        case("register_pdf", [], leader, 200, data=registers, **my_unit),
    ]
    for isolation_case in cases:
        assert_isolation(isolation_case)
    assert PreparedRegistration.objects.filter(dossier=pending).count() == 1
