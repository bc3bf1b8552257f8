"""The "Hộ tịch" section of a person's page in the applicant directory: the entries the
person appears in, with their role, linked to the entry pages; only for those who may read
the registers, and only the viewer's own unit's entries."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import CivilRegister
from xaso.civil_registry.models import EntryPerson
from xaso.civil_registry.tests.conftest import TODAY
from xaso.civil_registry.tests.conftest import register_through_approval
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation

MOTHER_CCCD = "040198001111"


@pytest.fixture
def entry(birth_dossier, father, justice_official, chairman) -> CivilEntry:
    return register_through_approval(
        birth_dossier,
        justice_official,
        chairman,
        mother_id_number=MOTHER_CCCD,
        father_id_number=father.id_number,
    )


@pytest.fixture
def reader(counter_officer):
    """The counter officer keeps the directory and may search the registers."""
    return counter_officer


@pytest.fixture
def other_reader(other_counter):
    return other_counter


@pytest.fixture
def directory_only(commune, make_staff):
    """Keeps the directory but may not read the registers."""
    user = make_staff(commune, username="danhba")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="applicants", codename="manage_applicants")
    )
    return user


def page_of(client, applicant) -> str:
    response = client.get(reverse("applicants:applicant_detail", args=[applicant.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_entries_are_listed_with_the_persons_role_and_link(client_as, reader, entry, father):
    html = page_of(client_as(reader), father)

    assert '<section class="card" id="ho-tich">\n  <h2>Hộ tịch</h2>' in html
    link = reverse("civil_registry:entry_detail", args=[entry.pk])
    number = f"Số {entry.entry_number}, quyển số {entry.register.book_number}/2026"
    assert f'<a href="{link}">{number}</a>' in html
    assert TODAY.strftime("%d/%m/%Y") in html
    # The father is both the father and the declarant of the birth.
    assert "<td>Cha</td>" in html
    assert "<td>Người đi khai sinh</td>" in html
    assert "<td>Khai sinh</td>" in html or "<td>Đăng ký khai sinh</td>" in html


def test_the_mother_sees_her_own_role(client_as, reader, entry):
    mother = EntryPerson.objects.get(entry=entry, role="mother").applicant

    html = page_of(client_as(reader), mother)

    assert "<td>Mẹ</td>" in html
    assert "<td>Cha</td>" not in html


def test_a_person_in_no_entry_gets_the_empty_section(client_as, reader, applicant):
    html = page_of(client_as(reader), applicant)

    assert "Người này chưa có trong sổ hộ tịch của đơn vị." in html


def test_without_civil_permission_the_section_is_not_shown(
    client_as, directory_only, entry, father
):
    assert not directory_only.has_perm("civil_registry.view_civil_registers")

    html = page_of(client_as(directory_only), father)

    assert 'id="ho-tich"' not in html
    assert reverse("civil_registry:entry_detail", args=[entry.pk]) not in html


def test_another_units_entries_never_appear(
    client_as, reader, entry, father, identified_other_commune, other_justice_official
):
    # Even a link (bad data) from another unit's register to this person stays hidden.
    register = CivilRegister.objects.create(unit=identified_other_commune, kind="death", year=2026)
    foreign = CivilEntry.objects.create(
        unit=identified_other_commune,
        register=register,
        kind="death",
        entry_number=77,
        main_name="Người xã khác",
        registered_on=TODAY,
        registered_by=other_justice_official,
    )
    EntryPerson.objects.create(
        unit=identified_other_commune, entry=foreign, role="declarant", applicant=father
    )

    html = page_of(client_as(reader), father)

    assert reverse("civil_registry:entry_detail", args=[foreign.pk]) not in html
    assert "Số 77" not in html
    assert reverse("civil_registry:entry_detail", args=[entry.pk]) in html


def test_applicant_page_isolation(reader, other_reader, justice_official, entry, father):
    assert_isolation(
        IsolationCase(
            url=reverse("applicants:applicant_detail", args=[father.pk]),
            allowed=reader,
            wrong_role=justice_official,  # reads the registers, not the directory
            other_unit=other_reader,
            allowed_status=200,
        )
    )
