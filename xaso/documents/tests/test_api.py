"""Documents API: register incoming documents (Idempotency-Key), read both registers."""

import base64
import datetime
import json

import pytest

from xaso.core.models import NumberCounter
from xaso.documents.models import IncomingDocument
from xaso.documents.tests.conftest import VN
from xaso.documents.tests.conftest import sample_pdf

URL = "/api/v1/van-ban/den"


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False)


def _body(**overrides):
    body = {
        "medium": "paper",
        "issuing_body": "Sở Tư pháp tỉnh Nghệ An",
        "code_number": "12",
        "code_notation": "QĐ-STP",
        "document_date": "2026-11-20",
        "doc_type": "quyet_dinh",
        "subject": "Về việc kiểm tra công tác hộ tịch",
        "urgency": "urgent",
    }
    body.update(overrides)
    return body


def _post(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_retry_with_the_same_key_registers_once(client_as, clerk):
    client = client_as(clerk)
    first = _post(client, _body(), HTTP_IDEMPOTENCY_KEY="he-thong-tinh-1")
    retry = _post(client, _body(), HTTP_IDEMPOTENCY_KEY="he-thong-tinh-1")

    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    assert first.json()["arrival_number"] == 1
    assert first.json()["number_notation"] == "12/QĐ-STP"
    assert first.json()["urgency"] == "urgent"
    assert IncomingDocument.objects.count() == 1
    other = _post(client, _body(code_number="99"), HTTP_IDEMPOTENCY_KEY="he-thong-tinh-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_electronic_document_with_its_pdf(client_as, clerk):
    body = _body(
        medium="electronic",
        file_name="qd.pdf",
        file_base64=base64.b64encode(sample_pdf()).decode(),
    )
    response = _post(client_as(clerk), body)
    assert response.status_code == 201
    assert response.json()["has_file"] is True
    assert IncomingDocument.objects.get().page_count == 1


def test_duplicate_and_bad_input_are_refused_without_a_number(client_as, clerk):
    client = client_as(clerk)
    assert _post(client, _body()).status_code == 201

    duplicate = _post(client, _body(issuing_body="SỞ TƯ PHÁP TỈNH NGHỆ AN"))
    assert duplicate.status_code == 422
    assert duplicate.json()["code"] == "duplicate_document"
    assert "có thể đã vào sổ" in duplicate.json()["detail"]

    bad = _post(client, _body(subject=" ", code_number="12a"))
    assert bad.status_code == 400
    assert "Hãy nhập trích yếu nội dung." in bad.json()["detail"]
    disguised = _post(
        client,
        _body(code_number="77", file_name="a.pdf", file_base64=base64.b64encode(b"MZ..").decode()),
    )
    assert disguised.status_code == 400
    assert IncomingDocument.objects.count() == 1
    assert NumberCounter.objects.get(register="documents.incoming").last_number == 1

    confirmed = _post(client, _body(confirm_duplicate=True))
    assert confirmed.status_code == 201
    assert confirmed.json()["arrival_number"] == 2


def test_read_registers(client_as, clerk, register):
    register(subject="Về việc tổ chức Đại hội thể thao", code_number="1")
    register(subject="Về việc kiểm tra", code_number="2")
    client = client_as(clerk)
    found = client.get(URL, {"q": "dai hoi", "year": 2026})
    assert [row["number_notation"] for row in found.json()] == ["1/QĐ-STP"]
    assert [row["arrival_number"] for row in client.get(URL).json()] == [2, 1]
    assert client.get("/api/v1/van-ban/di").json() == []
