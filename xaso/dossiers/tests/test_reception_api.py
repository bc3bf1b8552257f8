"""Reception API: receive a dossier (Idempotency-Key), read its receipt, unit isolation."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from xaso.applicants.models import Applicant
from xaso.core.models import IdempotencyRecord
from xaso.core.models import NumberCounter
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierDocument
from xaso.dossiers.models import FeeRule

VN = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/api/v1/mot-cua/tiep-nhan"
CODE = "H41.16777-261123-0001"


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False):
        yield


def _body(procedure, **overrides):
    body = {
        "procedure_code": procedure.code,
        "applicant_id_number": "",
        "channel": "direct",
        "delivery_method": "desk",
        "documents": [
            {"name": document.name, "required_document_id": document.pk, "is_original": True}
            for document in procedure.required_documents.order_by("order")
        ],
    }
    body.update(overrides)
    return body


def _post(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_retry_with_the_same_idempotency_key_returns_the_same_dossier(
    client_as, counter_officer, procedure, applicant
):
    client = client_as(counter_officer)
    body = _body(procedure, applicant_id_number=applicant.id_number)

    first = _post(client, body, HTTP_IDEMPOTENCY_KEY="may-kiosk-1")
    retry = _post(client, body, HTTP_IDEMPOTENCY_KEY="may-kiosk-1")

    assert first.status_code == retry.status_code == 201
    assert first.json()["code"] == retry.json()["code"] == CODE
    assert first.json() == retry.json()
    assert Dossier.objects.count() == 1
    assert DossierDocument.objects.count() == 2
    assert NumberCounter.objects.get(register="dossier_code").last_number == 1
    assert IdempotencyRecord.objects.filter(scope="dossiers.receive").count() == 1


def test_a_new_key_receives_a_second_dossier(client_as, counter_officer, procedure, applicant):
    client = client_as(counter_officer)
    body = _body(procedure, applicant_id_number=applicant.id_number)

    _post(client, body, HTTP_IDEMPOTENCY_KEY="k-1")
    second = _post(client, body, HTTP_IDEMPOTENCY_KEY="k-2")

    assert second.json()["code"] == "H41.16777-261123-0002"
    assert Dossier.objects.count() == 2


def test_same_key_with_another_body_is_refused(client_as, counter_officer, procedure, applicant):
    client = client_as(counter_officer)
    body = _body(procedure, applicant_id_number=applicant.id_number)
    _post(client, body, HTTP_IDEMPOTENCY_KEY="k-1")

    response = _post(client, {**body, "copies": 2}, HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_receive_answers_code_due_time_fee_and_receipt_link(
    client_as, counter_officer, procedure, applicant
):
    FeeRule.objects.create(procedure=procedure, name="Lệ phí", amount=10000)

    response = _post(
        client_as(counter_officer), _body(procedure, applicant_id_number=applicant.id_number)
    )

    dossier = Dossier.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": dossier.pk,
        "code": CODE,
        "received_at": "2026-11-23T09:00:00+07:00",
        "due_at": "2026-12-01T17:00:00+07:00",
        "fee_due": 10000,
        "applicant_id": applicant.pk,
        "applicant_created": False,
        "receipt_pdf": f"http://testserver/mot-cua/ho-so/{dossier.pk}/giay-tiep-nhan.pdf",
    }


def test_receive_with_full_applicant_data_creates_or_reuses_the_person(
    client_as, counter_officer, procedure, applicant
):
    client = client_as(counter_officer)
    newcomer = {"full_name": "Lê Thị Mai", "id_number": "040195000321", "sex": "female"}

    created = _post(client, _body(procedure, applicant=newcomer)).json()
    same_person = _post(
        client,
        _body(
            procedure, applicant={"full_name": "nguyen thi an", "id_number": applicant.id_number}
        ),
    ).json()

    assert created["applicant_created"] is True
    assert Applicant.objects.get(pk=created["applicant_id"]).full_name == "Lê Thị Mai"
    assert (same_person["applicant_created"], same_person["applicant_id"]) == (False, applicant.pk)
    assert Applicant.objects.count() == 2


def test_known_cccd_under_another_name_is_refused_and_nothing_saved(
    client_as, counter_officer, procedure, applicant
):
    response = _post(
        client_as(counter_officer),
        _body(
            procedure, applicant={"full_name": "Trần Văn Khác", "id_number": applicant.id_number}
        ),
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "duplicate_id_number",
        "detail": f"Số CCCD {applicant.id_number} đã có trong danh bạ: Nguyễn Thị An.",
    }
    assert not Dossier.objects.exists()
    assert not NumberCounter.objects.filter(last_number__gt=0).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"procedure_code": "9.999999"}, None, "Không có thủ tục mã 9.999999 tại đơn vị."),
        ({"applicant_id_number": "040190999999"}, None, "Số CCCD này chưa có trong danh bạ"),
        ({"delivery_method": "post"}, None, "Hãy nhập địa chỉ nhận kết quả qua bưu chính."),
        ({"channel": "authorised"}, None, "Hãy nhập họ tên người được ủy quyền nộp thay."),
        ({"applicant": {"full_name": "Lê Văn Sai", "id_number": "123"}}, None, "12 chữ số"),
    ],
)
def test_bad_input_answers_400_and_saves_nothing(
    client_as, counter_officer, procedure, applicant, overrides, field, message
):
    body = _body(procedure, applicant_id_number=applicant.id_number)
    body.update(overrides)
    if "applicant" in overrides:
        body["applicant_id_number"] = ""

    response = _post(client_as(counter_officer), body, HTTP_IDEMPOTENCY_KEY="sai")

    assert response.status_code == 400
    assert any(message in detail for detail in response.json()["detail"])
    assert not Dossier.objects.exists()
    assert not NumberCounter.objects.filter(last_number__gt=0).exists()
    assert not IdempotencyRecord.objects.exists()
    assert Applicant.objects.count() == 1


def test_document_line_of_another_procedure_is_refused(
    client_as, counter_officer, procedure, applicant, other_procedure
):
    foreign = other_procedure.required_documents.first()
    body = _body(procedure, applicant_id_number=applicant.id_number)
    body["documents"] = [{"name": "Lạ", "required_document_id": foreign.pk}]

    response = _post(client_as(counter_officer), body)

    assert response.status_code == 400
    assert response.json()["detail"] == ["Thành phần hồ sơ không thuộc thủ tục đã chọn."]
    assert not Dossier.objects.exists()


def test_other_unit_cannot_use_this_units_directory(
    client_as, other_counter_officer, other_procedure, applicant
):
    response = _post(
        client_as(other_counter_officer),
        _body(other_procedure, applicant_id_number=applicant.id_number),
    )

    assert response.status_code == 400
    assert not Dossier.objects.exists()


def test_receipt_data(client_as, counter_officer, procedure, applicant):
    client = client_as(counter_officer)
    created = _post(client, _body(procedure, applicant_id_number=applicant.id_number)).json()

    receipt = client.get(f"{URL}/{created['id']}").json()

    assert receipt["code"] == CODE
    assert receipt["applicant_name"] == "Nguyễn Thị An"
    assert receipt["procedure_name"] == "Đăng ký kết hôn"
    assert receipt["time_limit"] == "05 ngày làm việc"
    assert receipt["due_at"] == "2026-12-01T17:00:00+07:00"
    assert (receipt["book_year"], receipt["book_number"]) == (2026, 1)
    assert receipt["collect_at"] == "Bộ phận Một cửa, Xã Quỳ Châu"
    assert receipt["lookup_url"] == f"http://127.0.0.1:8000/cong-khai/tra-cuu/?ma={CODE}"
    assert [d["name"] for d in receipt["documents"]] == ["Tờ khai đăng ký", "Giấy tờ tùy thân"]


def test_isolation(
    counter_officer, other_counter_officer, clerk, procedure, applicant, receive, other_procedure
):
    dossier = receive(procedure, applicant)
    assert_isolation(
        IsolationCase(
            url=f"{URL}/{dossier.pk}",
            api=True,
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
        )
    )
    assert_isolation(
        IsolationCase(
            url=URL,
            api=True,
            method="post",
            content_type="application/json",
            data=_body(procedure, applicant_id_number=applicant.id_number),
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=201,
            # The other unit's own directory lacks this CCCD: refused, nothing received there.
            other_unit_status=400,
        )
    )
    assert list(Dossier.objects.values_list("unit_id", flat=True)) == [
        counter_officer.unit_id,
        counter_officer.unit_id,
    ]
