"""Civil registry API: search, read, start an extract dossier, read a copy; isolation."""

import pytest

from xaso.civil_registry.models import ExtractCopy
from xaso.civil_registry.tests.conftest import forward_to_leader
from xaso.civil_registry.tests.conftest import register_through_approval
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Dossier
from xaso.dossiers.services import processing

BASE = "/api/v1/ho-tich"


@pytest.fixture
def entry(birth_dossier, justice_official, chairman):
    return register_through_approval(birth_dossier, justice_official, chairman)


def test_search_and_read_entries(client_as, entry, chairman):
    client = client_as(chairman)

    found = client.get(f"{BASE}/entries", {"q": "nguyen thi an"})
    assert found.status_code == 200
    (item,) = found.json()
    assert item["id"] == entry.pk
    assert (item["kind"], item["entry_number"], item["register_year"]) == ("birth", 1, 2026)
    assert item["main_name"] == "Nguyễn Thị An"
    assert item["main_date_of_birth"] == "2026-11-01"
    assert client.get(f"{BASE}/entries", {"q": "tran van binh"}).json() == []
    assert client.get(f"{BASE}/entries", {"kind": "khong-co"}).status_code == 422

    detail = client.get(f"{BASE}/entries/{entry.pk}").json()
    assert detail["data"]["mother_full_name"] == "Lê Thị Hoà"
    assert detail["dossier_code"] == entry.dossier.code
    assert [v["number"] for v in detail["versions"]] == [1]


def test_extract_copy_is_requested_once_per_idempotency_key(
    client_as, entry, father, extract_procedure, counter_officer, justice_official, chairman
):
    client = client_as(counter_officer)
    url = f"{BASE}/entries/{entry.pk}/extract-copies"
    body = {"applicant_id": father.pk, "copies": 2}

    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")

    assert first.status_code == 201
    assert first.json() == again.json()
    assert first.json()["fee_due"] == 16000
    dossier = Dossier.objects.get(procedure=extract_procedure)
    assert first.json()["code"] == dossier.code
    bad = client.post(
        url, {"applicant_id": father.pk, "copies": 0}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert Dossier.objects.filter(procedure=extract_procedure).count() == 1

    dossier = forward_to_leader(dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=dossier)
    copy = ExtractCopy.objects.get()
    read = client.get(f"{BASE}/extract-copies/{copy.pk}").json()
    assert (read["serial_number"], read["year"], read["copies"]) == (1, 2026, 2)
    assert read["verify_url"].endswith(f"/ho-tich/xac-minh/{copy.token}/")


def test_every_route_is_isolated(
    entry,
    father,
    extract_procedure,
    receive,
    justice_official,
    chairman,
    other_chairman,
    counter_officer,
    other_counter,
    land_official,
):
    copy_dossier = receive(extract_procedure, father, declared_data={"civil_entry_id": entry.pk})
    copy_dossier = forward_to_leader(copy_dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=copy_dossier)
    copy = ExtractCopy.objects.get()
    cases = [
        IsolationCase(
            url=f"{BASE}/entries",
            data={"year": 2026},
            api=True,
            allowed=chairman,
            wrong_role=land_official,
            other_unit=other_chairman,
            other_unit_status=200,
            hidden_text="Nguyễn Thị An",
            allowed_status=200,
        ),
        IsolationCase(
            url=f"{BASE}/entries/{entry.pk}",
            api=True,
            allowed=chairman,
            wrong_role=land_official,
            other_unit=other_chairman,
            allowed_status=200,
        ),
        IsolationCase(
            url=f"{BASE}/extract-copies/{copy.pk}",
            api=True,
            allowed=counter_officer,
            wrong_role=land_official,
            other_unit=other_counter,
            allowed_status=200,
        ),
        IsolationCase(
            url=f"{BASE}/entries/{entry.pk}/extract-copies",
            method="post",
            data={"applicant_id": father.pk, "copies": 1},
            content_type="application/json",
            api=True,
            allowed=counter_officer,
            wrong_role=chairman,
            other_unit=other_counter,
            allowed_status=201,
        ),
    ]
    for case in cases:
        assert_isolation(case)
    assert Dossier.objects.filter(procedure=extract_procedure).count() == 2
