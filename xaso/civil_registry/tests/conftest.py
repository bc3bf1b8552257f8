"""Fixtures for civil registry tests: a khai sinh procedure, a dossier declaring a birth."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from xaso.applicants.models import Applicant
from xaso.applicants.tests.factories import ApplicantFactory
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Procedure
from xaso.dossiers.tests.conftest import applicant  # noqa: F401  (shared fixtures)
from xaso.dossiers.tests.conftest import identified_commune  # noqa: F401
from xaso.dossiers.tests.conftest import identified_other_commune  # noqa: F401
from xaso.dossiers.tests.conftest import justice_official  # noqa: F401
from xaso.dossiers.tests.conftest import receive  # noqa: F401
from xaso.dossiers.tests.factories import ProcedureFactory

DECLARED: dict[str, Any] = {
    "child_full_name": "Nguyễn Thị An",
    "sex": "female",
    "date_of_birth": "2026-11-01",
    "place_of_birth": "Trạm Y tế xã Quỳ Châu, tỉnh Nghệ An",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "hometown": "Xã Quỳ Châu, tỉnh Nghệ An",
    "mother_full_name": "Lê Thị Hoà",
    "mother_date_of_birth": "1998-04-12",
    "mother_ethnicity": "Kinh",
    "mother_nationality": "Việt Nam",
    "mother_residence": "Bản Hạnh Tiến, xã Quỳ Châu",
    "father_full_name": "Nguyễn Văn Đức",
    "father_date_of_birth": "1995-09-30",
    "father_ethnicity": "Kinh",
    "father_nationality": "Việt Nam",
    "father_residence": "Bản Hạnh Tiến, xã Quỳ Châu",
    "declarant_relation": "Cha",
}


def birth_procedure_for(unit: AdministrativeUnit) -> Procedure:
    return ProcedureFactory(
        unit=unit, code="1.001193", name="Đăng ký khai sinh", time_limit_kind="immediate"
    )


@pytest.fixture
def birth_procedure(identified_commune: AdministrativeUnit) -> Procedure:  # noqa: F811
    return birth_procedure_for(identified_commune)


@pytest.fixture
def father(commune: AdministrativeUnit) -> Applicant:
    return ApplicantFactory(
        unit=commune, full_name="Nguyễn Văn Đức", id_number="040095001234", phone="0912000111"
    )


@pytest.fixture
def birth_dossier(
    birth_procedure: Procedure,
    father: Applicant,
    receive: Callable[..., Dossier],  # noqa: F811
) -> Dossier:
    return receive(birth_procedure, father, declared_data=dict(DECLARED))


@pytest.fixture
def other_justice_official(
    identified_other_commune: AdministrativeUnit,  # noqa: F811
    make_staff: Callable[..., User],
) -> User:
    return make_staff(identified_other_commune, "justice_civil_status", username="tuphap_khac")


def form_data(dossier: Dossier, **overrides: Any) -> dict[str, Any]:
    """The declared data as the service gets it from the form (dates as dates)."""
    from xaso.civil_registry.services import birth_form_initial

    return {**birth_form_initial(dossier=dossier), **overrides}


def post_data(data: dict[str, Any]) -> dict[str, str]:
    return {
        key: value.isoformat() if isinstance(value, datetime.date) else str(value)
        for key, value in data.items()
    }
