"""The single NinjaAPI of XãSố; each app adds its router here."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from ninja import NinjaAPI

from xaso.core.api import router as core_router
from xaso.core.api_auth import session_or_token_auth
from xaso.core.exceptions import DomainError
from xaso.dossiers.api import router as dossiers_router

api = NinjaAPI(
    title="XãSố API",
    version="1",
    description="API của XãSố. Mọi truy vấn được giới hạn theo đơn vị và vai trò của người gọi.",
    auth=session_or_token_auth,
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"code": "invalid", "detail": exc.messages}, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "forbidden", "detail": "Bạn không có quyền thực hiện thao tác này."},
        status=403,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"code": "not_found", "detail": "Không tìm thấy."}, status=404
    )


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "detail": exc.message}, status=422)


api.add_router("/v1/", core_router)
api.add_router("/v1/mot-cua/", dossiers_router)
api.add_router("/v1/applicants/", "xaso.applicants.api.router")
api.add_router("/v1/public/", "xaso.portal.api.router")
api.add_router("/v1/lich-cong-tac/", "xaso.work_calendar.api.router")
api.add_router("/v1/ho-tich/", "xaso.civil_registry.api.router")
api.add_router("/v1/chu-ky-so/", "xaso.signatures.api.router")
api.add_router("/v1/van-ban/", "xaso.documents.api.router")
