"""The applicant directory: pages, search, duplicates, QR scan, API, unit isolation."""

import datetime
import json

import pytest

from xaso.applicants.models import Applicant
from xaso.applicants.services import ApplicantData
from xaso.applicants.services import DuplicateIdNumberError
from xaso.applicants.services import create_applicant
from xaso.applicants.tests.factories import ApplicantFactory
from xaso.core.models import AuditEvent
from xaso.core.models import IdempotencyRecord
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation

QR = "040190001234|186123456|Nguyễn Thị Hoa|17051990|Nữ|Bản Hạnh Tiến, Xã Quỳ Châu|20042021"


@pytest.fixture
def other_counter_officer(other_commune, make_staff):
    return make_staff(other_commune, "counter_officer", username="motcua_khac")


@pytest.fixture
def an(commune):
    return ApplicantFactory(
        unit=commune, full_name="Nguyễn Thị An", id_number="040190000001", phone="0912345678"
    )


@pytest.fixture
def binh(commune):
    return ApplicantFactory(
        unit=commune,
        full_name="Trần Văn Bình",
        id_number="040085000002",
        date_of_birth=datetime.date(1985, 3, 1),
        sex="male",
        phone="0987000111",
    )


@pytest.fixture
def stranger(other_commune):
    return ApplicantFactory(
        unit=other_commune, full_name="Nguyễn Thị Ánh Ngoài", id_number="040190000009"
    )


def _form(**overrides):
    data = {
        "action": "save",
        "kind": "person",
        "full_name": "Lê Văn Cường",
        "id_number": "040092000123",
        "date_of_birth": "1992-08-09",
        "sex": "male",
        "address": "Xóm 3, xã Quỳ Châu",
        "phone": "0912 000 333",
        "email": "",
        "old_id_number": "",
        "id_issued_on": "",
    }
    data.update(overrides)
    return data


# --- list and search ------------------------------------------------------------------------


def test_search_is_diacritics_insensitive_word_prefix(
    client_as, counter_officer, an, binh, stranger
):
    client = client_as(counter_officer)

    page = client.get("/nguoi-nop/", {"q": "nguyen thi an"}).content.decode()

    assert "Nguyễn Thị An" in page
    assert "Trần Văn Bình" not in page
    assert "Nguyễn Thị Ánh Ngoài" not in page  # other unit
    assert "1 người" in page


@pytest.mark.parametrize(
    ("query", "found"), [("0987 000", "Trần Văn Bình"), ("040190", "Nguyễn Thị An")]
)
def test_search_by_phone_or_cccd_prefix(client_as, counter_officer, an, binh, query, found):
    page = client_as(counter_officer).get("/nguoi-nop/", {"q": query}).content.decode()

    assert found in page
    assert "1 người" in page


def test_htmx_search_answers_the_table_only(client_as, counter_officer, an, binh):
    response = client_as(counter_officer).get("/nguoi-nop/", {"q": "binh"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Trần Văn Bình" in body
    assert "Nguyễn Thị An" not in body


# --- create and edit ------------------------------------------------------------------------


def test_create_saves_normalized_data_and_audits(client_as, counter_officer, commune):
    response = client_as(counter_officer).post("/nguoi-nop/them/", _form())

    applicant = Applicant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/nguoi-nop/{applicant.pk}/"
    assert (applicant.unit, applicant.full_name, applicant.id_number) == (
        commune,
        "Lê Văn Cường",
        "040092000123",
    )
    assert applicant.phone == "0912000333"
    assert applicant.created_by == counter_officer
    assert applicant.search_text == "le van cuong 040092000123 0912000333"
    assert (
        AuditEvent.objects.filter(action="applicant.created", target_id=str(applicant.pk)).count()
        == 1
    )


def test_create_refuses_inconsistent_cccd_and_saves_nothing(client_as, counter_officer):
    response = client_as(counter_officer).post(
        "/nguoi-nop/them/",
        _form(id_number="040192000123"),  # says born 1992 female
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "ứng với giới tính nữ, không khớp với giới tính nam" in page
    assert not Applicant.objects.exists()
    assert not AuditEvent.objects.filter(action="applicant.created").exists()


def test_same_cccd_in_the_unit_offers_the_existing_record(client_as, counter_officer, an):
    response = client_as(counter_officer).post(
        "/nguoi-nop/them/",
        _form(
            full_name="Nguyễn T. An",
            id_number="040 190 000 001",
            date_of_birth="1990-05-17",
            sex="female",
        ),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Số CCCD 040190000001 đã có trong danh bạ: Nguyễn Thị An." in page
    assert f'href="/nguoi-nop/{an.pk}/"' in page
    assert Applicant.objects.count() == 1


def test_same_cccd_in_another_unit_is_another_record(counter_officer, stranger):
    applicant = create_applicant(
        actor=counter_officer,
        data=ApplicantData(full_name="Nguyễn Thị Ánh", id_number=stranger.id_number),
    )

    assert applicant.unit_id == counter_officer.unit_id
    assert Applicant.objects.filter(id_number=stranger.id_number).count() == 2


def test_service_reports_duplicate_with_the_existing_record(counter_officer, an):
    with pytest.raises(DuplicateIdNumberError) as error:
        create_applicant(
            actor=counter_officer,
            data=ApplicantData(full_name="Ai Đó", id_number="040190000001"),
        )

    assert error.value.existing == an
    assert error.value.code == "duplicate_id_number"


def test_edit_saves_and_audits_changed_field_names(client_as, counter_officer, binh):
    response = client_as(counter_officer).post(
        f"/nguoi-nop/{binh.pk}/sua/",
        _form(
            full_name="Trần Văn Bình",
            id_number=binh.id_number,
            date_of_birth="1985-03-01",
            sex="male",
            address="Xóm Mới, xã Quỳ Châu",
            phone="0987000111",
        ),
    )

    binh.refresh_from_db()
    assert response.status_code == 302
    assert binh.address == "Xóm Mới, xã Quỳ Châu"
    event = AuditEvent.objects.get(action="applicant.updated")
    assert event.data == {"fields": ["address"]}


def test_edit_to_another_persons_cccd_is_refused(client_as, counter_officer, an, binh):
    response = client_as(counter_officer).post(
        f"/nguoi-nop/{binh.pk}/sua/",
        _form(full_name="Trần Văn Bình", id_number=an.id_number, date_of_birth="", sex=""),
    )

    binh.refresh_from_db()
    assert response.status_code == 200
    assert "đã có trong danh bạ: Nguyễn Thị An" in response.content.decode()
    assert binh.id_number == "040085000002"


# --- QR scan --------------------------------------------------------------------------------


def test_scan_without_javascript_refills_the_form_and_saves_nothing(client_as, counter_officer):
    response = client_as(counter_officer).post(
        "/nguoi-nop/them/", {"action": "scan", "qr": QR, "phone": "0912 111 222"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nguyễn Thị Hoa"' in page
    assert 'value="040190001234"' in page
    assert 'value="1990-05-17"' in page
    assert 'value="2021-04-20"' in page
    assert 'value="Bản Hạnh Tiến, Xã Quỳ Châu"' in page
    assert '<option value="female" selected>' in page
    assert 'value="0912 111 222"' in page  # typed values the QR lacks are kept
    assert "Đã điền thông tin từ mã QR" in page
    assert not Applicant.objects.exists()


def test_htmx_parse_endpoint_answers_the_filled_fields(client_as, counter_officer):
    response = client_as(counter_officer).post(
        "/nguoi-nop/doc-ma-qr/", {"qr": QR}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="applicant-fields">')
    assert 'value="Nguyễn Thị Hoa"' in body
    assert 'value="186123456"' in body


def test_parse_endpoint_explains_garbage(client_as, counter_officer):
    response = client_as(counter_officer).post(
        "/nguoi-nop/doc-ma-qr/", {"qr": "xin chao"}, HTTP_HX_REQUEST="true"
    )

    assert "Đây không phải mã QR trên thẻ CCCD gắn chip" in response.content.decode()


def test_scanning_a_known_card_offers_the_existing_record(client_as, counter_officer, commune):
    known = ApplicantFactory(unit=commune, full_name="Nguyễn Thị Hoa", id_number="040190001234")

    page = (
        client_as(counter_officer)
        .post("/nguoi-nop/doc-ma-qr/", {"qr": QR}, HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert "Số CCCD 040190001234 đã có trong danh bạ: Nguyễn Thị Hoa." in page
    assert f'href="/nguoi-nop/{known.pk}/"' in page


# --- isolation ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "sua/"])
def test_record_pages_isolation(counter_officer, other_counter_officer, clerk, an, path):
    assert_isolation(
        IsolationCase(
            url=f"/nguoi-nop/{an.pk}/{path}",
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
        )
    )


def test_list_isolation(counter_officer, other_counter_officer, clerk, an):
    assert_isolation(
        IsolationCase(
            url="/nguoi-nop/",
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
            other_unit_status=200,
            hidden_text="Nguyễn Thị An",
        )
    )


def test_create_and_parse_isolation(counter_officer, other_counter_officer, clerk, an):
    assert_isolation(
        IsolationCase(
            url="/nguoi-nop/them/",
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
            other_unit_status=200,
            hidden_text="Nguyễn Thị An",
        )
    )
    assert_isolation(
        IsolationCase(
            url="/nguoi-nop/doc-ma-qr/",
            method="post",
            data={"qr": "040190000001||Nguyễn Thị An|17051990|Nữ||"},
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
            other_unit_status=200,
            hidden_text="đã có trong danh bạ",
        )
    )


def test_edit_by_other_unit_changes_nothing(client_as, other_counter_officer, an):
    response = client_as(other_counter_officer).post(
        f"/nguoi-nop/{an.pk}/sua/", _form(full_name="Đổi Tên")
    )

    an.refresh_from_db()
    assert response.status_code == 404
    assert an.full_name == "Nguyễn Thị An"


# --- API ------------------------------------------------------------------------------------


def test_api_search_and_get(client_as, counter_officer, an, binh):
    client = client_as(counter_officer)

    found = client.get("/api/v1/applicants/", {"q": "nguyen thi an"}).json()
    detail = client.get(f"/api/v1/applicants/{an.pk}").json()

    assert [item["full_name"] for item in found] == ["Nguyễn Thị An"]
    assert detail["id_number"] == "040190000001"
    assert detail["phone"] == "0912345678"


def test_api_create_is_idempotent(client_as, counter_officer):
    client = client_as(counter_officer)
    body = {
        "full_name": "Lê Văn Cường",
        "id_number": "040092000123",
        "date_of_birth": "1992-08-09",
        "sex": "male",
    }

    first = client.post(
        "/api/v1/applicants/",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="tao-1",
    )
    second = client.post(
        "/api/v1/applicants/",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="tao-1",
    )

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Applicant.objects.count() == 1
    assert IdempotencyRecord.objects.filter(scope="applicants.create").count() == 1


def test_api_create_duplicate_answers_409_with_existing(client_as, counter_officer, an):
    response = client_as(counter_officer).post(
        "/api/v1/applicants/",
        json.dumps({"full_name": "Ai Đó", "id_number": an.id_number}),
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "duplicate_id_number",
        "detail": "Số CCCD 040190000001 đã có trong danh bạ: Nguyễn Thị An.",
        "existing_id": an.pk,
    }


def test_api_create_refuses_bad_cccd(client_as, counter_officer):
    response = client_as(counter_officer).post(
        "/api/v1/applicants/",
        json.dumps({"full_name": "Ai Đó", "id_number": "12345"}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == ["Số CCCD phải có đúng 12 chữ số (số đã nhập có 5 chữ số)."]
    assert not Applicant.objects.exists()


def test_api_isolation(counter_officer, other_counter_officer, clerk, an):
    assert_isolation(
        IsolationCase(
            url=f"/api/v1/applicants/{an.pk}",
            api=True,
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
        )
    )
    assert_isolation(
        IsolationCase(
            url="/api/v1/applicants/",
            api=True,
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
            other_unit_status=200,
            hidden_text="Nguyễn Thị An",
        )
    )
    assert_isolation(
        IsolationCase(
            url="/api/v1/applicants/",
            api=True,
            method="post",
            content_type="application/json",
            data={"full_name": "Lê Thị Mới", "id_number": "040195000777"},
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=201,
            other_unit_status=201,
        )
    )
    # The other unit's call created its own record, in its own unit.
    assert set(
        Applicant.objects.filter(id_number="040195000777").values_list("unit_id", flat=True)
    ) == {counter_officer.unit_id, other_counter_officer.unit_id}


def test_enter_without_a_scan_never_saves(client_as, counter_officer):
    """Enter presses the form's first button: it re-renders as typed, saves nothing."""
    response = client_as(counter_officer).post("/nguoi-nop/them/", _form(action="enter"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Lê Văn Cường"' in page
    assert "Chưa có dữ liệu" not in page
    assert not Applicant.objects.exists()
