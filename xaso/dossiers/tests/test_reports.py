"""The dossier tracking book, the statistics of a period and the overdue list.

The dossiers are received through the reception service at known times; those that
finished are then closed by ORM updates with the values the closing services write.
Office hours are 07:30–11:30 and 13:30–17:00 (7.5 h a day); March 2026 has no holiday.
Procedures take 5 working days, day 1 being the day after receipt.
"""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers import reports
from xaso.dossiers.models import Dossier
from xaso.dossiers.tests.factories import ProcedureFactory
from xaso.dossiers.tests.factories import ProcedureFieldFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = Decimal


def at(day: int, hour: int, minute: int = 0, *, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=VN)


def naive(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(tzinfo=None)


def close(dossier: Dossier, *, status: str, moment: datetime.datetime, outcome: str = "") -> None:
    """Close a dossier as the return / refusal / withdrawal services do."""
    values = {
        "status": status,
        "closed_at": moment,
        "timing_outcome": outcome,
        "current_step": None,
    }
    if status == Dossier.Status.RETURNED:
        values.update(returned_at=moment, result_ready_at=moment, returned_to="Nguyễn Thị An")
    Dossier.objects.filter(pk=dossier.pk).update(**values)


@pytest.fixture
def certification(identified_commune):
    field = ProcedureFieldFactory(code="chung-thuc", name="Chứng thực")
    return ProcedureFactory(
        unit=identified_commune,
        code="2.000815",
        name="Chứng thực bản sao từ bản chính",
        field=field,
    )


@pytest.fixture
def march(receive, procedure, certification, applicant, justice_official, commune):
    """Eight dossiers of Xã Quỳ Châu around March 2026, received in this order (book 1–8):

    H  Mon 02/02 09:00, returned Thu 05/02            closed before March: not in March
    G  Fri 27/02 09:00, due Fri 06/03, returned Mon 02/03 10:00   early (carried over)
    A  Mon 02/03 09:00, due Mon 09/03, returned Thu 05/03 10:00   early (outcome recomputed)
    B  Tue 03/03 09:00, due Tue 10/03, returned Tue 10/03 16:00   on time
    C  Wed 04/03 09:00, due Wed 11/03, returned Thu 12/03 09:00   late (certification)
    D  Thu 05/03 09:00, due Thu 12/03, open                        overdue
    F  Fri 06/03 09:00, withdrawn Mon 09/03                        neither
    E  Mon 30/03 09:00, due Mon 06/04, open, online                within its deadline
    """
    names = "HGABCDFE"
    times = {
        "H": at(2, 9, month=2),
        "G": at(27, 9, month=2),
        "A": at(2, 9),
        "B": at(3, 9),
        "C": at(4, 9),
        "D": at(5, 9),
        "F": at(6, 9),
        "E": at(30, 9),
    }
    dossiers = {}
    for name in names:
        dossiers[name] = receive(
            certification if name == "C" else procedure,
            applicant,
            received_at=times[name],
            channel="online" if name == "E" else "direct",
        )
    close(dossiers["H"], status="returned", moment=at(5, 9, month=2), outcome="early")
    close(dossiers["G"], status="returned", moment=at(2, 10), outcome="early")
    close(dossiers["A"], status="returned", moment=at(5, 10))
    close(dossiers["B"], status="returned", moment=at(10, 16), outcome="on_time")
    close(dossiers["C"], status="returned", moment=at(12, 9), outcome="late")
    close(dossiers["F"], status="withdrawn", moment=at(9, 8))
    # A's appraisal, finished by the justice official a day before its step was due.
    step = dossiers["A"].steps.get(order=2)
    step.status = "done"
    step.due_at = at(5, 16, 30)
    step.finished_at = at(4, 10)
    step.finished_by = justice_official
    step.save()
    return {name: Dossier.objects.get(pk=dossier.pk) for name, dossier in dossiers.items()}


@pytest.fixture
def other_units_dossier(receive, other_procedure, other_applicant, other_counter_officer):
    return receive(
        other_procedure, other_applicant, actor=other_counter_officer, received_at=at(3, 9)
    )


def test_due_times_of_the_scenario(march):
    assert {name: d.due_at for name, d in march.items() if name in "GABCDE"} == {
        "G": at(6, 17),
        "A": at(9, 17),
        "B": at(10, 17),
        "C": at(11, 17),
        "D": at(12, 17),
        "E": at(6, 17, month=4),
    }


# --- statistics -----------------------------------------------------------------------------


@pytest.fixture
def march_statistics(march, other_units_dossier, commune):
    return reports.compute_statistics(
        unit=commune,
        date_from=datetime.date(2026, 3, 1),
        date_to=datetime.date(2026, 3, 31),
        now=datetime.datetime(2026, 11, 22, 9, 0, tzinfo=VN),
    )


def test_period_counts_and_rates(march_statistics):
    total = march_statistics.total

    assert march_statistics.as_of == datetime.datetime(2026, 4, 1, 0, 0, tzinfo=VN)
    # Received in March: A B C D F E.
    assert total.received == 6
    # Finished in March: G (carried over) A early, B on time, C late.
    assert (total.finished, total.early, total.on_time, total.late) == (4, 2, 1, 1)
    # Open on 31 March: D overdue, E within its deadline; F withdrawn counts in neither.
    assert (total.in_progress, total.in_progress_within, total.in_progress_overdue) == (2, 1, 1)
    assert total.dropped == 1
    # 2.1: (2 early + 1 on time + 1 open within deadline) / (4 finished + 2 open) = 4/6.
    assert total.on_time_rate == D("66.7")
    assert (total.early_rate, total.on_time_only_rate, total.late_rate) == (
        D("50.0"),
        D("25.0"),
        D("25.0"),
    )


def test_average_processing_time(march_statistics):
    """Office time from the counting start to the return:
    G 6 + 2.5 = 8.5 h; A 6 + 7.5 + 7.5 + 2.5 = 23.5 h; B 6 + 4 × 7.5 + 6.5 = 42.5 h;
    C 6 + 5 × 7.5 + 1.5 = 45 h. Average 119.5 / 4 = 29.875 → 29.9 h.
    Elapsed: G 3 d 1 h, A 3 d 1 h, B 7 d 7 h, C 8 d → 21.375 / 4 = 5.34 → 5.3 days."""
    total = march_statistics.total

    assert total.working_hours_total == D("119.5")
    assert total.average_working_hours == D("29.9")
    assert total.average_calendar_days == D("5.3")


def test_breakdowns_by_field_procedure_channel_and_month(march_statistics):
    by_field = {row.label: row.counts for row in march_statistics.by_field}
    certification = by_field["Chứng thực"]
    civil_status = by_field["Hộ tịch"]

    assert list(by_field) == ["Chứng thực", "Hộ tịch"]
    assert (certification.received, certification.finished, certification.late) == (1, 1, 1)
    assert certification.on_time_rate == D("0.0")
    assert (civil_status.received, civil_status.finished, civil_status.in_progress) == (5, 3, 2)
    assert civil_status.on_time_rate == D("80.0")
    assert [(row.key, row.counts.processed) for row in march_statistics.by_procedure] == [
        ("1.000894", 5),
        ("2.000815", 1),
    ]
    by_channel = {row.key: row.counts for row in march_statistics.by_channel}
    assert list(by_channel) == ["direct", "online"]
    assert (by_channel["online"].received, by_channel["online"].in_progress_within) == (1, 1)
    assert by_channel["online"].on_time_rate == D("100.0")
    assert [(row.label, row.counts.received) for row in march_statistics.by_month] == [
        ("03/2026", 6)
    ]


def test_by_official_counts_the_steps_they_finished(
    march_statistics, counter_officer, justice_official
):
    rows = {row.name: row for row in march_statistics.by_official}

    # Six receptions in March (A B C D F E), each on time; A's appraisal a day early.
    assert (rows[str(counter_officer)].finished, rows[str(counter_officer)].on_time) == (6, 6)
    assert (rows[str(justice_official)].finished, rows[str(justice_official)].early) == (1, 1)
    assert rows[str(justice_official)].on_time_rate == D("100.0")


def test_a_period_not_over_yet_is_counted_now(march, commune):
    stats = reports.compute_statistics(
        unit=commune,
        date_from=datetime.date(2026, 3, 1),
        date_to=datetime.date(2026, 3, 31),
        now=at(10, 12),
    )

    total = stats.total
    assert stats.as_of == at(10, 12)
    # By Tue 10/03 12:00: G, A finished early; B, C, D open and within; E not yet received.
    assert (total.received, total.finished, total.early) == (5, 2, 2)
    assert (total.in_progress, total.in_progress_within, total.in_progress_overdue) == (3, 3, 0)
    assert total.dropped == 1
    assert total.on_time_rate == D("100.0")


# --- overdue list ---------------------------------------------------------------------------


def test_overdue_list_shows_the_current_step_and_holder(march, commune):
    rows = reports.overdue_dossiers(unit=commune, now=at(31, 12))

    assert [row.dossier.code for row in rows] == [march["D"].code]
    row = rows[0]
    # 12/03 17:00 → 31/03 12:00: 12 working days × 7.5 h + 07:30–11:30 = 94 h.
    assert row.overdue_hours == D("94.0")
    assert row.step_name == "Thẩm định, trình ký"
    assert row.step_holder == "Công chức Tư pháp – Hộ tịch"


def test_waiting_for_a_supplement_is_not_overdue(march, commune):
    Dossier.objects.filter(pk=march["D"].pk).update(
        status="waiting_supplement", clock_stopped_at=at(11, 9)
    )

    assert reports.overdue_dossiers(unit=commune, now=at(31, 12)) == []


# --- the book -------------------------------------------------------------------------------


def book(unit, **filters) -> list[reports.BookRow]:
    return reports.book_rows(unit=unit, filters=reports.BookFilters(year=2026, **filters))


def test_book_lists_the_year_in_book_order_with_the_form_columns(march, commune):
    rows = book(commune)

    assert [row.number for row in rows] == [1, 2, 3, 4, 5, 6, 7, 8]
    a = rows[2]
    assert a.code == march["A"].code == "H41.16777-260302-0001"
    assert (a.procedure, a.copies, a.applicant_name, a.applicant_phone) == (
        "Đăng ký kết hôn",
        1,
        "Nguyễn Thị An",
        "0912345678",
    )
    assert a.lead_agency == "Ủy ban nhân dân cấp xã"
    assert (a.received_at, a.due_at, a.sent_at, a.result_back_at, a.returned_at) == (
        at(2, 9),
        at(9, 17),
        at(2, 9),
        at(5, 10),
        at(5, 10),
    )
    assert rows[6].status == "Công dân rút hồ sơ"


def test_book_filters(march, commune, certification):
    assert [r.number for r in book(commune, status="returned")] == [1, 2, 3, 4, 5]
    assert [r.number for r in book(commune, procedure_id=certification.pk)] == [5]
    assert [
        r.number
        for r in book(
            commune, date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 5)
        )
    ] == [3, 4, 5, 6]
    assert book(commune, status="refused") == []
    assert reports.book_rows(unit=commune, filters=reports.BookFilters(year=2025)) == []


def test_book_xlsx_cells(march, unit_admin, client_as):
    response = client_as(unit_admin).get("/mot-cua/so-theo-doi.xlsx", {"nam": 2026})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert response["Content-Disposition"] == (
        'attachment; filename="so-theo-doi-ho-so-16777-2026.xlsx"'
    )
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A2"].value == "Xã Quỳ Châu — năm 2026"
    assert [cell.value for cell in sheet[4]][:4] == [
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Số lượng hồ sơ (bộ)",
    ]
    assert [cell.value for cell in sheet[7]] == [
        3,
        "H41.16777-260302-0001",
        "Đăng ký kết hôn",
        1,
        "Nguyễn Thị An",
        march["A"].applicant.address,
        "0912345678",
        "Ủy ban nhân dân cấp xã",
        # Local times without zone, as spreadsheets hold them.
        naive(at(2, 9)),
        naive(at(9, 17)),
        naive(at(2, 9)),
        naive(at(5, 10)),
        naive(at(5, 10)),
        "Đã trả kết quả",
        None,
    ]
    assert sheet.max_row == 4 + 8


def test_book_xlsx_follows_the_filters(march, unit_admin, client_as, certification):
    response = client_as(unit_admin).get(
        "/mot-cua/so-theo-doi.xlsx", {"nam": 2026, "thu_tuc": certification.pk}
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)] == [march["C"].code]


@pytest.mark.parametrize(("form_set", "form_label"), [("2025", "07"), ("2018", "06")])
def test_book_pdf_in_each_form_set(march, unit_admin, client_as, form_set, form_label):
    response = client_as(unit_admin).get("/mot-cua/so-theo-doi.pdf", {"nam": 2026, "mau": form_set})

    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert f"Mẫu số {form_label}" in text
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Năm 2026" in text
    for dossier in march.values():
        assert dossier.code in text


def test_book_page_shows_the_rows(march, unit_admin, client_as):
    html = client_as(unit_admin).get("/mot-cua/so-theo-doi/", {"nam": 2026}).content.decode()

    assert march["A"].code in html
    assert "8 hồ sơ" in html


def test_statistics_page_shows_the_figures_and_charts(march, unit_admin, client_as):
    response = client_as(unit_admin).get(
        "/mot-cua/thong-ke/", {"tu": "2026-03-01", "den": "2026-03-31"}
    )

    html = response.content.decode()
    assert '<div class="stat" id="stat-received">6</div>' in html
    assert '<div class="stat" id="stat-on-time-rate">66,7 %</div>' in html
    assert html.count("<svg") == 2
    assert "<title>Quá hạn: 1</title>" in html


def test_statistics_api_summary(march, unit_admin, client_as):
    response = client_as(unit_admin).get(
        "/api/v1/mot-cua/reports/statistics", {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )

    body = response.json()
    assert response.status_code == 200
    assert {key: body[key] for key in ("received", "finished", "in_progress", "on_time_rate")} == {
        "received": 6,
        "finished": 4,
        "in_progress": 2,
        "on_time_rate": 66.7,
    }
    assert body["average_working_hours"] == 29.9


def test_other_units_dossiers_are_not_counted(other_units_dossier, commune, other_commune):
    own = reports.compute_statistics(
        unit=commune, date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31)
    )
    other = reports.compute_statistics(
        unit=other_commune, date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31)
    )

    assert (own.total.received, other.total.received) == (0, 1)
    assert book(commune) == []


# --- tenancy --------------------------------------------------------------------------------

PAGES = ["/mot-cua/so-theo-doi/", "/mot-cua/thong-ke/", "/mot-cua/qua-han/"]
FILES = ["/mot-cua/so-theo-doi.xlsx", "/mot-cua/so-theo-doi.pdf"]


@pytest.fixture
def far_supervisor(far_commune, make_staff):
    from xaso.core.tests.factories import real_unit

    return make_staff(real_unit(1, level="province"), "province_supervisor", username="giamsat_hn")


@pytest.mark.parametrize("url", PAGES)
def test_isolation_of_register_pages(url, march, chairman, clerk, other_unit_admin):
    assert_isolation(
        IsolationCase(
            url=url,
            data={"nam": 2026, "tu": "2026-03-01", "den": "2026-03-31"},
            allowed=chairman,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            other_unit_status=200,
            hidden_text="Xã Quỳ Châu",
            allowed_status=200,
        )
    )


@pytest.mark.parametrize("url", PAGES + FILES)
def test_isolation_of_a_named_commune(
    url, march, commune, province_supervisor, clerk, far_supervisor, other_unit_admin
):
    # Another province's supervisor and another commune's administrator both get 404.
    for other in (far_supervisor, other_unit_admin):
        assert_isolation(
            IsolationCase(
                url=f"{url}?don-vi={commune.pk}",
                allowed=province_supervisor,
                wrong_role=clerk,
                other_unit=other,
                allowed_status=200,
            )
        )


@pytest.mark.parametrize("url", FILES)
def test_isolation_of_register_files(url, march, chairman, clerk, other_unit_admin):
    assert_isolation(
        IsolationCase(
            url=f"{url}?nam=2026&don-vi={march['A'].unit_id}",
            allowed=chairman,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=200,
        )
    )


def test_province_supervisor_sees_a_commune_of_the_province(
    march, commune, province_supervisor, client_as
):
    client = client_as(province_supervisor)

    own = client.get("/mot-cua/thong-ke/")
    named = client.get(
        "/mot-cua/thong-ke/", {"don-vi": commune.pk, "tu": "2026-03-01", "den": "2026-03-31"}
    )

    assert own.status_code == 200
    assert f'<option value="{commune.pk}"' in own.content.decode()
    assert '<div class="stat" id="stat-received">6</div>' in named.content.decode()


def test_isolation_of_statistics_api(march, commune, chairman, clerk, other_unit_admin):
    assert_isolation(
        IsolationCase(
            url="/api/v1/mot-cua/reports/statistics",
            api=True,
            data={"unit_id": commune.pk},
            allowed=chairman,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=200,
        )
    )


def test_statistics_api_of_a_supervised_commune(march, commune, province_supervisor, client_as):
    body = (
        client_as(province_supervisor)
        .get(
            "/api/v1/mot-cua/reports/statistics",
            {"unit_id": commune.pk, "date_from": "2026-03-01", "date_to": "2026-03-31"},
        )
        .json()
    )

    assert (body["unit_name"], body["received"]) == ("Xã Quỳ Châu", 6)
