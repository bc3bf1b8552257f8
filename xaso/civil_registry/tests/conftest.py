"""Fixtures for civil registry tests: hộ tịch procedures, dossiers declaring each kind, and
the whole path prepare → forward → approve through the services."""

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from xaso.applicants.models import Applicant
from xaso.applicants.tests.factories import ApplicantFactory
from xaso.civil_registry.models import CivilEntry
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import FeeRule
from xaso.dossiers.models import Procedure
from xaso.dossiers.services import processing
from xaso.dossiers.tests.conftest import applicant  # noqa: F401  (shared fixtures)
from xaso.dossiers.tests.conftest import identified_commune  # noqa: F401
from xaso.dossiers.tests.conftest import identified_other_commune  # noqa: F401
from xaso.dossiers.tests.conftest import justice_official  # noqa: F401
from xaso.dossiers.tests.conftest import receive  # noqa: F401
from xaso.dossiers.tests.factories import ProcedureFactory

# Friday 20 November 2026, 09:00 in Vietnam: the registration day of every test.
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = NOW.date()
CORRECTION_CODE = "HT.CAICHINH"

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

# One valid declaration per other kind (as a citizen's e-form or the counter would store it).
KIND_DECLARATIONS: dict[str, tuple[str, dict[str, Any], str]] = {
    "death": (
        "1.000656",
        {
            "deceased_full_name": "Phạm Văn Bảy",
            "sex": "male",
            "date_of_birth": "1940-02-03",
            "date_of_death": "2026-11-15",
            "place_of_death": "Tại nhà, bản Hạnh Tiến",
            "cause_of_death": "Tuổi già",
            "declarant_relation": "Con",
        },
        "Phạm Văn Bảy",
    ),
    "marriage": (
        "1.000894",
        {
            "husband_full_name": "Trần Văn Nam",
            "husband_date_of_birth": "2000-05-01",
            "husband_residence": "Bản Hạnh Tiến",
            "wife_full_name": "Lò Thị Mai",
            "wife_date_of_birth": "2004-07-09",
            "wife_residence": "Bản Na Pà",
        },
        "Trần Văn Nam",
    ),
    "marital_status": (
        "1.004873",
        {
            "full_name": "Vi Văn Hùng",
            "date_of_birth": "1990-01-20",
            "marital_status": "Chưa đăng ký kết hôn với ai",
            "purpose": "Để đăng ký kết hôn",
        },
        "Vi Văn Hùng",
    ),
    "parent_child": (
        "1.001022",
        {
            "relation": "father_child",
            "parent_full_name": "Lương Văn Tâm",
            "parent_date_of_birth": "1985-03-03",
            "child_full_name": "Lương Thị Hạnh",
            "child_date_of_birth": "2015-08-08",
        },
        "Lương Thị Hạnh",
    ),
    "guardianship": (
        "1.004837",
        {
            "guardian_full_name": "Hà Văn Sơn",
            "guardian_date_of_birth": "1970-10-10",
            "ward_full_name": "Hà Thị Lan",
            "ward_date_of_birth": "2014-04-04",
            "basis": "Giám hộ đương nhiên (cha mẹ đã chết)",
        },
        "Hà Thị Lan",
    ),
}


@pytest.fixture(autouse=True)
def fixed_now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=True)


def procedure_for(unit: AdministrativeUnit, code: str, name: str = "Thủ tục hộ tịch") -> Procedure:
    return ProcedureFactory(unit=unit, code=code, name=name, time_limit_kind="immediate")


def birth_procedure_for(unit: AdministrativeUnit) -> Procedure:
    return procedure_for(unit, "1.001193", "Đăng ký khai sinh")


@pytest.fixture
def birth_procedure(identified_commune: AdministrativeUnit) -> Procedure:  # noqa: F811
    return birth_procedure_for(identified_commune)


@pytest.fixture
def extract_procedure(identified_commune: AdministrativeUnit) -> Procedure:  # noqa: F811
    procedure = procedure_for(identified_commune, "2.000635", "Cấp bản sao trích lục hộ tịch")
    FeeRule.objects.create(
        procedure=procedure, name="Lệ phí bản sao trích lục", amount=8000, basis="copy"
    )
    return procedure


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


@pytest.fixture
def other_chairman(
    identified_other_commune: AdministrativeUnit,  # noqa: F811
    make_staff: Callable[..., User],
) -> User:
    return make_staff(identified_other_commune, "chairman", username="chutich_khac")


@pytest.fixture
def other_counter(
    identified_other_commune: AdministrativeUnit,  # noqa: F811
    make_staff: Callable[..., User],
) -> User:
    return make_staff(identified_other_commune, "counter_officer", username="motcua_khac")


@pytest.fixture
def land_official(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    """A staff member of the unit with no access to the registers."""
    return make_staff(commune, "land_construction", username="diachinh")


def form_data(dossier: Dossier, **overrides: Any) -> dict[str, Any]:
    """The form's initial values (what the official sees) with `overrides`."""
    from xaso.civil_registry.services import form_initial

    return {**form_initial(dossier=dossier), **overrides}


def post_data(data: dict[str, Any]) -> dict[str, str]:
    return {
        key: value.isoformat()
        if isinstance(value, datetime.date)
        else ("" if value is None else str(value))
        for key, value in data.items()
    }


def forward_to_leader(dossier: Dossier, official: User, leader: User) -> Dossier:
    """The official claims and forwards, the leader claims the approval step."""
    dossier = processing.claim_step(actor=official, dossier=dossier)
    dossier = processing.forward_dossier(actor=official, dossier=dossier)
    return processing.claim_step(actor=leader, dossier=dossier)


def register_through_approval(
    dossier: Dossier, official: User, leader: User, **overrides: Any
) -> CivilEntry:
    from xaso.civil_registry.services import prepare_registration

    prepare_registration(actor=official, dossier=dossier, data=form_data(dossier, **overrides))
    dossier = forward_to_leader(dossier, official, leader)
    processing.approve_dossier(actor=leader, dossier=dossier)
    return CivilEntry.objects.get(dossier=dossier)
