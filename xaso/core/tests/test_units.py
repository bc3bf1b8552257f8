"""Units: settings, agency identifiers, province supervision, tenancy, national list, API."""

import datetime
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xaso.core.api_auth import issue_api_token
from xaso.core.audit import record_audit_event
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AgencyIdentifier
from xaso.core.models import AuditEvent
from xaso.core.models import User
from xaso.core.services.units import add_agency_identifier
from xaso.core.services.units import update_agency_identifier
from xaso.core.services.units import update_unit_settings
from xaso.core.tenancy import UnitScopedQuerySet
from xaso.core.tenancy import can_write_in
from xaso.core.tenancy import get_readable_or_404
from xaso.core.tenancy import get_writable_or_404
from xaso.core.tenancy import readable_units
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.core.tests.factories import real_unit

T = datetime.time
D = datetime.date
FORMAT_MESSAGE = (
    "Mã định danh chỉ gồm chữ in hoa A–Z, chữ số và dấu chấm, tối đa 35 ký tự, "
    "không bắt đầu hay kết thúc bằng dấu chấm (QĐ 20/2020/QĐ-TTg)."
)
DEFAULT_HOURS = {
    "saturday_morning_service": False,
    "morning_start": T(7, 30),
    "morning_end": T(11, 30),
    "afternoon_start": T(13, 30),
    "afternoon_end": T(17, 0),
    "cutoff_time": T(15, 0),
    "cutoff_inclusive": False,
}


def _hours(unit: AdministrativeUnit) -> dict[str, object]:
    unit.refresh_from_db()
    return {name: getattr(unit, name) for name in DEFAULT_HOURS}


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "morning_start": "07:00",
        "morning_end": "11:30",
        "afternoon_start": "13:00",
        "afternoon_end": "17:00",
        "saturday_morning_service": "on",
        "cutoff_time": "16:00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def hanoi_supervisor(make_staff: Callable[..., User]) -> User:
    hanoi = real_unit(1, level=AdministrativeUnit.Level.PROVINCE)
    return make_staff(hanoi, "province_supervisor", username="giamsat_hanoi")


@pytest.fixture
def province_clerk(province: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(province, "clerk", username="vanthu_tinh")


# --- National list ------------------------------------------------------------------------


def test_the_national_list_is_loaded(db: None) -> None:
    units = AdministrativeUnit.objects.all()

    assert units.provinces().count() == 34
    assert units.communes().count() == 3321
    assert Counter(units.communes().values_list("division_type", flat=True)) == {
        "xã": 2621,
        "phường": 687,
        "đặc khu": 13,
    }
    assert Counter(units.provinces().values_list("division_type", flat=True)) == {
        "tỉnh": 28,
        "thành phố trung ương": 6,
    }
    assert not units.communes().filter(parent__isnull=True).exists()
    assert not units.communes().exclude(parent__level="province").exists()
    quy_chau = units.communes().get(code=16777)
    assert (quy_chau.name, quy_chau.parent.name, quy_chau.gso_code) == (
        "Xã Quỳ Châu",
        "Nghệ An",
        "16777",
    )
    assert units.communes().get(code=4).name == "Phường Ba Đình"
    assert units.provinces().get(code=1).gso_code == "01"


# --- Unit settings: service ---------------------------------------------------------------


def test_update_unit_settings_saves_and_audits(
    unit_admin: User, commune: AdministrativeUnit
) -> None:
    new_hours = {**DEFAULT_HOURS, "morning_start": T(7, 0), "cutoff_time": T(16, 0)}
    new_hours["saturday_morning_service"] = True

    update_unit_settings(actor=unit_admin, unit=commune, **new_hours)

    assert _hours(commune) == new_hours
    event = AuditEvent.objects.get(action="unit.updated")
    assert (event.unit_id, event.actor_id, event.target_id) == (
        commune.pk,
        unit_admin.pk,
        str(commune.pk),
    )
    assert event.data == {
        "changes": {
            "saturday_morning_service": [False, True],
            "morning_start": ["07:30", "07:00"],
            "cutoff_time": ["15:00", "16:00"],
        }
    }


def test_update_unit_settings_without_change_writes_nothing(
    unit_admin: User, commune: AdministrativeUnit
) -> None:
    update_unit_settings(actor=unit_admin, unit=commune, **DEFAULT_HOURS)

    assert not AuditEvent.objects.filter(action="unit.updated").exists()


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"morning_end": T(14, 0)},
            {
                "afternoon_start": [
                    "Giờ bắt đầu buổi chiều (13:30) không được sớm hơn giờ kết thúc buổi sáng (14:00)."
                ]
            },
        ),
        (
            {"morning_start": T(11, 30)},
            {"morning_end": ["Giờ kết thúc buổi sáng phải sau giờ bắt đầu buổi sáng."]},
        ),
        (
            {"afternoon_end": T(13, 0)},
            {
                "afternoon_end": ["Giờ kết thúc buổi chiều phải sau giờ bắt đầu buổi chiều."],
                "cutoff_time": [
                    "Giờ chuyển hồ sơ sang ngày sau phải nằm trong giờ làm việc (07:30 – 13:00)."
                ],
            },
        ),
        (
            {"cutoff_time": T(18, 0)},
            {
                "cutoff_time": [
                    "Giờ chuyển hồ sơ sang ngày sau phải nằm trong giờ làm việc (07:30 – 17:00)."
                ]
            },
        ),
    ],
)
def test_update_unit_settings_refuses_hours_out_of_order(
    unit_admin: User,
    commune: AdministrativeUnit,
    overrides: dict[str, object],
    errors: dict[str, list[str]],
) -> None:
    with pytest.raises(ValidationError) as raised:
        update_unit_settings(actor=unit_admin, unit=commune, **{**DEFAULT_HOURS, **overrides})

    assert raised.value.message_dict == errors
    assert _hours(commune) == DEFAULT_HOURS
    assert not AuditEvent.objects.exists()


def test_update_unit_settings_only_in_own_unit_with_the_permission(
    commune: AdministrativeUnit,
    other_unit_admin: User,
    clerk: User,
    province_supervisor: User,
) -> None:
    changed = {**DEFAULT_HOURS, "cutoff_time": T(16, 0)}
    for actor in (other_unit_admin, clerk, province_supervisor):
        with pytest.raises(PermissionDenied):
            update_unit_settings(actor=actor, unit=commune, **changed)

    assert _hours(commune) == DEFAULT_HOURS
    assert not AuditEvent.objects.exists()


# --- Unit settings: pages -----------------------------------------------------------------


def test_unit_settings_page_shows_the_unit(
    client_as: Callable[[User], Client], unit_admin: User
) -> None:
    response = client_as(unit_admin).get(reverse("core:unit_settings"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Xã Quỳ Châu" in content
    assert "16777" in content
    assert "Nghệ An" in content
    assert response.context["form"].initial["cutoff_time"] == T(15, 0)
    # Name, code, province and type are read-only: not in the form.
    assert set(response.context["form"].fields) == set(DEFAULT_HOURS)


def test_unit_settings_page_saves(
    client_as: Callable[[User], Client], unit_admin: User, commune: AdministrativeUnit
) -> None:
    response = client_as(unit_admin).post(reverse("core:unit_settings"), _form())

    assert response.status_code == 302
    assert response["Location"] == reverse("core:unit_settings")
    assert _hours(commune) == {
        "saturday_morning_service": True,
        "morning_start": T(7, 0),
        "morning_end": T(11, 30),
        "afternoon_start": T(13, 0),
        "afternoon_end": T(17, 0),
        "cutoff_time": T(16, 0),
        "cutoff_inclusive": False,
    }
    assert AuditEvent.objects.filter(action="unit.updated", unit=commune).count() == 1


def test_unit_settings_page_refuses_invalid_hours(
    client_as: Callable[[User], Client], unit_admin: User, commune: AdministrativeUnit
) -> None:
    response = client_as(unit_admin).post(reverse("core:unit_settings"), _form(morning_end="14:00"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "afternoon_start": [
            "Giờ bắt đầu buổi chiều (13:00) không được sớm hơn giờ kết thúc buổi sáng (14:00)."
        ]
    }
    assert "không được sớm hơn giờ kết thúc buổi sáng" in response.content.decode()
    assert _hours(commune) == DEFAULT_HOURS
    assert not AuditEvent.objects.filter(action="unit.updated").exists()


def test_unit_settings_page_refuses_a_malformed_time(
    client_as: Callable[[User], Client], unit_admin: User, commune: AdministrativeUnit
) -> None:
    response = client_as(unit_admin).post(reverse("core:unit_settings"), _form(cutoff_time="25:99"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["cutoff_time"]
    assert _hours(commune) == DEFAULT_HOURS


# --- Agency identifiers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier",
    ["000.00.00.H41", "H41.16777", "G22", "000.00.04.G14", "A" * 35, "H55.242"],
)
def test_valid_agency_identifier_formats(commune: AdministrativeUnit, identifier: str) -> None:
    AgencyIdentifier(unit=commune, identifier=identifier, valid_from=D(2025, 7, 1)).full_clean()


@pytest.mark.parametrize(
    "identifier",
    [
        "000.00.00.h41",  # lower case
        "H41 16777",  # space
        " H41.16777",  # leading space
        "A" * 36,  # too long
        ".H41.16777",  # leading dot
        "H41.16777.",  # trailing dot
        "H41-16777",  # other separator
        "Đ41",  # not A–Z
    ],
)
def test_invalid_agency_identifier_formats_are_refused(
    unit_admin: User, commune: AdministrativeUnit, identifier: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        add_agency_identifier(
            actor=unit_admin, unit=commune, identifier=identifier, valid_from=D(2025, 7, 1)
        )

    assert FORMAT_MESSAGE in raised.value.message_dict["identifier"]
    assert not AgencyIdentifier.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_new_identifier_closes_the_one_in_force(
    unit_admin: User, commune: AdministrativeUnit
) -> None:
    # given
    old = add_agency_identifier(
        actor=unit_admin,
        unit=commune,
        identifier="000.00.00.H41",
        valid_from=D(2020, 1, 1),
        note="Trước sáp nhập",
    )

    # when
    new = add_agency_identifier(
        actor=unit_admin,
        unit=commune,
        identifier="H41.16777",
        valid_from=D(2025, 7, 1),
        note="QĐ của UBND tỉnh",
    )

    # then
    old.refresh_from_db()
    assert (old.valid_from, old.valid_until) == (D(2020, 1, 1), D(2025, 6, 30))
    assert (new.valid_from, new.valid_until) == (D(2025, 7, 1), None)
    assert commune.agency_identifier_on(D(2019, 12, 31)) == ""
    assert commune.agency_identifier_on(D(2020, 1, 1)) == "000.00.00.H41"
    assert commune.agency_identifier_on(D(2025, 6, 30)) == "000.00.00.H41"
    assert commune.agency_identifier_on(D(2025, 7, 1)) == "H41.16777"
    assert commune.agency_identifier_on(D(2030, 1, 1)) == "H41.16777"
    events = list(
        AuditEvent.objects.filter(action="unit.agency_identifier_added")
        .order_by("sequence")
        .values_list("target_id", "data")
    )
    assert events == [
        (
            str(old.pk),
            {
                "identifier": "000.00.00.H41",
                "valid_from": "2020-01-01",
                "valid_until": None,
                "note": "Trước sáp nhập",
            },
        ),
        (
            str(new.pk),
            {
                "identifier": "H41.16777",
                "valid_from": "2025-07-01",
                "valid_until": None,
                "note": "QĐ của UBND tỉnh",
                "closed_previous": {
                    "id": old.pk,
                    "identifier": "000.00.00.H41",
                    "valid_until": "2025-06-30",
                },
            },
        ),
    ]


def test_a_closed_period_may_be_back_filled(unit_admin: User, commune: AdministrativeUnit) -> None:
    add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="H41.16777", valid_from=D(2025, 7, 1)
    )

    add_agency_identifier(
        actor=unit_admin,
        unit=commune,
        identifier="000.00.00.H41",
        valid_from=D(2020, 1, 1),
        valid_until=D(2025, 6, 30),
    )

    assert list(
        AgencyIdentifier.objects.order_by("valid_from").values_list(
            "identifier", "valid_from", "valid_until"
        )
    ) == [
        ("000.00.00.H41", D(2020, 1, 1), D(2025, 6, 30)),
        ("H41.16777", D(2025, 7, 1), None),
    ]


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "message"),
    [
        # Same start as the identifier in force.
        (
            D(2025, 7, 1),
            None,
            (
                "Thời gian hiệu lực từ 01/07/2025 trùng với mã định danh H41.16777 (hiệu lực từ "
                "01/07/2025). Mỗi ngày đơn vị chỉ có một mã định danh."
            ),
        ),
        # Open-ended, starting before the one in force.
        (
            D(2025, 1, 1),
            None,
            (
                "Thời gian hiệu lực từ 01/01/2025 trùng với mã định danh 000.00.00.H41 (hiệu lực từ "
                "01/01/2020 đến 30/06/2025). Mỗi ngày đơn vị chỉ có một mã định danh."
            ),
        ),
        # A closed period inside the past one.
        (
            D(2021, 1, 1),
            D(2021, 12, 31),
            (
                "Thời gian hiệu lực từ 01/01/2021 đến 31/12/2021 trùng với mã định danh "
                "000.00.00.H41 (hiệu lực từ 01/01/2020 đến 30/06/2025). Mỗi ngày đơn vị chỉ có "
                "một mã định danh."
            ),
        ),
        # A closed period ending on the first day of the one in force.
        (
            D(2019, 1, 1),
            D(2020, 1, 1),
            (
                "Thời gian hiệu lực từ 01/01/2019 đến 01/01/2020 trùng với mã định danh "
                "000.00.00.H41 (hiệu lực từ 01/01/2020 đến 30/06/2025). Mỗi ngày đơn vị chỉ có "
                "một mã định danh."
            ),
        ),
    ],
)
def test_overlapping_identifiers_are_refused(
    unit_admin: User,
    commune: AdministrativeUnit,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    message: str,
) -> None:
    # given: 000.00.00.H41 from 2020 to 30/06/2025, then H41.16777 from 01/07/2025
    add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="000.00.00.H41", valid_from=D(2020, 1, 1)
    )
    add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="H41.16777", valid_from=D(2025, 7, 1)
    )
    before = list(AgencyIdentifier.objects.order_by("pk").values())
    events_before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as raised:
        add_agency_identifier(
            actor=unit_admin,
            unit=commune,
            identifier="H41.99999",
            valid_from=valid_from,
            valid_until=valid_until,
        )

    assert raised.value.messages == [message]
    assert list(AgencyIdentifier.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events_before


def test_valid_until_before_valid_from_is_refused(
    unit_admin: User, commune: AdministrativeUnit
) -> None:
    with pytest.raises(ValidationError) as raised:
        add_agency_identifier(
            actor=unit_admin,
            unit=commune,
            identifier="H41.16777",
            valid_from=D(2025, 7, 1),
            valid_until=D(2025, 6, 1),
        )
    assert raised.value.message_dict == {
        "valid_until": ["Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực."]
    }
    assert not AgencyIdentifier.objects.exists()


def test_identifiers_of_another_commune_do_not_count_as_overlap(
    unit_admin: User,
    other_unit_admin: User,
    commune: AdministrativeUnit,
    other_commune: AdministrativeUnit,
) -> None:
    add_agency_identifier(
        actor=other_unit_admin, unit=other_commune, identifier="H41.16750", valid_from=D(2025, 7, 1)
    )
    add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="H41.16777", valid_from=D(2025, 7, 1)
    )
    assert commune.agency_identifier_on(D(2025, 7, 1)) == "H41.16777"
    assert other_commune.agency_identifier_on(D(2025, 7, 1)) == "H41.16750"


def test_identifiers_only_in_own_unit(
    other_unit_admin: User, province_supervisor: User, clerk: User, commune: AdministrativeUnit
) -> None:
    for actor in (other_unit_admin, province_supervisor, clerk):
        with pytest.raises(PermissionDenied):
            add_agency_identifier(
                actor=actor, unit=commune, identifier="H41.16777", valid_from=D(2025, 7, 1)
            )
    assert not AgencyIdentifier.objects.exists()


def test_update_agency_identifier_corrects_and_audits(
    unit_admin: User, commune: AdministrativeUnit
) -> None:
    wrong = add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="H41.16770", valid_from=D(2025, 7, 1)
    )

    fixed = update_agency_identifier(
        actor=unit_admin,
        agency_identifier=wrong,
        identifier="H41.16777",
        valid_from=D(2025, 7, 1),
        valid_until=None,
        note="Sửa lỗi nhập",
    )

    assert AgencyIdentifier.objects.get(pk=wrong.pk).identifier == "H41.16777"
    assert fixed.note == "Sửa lỗi nhập"
    event = AuditEvent.objects.get(action="unit.agency_identifier_updated")
    assert event.data == {
        "changes": {"identifier": ["H41.16770", "H41.16777"], "note": ["", "Sửa lỗi nhập"]}
    }


def test_update_agency_identifier_refuses_an_overlap(
    unit_admin: User, commune: AdministrativeUnit
) -> None:
    old = add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="000.00.00.H41", valid_from=D(2020, 1, 1)
    )
    add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="H41.16777", valid_from=D(2025, 7, 1)
    )
    events_before = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match=r"trùng với mã định danh H41\.16777"):
        update_agency_identifier(
            actor=unit_admin,
            agency_identifier=old,
            identifier="000.00.00.H41",
            valid_from=D(2020, 1, 1),
            valid_until=None,
            note="",
        )

    old.refresh_from_db()
    assert old.valid_until == D(2025, 6, 30)
    assert AuditEvent.objects.count() == events_before


def test_update_agency_identifier_of_another_unit_is_refused(
    unit_admin: User, other_unit_admin: User, other_commune: AdministrativeUnit
) -> None:
    theirs = add_agency_identifier(
        actor=other_unit_admin, unit=other_commune, identifier="H41.16750", valid_from=D(2025, 7, 1)
    )
    with pytest.raises(PermissionDenied):
        update_agency_identifier(
            actor=unit_admin,
            agency_identifier=theirs,
            identifier="H41.00000",
            valid_from=D(2025, 7, 1),
            valid_until=None,
            note="",
        )
    assert AgencyIdentifier.objects.get(pk=theirs.pk).identifier == "H41.16750"


def test_identifier_pages_add_and_edit(
    client_as: Callable[[User], Client], unit_admin: User, commune: AdministrativeUnit
) -> None:
    client = client_as(unit_admin)

    added = client.post(
        reverse("core:agency_identifier_add"),
        {"identifier": "H41.16770", "valid_from": "2025-07-01", "note": "QĐ tỉnh"},
    )
    identifier = AgencyIdentifier.objects.get(unit=commune)
    edit_url = reverse("core:agency_identifier_edit", args=[identifier.pk])
    form_page = client.get(edit_url)
    edited = client.post(
        edit_url, {"identifier": "H41.16777", "valid_from": "2025-07-01", "note": "QĐ tỉnh"}
    )
    settings_page = client.get(reverse("core:unit_settings"))

    assert added.status_code == 302
    assert form_page.status_code == 200
    assert 'value="2025-07-01"' in form_page.content.decode()
    assert edited.status_code == 302
    identifier.refresh_from_db()
    assert (identifier.identifier, identifier.valid_from, identifier.valid_until) == (
        "H41.16777",
        D(2025, 7, 1),
        None,
    )
    assert "H41.16777" in settings_page.content.decode()
    assert [event.action for event in AuditEvent.objects.filter(unit=commune).order_by("sequence")][
        -2:
    ] == ["unit.agency_identifier_added", "unit.agency_identifier_updated"]


def test_identifier_page_shows_format_and_overlap_errors(
    client_as: Callable[[User], Client], unit_admin: User, commune: AdministrativeUnit
) -> None:
    add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="H41.16777", valid_from=D(2025, 7, 1)
    )
    client = client_as(unit_admin)

    bad_format = client.post(
        reverse("core:agency_identifier_add"),
        {"identifier": "h41.16777", "valid_from": "2025-08-01"},
    )
    overlap = client.post(
        reverse("core:agency_identifier_add"),
        {"identifier": "H41.1", "valid_from": "2025-07-01"},
    )

    assert bad_format.status_code == 200
    assert bad_format.context["form"].errors == {"identifier": [FORMAT_MESSAGE]}
    assert overlap.status_code == 200
    assert overlap.context["form"].non_field_errors() == [
        (
            "Thời gian hiệu lực từ 01/07/2025 trùng với mã định danh H41.16777 (hiệu lực từ "
            "01/07/2025). Mỗi ngày đơn vị chỉ có một mã định danh."
        )
    ]
    assert AgencyIdentifier.objects.count() == 1


def test_editing_another_units_identifier_is_not_found(
    client_as: Callable[[User], Client],
    unit_admin: User,
    other_unit_admin: User,
    other_commune: AdministrativeUnit,
) -> None:
    theirs = add_agency_identifier(
        actor=other_unit_admin, unit=other_commune, identifier="H41.16750", valid_from=D(2025, 7, 1)
    )
    url = reverse("core:agency_identifier_edit", args=[theirs.pk])
    client = client_as(unit_admin)

    assert client.get(url).status_code == 404
    assert client.post(url, {"identifier": "H41.1", "valid_from": "2025-07-01"}).status_code == 404
    assert AgencyIdentifier.objects.get(pk=theirs.pk).identifier == "H41.16750"


# --- Province supervision -----------------------------------------------------------------


@pytest.fixture
def supervised(
    unit_admin: User,
    clerk: User,
    commune: AdministrativeUnit,
    other_commune: AdministrativeUnit,
    make_staff: Callable[..., User],
) -> None:
    make_staff(commune, "clerk", username="da_nghi", is_active=False)
    add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="000.00.00.H41", valid_from=D(2020, 1, 1)
    )
    add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="H41.16777", valid_from=D(2025, 7, 1)
    )


def test_commune_list_shows_the_provinces_communes(
    client_as: Callable[[User], Client],
    province_supervisor: User,
    province: AdministrativeUnit,
    supervised: None,
    far_commune: AdministrativeUnit,
) -> None:
    response = client_as(province_supervisor).get(reverse("core:commune_list"))

    assert response.status_code == 200
    communes = list(response.context["communes"])
    assert len(communes) == 130
    assert {c.pk for c in communes} == set(province.children.values_list("pk", flat=True))
    by_code = {c.code: c for c in communes}
    quy_chau, tien_phong = by_code[16777], by_code[16750]
    assert (quy_chau.current_agency_identifier, quy_chau.active_staff_count) == ("H41.16777", 2)
    assert (tien_phong.current_agency_identifier, tien_phong.active_staff_count) == (None, 0)
    assert (quy_chau.is_hosted, by_code[17329].is_hosted) == (True, False)
    content = response.content.decode()
    assert "Xã Quỳ Châu" in content
    assert "Xã Đông Anh" not in content


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("quy chau", ["Xã Quỳ Châu"]),
        ("Quỳ Châu", ["Xã Quỳ Châu"]),
        ("XA QUY CHAU", ["Xã Quỳ Châu"]),
        ("16777", ["Xã Quỳ Châu"]),
        ("tien phong", ["Xã Tiền Phong"]),
        # Xã Đông Anh is in Hà Nội, not listed; words match in any order, hence this one.
        ("dong anh", ["Xã Anh Sơn Đông"]),
        ("quy hop", ["Xã Quỳ Hợp"]),
    ],
)
def test_commune_list_search(
    client_as: Callable[[User], Client],
    province_supervisor: User,
    far_commune: AdministrativeUnit,
    query: str,
    names: list[str],
) -> None:
    response = client_as(province_supervisor).get(reverse("core:commune_list"), {"q": query})

    assert [c.name for c in response.context["communes"]] == names


def test_commune_list_query_count_does_not_grow_with_data(
    client_as: Callable[[User], Client],
    province_supervisor: User,
    other_commune: AdministrativeUnit,
    make_staff: Callable[..., User],
) -> None:
    client = client_as(province_supervisor)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("core:commune_list"))
    for number in range(3):
        make_staff(other_commune, "clerk", username=f"them_{number}")

    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("core:commune_list"))

    assert len(after.captured_queries) == len(before.captured_queries)
    assert {c.code: c.active_staff_count for c in response.context["communes"]}[16750] == 3


def test_commune_detail_is_read_only_and_hides_contacts(
    client_as: Callable[[User], Client],
    province_supervisor: User,
    commune: AdministrativeUnit,
    unit_admin: User,
    supervised: None,
) -> None:
    User.objects.filter(pk=unit_admin.pk).update(phone="0912345678", job_title="Công chức")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        record_audit_event(actor=unit_admin, action="test.old")

    response = client_as(province_supervisor).get(reverse("core:commune_detail", args=[commune.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert [(s.full_name, s.job_title, s.positions) for s in response.context["staff"]] == [
        ("Lê Thị Quản Trị", "Công chức", ["Quản trị hệ thống của đơn vị"]),
        ("Phạm Thị Văn Thư", "", ["Văn thư"]),
    ]
    assert "quantri@example.test" not in content
    assert "0912345678" not in content
    assert "vanthu" not in content  # usernames are not shown either
    assert [i.identifier for i in response.context["identifiers"]] == [
        "H41.16777",
        "000.00.00.H41",
    ]
    assert response.context["commune"].current_agency_identifier == "H41.16777"
    assert response.context["recent_audit_events"] == 2  # the two identifiers, not the old one
    assert "07:30 – 11:30" in content
    assert "/sua/" not in content  # no edit link
    assert reverse("core:agency_identifier_add") not in content


def test_commune_of_another_province_is_not_found(
    client_as: Callable[[User], Client],
    province_supervisor: User,
    far_commune: AdministrativeUnit,
) -> None:
    response = client_as(province_supervisor).get(
        reverse("core:commune_detail", args=[far_commune.pk])
    )
    assert response.status_code == 404


def test_the_province_itself_is_not_a_commune_detail(
    client_as: Callable[[User], Client], province_supervisor: User, province: AdministrativeUnit
) -> None:
    response = client_as(province_supervisor).get(
        reverse("core:commune_detail", args=[province.pk])
    )
    assert response.status_code == 404


def test_supervisor_cannot_use_the_communes_edit_pages(
    client_as: Callable[[User], Client],
    province_supervisor: User,
    commune: AdministrativeUnit,
    supervised: None,
) -> None:
    identifier = AgencyIdentifier.objects.get(unit=commune, valid_until__isnull=True)
    client = client_as(province_supervisor)

    assert client.get(reverse("core:unit_settings")).status_code == 403
    assert client.post(reverse("core:unit_settings"), _form()).status_code == 403
    assert (
        client.post(
            reverse("core:agency_identifier_add"),
            {"identifier": "H41.1", "valid_from": "2026-01-01"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("core:agency_identifier_edit", args=[identifier.pk]),
            {"identifier": "H41.1", "valid_from": "2025-07-01"},
        ).status_code
        == 403
    )
    assert _hours(commune) == DEFAULT_HOURS
    assert AgencyIdentifier.objects.get(pk=identifier.pk).identifier == "H41.16777"


def test_province_administrator_edits_the_province_not_its_communes(
    client_as: Callable[[User], Client],
    province: AdministrativeUnit,
    commune: AdministrativeUnit,
    make_staff: Callable[..., User],
    supervised: None,
) -> None:
    province_admin = make_staff(province, "unit_admin", username="quantri_tinh")
    identifier = AgencyIdentifier.objects.get(unit=commune, valid_until__isnull=True)
    client = client_as(province_admin)

    settings_page = client.get(reverse("core:unit_settings"))
    edit = client.get(reverse("core:agency_identifier_edit", args=[identifier.pk]))

    assert settings_page.context["unit"] == province
    assert edit.status_code == 404
    with pytest.raises(PermissionDenied):
        update_unit_settings(actor=province_admin, unit=commune, **DEFAULT_HOURS)


def test_commune_staff_cannot_open_supervision_pages(
    client_as: Callable[[User], Client],
    unit_admin: User,
    commune: AdministrativeUnit,
    make_staff: Callable[..., User],
) -> None:
    # Even holding the permission, a commune user supervises nothing.
    commune_with_perm = make_staff(commune, "province_supervisor", username="nham_cho")
    for user in (unit_admin, commune_with_perm):
        client = client_as(user)
        assert client.get(reverse("core:commune_list")).status_code == 403
        assert client.get(reverse("core:commune_detail", args=[commune.pk])).status_code == 403


# --- Tenancy ------------------------------------------------------------------------------


def test_readable_units(
    unit_admin: User,
    province_supervisor: User,
    province: AdministrativeUnit,
    commune: AdministrativeUnit,
    far_commune: AdministrativeUnit,
    make_staff: Callable[..., User],
) -> None:
    superuser = make_staff(None, username="root", is_superuser=True)
    nobody = make_staff(None, username="khong_don_vi")
    disabled = make_staff(commune, "unit_admin", username="bi_khoa", is_active=False)
    province_clerk = make_staff(province, "clerk", username="vanthu_tinh")

    assert list(readable_units(unit_admin)) == [commune]
    assert set(readable_units(province_supervisor)) == {province, *province.children.all()}
    assert list(readable_units(province_clerk)) == [province]
    assert set(readable_units(superuser)) == set(AdministrativeUnit.objects.hosted())
    assert far_commune in set(readable_units(superuser))
    assert list(readable_units(nobody)) == []
    assert list(readable_units(disabled)) == []


def test_can_write_in(
    unit_admin: User,
    province_supervisor: User,
    commune: AdministrativeUnit,
    other_commune: AdministrativeUnit,
    province: AdministrativeUnit,
) -> None:
    assert can_write_in(unit_admin, commune) is True
    assert can_write_in(unit_admin, commune.pk) is True
    assert can_write_in(unit_admin, other_commune) is False
    assert can_write_in(unit_admin, None) is False
    assert can_write_in(province_supervisor, commune) is False
    assert can_write_in(province_supervisor, province) is True


def test_unit_scoped_queryset(
    unit_admin: User,
    other_unit_admin: User,
    province_supervisor: User,
    commune: AdministrativeUnit,
    other_commune: AdministrativeUnit,
) -> None:
    mine = AgencyIdentifier.objects.create(unit=commune, identifier="A1", valid_from=D(2025, 7, 1))
    theirs = AgencyIdentifier.objects.create(
        unit=other_commune, identifier="A2", valid_from=D(2025, 7, 1)
    )
    scoped = UnitScopedQuerySet(model=AgencyIdentifier)

    assert list(scoped.for_unit(commune)) == [mine]
    assert list(scoped.readable_by(unit_admin)) == [mine]
    assert list(scoped.writable_by(unit_admin)) == [mine]
    assert set(scoped.readable_by(province_supervisor)) == {mine, theirs}
    assert list(scoped.writable_by(province_supervisor)) == []
    assert get_readable_or_404(scoped, province_supervisor, pk=theirs.pk) == theirs
    assert get_writable_or_404(scoped, unit_admin, pk=mine.pk) == mine
    with pytest.raises(Http404):
        get_readable_or_404(scoped, other_unit_admin, pk=mine.pk)
    with pytest.raises(Http404):
        get_writable_or_404(scoped, province_supervisor, pk=theirs.pk)


# --- API ----------------------------------------------------------------------------------


def test_api_me(
    client_as: Callable[[User], Client], unit_admin: User, commune: AdministrativeUnit
) -> None:
    response = client_as(unit_admin).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "username": "quantri",
        "full_name": "Lê Thị Quản Trị",
        "unit": {"id": commune.pk, "code": "16777", "name": "Xã Quỳ Châu", "level": "commune"},
        "positions": [{"code": "unit_admin", "name": "Quản trị hệ thống của đơn vị"}],
        "permissions": sorted(unit_admin.get_all_permissions()),
    }
    # The kernel's part of it, written out (other apps add theirs by data migration).
    core_permissions = [p for p in response.json()["permissions"] if p.startswith("core.")]
    assert core_permissions == [
        "core.manage_accounts",
        "core.manage_calendar",
        "core.manage_unit",
        "core.view_audit_trail",
    ]


def test_api_me_with_a_bearer_token(unit_admin: User) -> None:
    _, token = issue_api_token(user=unit_admin, name="thử")

    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert response.json()["username"] == "quantri"


def test_api_units_lists_readable_units(
    client_as: Callable[[User], Client],
    province_supervisor: User,
    unit_admin: User,
    province: AdministrativeUnit,
    commune: AdministrativeUnit,
) -> None:
    own = client_as(unit_admin).get("/api/v1/units").json()
    supervised = client_as(province_supervisor).get("/api/v1/units").json()

    assert own == [
        {
            "id": commune.pk,
            "level": "commune",
            "code": "16777",
            "name": "Xã Quỳ Châu",
            "division_type": "xã",
            "parent_id": province.pk,
            "is_hosted": True,
        }
    ]
    assert len(supervised) == 131
    # Communes first in GSO code order, then the province ("commune" < "province").
    codes = [unit["code"] for unit in supervised]
    assert codes[-1] == "40"
    assert codes[:-1] == sorted(codes[:-1])
    assert {unit["id"] for unit in supervised} == {
        province.pk,
        *province.children.values_list("pk", flat=True),
    }


def test_api_unit_detail(
    client_as: Callable[[User], Client],
    unit_admin: User,
    commune: AdministrativeUnit,
    province: AdministrativeUnit,
) -> None:
    add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="H41.16777", valid_from=D(2025, 7, 1)
    )

    response = client_as(unit_admin).get(f"/api/v1/units/{commune.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": commune.pk,
        "level": "commune",
        "code": "16777",
        "name": "Xã Quỳ Châu",
        "division_type": "xã",
        "parent_id": province.pk,
        "parent_name": "Nghệ An",
        "is_hosted": True,
        "agency_identifier": "H41.16777",
        "saturday_morning_service": False,
        "morning_start": "07:30:00",
        "morning_end": "11:30:00",
        "afternoon_start": "13:30:00",
        "afternoon_end": "17:00:00",
        "cutoff_time": "15:00:00",
        "cutoff_inclusive": False,
    }


def test_api_unit_detail_outside_is_not_found(
    client_as: Callable[[User], Client],
    unit_admin: User,
    province: AdministrativeUnit,
    other_commune: AdministrativeUnit,
) -> None:
    client = client_as(unit_admin)
    assert client.get(f"/api/v1/units/{other_commune.pk}").status_code == 404
    assert client.get(f"/api/v1/units/{province.pk}").status_code == 404


# --- Isolation ----------------------------------------------------------------------------


# "My unit" pages and lists: the other unit's user gets their own, without this unit's name.
_MY_UNIT = {"other_unit_status": 200, "hidden_text": "Quỳ Châu"}


@pytest.mark.parametrize(
    ("url", "allowed", "wrong_role", "other_unit", "options"),
    [
        pytest.param(
            lambda unit: reverse("core:unit_settings"),
            "unit_admin",
            "clerk",
            "other_unit_admin",
            _MY_UNIT,
            id="unit_settings",
        ),
        pytest.param(
            lambda unit: reverse("core:agency_identifier_add"),
            "unit_admin",
            "clerk",
            "other_unit_admin",
            _MY_UNIT,
            id="agency_identifier_add",
        ),
        pytest.param(
            lambda unit: reverse("core:commune_list"),
            "province_supervisor",
            "province_clerk",
            "hanoi_supervisor",
            _MY_UNIT,
            id="commune_list",
        ),
        pytest.param(
            lambda unit: reverse("core:commune_detail", args=[unit.pk]),
            "province_supervisor",
            "province_clerk",
            "hanoi_supervisor",
            {},
            id="commune_detail",
        ),
        pytest.param(
            lambda unit: "/api/v1/me",
            "unit_admin",
            None,
            "other_unit_admin",
            {"api": True, **_MY_UNIT},
            id="api_me",
        ),
        pytest.param(
            lambda unit: "/api/v1/units",
            "unit_admin",
            None,
            "other_unit_admin",
            {"api": True, **_MY_UNIT},
            id="api_units",
        ),
        pytest.param(
            lambda unit: f"/api/v1/units/{unit.pk}",
            "unit_admin",
            None,
            "other_unit_admin",
            {"api": True},
            id="api_unit_detail",
        ),
    ],
)
def test_page_isolation(
    request: pytest.FixtureRequest,
    commune: AdministrativeUnit,
    url: Callable[[AdministrativeUnit], str],
    allowed: str,
    wrong_role: str | None,
    other_unit: str,
    options: dict[str, Any],
) -> None:
    """Each read page of units: allowed, wrong role 403, other unit 404 or its own, anonymous."""
    assert_isolation(
        IsolationCase(
            url=url(commune),
            allowed=request.getfixturevalue(allowed),
            wrong_role=request.getfixturevalue(wrong_role) if wrong_role else None,
            other_unit=request.getfixturevalue(other_unit),
            allowed_status=200,
            **options,
        )
    )


def test_unit_settings_post_isolation(
    unit_admin: User,
    clerk: User,
    other_unit_admin: User,
    commune: AdministrativeUnit,
    other_commune: AdministrativeUnit,
) -> None:
    assert_isolation(
        IsolationCase(
            url=reverse("core:unit_settings"),
            method="post",
            data=_form(cutoff_time="16:30"),
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=302,
            # The other administrator's post changes their own commune, never this one.
            other_unit_status=302,
        )
    )
    assert _hours(commune)["cutoff_time"] == T(16, 30)
    assert _hours(other_commune)["cutoff_time"] == T(16, 30)
    assert AuditEvent.objects.filter(action="unit.updated").count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_agency_identifier_edit_isolation(
    unit_admin: User, clerk: User, other_unit_admin: User, commune: AdministrativeUnit, method: str
) -> None:
    identifier = add_agency_identifier(
        actor=unit_admin, unit=commune, identifier="H41.16777", valid_from=D(2025, 7, 1)
    )
    assert_isolation(
        IsolationCase(
            url=reverse("core:agency_identifier_edit", args=[identifier.pk]),
            method=method,
            data={"identifier": "H41.16777", "valid_from": "2025-07-01", "note": "đã kiểm tra"},
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=302 if method == "post" else 200,
        )
    )
