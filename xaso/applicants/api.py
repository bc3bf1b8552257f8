"""Applicant directory API (mounted at /api/v1/applicants/): search, read, create.

Separate input and output schemas per operation. Every call needs
applicants.manage_applicants and sees only the caller's own unit.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query
from ninja import Router
from ninja import Schema
from ninja import Status

from xaso.applicants.models import Applicant
from xaso.applicants.selectors import get_applicant_for
from xaso.applicants.selectors import list_applicants_for
from xaso.applicants.services import MANAGE_PERMISSION
from xaso.applicants.services import ApplicantData
from xaso.applicants.services import DuplicateIdNumberError
from xaso.applicants.services import create_applicant
from xaso.core.idempotency import run_idempotent

router = Router(tags=["applicants"])

SEARCH_LIMIT = 50


def _require_manage(request: HttpRequest) -> None:
    if not request.user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied


class ApplicantSearchQuery(Schema):
    q: str = ""


class ApplicantListItemOut(Schema):
    id: int
    kind: str
    full_name: str
    id_number: str
    date_of_birth: datetime.date | None
    phone: str


class ApplicantOut(Schema):
    id: int
    kind: str
    full_name: str
    id_number: str
    old_id_number: str
    id_issued_on: datetime.date | None
    date_of_birth: datetime.date | None
    sex: str
    address: str
    phone: str
    email: str


class ApplicantCreateIn(Schema):
    kind: str = Applicant.Kind.PERSON
    full_name: str
    id_number: str = ""
    old_id_number: str = ""
    id_issued_on: datetime.date | None = None
    date_of_birth: datetime.date | None = None
    sex: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


class ApplicantCreatedOut(Schema):
    id: int
    full_name: str
    id_number: str


class DuplicateApplicantOut(Schema):
    code: str
    detail: str
    existing_id: int


def _applicant_out(applicant: Applicant) -> dict[str, object]:
    return {
        name: getattr(applicant, name) for name in ApplicantOut.model_fields if name != "id"
    } | {"id": applicant.pk}


@router.get(
    "",
    response=list[ApplicantListItemOut],
    summary="Tìm người nộp hồ sơ (họ tên, CCCD, điện thoại)",
)
def search_applicants(
    request: HttpRequest, filters: Query[ApplicantSearchQuery]
) -> list[Applicant]:
    _require_manage(request)
    return list(list_applicants_for(user=request.user, query=filters.q)[:SEARCH_LIMIT])


@router.get("/{pk}", response=ApplicantOut, summary="Một người nộp hồ sơ")
def get_applicant(request: HttpRequest, pk: int) -> dict[str, object]:
    _require_manage(request)
    return _applicant_out(get_applicant_for(user=request.user, pk=pk))


@router.post(
    "",
    response={201: ApplicantCreatedOut, 409: DuplicateApplicantOut},
    summary="Thêm người nộp hồ sơ (Idempotency-Key được hỗ trợ)",
)
def add_applicant(request: HttpRequest, payload: ApplicantCreateIn) -> Status:
    """Same CCCD in the unit → 409 with the existing record's id (same person)."""
    _require_manage(request)

    def write() -> tuple[int, dict[str, object]]:
        applicant = create_applicant(actor=request.user, data=ApplicantData(**payload.dict()))
        return 201, {
            "id": applicant.pk,
            "full_name": applicant.full_name,
            "id_number": applicant.id_number,
        }

    try:
        status, body = run_idempotent(
            request, scope="applicants.create", payload=payload.dict(), write=write
        )
    except DuplicateIdNumberError as error:
        return Status(
            409, {"code": error.code, "detail": error.message, "existing_id": error.existing.pk}
        )
    return Status(status, body)
