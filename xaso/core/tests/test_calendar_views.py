"""The working-day calendar: services, pages and API through the test client.

Dates are from the official 2026 calendar (see test_working_days.py); every expected value
is written out by hand.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError

from xaso.core import working_days
from xaso.core.api_auth import issue_api_token
from xaso.core.models import AuditEvent
from xaso.core.models import CalendarOverride
from xaso.core.models import CalendarYear
from xaso.core.services.calendar import add_calendar_override
from xaso.core.services.calendar import approve_calendar_year
from xaso.core.services.calendar import calendar_for_unit
from xaso.core.services.calendar import delete_calendar_override
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation

pytestmark = pytest.mark.django_db

D = datetime.date
PAGE = "/lich-lam-viec/"
ADD = "/lich-lam-viec/dieu-chinh/them/"
APPROVE = "/lich-lam-viec/duyet-nam/"
API_DAYS = "/api/v1/calendar/working-days"
API_DEADLINE = "/api/v1/calendar/deadline"


def delete_url(override: CalendarOverride) -> str:
    return f"/lich-lam-viec/dieu-chinh/{override.pk}/xoa/"


def make_override(unit, day, kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ thêm", ref="TB 1"):
    return CalendarOverride.objects.create(
        unit=unit, date=day, kind=kind, reason=reason, legal_reference=ref
    )


VALID_OVERRIDE = {
    "date": "2026-03-10",
    "kind": "day_off",
    "reason": "Nghỉ bầu cử bổ sung",
    "legal_reference": "QĐ 15/QĐ-UBND ngày 01/3/2026",
}


# --- calendar_for_unit ------------------------------------------------------------------


def test_calendar_for_unit_layers_package_province_and_commune(province, commune):
    make_override(province, D(2026, 3, 10), reason="Tỉnh cho nghỉ")
    make_override(
        commune, D(2026, 3, 10), CalendarOverride.Kind.WORKING_DAY, reason="Xã vẫn làm việc"
    )
    make_override(province, D(2026, 3, 11), reason="Tỉnh cho nghỉ ngày 11")
    CalendarYear.objects.create(unit=province, year=2026, legal_reference="TB tỉnh")

    cal = calendar_for_unit(commune)

    assert working_days.is_working_day(cal, D(2026, 3, 10)) is True  # commune beats province
    assert working_days.holiday_name(cal, D(2026, 3, 11)) == "Tỉnh cho nghỉ ngày 11"
    assert working_days.holiday_name(cal, D(2026, 2, 17)) == "Tết Nguyên Đán"
    assert cal.approved_years == frozenset({2026})
    assert cal.office_periods == (
        (datetime.time(7, 30), datetime.time(11, 30)),
        (datetime.time(13, 30), datetime.time(17, 0)),
    )
    assert cal.cutoff_time == datetime.time(15, 0)
    assert cal.cutoff_inclusive is False


def test_calendar_for_unit_uses_the_units_hours_and_cutoff(commune):
    commune.afternoon_end = datetime.time(16, 30)
    commune.cutoff_time = datetime.time(16, 0)
    commune.cutoff_inclusive = True
    commune.saturday_morning_service = True
    commune.save()

    cal = calendar_for_unit(commune)

    assert cal.closing_time == datetime.time(16, 30)
    assert cal.cutoff_time == datetime.time(16, 0)
    assert cal.cutoff_inclusive is True
    assert cal.saturday_morning_service is True


def test_other_communes_overrides_do_not_leak(commune, other_commune):
    make_override(other_commune, D(2026, 3, 10), reason="Chỉ xã khác nghỉ")

    assert working_days.is_working_day(calendar_for_unit(commune), D(2026, 3, 10)) is True


# --- services ---------------------------------------------------------------------------


def test_add_override_saves_and_audits(unit_admin, commune):
    override = add_calendar_override(
        actor=unit_admin,
        unit=commune,
        date=D(2026, 3, 10),
        kind=CalendarOverride.Kind.DAY_OFF,
        reason=" Nghỉ bầu cử ",
        legal_reference="QĐ 15/QĐ-UBND",
    )

    assert override.unit == commune
    assert override.reason == "Nghỉ bầu cử"
    assert override.created_by == unit_admin
    event = AuditEvent.objects.get(action="calendar.override_added")
    assert event.unit == commune
    assert event.actor == unit_admin
    assert event.target_type == "core.calendaroverride"
    assert event.target_id == str(override.pk)
    assert event.data == {
        "date": "2026-03-10",
        "kind": "day_off",
        "reason": "Nghỉ bầu cử",
        "legal_reference": "QĐ 15/QĐ-UBND",
    }


@pytest.mark.parametrize(
    ("day", "kind", "field", "message"),
    [
        # Monday 9/3/2026 already is a working day.
        (D(2026, 3, 9), "working_day", "kind", "Ngày 09/03/2026 đã là ngày làm việc"),
        # Sunday 8/3/2026 and Tết 17/2/2026 already are days off.
        (D(2026, 3, 8), "day_off", "kind", "Ngày 08/03/2026 đã là ngày nghỉ"),
        (D(2026, 2, 17), "day_off", "kind", "Ngày 17/02/2026 đã là ngày nghỉ"),
        # The make-up Saturday 22/8/2026 already is a working day.
        (D(2026, 8, 22), "working_day", "kind", "Ngày 22/08/2026 đã là ngày làm việc"),
        (D(1999, 3, 9), "day_off", "date", "Chỉ điều chỉnh được các ngày từ năm 2000"),
    ],
)
def test_add_override_refuses_changes_that_change_nothing(
    unit_admin, commune, day, kind, field, message
):
    with pytest.raises(ValidationError) as caught:
        add_calendar_override(
            actor=unit_admin, unit=commune, date=day, kind=kind, reason="X", legal_reference="Y"
        )

    assert message in caught.value.message_dict[field][0]
    assert not CalendarOverride.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


def test_add_override_refuses_a_second_override_on_the_same_date(unit_admin, commune):
    make_override(commune, D(2026, 3, 10))

    with pytest.raises(ValidationError) as caught:
        add_calendar_override(
            actor=unit_admin,
            unit=commune,
            date=D(2026, 3, 10),
            kind="working_day",
            reason="Đổi ý",
            legal_reference="QĐ 2",
        )

    assert caught.value.message_dict["date"] == [
        "Ngày 10/03/2026 đã có điều chỉnh; hãy xóa điều chỉnh cũ trước."
    ]
    assert CalendarOverride.objects.get().kind == "day_off"


def test_commune_may_undo_a_province_day_off(unit_admin, province, commune):
    make_override(province, D(2026, 3, 10), reason="Tỉnh cho nghỉ")

    override = add_calendar_override(
        actor=unit_admin,
        unit=commune,
        date=D(2026, 3, 10),
        kind="working_day",
        reason="Xã trực tiếp nhận hồ sơ",
        legal_reference="QĐ 3",
    )

    assert override.unit == commune
    assert working_days.is_working_day(calendar_for_unit(commune), D(2026, 3, 10)) is True


def test_add_override_requires_a_legal_reference(unit_admin, commune):
    with pytest.raises(ValidationError) as caught:
        add_calendar_override(
            actor=unit_admin,
            unit=commune,
            date=D(2026, 3, 10),
            kind="day_off",
            reason="Nghỉ",
            legal_reference="  ",
        )

    assert "legal_reference" in caught.value.message_dict
    assert not CalendarOverride.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "other_unit_admin"])
def test_services_refuse_users_who_do_not_manage_the_units_calendar(request, who, commune):
    actor = request.getfixturevalue(who)
    override = make_override(commune, D(2026, 3, 10))

    with pytest.raises(PermissionDenied):
        add_calendar_override(
            actor=actor,
            unit=commune,
            date=D(2026, 3, 11),
            kind="day_off",
            reason="Nghỉ",
            legal_reference="QĐ",
        )
    with pytest.raises(PermissionDenied):
        delete_calendar_override(actor=actor, override=override)
    with pytest.raises(PermissionDenied):
        approve_calendar_year(actor=actor, unit=commune, year=2026, legal_reference="TB")

    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [D(2026, 3, 10)]
    assert not CalendarYear.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


def test_delete_override_audits_what_it_said(unit_admin, commune):
    override = make_override(commune, D(2026, 3, 10), reason="Nghỉ thêm", ref="TB 7")
    pk = override.pk

    delete_calendar_override(actor=unit_admin, override=override)

    assert not CalendarOverride.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="calendar.override_deleted")
    assert event.target_id == str(pk)
    assert event.data == {
        "date": "2026-03-10",
        "kind": "day_off",
        "reason": "Nghỉ thêm",
        "legal_reference": "TB 7",
    }


def test_approve_year_saves_audits_and_refuses_twice(unit_admin, commune):
    make_override(commune, D(2026, 3, 10))

    approval = approve_calendar_year(
        actor=unit_admin, unit=commune, year=2026, legal_reference="TB 6150/TB-BNV"
    )

    assert approval.approved_by == unit_admin
    event = AuditEvent.objects.get(action="calendar.year_approved")
    assert event.data == {"year": 2026, "legal_reference": "TB 6150/TB-BNV", "override_count": 1}
    with pytest.raises(ValidationError) as caught:
        approve_calendar_year(actor=unit_admin, unit=commune, year=2026, legal_reference="TB")
    assert caught.value.message_dict["year"] == ["Lịch năm 2026 đã được duyệt."]
    assert CalendarYear.objects.count() == 1
    assert AuditEvent.objects.filter(action="calendar.year_approved").count() == 1


# --- the year page ----------------------------------------------------------------------


def test_year_page_shows_months_holidays_overrides_and_status(client_as, clerk, province, commune):
    make_override(province, D(2026, 3, 11), reason="Tỉnh cho nghỉ", ref="QĐ 9/QĐ-UBND tỉnh")
    make_override(commune, D(2026, 3, 10), reason="Nghỉ bầu cử bổ sung", ref="QĐ 15/QĐ-UBND")

    response = client_as(clerk).get(PAGE, {"nam": 2026})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Lịch ngày làm việc năm 2026" in html
    assert html.count('class="card cal-month"') == 12
    assert "Tháng 12" in html
    assert "Chú giải" in html
    assert "Tết Nguyên Đán" in html
    assert "Ngày Văn hóa Việt Nam" in html
    assert "Ngày nghỉ (thay cho ngày 22/08/2026)" in html
    assert 'class="day day-make_up_working"' in html  # Saturday 22/8/2026
    assert 'class="day day-override_day_off" title="Nghỉ bầu cử bổ sung"' in html
    assert "QĐ 15/QĐ-UBND" in html
    assert "QĐ 9/QĐ-UBND tỉnh" in html
    assert "Chưa duyệt" in html
    # An official without the permission gets no management controls.
    assert ADD not in html
    assert APPROVE not in html


@pytest.mark.parametrize("year", [None, "abc", "1800"])
def test_year_page_falls_back_to_the_current_year(client_as, clerk, year):
    params = {} if year is None else {"nam": year}

    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=working_days.VIETNAM_TZ)):
        response = client_as(clerk).get(PAGE, params)

    assert response.status_code == 200
    assert "Lịch ngày làm việc năm 2027" in response.content.decode()


def test_year_page_refuses_a_garbled_unit(client_as, clerk):
    response = client_as(clerk).get(PAGE, {"don-vi": "abc"})

    assert response.status_code == 404


def test_year_page_shows_a_province_approval(client_as, clerk, province, commune):
    CalendarYear.objects.create(unit=province, year=2026, legal_reference="TB tỉnh số 5")

    html = client_as(clerk).get(PAGE, {"nam": 2026}).content.decode()

    assert "Đã duyệt" in html
    assert "TB tỉnh số 5" in html
    assert province.name in html


def test_admin_sees_management_controls(client_as, unit_admin, commune):
    override = make_override(commune, D(2026, 3, 10))

    html = client_as(unit_admin).get(PAGE, {"nam": 2026}).content.decode()

    assert ADD in html
    assert APPROVE in html
    assert delete_url(override) in html


def test_supervisor_views_a_commune_of_the_province(client_as, province_supervisor, commune):
    make_override(commune, D(2026, 3, 10), reason="Nghỉ bầu cử bổ sung")

    response = client_as(province_supervisor).get(PAGE, {"nam": 2026, "don-vi": commune.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert commune.name in html
    assert "Nghỉ bầu cử bổ sung" in html
    assert APPROVE not in html


def test_supervisor_of_another_province_gets_404(client_as, make_staff, far_commune, commune):
    far_supervisor = make_staff(far_commune.parent, "province_supervisor")

    response = client_as(far_supervisor).get(PAGE, {"don-vi": commune.pk})

    assert response.status_code == 404


def test_user_without_unit_gets_404(client_as, make_staff):
    response = client_as(make_staff(None, "clerk")).get(PAGE)

    assert response.status_code == 404


def test_commune_staff_cannot_name_another_commune(client_as, clerk, other_commune):
    response = client_as(clerk).get(PAGE, {"don-vi": other_commune.pk})

    assert response.status_code == 404


# --- deadline calculator ----------------------------------------------------------------


def test_calculator_shows_the_first_working_day_after_tet(client_as, clerk):
    response = client_as(clerk).get(
        PAGE, {"nam": 2026, "received_at": "2026-02-13T15:01", "working_days": "0"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    result = html.split('id="deadline-result"', 1)[1]
    # Counts from 07:30 on Monday 23/2/2026 and is due at 17:00 the same day.
    assert "Bắt đầu tính từ: <strong>07:30 ngày 23/02/2026 (Thứ 2)</strong>" in result
    assert "Hạn trả kết quả: <strong>17:00 ngày 23/02/2026 (Thứ 2)</strong>" in result
    assert "Cần kiểm tra lại" in result  # 2026 is not approved


def test_calculator_htmx_returns_the_card_only(client_as, clerk):
    response = client_as(clerk).get(
        PAGE,
        {"received_at": "2026-03-06T16:00", "working_hours": "4"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith('<section class="card" id="deadline-calculator">')
    # A dossier received Friday 6/3/2026 16:00 (after 15:00) counts from Monday 9/3 07:30;
    # + 4 working hours → 11:30.
    assert "Bắt đầu tính từ: <strong>07:30 ngày 09/03/2026 (Thứ 2)</strong>" in html
    assert "Hạn trả kết quả: <strong>11:30 ngày 09/03/2026 (Thứ 2)</strong>" in html


def test_calculator_refuses_both_limits(client_as, clerk):
    response = client_as(clerk).get(
        PAGE, {"received_at": "2026-03-06T09:00", "working_days": "2", "working_hours": "4"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "chỉ một trong hai" in html
    assert 'id="deadline-result"' not in html


# --- override pages ---------------------------------------------------------------------


def test_add_override_page_saves_and_redirects(client_as, unit_admin, commune):
    response = client_as(unit_admin).post(ADD, VALID_OVERRIDE)

    assert response.status_code == 302
    assert response["Location"] == "/lich-lam-viec/?nam=2026"
    override = CalendarOverride.objects.get()
    assert (override.unit, override.date, override.kind) == (commune, D(2026, 3, 10), "day_off")
    assert override.legal_reference == "QĐ 15/QĐ-UBND ngày 01/3/2026"
    assert AuditEvent.objects.filter(action="calendar.override_added").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "2026-03-09", "kind": "working_day"}, "đã là ngày làm việc"),
        ({"date": "2026-03-08"}, "đã là ngày nghỉ"),
        ({"legal_reference": ""}, "Trường này là bắt buộc"),
        ({"date": "31/02/2026"}, "Nhập một ngày hợp lệ"),
        ({"kind": "holiday"}, "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_add_override_page_rejects_bad_input(client_as, unit_admin, changes, message):
    response = client_as(unit_admin).post(ADD, {**VALID_OVERRIDE, **changes})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarOverride.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


def test_delete_override_page(client_as, unit_admin, commune):
    override = make_override(commune, D(2026, 3, 10))

    response = client_as(unit_admin).post(delete_url(override))

    assert response.status_code == 302
    assert response["Location"] == "/lich-lam-viec/?nam=2026"
    assert not CalendarOverride.objects.exists()
    assert AuditEvent.objects.filter(action="calendar.override_deleted").count() == 1


def test_delete_refuses_get(client_as, unit_admin, commune):
    override = make_override(commune, D(2026, 3, 10))

    response = client_as(unit_admin).get(delete_url(override))

    assert response.status_code == 405
    assert CalendarOverride.objects.filter(pk=override.pk).exists()


def test_commune_admin_cannot_delete_the_provinces_override(client_as, unit_admin, province):
    override = make_override(province, D(2026, 3, 10))

    response = client_as(unit_admin).post(delete_url(override))

    assert response.status_code == 404
    assert CalendarOverride.objects.filter(pk=override.pk).exists()


def test_approve_page_saves_and_redirects(client_as, unit_admin, commune):
    response = client_as(unit_admin).post(APPROVE, {"year": 2026, "legal_reference": "TB 1"})

    assert response.status_code == 302
    assert response["Location"] == "/lich-lam-viec/?nam=2026"
    approval = CalendarYear.objects.get()
    assert (approval.unit, approval.year, approval.approved_by) == (commune, 2026, unit_admin)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": 2026, "legal_reference": ""}, "Trường này là bắt buộc"),
        ({"year": 1990, "legal_reference": "TB"}, "2000"),
        ({"year": 2027, "legal_reference": "TB"}, "Lịch năm 2027 đã được duyệt."),
    ],
)
def test_approve_page_rejects_bad_input(client_as, unit_admin, commune, data, message):
    CalendarYear.objects.create(unit=commune, year=2027, legal_reference="TB cũ")

    response = client_as(unit_admin).post(APPROVE, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2027]
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


# --- API --------------------------------------------------------------------------------


def test_api_working_days_lists_days_off_with_names(client_as, clerk, commune):
    make_override(commune, D(2026, 3, 10), reason="Nghỉ bầu cử bổ sung", ref="QĐ 15")

    response = client_as(clerk).get(API_DAYS, {"year": 2026})

    assert response.status_code == 200
    body = response.json()
    assert body["unit_id"] == commune.pk
    assert body["year"] == 2026
    assert body["approved"] is False
    days_off = {day["date"]: (day["kind"], day["name"]) for day in body["non_working_days"]}
    assert days_off["2026-02-17"] == ("holiday", "Tết Nguyên Đán")
    assert days_off["2026-08-31"] == ("holiday", "Ngày nghỉ (thay cho ngày 22/08/2026)")
    assert days_off["2026-11-24"] == ("holiday", "Ngày Văn hóa Việt Nam")
    assert days_off["2026-03-10"] == ("override_day_off", "Nghỉ bầu cử bổ sung")
    assert "2026-03-07" not in days_off  # plain Saturday
    assert [day["date"] for day in body["extra_working_days"]] == ["2026-08-22"]


def test_api_working_days_rejects_an_absurd_year(client_as, clerk):
    response = client_as(clerk).get(API_DAYS, {"year": 1800})

    assert response.status_code == 422


def test_api_deadline_after_cutoff_on_the_eve_of_tet(client_as, clerk):
    response = client_as(clerk).post(
        API_DEADLINE,
        {"received_at": "2026-02-13T15:01:00+07:00", "working_days": 1},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "counting_start": "2026-02-23T07:30:00+07:00",
        "due_at": "2026-02-24T17:00:00+07:00",
        "needs_review": True,
    }


def test_api_deadline_in_hours_with_naive_time_and_approved_year(client_as, clerk, commune):
    CalendarYear.objects.create(unit=commune, year=2026, legal_reference="TB")

    response = client_as(clerk).post(
        API_DEADLINE,
        {"received_at": "2026-03-10T10:30:00", "working_hours": 4},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "counting_start": "2026-03-10T10:30:00+07:00",
        "due_at": "2026-03-10T16:30:00+07:00",
        "needs_review": False,
    }


def test_api_deadline_needs_exactly_one_limit(client_as, clerk):
    response = client_as(clerk).post(
        API_DEADLINE, {"received_at": "2026-03-10T10:30:00+07:00"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_api_accepts_a_bearer_token(clerk, client):
    _token, clear = issue_api_token(user=clerk, name="Máy tính bảng")

    response = client.get(API_DAYS, {"year": 2027}, headers={"Authorization": f"Bearer {clear}"})

    assert response.status_code == 200
    dates = [day["date"] for day in response.json()["non_working_days"]]
    assert {"2027-02-04", "2027-02-10", "2027-05-03"} <= set(dates)


# --- tenancy: every page and route ------------------------------------------------------


def test_isolation_year_page(clerk, other_unit_admin, commune):
    make_override(commune, D(2026, 3, 10), reason="Bí mật của xã Quỳ Châu")

    assert_isolation(
        IsolationCase(
            url=f"{PAGE}?nam=2026",
            allowed=clerk,
            other_unit=other_unit_admin,
            other_unit_status=200,
            hidden_text="Bí mật của xã Quỳ Châu",
        )
    )


def test_isolation_year_page_of_a_named_commune(province_supervisor, other_unit_admin, commune):
    assert_isolation(
        IsolationCase(
            url=f"{PAGE}?don-vi={commune.pk}",
            allowed=province_supervisor,
            other_unit=other_unit_admin,
        )
    )


def test_isolation_override_add_page(unit_admin, clerk, other_unit_admin, commune):
    assert_isolation(
        IsolationCase(
            url=ADD,
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            other_unit_status=200,
            hidden_text=commune.name,
            allowed_status=200,
        )
    )


def test_isolation_override_add_post(unit_admin, clerk, other_unit_admin, commune, other_commune):
    assert_isolation(
        IsolationCase(
            url=ADD,
            method="post",
            data=VALID_OVERRIDE,
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            # The other administrator writes in their own unit only.
            other_unit_status=302,
            allowed_status=302,
        )
    )

    assert sorted(CalendarOverride.objects.values_list("unit_id", flat=True)) == sorted(
        [commune.pk, other_commune.pk]
    )


def test_isolation_override_delete(unit_admin, clerk, other_unit_admin, commune):
    override = make_override(commune, D(2026, 3, 10))

    assert_isolation(
        IsolationCase(
            url=delete_url(override),
            method="post",
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=302,
        )
    )

    assert not CalendarOverride.objects.exists()


def test_isolation_year_approve(unit_admin, clerk, other_unit_admin, commune, other_commune):
    assert_isolation(
        IsolationCase(
            url=APPROVE,
            method="post",
            data={"year": 2026, "legal_reference": "TB 1"},
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            other_unit_status=302,
            allowed_status=302,
        )
    )

    assert sorted(CalendarYear.objects.values_list("unit_id", "approved_by_id")) == sorted(
        [(commune.pk, unit_admin.pk), (other_commune.pk, other_unit_admin.pk)]
    )


def test_isolation_api_working_days(clerk, other_unit_admin, commune):
    make_override(commune, D(2026, 3, 10), reason="Bí mật của xã Quỳ Châu")

    assert_isolation(
        IsolationCase(
            url=f"{API_DAYS}?year=2026",
            api=True,
            allowed=clerk,
            other_unit=other_unit_admin,
            other_unit_status=200,
            hidden_text="Bí mật của xã Quỳ Châu",
            allowed_status=200,
        )
    )


def test_isolation_api_working_days_of_a_named_commune(
    province_supervisor, other_unit_admin, commune
):
    assert_isolation(
        IsolationCase(
            url=f"{API_DAYS}?unit={commune.pk}",
            api=True,
            allowed=province_supervisor,
            other_unit=other_unit_admin,
            allowed_status=200,
        )
    )


def test_isolation_api_deadline(clerk, other_unit_admin, commune):
    assert_isolation(
        IsolationCase(
            url=API_DEADLINE,
            method="post",
            content_type="application/json",
            data={
                "received_at": "2026-03-10T10:30:00+07:00",
                "working_days": 1,
                "unit": commune.pk,
            },
            api=True,
            allowed=clerk,
            other_unit=other_unit_admin,
            allowed_status=200,
        )
    )
