"""The reception service: code, book entry, due time, steps, events, audit."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import connection

from xaso.core.models import AuditEvent
from xaso.core.models import CalendarYear
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierStep
from xaso.dossiers.tests.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_accepted_dossier_gets_code_book_entry_due_time_and_steps(
    receive, procedure, applicant, counter_officer
):
    received_at = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN)  # Monday

    dossier = receive(procedure, applicant, received_at=received_at)

    assert dossier.code == "H41.16777-261123-0001"
    assert (dossier.book_year, dossier.book_number) == (2026, 1)
    # 5 working days, day 1 = the day after receipt; 24/11/2026 (Tue) is Ngày Văn hóa Việt Nam.
    assert dossier.due_at == datetime.datetime(2026, 12, 1, 17, 0, tzinfo=VN)
    assert dossier.status == Dossier.Status.RECEIVED
    steps = list(dossier.steps.order_by("order"))
    assert [s.status for s in steps] == ["done", "active", "pending", "pending"]
    assert steps[0].finished_by == counter_officer
    assert dossier.current_step == steps[1]
    assert list(dossier.events.values_list("action", flat=True)) == ["received"]
    assert (
        AuditEvent.objects.filter(action="dossier.received", target_id=str(dossier.pk)).count() == 1
    )


def test_sequence_is_per_unit_per_day_and_book_per_year(
    receive, procedure, applicant, other_procedure, other_applicant, other_counter_officer
):
    monday = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN)
    first = receive(procedure, applicant, received_at=monday)
    second = receive(procedure, applicant, received_at=monday + datetime.timedelta(hours=1))
    next_day = receive(
        procedure, applicant, received_at=monday + datetime.timedelta(days=1, hours=1)
    )
    elsewhere = receive(
        other_procedure, other_applicant, actor=other_counter_officer, received_at=monday
    )

    assert [first.code, second.code, next_day.code] == [
        "H41.16777-261123-0001",
        "H41.16777-261123-0002",
        "H41.16777-261124-0001",
    ]
    assert [first.book_number, second.book_number, next_day.book_number] == [1, 2, 3]
    assert elsewhere.code == "H41.16750-261123-0001"
    assert elsewhere.book_number == 1


def test_five_working_days_received_1530_on_the_eve_of_tet_2027(
    receive, identified_commune, applicant
):
    """Tết 2027 is 4–10/2/2027 (Thu–Wed); the last working day before it is Wed 3/2/2027.

    Received at 15:30, after the 15:00 cut-off: it counts as received on Thursday 11/2,
    the first working day after Tết; day 1 is Friday 12/2, day 5 is Thursday 18/2/2027.
    """
    CalendarYear.objects.create(unit=identified_commune, year=2027)
    procedure = ProcedureFactory(unit=identified_commune)

    dossier = receive(
        procedure, applicant, received_at=datetime.datetime(2027, 2, 3, 15, 30, tzinfo=VN)
    )

    assert dossier.counting_start == datetime.datetime(2027, 2, 11, 7, 30, tzinfo=VN)
    assert dossier.due_at == datetime.datetime(2027, 2, 18, 17, 0, tzinfo=VN)
    assert dossier.code.endswith("-270203-0001")  # the code keeps the real receipt date
    assert dossier.due_needs_review is False


def test_unapproved_calendar_year_flags_the_due_time(receive, procedure, applicant):
    dossier = receive(
        procedure, applicant, received_at=datetime.datetime(2027, 3, 1, 9, 0, tzinfo=VN)
    )

    assert dossier.due_needs_review is True


def test_refuses_without_an_agency_identifier(receive, commune, applicant):
    procedure = ProcedureFactory(unit=commune)  # the commune has no identifier here

    with pytest.raises(ValidationError, match="mã định danh"):
        receive(procedure, applicant)

    assert not Dossier.objects.exists()


def test_refuses_postal_delivery_without_address(receive, procedure, applicant):
    with pytest.raises(ValidationError) as error:
        receive(procedure, applicant, delivery_method="post", delivery_address="  ")

    assert "delivery_address" in error.value.message_dict
    assert not Dossier.objects.exists()


def test_refuses_other_units_procedure_and_wrong_role(
    receive, other_procedure, applicant, procedure, clerk
):
    with pytest.raises(PermissionDenied):
        receive(other_procedure, applicant)
    with pytest.raises(PermissionDenied):
        receive(procedure, applicant, actor=clerk)

    assert not Dossier.objects.exists()
    assert not DossierStep.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_receptions_get_fifty_consecutive_codes(
    procedure, applicant, counter_officer
):
    from xaso.dossiers.services.reception import ReceivedDocument
    from xaso.dossiers.services.reception import ReceptionData
    from xaso.dossiers.services.reception import receive_dossier

    received_at = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN)
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                receive_dossier(
                    actor=counter_officer,
                    data=ReceptionData(
                        procedure=procedure,
                        applicant=applicant,
                        channel="direct",
                        delivery_method="desk",
                        documents=[ReceivedDocument(name="Tờ khai")],
                    ),
                    received_at=received_at,
                )
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert codes == [f"H41.16777-261123-{n:04d}" for n in range(1, 51)]
    assert sorted(Dossier.objects.values_list("book_number", flat=True)) == list(range(1, 51))
