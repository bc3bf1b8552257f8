"""Registration from dossiers at the leader's approval, legal checks, corrections, search,
numbering and extract copies (services)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from xaso.applicants.models import Applicant
from xaso.civil_registry import kinds
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import CivilEntryVersion
from xaso.civil_registry.models import EntryPerson
from xaso.civil_registry.models import ExtractCopy
from xaso.civil_registry.models import PreparedRegistration
from xaso.civil_registry.models import is_late
from xaso.civil_registry.services import AlreadyRegisteredError
from xaso.civil_registry.services import NotACivilDossierError
from xaso.civil_registry.services import form_initial
from xaso.civil_registry.services import get_entry_for
from xaso.civil_registry.services import get_public_extract
from xaso.civil_registry.services import prepare_correction
from xaso.civil_registry.services import prepare_registration
from xaso.civil_registry.services import search_entries
from xaso.civil_registry.services import start_extract_dossier
from xaso.civil_registry.tests.conftest import CORRECTION_CODE
from xaso.civil_registry.tests.conftest import DECLARED
from xaso.civil_registry.tests.conftest import KIND_DECLARATIONS
from xaso.civil_registry.tests.conftest import TODAY
from xaso.civil_registry.tests.conftest import form_data
from xaso.civil_registry.tests.conftest import forward_to_leader
from xaso.civil_registry.tests.conftest import procedure_for
from xaso.civil_registry.tests.conftest import register_through_approval
from xaso.core.models import AuditEvent
from xaso.core.models import NumberCounter
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Result
from xaso.dossiers.services import processing
from xaso.dossiers.tests.factories import ProcedureFactory


def test_form_is_prefilled_from_the_dossier_the_applicant_and_the_directory(
    birth_dossier, father, commune
):
    Applicant.objects.create(
        unit=commune, full_name="Lê Thị Hoà", id_number="040198001111", date_of_birth=None
    )
    birth_dossier.declared_data = {
        **DECLARED,
        "mother_full_name": "",
        "mother_id_number": "040198001111",
    }
    birth_dossier.save()

    initial = form_initial(dossier=birth_dossier)

    for name, value in DECLARED.items():
        expected = datetime.date.fromisoformat(value) if name.endswith("date_of_birth") else value
        assert initial[name] == expected, name
    assert initial["declarant_name"] == father.full_name
    assert initial["declarant_id_number"] == father.id_number
    # The mother's name comes from the directory through her CCCD.
    assert initial["mother_full_name"] == "Lê Thị Hoà"


def test_preparing_saves_the_checked_form_and_approval_creates_the_entry(
    birth_dossier, father, justice_official, chairman
):
    prepared = prepare_registration(
        actor=justice_official,
        dossier=birth_dossier,
        data=form_data(
            birth_dossier, mother_id_number="040198001111", father_id_number=father.id_number
        ),
    )
    # Not in the register yet: only the leader's approval puts it there.
    assert prepared.kind == "birth"
    assert not CivilEntry.objects.exists()
    assert not NumberCounter.objects.filter(register="birth:2026").exists()
    birth_dossier.refresh_from_db()
    assert birth_dossier.declared_data["declarant_name"] == "Nguyễn Văn Đức"

    dossier = forward_to_leader(birth_dossier, justice_official, chairman)
    dossier = processing.approve_dossier(actor=chairman, dossier=dossier)

    assert dossier.status == Dossier.Status.RESULT_READY
    entry = CivilEntry.objects.get(dossier=dossier)
    assert (entry.kind, entry.entry_number, entry.register.year) == ("birth", 1, 2026)
    assert entry.register.kind == "birth"
    assert entry.register.book_number == 1
    assert entry.registered_on == TODAY
    assert entry.registered_by == justice_official
    assert entry.approved_by == chairman
    assert entry.main_name == "Nguyễn Thị An"
    assert entry.main_date_of_birth == datetime.date(2026, 11, 1)
    assert entry.search_text == "nguyen thi an le thi hoa nguyen van duc"
    assert entry.is_late is False
    assert "đúng hạn" in entry.fee_exempt_reason
    for name, value in DECLARED.items():
        assert entry.data[name] == value, name
    (version,) = entry.versions.all()
    assert (version.number, version.data) == (1, entry.data)
    result = Result.objects.get(dossier=dossier)
    assert result.number == "Số 1, quyển số 1/2026"
    assert result.signer_name == "Trần Văn Chủ Tịch"
    assert result.approved_by == chairman
    assert AuditEvent.objects.filter(
        action="civil_registry.entry_registered", target_id=str(entry.pk)
    ).exists()
    assert NumberCounter.objects.get(register="birth:2026", period="2026").last_number == 1
    # People link to the applicant directory: same CCCD → same person; a new CCCD is added.
    people = {p.role: p.applicant for p in EntryPerson.objects.filter(entry=entry)}
    assert people["father"] == father
    assert people["declarant"] == father
    assert people["mother"].full_name == "Lê Thị Hoà"
    assert people["mother"].id_number == "040198001111"
    assert "child" not in people  # no CCCD yet: stays a name
    with pytest.raises(AlreadyRegisteredError):
        prepare_registration(actor=justice_official, dossier=dossier, data=form_data(birth_dossier))


def test_approval_without_a_prepared_registration_is_refused(
    birth_dossier, justice_official, chairman
):
    dossier = forward_to_leader(birth_dossier, justice_official, chairman)

    with pytest.raises(ValidationError) as caught:
        processing.approve_dossier(actor=chairman, dossier=dossier)

    assert "Chưa lập tờ đăng ký hộ tịch" in caught.value.messages[0]
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.WAITING_APPROVAL
    assert not CivilEntry.objects.exists()
    assert not Result.objects.filter(dossier=dossier).exists()
    assert not NumberCounter.objects.filter(register="birth:2026").exists()


def test_numbers_follow_each_other_per_unit_kind_and_year(
    birth_procedure, father, receive, justice_official, chairman, identified_commune
):
    numbers = []
    for _ in range(3):
        dossier = receive(birth_procedure, father, declared_data=dict(DECLARED))
        numbers.append(register_through_approval(dossier, justice_official, chairman).entry_number)
    death_code, declared, _name = KIND_DECLARATIONS["death"]
    death = receive(procedure_for(identified_commune, death_code), father, declared_data=declared)
    death_entry = register_through_approval(death, justice_official, chairman)

    assert numbers == [1, 2, 3]
    assert death_entry.entry_number == 1  # its own series
    assert NumberCounter.objects.get(register="birth:2026").last_number == 3
    assert NumberCounter.objects.get(register="death:2026").last_number == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"child_full_name": " "}, "child_full_name", "Hãy nhập họ, chữ đệm và tên"),
        (
            {"date_of_birth": datetime.date(2026, 11, 21)},
            "date_of_birth",
            "Ngày sinh không thể sau ngày đăng ký.",
        ),
        (
            {"date_of_birth": datetime.date(1899, 12, 31)},
            "date_of_birth",
            "Ngày sinh không thể trước năm 1900.",
        ),
        (
            {"mother_full_name": "", "father_full_name": ""},
            "mother_full_name",
            "Hãy nhập họ tên người mẹ hoặc người cha.",
        ),
        (
            {"mother_date_of_birth": datetime.date(2026, 11, 2)},
            "mother_date_of_birth",
            "Ngày sinh của cha, mẹ phải trước ngày sinh của con.",
        ),
        ({"mother_id_number": "040198A01111"}, "mother_id_number", "CCCD"),
    ],
)
def test_invalid_birth_data_is_refused_with_a_message_and_nothing_saved(
    birth_dossier, justice_official, overrides, field, message
):
    with pytest.raises(ValidationError) as caught:
        prepare_registration(
            actor=justice_official,
            dossier=birth_dossier,
            data=form_data(birth_dossier, **overrides),
        )

    assert any(message in text for text in caught.value.message_dict[field]), caught.value
    assert not PreparedRegistration.objects.exists()
    birth_dossier.refresh_from_db()
    assert birth_dossier.declared_data == DECLARED


def test_only_civil_dossiers_of_the_own_unit_by_the_justice_official(
    birth_dossier,
    father,
    receive,
    identified_commune,
    chairman,
    justice_official,
    other_justice_official,
):
    dossier = receive(ProcedureFactory(unit=identified_commune, code="1.004222"), father)
    with pytest.raises(NotACivilDossierError):
        prepare_registration(actor=justice_official, dossier=dossier, data=DECLARED)
    with pytest.raises(PermissionDenied):
        prepare_registration(actor=chairman, dossier=birth_dossier, data=form_data(birth_dossier))
    with pytest.raises(PermissionDenied):
        prepare_registration(
            actor=other_justice_official, dossier=birth_dossier, data=form_data(birth_dossier)
        )
    assert not PreparedRegistration.objects.exists()


@pytest.mark.parametrize(
    ("born", "registered", "late"),
    [
        # 1 Jan + 60 days = 2 Mar 2026 (January 31 days, February 28): still on time.
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 2), False),
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 3), True),
        (datetime.date(2026, 11, 20), datetime.date(2026, 11, 20), False),
        (datetime.date(2023, 5, 10), datetime.date(2026, 11, 20), True),
    ],
)
def test_late_registration_is_more_than_sixty_days_after_birth(born, registered, late):
    assert is_late(born, registered) is late


def test_late_birth_is_flagged_and_not_fee_exempt(birth_dossier, justice_official, chairman):
    entry = register_through_approval(
        birth_dossier, justice_official, chairman, date_of_birth=datetime.date(2026, 9, 20)
    )
    assert entry.is_late is True
    assert entry.fee_exempt_reason == ""


@pytest.mark.parametrize(
    ("died", "late", "exempt"),
    [
        (datetime.date(2026, 11, 5), False, True),  # 15 days: on time, free
        (datetime.date(2026, 11, 4), True, False),  # 16 days: late
    ],
)
def test_death_within_fifteen_days_is_free(
    died, late, exempt, father, receive, identified_commune, justice_official, chairman
):
    code, declared, _name = KIND_DECLARATIONS["death"]
    dossier = receive(procedure_for(identified_commune, code), father, declared_data=declared)
    entry = register_through_approval(dossier, justice_official, chairman, date_of_death=died)
    assert entry.is_late is late
    assert bool(entry.fee_exempt_reason) is exempt


@pytest.mark.parametrize("kind", sorted(KIND_DECLARATIONS))
def test_every_kind_is_registered_from_its_dossier_at_approval(
    kind, father, receive, identified_commune, justice_official, chairman
):
    code, declared, main_name = KIND_DECLARATIONS[kind]
    dossier = receive(procedure_for(identified_commune, code), father, declared_data=declared)

    entry = register_through_approval(dossier, justice_official, chairman)

    assert (entry.kind, entry.register.kind, entry.entry_number) == (kind, kind, 1)
    assert entry.main_name == main_name
    for name, value in declared.items():
        assert entry.data[name] == value, name
    assert Result.objects.get(dossier=dossier).number == "Số 1, quyển số 1/2026"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        # Luật HN&GĐ 2014 Đ8: a man from 20 full years, a woman from 18.
        (
            {"husband_date_of_birth": datetime.date(2006, 11, 21)},
            "husband_date_of_birth",
            "Nam phải từ đủ 20 tuổi",
        ),
        (
            {"wife_date_of_birth": datetime.date(2008, 11, 21)},
            "wife_date_of_birth",
            "Nữ phải từ đủ 18 tuổi",
        ),
        ({"wife_full_name": ""}, "wife_full_name", "Hãy nhập họ, chữ đệm và tên người vợ."),
        (
            {"husband_date_of_birth": datetime.date(2027, 1, 1)},
            "husband_date_of_birth",
            "Ngày này không thể sau ngày đăng ký.",
        ),
    ],
)
def test_marriage_ages_follow_the_law(
    overrides, field, message, father, receive, identified_commune, justice_official
):
    code, declared, _name = KIND_DECLARATIONS["marriage"]
    dossier = receive(procedure_for(identified_commune, code), father, declared_data=declared)
    with pytest.raises(ValidationError) as caught:
        prepare_registration(
            actor=justice_official, dossier=dossier, data=form_data(dossier, **overrides)
        )
    assert any(message in text for text in caught.value.message_dict[field])
    assert not PreparedRegistration.objects.exists()


def test_marriage_on_the_birthdays_is_allowed(
    father, receive, identified_commune, justice_official, chairman
):
    code, declared, _name = KIND_DECLARATIONS["marriage"]
    dossier = receive(procedure_for(identified_commune, code), father, declared_data=declared)
    entry = register_through_approval(
        dossier,
        justice_official,
        chairman,
        husband_date_of_birth=datetime.date(2006, 11, 20),
        wife_date_of_birth=datetime.date(2008, 11, 20),
    )
    assert entry.kind == "marriage"
    assert entry.fee_exempt_reason


def test_death_date_in_the_future_is_refused(father, receive, identified_commune, justice_official):
    code, declared, _name = KIND_DECLARATIONS["death"]
    dossier = receive(procedure_for(identified_commune, code), father, declared_data=declared)
    with pytest.raises(ValidationError) as caught:
        prepare_registration(
            actor=justice_official,
            dossier=dossier,
            data=form_data(dossier, date_of_death=datetime.date(2026, 11, 21)),
        )
    assert caught.value.message_dict["date_of_death"] == ["Ngày này không thể sau ngày đăng ký."]


@pytest.fixture
def correction_dossier(identified_commune, father, receive):
    with override_settings(XASO_CIVIL_CORRECTION_PROCEDURE_CODES=[CORRECTION_CODE]):
        procedure = procedure_for(identified_commune, CORRECTION_CODE, "Cải chính hộ tịch")
        yield receive(procedure, father)


@override_settings(XASO_CIVIL_CORRECTION_PROCEDURE_CODES=[CORRECTION_CODE])
def test_correction_through_a_dossier_keeps_both_versions_and_the_audit_trail(
    birth_dossier, correction_dossier, justice_official, chairman
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)
    original = dict(entry.data)

    prepare_correction(
        actor=justice_official,
        dossier=correction_dossier,
        target=entry,
        data={**entry.data, "child_full_name": "Nguyễn Thị Ân"},
        change_type="correction",
        reason="Sai dấu trong tên do lỗi đánh máy",
    )
    entry.refresh_from_db()
    assert entry.version == 1  # nothing changes before the approval
    dossier = forward_to_leader(correction_dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=dossier)

    entry.refresh_from_db()
    assert entry.version == 2
    assert entry.data["child_full_name"] == "Nguyễn Thị Ân"
    assert entry.main_name == "Nguyễn Thị Ân"
    first, second = entry.versions.order_by("number")
    assert first.data == original
    assert second.data["child_full_name"] == "Nguyễn Thị Ân"
    assert second.reason == "Cải chính hộ tịch: Sai dấu trong tên do lỗi đánh máy"
    assert second.changed_by == chairman
    change = CivilEntry.objects.get(kind="change")
    assert second.change_entry == change
    assert change.target == entry
    assert change.entry_number == 1
    assert change.data["changes_text"] == ("Họ, chữ đệm, tên: Nguyễn Thị An → Nguyễn Thị Ân")
    event = AuditEvent.objects.get(action="civil_registry.entry_corrected")
    assert event.actor == chairman
    assert event.data["before"] == {"child_full_name": "Nguyễn Thị An"}
    assert event.data["after"] == {"child_full_name": "Nguyễn Thị Ân"}
    assert event.data["prepared_by"] == justice_official.username


@override_settings(XASO_CIVIL_CORRECTION_PROCEDURE_CODES=[CORRECTION_CODE])
def test_a_correction_must_change_something_and_give_its_reason(
    birth_dossier, correction_dossier, justice_official, chairman
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)
    with pytest.raises(ValidationError) as caught:
        prepare_correction(
            actor=justice_official,
            dossier=correction_dossier,
            target=entry,
            data=dict(entry.data),
            change_type="",
            reason=" ",
        )
    errors = caught.value.message_dict
    assert errors["reason"] == ["Hãy nhập lý do thay đổi, cải chính."]
    assert errors["change_type"] == ["Hãy chọn loại việc thay đổi, cải chính."]
    assert errors["__all__"] == ["Không có nội dung nào thay đổi."]
    with pytest.raises(ValidationError):
        prepare_correction(
            actor=justice_official,
            dossier=correction_dossier,
            target=entry,
            data={**entry.data, "date_of_birth": "2026-12-01"},
            change_type="correction",
            reason="Sai ngày",
        )
    assert not PreparedRegistration.objects.filter(dossier=correction_dossier).exists()
    assert entry.versions.count() == 1


def test_search_ignores_diacritics_and_covers_kinds_parents_dates_and_numbers(
    birth_dossier,
    father,
    receive,
    identified_commune,
    justice_official,
    chairman,
    other_justice_official,
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)
    code, declared, _name = KIND_DECLARATIONS["marriage"]
    marriage = register_through_approval(
        receive(procedure_for(identified_commune, code), father, declared_data=declared),
        justice_official,
        chairman,
    )

    for query in (
        "nguyen thi an",
        "Nguyễn Thị An",
        "le thi hoa",
        "duc",
        "01/11/2026",
        "2026-11-01",
    ):
        assert list(search_entries(user=chairman, query=query)) == [entry], query
    assert list(search_entries(user=chairman, query="lo thi mai")) == [marriage]
    assert set(search_entries(user=chairman, query="1/2026")) == {entry, marriage}
    assert list(search_entries(user=chairman, query="1/2026", kind="birth")) == [entry]
    assert list(search_entries(user=chairman, query="tran van an")) == []
    assert list(search_entries(user=chairman, query="02/11/2026")) == []
    assert list(search_entries(user=other_justice_official, query="nguyen")) == []
    assert get_entry_for(user=chairman, pk=entry.pk) == entry
    # The declarant's CCCD (the father, linked to the applicant directory).
    assert entry.people.filter(applicant__id_number="040095001234").exists()
    assert list(search_entries(user=chairman, query="040095001234")) == [entry]
    assert list(search_entries(user=chairman, query="040095009999")) == []
    assert list(search_entries(user=other_justice_official, query="040095001234")) == []


def test_an_extract_copy_is_received_with_the_catalog_fee_and_issued_at_approval(
    birth_dossier, father, extract_procedure, justice_official, chairman, counter_officer
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)

    dossier = start_extract_dossier(actor=counter_officer, entry=entry, applicant=father, copies=2)

    assert dossier.procedure == extract_procedure
    assert dossier.applicant == father
    assert dossier.fee_due == 16000  # 8 000 đồng per copy, from the catalog
    assert dossier.declared_data["civil_entry_id"] == entry.pk
    assert not ExtractCopy.objects.exists()

    dossier = forward_to_leader(dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=dossier)

    copy = ExtractCopy.objects.get(dossier=dossier)
    assert (copy.serial_number, copy.year, copy.copies) == (1, 2026, 2)
    assert copy.entry == entry
    assert copy.issued_by == chairman
    assert len(copy.token) >= 40
    assert get_public_extract(token=copy.token) == copy
    assert Result.objects.get(dossier=dossier).number == "Số trích lục 1/2026"

    second = start_extract_dossier(actor=counter_officer, entry=entry, applicant=father)
    second = forward_to_leader(second, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=second)
    assert ExtractCopy.objects.get(dossier=second).serial_number == 2


def test_people_exempt_by_law_pay_no_extract_fee(
    birth_dossier, father, extract_procedure, justice_official, chairman, counter_officer
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)
    dossier = start_extract_dossier(
        actor=counter_officer, entry=entry, applicant=father, copies=3, fee_exemption="Hộ nghèo"
    )
    assert (dossier.fee_due, dossier.fee_exemption) == (0, "Hộ nghèo")


def test_only_the_counter_of_the_unit_starts_an_extract_dossier(
    birth_dossier, father, extract_procedure, justice_official, chairman, other_counter
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)
    with pytest.raises(PermissionDenied):
        start_extract_dossier(actor=other_counter, entry=entry, applicant=father)
    with pytest.raises(PermissionDenied):
        start_extract_dossier(actor=chairman, entry=entry, applicant=father)
    assert Dossier.objects.filter(procedure=extract_procedure).count() == 0


def test_kinds_map_procedures_in_one_place():
    assert kinds.default_kind_for_code("1.001193") == "birth"
    assert kinds.default_kind_for_code("1.000656") == "death"
    assert kinds.default_kind_for_code("1.000894") == "marriage"
    assert kinds.default_kind_for_code("1.004873") == "marital_status"
    assert kinds.default_kind_for_code("1.001022") == "parent_child"
    assert kinds.default_kind_for_code("1.004837") == "guardianship"
    assert kinds.default_kind_for_code(CORRECTION_CODE) is None
    with override_settings(XASO_CIVIL_CORRECTION_PROCEDURE_CODES=[CORRECTION_CODE]):
        assert kinds.default_kind_for_code(CORRECTION_CODE) == "change"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_never_repeat_or_skip_an_entry_number(
    birth_procedure, father, receive, justice_official, chairman
):
    count = 8
    leaders = [chairman] * count  # one leader approving eight dossiers at once
    dossiers = []
    for leader in leaders:
        dossier = receive(birth_procedure, father, declared_data=dict(DECLARED))
        prepare_registration(actor=justice_official, dossier=dossier, data=form_data(dossier))
        dossier = processing.claim_step(actor=justice_official, dossier=dossier)
        dossier = processing.forward_dossier(actor=justice_official, dossier=dossier)
        dossiers.append(processing.claim_step(actor=leader, dossier=dossier))
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def worker(leader, dossier) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            processing.approve_dossier(actor=leader, dossier=dossier)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(leader, dossier))
        for leader, dossier in zip(leaders, dossiers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(CivilEntry.objects.values_list("entry_number", flat=True))
    assert numbers == list(range(1, count + 1))
    assert CivilEntry.objects.values("register").distinct().count() == 1
    assert CivilEntryVersion.objects.count() == count


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_extract_copies_never_repeat_or_skip_a_serial_number(
    birth_dossier, father, extract_procedure, justice_official, chairman, counter_officer
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)
    count = 6
    dossiers = []
    for _ in range(count):
        dossier = start_extract_dossier(actor=counter_officer, entry=entry, applicant=father)
        dossiers.append(forward_to_leader(dossier, justice_official, chairman))
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def worker(dossier) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            processing.approve_dossier(actor=chairman, dossier=dossier)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(dossier,)) for dossier in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    serials = sorted(ExtractCopy.objects.values_list("serial_number", flat=True))
    assert serials == list(range(1, count + 1))
    assert len(set(ExtractCopy.objects.values_list("token", flat=True))) == count
