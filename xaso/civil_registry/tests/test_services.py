"""Birth registration, validation, corrections, search and numbering (services)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from xaso.civil_registry.models import BIRTH_FIELDS
from xaso.civil_registry.models import BirthEntry
from xaso.civil_registry.models import BirthEntryVersion
from xaso.civil_registry.models import is_late
from xaso.civil_registry.services import AlreadyRegisteredError
from xaso.civil_registry.services import NotABirthDossierError
from xaso.civil_registry.services import birth_form_initial
from xaso.civil_registry.services import correct_birth_entry
from xaso.civil_registry.services import get_birth_entry_for
from xaso.civil_registry.services import register_birth
from xaso.civil_registry.services import search_birth_entries
from xaso.civil_registry.tests.conftest import DECLARED
from xaso.civil_registry.tests.conftest import form_data
from xaso.core.models import AuditEvent
from xaso.core.models import NumberCounter
from xaso.dossiers.models import Result
from xaso.dossiers.services.processing import claim_step
from xaso.dossiers.tests.factories import ProcedureFactory

REGISTERED_ON = datetime.date(2026, 11, 20)


def test_form_is_prefilled_from_the_dossier_and_the_applicant(birth_dossier, father):
    initial = birth_form_initial(dossier=birth_dossier)

    for name, value in DECLARED.items():
        expected = datetime.date.fromisoformat(value) if name.endswith("date_of_birth") else value
        assert initial[name] == expected, name
    assert initial["declarant_name"] == father.full_name
    assert initial["declarant_id_number"] == father.id_number


def test_registration_creates_the_entry_version_one_and_audit(birth_dossier, justice_official):
    entry = register_birth(
        actor=justice_official,
        dossier=birth_dossier,
        data=form_data(birth_dossier, signer_name="Trần Văn Chủ"),
        registered_on=REGISTERED_ON,
    )

    assert entry.entry_number == 1
    assert entry.register.year == 2026
    assert entry.register.book_number == 1
    assert entry.register.unit_id == birth_dossier.unit_id
    assert entry.child_full_name == "Nguyễn Thị An"
    assert entry.declarant_name == "Nguyễn Văn Đức"
    assert entry.is_late_registration is False
    assert "đúng hạn" in entry.fee_exempt_reason
    assert entry.search_text == "nguyen thi an le thi hoa nguyen van duc"
    (version,) = entry.versions.all()
    assert version.number == 1
    assert version.data == entry.snapshot()
    birth_dossier.refresh_from_db()
    # The checked values go back to the dossier; nothing is typed twice.
    for name in BIRTH_FIELDS:
        assert birth_dossier.declared_data[name] == entry.snapshot()[name], name
    assert AuditEvent.objects.filter(
        action="civil_registry.birth_registered", target_id=str(entry.pk)
    ).exists()
    # The step was not claimed: the result is recorded later on the dossier page.
    assert not Result.objects.filter(dossier=birth_dossier).exists()

    with pytest.raises(AlreadyRegisteredError):
        register_birth(actor=justice_official, dossier=birth_dossier, data=form_data(birth_dossier))


def test_registration_by_the_step_holder_records_the_dossier_result(
    birth_dossier, justice_official
):
    claim_step(actor=justice_official, dossier=birth_dossier)
    entry = register_birth(
        actor=justice_official,
        dossier=birth_dossier,
        data=form_data(birth_dossier, signer_name="Trần Văn Chủ"),
    )

    result = Result.objects.get(dossier=birth_dossier)
    assert result.number == f"Số 1, quyển số 1/{entry.register.year}"
    assert result.signer_name == "Trần Văn Chủ"
    assert result.issued_on == timezone.localdate()


def test_numbers_follow_each_other_per_unit_and_year(
    birth_procedure, father, receive, justice_official
):
    numbers = []
    for _ in range(3):
        dossier = receive(birth_procedure, father, declared_data=dict(DECLARED))
        entry = register_birth(
            actor=justice_official,
            dossier=dossier,
            data=form_data(dossier),
            registered_on=REGISTERED_ON,
        )
        numbers.append(entry.entry_number)
    assert numbers == [1, 2, 3]
    assert NumberCounter.objects.get(register="birth:2026", period="2026").last_number == 3


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
    ],
)
def test_invalid_data_is_refused_with_a_message_and_nothing_saved(
    birth_dossier, justice_official, overrides, field, message
):
    with pytest.raises(ValidationError) as caught:
        register_birth(
            actor=justice_official,
            dossier=birth_dossier,
            data=form_data(birth_dossier, **overrides),
            registered_on=REGISTERED_ON,
        )

    assert any(message in text for text in caught.value.message_dict[field])
    assert not BirthEntry.objects.exists()
    assert not BirthEntryVersion.objects.exists()
    assert not NumberCounter.objects.filter(register="birth:2026").exists()
    birth_dossier.refresh_from_db()
    assert birth_dossier.declared_data == DECLARED


def test_only_birth_dossiers_of_the_own_unit_by_the_justice_official(
    birth_dossier,
    father,
    receive,
    identified_commune,
    justice_official,
    chairman,
    other_justice_official,
):
    dossier = receive(ProcedureFactory(unit=identified_commune), father)  # kết hôn
    with pytest.raises(NotABirthDossierError):
        register_birth(actor=justice_official, dossier=dossier, data=form_data(birth_dossier))
    with pytest.raises(PermissionDenied):
        register_birth(actor=chairman, dossier=birth_dossier, data=form_data(birth_dossier))
    with pytest.raises(PermissionDenied):
        register_birth(
            actor=other_justice_official, dossier=birth_dossier, data=form_data(birth_dossier)
        )
    assert not BirthEntry.objects.exists()


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


def test_late_registration_is_flagged_and_not_fee_exempt(birth_dossier, justice_official):
    entry = register_birth(
        actor=justice_official,
        dossier=birth_dossier,
        data=form_data(birth_dossier, date_of_birth=datetime.date(2026, 1, 1)),
        registered_on=datetime.date(2026, 3, 3),
    )
    assert entry.is_late_registration is True
    assert entry.fee_exempt_reason == ""


def test_correction_keeps_every_version(birth_dossier, justice_official):
    entry = register_birth(
        actor=justice_official,
        dossier=birth_dossier,
        data=form_data(birth_dossier),
        registered_on=REGISTERED_ON,
    )
    original = entry.snapshot()

    corrected = correct_birth_entry(
        actor=justice_official,
        entry=entry,
        changes={"child_full_name": "Nguyễn Thị Ân"},
        reason="Sai dấu trong tên do lỗi đánh máy",
    )

    assert corrected.version == 2
    assert corrected.child_full_name == "Nguyễn Thị Ân"
    first, second = corrected.versions.order_by("number")
    assert first.number == 1
    assert first.data == original
    assert second.number == 2
    assert second.data["child_full_name"] == "Nguyễn Thị Ân"
    assert second.reason == "Sai dấu trong tên do lỗi đánh máy"
    assert AuditEvent.objects.filter(action="civil_registry.birth_corrected").count() == 1

    with pytest.raises(ValidationError):
        correct_birth_entry(
            actor=justice_official, entry=corrected, changes={"sex": "male"}, reason=" "
        )
    with pytest.raises(ValidationError):
        correct_birth_entry(
            actor=justice_official,
            entry=corrected,
            changes={"child_full_name": "Nguyễn Thị Ân"},
            reason="Không đổi gì",
        )
    assert corrected.versions.count() == 2


def test_search_ignores_diacritics_and_covers_parents_and_birth_date(
    birth_dossier, justice_official, chairman, other_justice_official
):
    entry = register_birth(
        actor=justice_official,
        dossier=birth_dossier,
        data=form_data(birth_dossier),
        registered_on=REGISTERED_ON,
    )

    for query in (
        "nguyen thi an",
        "Nguyễn Thị An",
        "le thi hoa",
        "duc",
        "01/11/2026",
        "2026-11-01",
    ):
        assert list(search_birth_entries(user=chairman, query=query)) == [entry], query
    assert list(search_birth_entries(user=chairman, query="tran van")) == []
    assert list(search_birth_entries(user=chairman, query="02/11/2026")) == []
    assert list(search_birth_entries(user=other_justice_official, query="nguyen")) == []
    assert get_birth_entry_for(user=chairman, pk=entry.pk) == entry


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_repeat_or_skip_a_number(
    birth_procedure, father, receive, justice_official
):
    count = 8
    dossiers = [
        receive(birth_procedure, father, declared_data=dict(DECLARED)) for _ in range(count)
    ]
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def worker(dossier) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            register_birth(
                actor=justice_official,
                dossier=dossier,
                data=form_data(dossier),
                registered_on=REGISTERED_ON,
            )
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
    numbers = sorted(BirthEntry.objects.values_list("entry_number", flat=True))
    assert numbers == list(range(1, count + 1))
    assert BirthEntry.objects.values("register").distinct().count() == 1
