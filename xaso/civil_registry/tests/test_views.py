"""Civil registry pages through the test client: form, register, entry, correction, PDF."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from xaso.civil_registry.models import BirthEntry
from xaso.civil_registry.services import register_birth
from xaso.civil_registry.tests.conftest import DECLARED
from xaso.civil_registry.tests.conftest import form_data
from xaso.civil_registry.tests.conftest import post_data
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation

REGISTERED_ON = datetime.date(2026, 11, 20)


@pytest.fixture
def entry(birth_dossier, justice_official) -> BirthEntry:
    return register_birth(
        actor=justice_official,
        dossier=birth_dossier,
        data=form_data(birth_dossier, signer_name="Trần Văn Chủ"),
        registered_on=REGISTERED_ON,
    )


@pytest.fixture
def other_chairman(identified_other_commune, make_staff):
    return make_staff(identified_other_commune, "chairman", username="chutich_khac")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_form_is_prefilled_and_saving_registers_the_birth(
    client_as, birth_dossier, justice_official
):
    client = client_as(justice_official)
    url = reverse("civil_registry:birth_from_dossier", args=[birth_dossier.pk])

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
    assert not BirthEntry.objects.exists()

    response = client.post(url, {**data, "checked": "on"})
    entry = BirthEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("civil_registry:birth_detail", args=[entry.pk])
    assert entry.dossier_id == birth_dossier.pk
    assert entry.child_full_name == "Nguyễn Thị An"
    # A second visit leads to the registered entry.
    again = client.get(url)
    assert again.status_code == 302


def test_refused_data_shows_the_message_and_saves_nothing(
    client_as, birth_dossier, justice_official
):
    client = client_as(justice_official)
    url = reverse("civil_registry:birth_from_dossier", args=[birth_dossier.pk])
    data = post_data(form_data(birth_dossier, mother_full_name="", father_full_name=""))

    response = client.post(url, {**data, "checked": "on"})

    assert response.status_code == 200
    assert "Hãy nhập họ tên người mẹ hoặc người cha." in response.content.decode()
    assert not BirthEntry.objects.exists()


def test_register_lists_and_searches_the_year(client_as, entry, chairman):
    client = client_as(chairman)
    url = reverse("civil_registry:register_list")

    found = client.get(url, {"year": 2026, "q": "nguyen thi an"})
    assert "Nguyễn Thị An" in found.content.decode()
    missing = client.get(url, {"year": 2026, "q": "tran van binh"})
    assert "Nguyễn Thị An" not in missing.content.decode()
    other_year = client.get(url, {"year": 2025})
    assert "Nguyễn Thị An" not in other_year.content.decode()


def test_entry_page_and_correction_keep_both_versions(client_as, entry, justice_official):
    client = client_as(justice_official)
    url = reverse("civil_registry:birth_correct", args=[entry.pk])
    form = client.get(url)
    assert 'value="Nguyễn Thị An"' in form.content.decode()

    data = post_data({**entry.snapshot(), "child_full_name": "Nguyễn Thị Ân"})
    response = client.post(url, {**data, "reason": "Sai dấu"})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.version == 2
    page = client.get(reverse("civil_registry:birth_detail", args=[entry.pk])).content.decode()
    assert "Nguyễn Thị Ân" in page
    assert "Nguyễn Thị An" in page  # version 1 still shown
    assert "Sai dấu" in page


def test_certificate_fields_equal_the_dossier(client_as, entry, birth_dossier, chairman):
    response = client_as(chairman).get(
        reverse("civil_registry:birth_certificate_pdf", args=[entry.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)

    birth_dossier.refresh_from_db()
    declared = birth_dossier.declared_data
    for name, value in DECLARED.items():
        assert declared[name] == value, name
        stored = getattr(entry, name)
        if isinstance(stored, datetime.date):
            assert stored.isoformat() == value, name
            shown = stored.strftime("%d/%m/%Y")
        else:
            assert stored == value, name
            shown = value
        if name not in ("sex", "nationality"):
            assert shown in text, name
    assert "Nữ" in text
    assert "GIẤY KHAI SINH" in text
    assert "Số: 1" in text
    assert "Quyển số: 1/2026" in text
    assert entry.declarant_name in text
    assert "Trần Văn Chủ" in text


def test_every_page_is_isolated(
    client_as,
    entry,
    birth_procedure,
    father,
    receive,
    justice_official,
    other_justice_official,
    chairman,
    other_chairman,
    counter_officer,
):
    pending = receive(birth_procedure, father, declared_data=dict(DECLARED))
    data = {**post_data(form_data(pending)), "checked": "on"}
    correction = {**post_data(entry.snapshot()), "hometown": "Xã Châu Bình", "reason": "Sai"}
    cases = [
        IsolationCase(
            url=reverse("civil_registry:birth_from_dossier", args=[pending.pk]),
            allowed=justice_official,
            wrong_role=chairman,
            other_unit=other_justice_official,
            allowed_status=200,
        ),
        IsolationCase(
            url=reverse("civil_registry:birth_from_dossier", args=[pending.pk]),
            method="post",
            data=data,
            allowed=justice_official,
            wrong_role=chairman,
            other_unit=other_justice_official,
            allowed_status=302,
        ),
        IsolationCase(
            url=reverse("civil_registry:register_list"),
            data={"year": 2026},
            allowed=chairman,
            wrong_role=counter_officer,
            other_unit=other_chairman,
            other_unit_status=200,
            hidden_text="Nguyễn Thị An",
            allowed_status=200,
        ),
        IsolationCase(
            url=reverse("civil_registry:birth_detail", args=[entry.pk]),
            allowed=chairman,
            wrong_role=counter_officer,
            other_unit=other_chairman,
            allowed_status=200,
        ),
        IsolationCase(
            url=reverse("civil_registry:birth_correct", args=[entry.pk]),
            allowed=justice_official,
            wrong_role=chairman,
            other_unit=other_justice_official,
            allowed_status=200,
        ),
        IsolationCase(
            url=reverse("civil_registry:birth_correct", args=[entry.pk]),
            method="post",
            data=correction,
            allowed=justice_official,
            wrong_role=chairman,
            other_unit=other_justice_official,
            allowed_status=302,
        ),
        IsolationCase(
            url=reverse("civil_registry:birth_certificate_pdf", args=[entry.pk]),
            allowed=chairman,
            wrong_role=counter_officer,
            other_unit=other_chairman,
            allowed_status=200,
        ),
    ]
    for case in cases:
        assert_isolation(case)
    assert BirthEntry.objects.count() == 2
    entry.refresh_from_db()
    assert entry.version == 2


def test_birth_dossier_page_links_to_the_register_form_until_registered(
    client_as, birth_dossier, justice_official, counter_officer
):
    form_url = reverse("civil_registry:birth_from_dossier", args=[birth_dossier.pk])
    page = f"/mot-cua/ho-so/{birth_dossier.pk}/"

    before = client_as(justice_official).get(page).content.decode()
    counter_view = client_as(counter_officer).get(page).content.decode()
    register_birth(actor=justice_official, dossier=birth_dossier, data=form_data(birth_dossier))
    after = client_as(justice_official).get(page).content.decode()

    assert form_url in before
    assert form_url not in counter_view  # no register permission
    assert form_url not in after  # already in the register
