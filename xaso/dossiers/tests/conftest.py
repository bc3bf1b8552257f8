"""Fixtures for one-stop tests: a commune with an agency identifier, a procedure, staff."""

import datetime
from collections.abc import Callable

import pytest

from xaso.applicants.models import Applicant
from xaso.applicants.tests.factories import ApplicantFactory
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AgencyIdentifier
from xaso.core.models import User
from xaso.dossiers import extensions
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Procedure
from xaso.dossiers.services.reception import ReceivedDocument
from xaso.dossiers.services.reception import ReceptionData
from xaso.dossiers.services.reception import receive_dossier
from xaso.dossiers.tests.factories import ProcedureFactory

COMMUNE_IDENTIFIER = "H41.16777"
OTHER_COMMUNE_IDENTIFIER = "H41.16750"


@pytest.fixture(autouse=True)
def one_stop_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-stop tests run the one-stop workflow alone: other apps' approval hooks (the
    civil-status register needs its form before a kết hôn or khai sinh dossier is
    approved) are tested in those apps (xaso/civil_registry/tests)."""
    monkeypatch.setattr(extensions, "_APPROVAL_HOOKS", {})


@pytest.fixture
def identified_commune(commune: AdministrativeUnit) -> AdministrativeUnit:
    AgencyIdentifier.objects.get_or_create(
        unit=commune,
        valid_from=datetime.date(2025, 7, 1),
        defaults={"identifier": COMMUNE_IDENTIFIER},
    )
    return commune


@pytest.fixture
def identified_other_commune(other_commune: AdministrativeUnit) -> AdministrativeUnit:
    AgencyIdentifier.objects.get_or_create(
        unit=other_commune,
        valid_from=datetime.date(2025, 7, 1),
        defaults={"identifier": OTHER_COMMUNE_IDENTIFIER},
    )
    return other_commune


@pytest.fixture
def procedure(identified_commune: AdministrativeUnit) -> Procedure:
    """Đăng ký kết hôn, 5 working days, with a four-step process."""
    return ProcedureFactory(unit=identified_commune)


@pytest.fixture
def other_procedure(identified_other_commune: AdministrativeUnit) -> Procedure:
    return ProcedureFactory(unit=identified_other_commune)


@pytest.fixture
def applicant(commune: AdministrativeUnit) -> Applicant:
    return ApplicantFactory(unit=commune, full_name="Nguyễn Thị An", phone="0912345678")


@pytest.fixture
def other_applicant(other_commune: AdministrativeUnit) -> Applicant:
    return ApplicantFactory(unit=other_commune, full_name="Trần Văn Bình")


@pytest.fixture
def justice_official(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "justice_civil_status", username="tuphap", full_name="Đặng Văn An")


@pytest.fixture
def other_counter_officer(
    other_commune: AdministrativeUnit, make_staff: Callable[..., User]
) -> User:
    return make_staff(other_commune, "counter_officer", username="motcua_khac")


@pytest.fixture
def receive(counter_officer: User) -> Callable[..., Dossier]:
    """receive(procedure, applicant, **overrides) → a dossier accepted through the service."""

    def make(
        procedure: Procedure,
        applicant: Applicant,
        *,
        actor: User | None = None,
        received_at: datetime.datetime | None = None,
        **overrides: object,
    ) -> Dossier:
        overrides.setdefault("channel", "direct")
        overrides.setdefault("delivery_method", "desk")
        overrides.setdefault(
            "documents", [ReceivedDocument(name="Tờ khai đăng ký", is_original=True)]
        )
        data = ReceptionData(procedure=procedure, applicant=applicant, **overrides)  # type: ignore[arg-type]
        return receive_dossier(actor=actor or counter_officer, data=data, received_at=received_at)

    return make


@pytest.fixture
def dossier(procedure: Procedure, applicant: Applicant, receive: Callable[..., Dossier]) -> Dossier:
    return receive(procedure, applicant)
