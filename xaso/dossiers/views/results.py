"""Staff pages of the end of a dossier: record the result, collect a fee and print its
receipt, return the result, and the satisfaction scores of the unit and its officials.

Each view: permission (403), the dossier of the user's unit (404 for another unit's),
bind the form, call one service, redirect to the dossier page with a message; a refused
action shows its reason on the form and saves nothing.
"""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from xaso.core.exceptions import DomainError
from xaso.core.forms.accounts import add_service_errors
from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.core.pdf import pdf_response
from xaso.core.pdf import render_pdf
from xaso.core.tenancy import get_readable_or_404
from xaso.core.tenancy import get_writable_or_404
from xaso.dossiers import money
from xaso.dossiers.forms.results import FeeCollectForm
from xaso.dossiers.forms.results import RatingPeriodForm
from xaso.dossiers.forms.results import ResultRecordForm
from xaso.dossiers.forms.results import ResultReturnForm
from xaso.dossiers.models import DeliveryMethod
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import FeePayment
from xaso.dossiers.models import Result
from xaso.dossiers.notifications import public_lookup_url
from xaso.dossiers.services import ratings as rating_services
from xaso.dossiers.services import result_signing
from xaso.dossiers.services import results as result_services
from xaso.dossiers.services.processing import readable_dossiers
from xaso.signatures import seal_queue
from xaso.signatures.forms import SigningKeyForm

RECORD_PERMISSIONS = ("dossiers.process_dossier", "dossiers.approve_dossier")
RETURN_PERMISSION = "dossiers.return_result"
RECEIPT_PERMISSIONS = ("dossiers.return_result", "dossiers.view_all_dossiers")
STATISTICS_PERMISSION = "dossiers.view_all_dossiers"


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_any(user: User, permissions: tuple[str, ...]) -> None:
    if not any(user.has_perm(permission) for permission in permissions):
        raise PermissionDenied


def _dossier_queryset():  # type: ignore[no-untyped-def]
    return Dossier.objects.select_related(
        "unit", "procedure", "applicant", "received_by", "current_step"
    )


def _to_dossier(dossier: Dossier) -> HttpResponse:
    return redirect("dossiers:dossier_detail", pk=dossier.pk)


def _show_refusal(form: object, error: Exception) -> None:
    if isinstance(error, ValidationError):
        add_service_errors(form, error)  # type: ignore[arg-type]
    elif isinstance(error, DomainError):
        form.add_error(None, error.message)  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def result_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require_any(actor, RECORD_PERMISSIONS)
    dossier = get_writable_or_404(_dossier_queryset(), actor, pk=pk)
    if not result_services.can_record_result(actor, dossier):
        messages.error(request, _("Bạn không thể ghi nhận kết quả của hồ sơ này lúc này."))
        return _to_dossier(dossier)
    existing = Result.objects.filter(dossier=dossier).first()
    if request.method == "POST":
        form = ResultRecordForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result_services.record_result(actor=actor, dossier=dossier, **form.cleaned_data)
            except (ValidationError, DomainError) as error:
                _show_refusal(form, error)
            else:
                messages.success(request, _("Đã ghi nhận kết quả giải quyết hồ sơ."))
                return _to_dossier(dossier)
    else:
        initial = {"issued_on": timezone.localdate()}
        if existing is not None:
            initial = {
                "number": existing.number,
                "issued_on": existing.issued_on,
                "signer_name": existing.signer_name,
                "summary": existing.summary,
            }
        form = ResultRecordForm(initial=initial)
    return render(
        request,
        "dossiers/result_record.html",
        {"dossier": dossier, "form": form, "existing": existing},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fee_collect(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require_any(actor, (RETURN_PERMISSION,))
    dossier = get_writable_or_404(_dossier_queryset(), actor, pk=pk)
    fees = result_services.fee_summary(dossier)
    if request.method == "POST":
        form = FeeCollectForm(request.POST)
        if form.is_valid():
            try:
                payment = result_services.collect_fee(
                    actor=actor, dossier=dossier, **form.cleaned_data
                )
            except (ValidationError, DomainError) as error:
                _show_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("Đã thu %(amount)s đồng, biên lai số %(number)s.")
                    % {
                        "amount": money.format_amount(payment.amount),
                        "number": payment.receipt_number,
                    },
                )
                return _to_dossier(dossier)
    else:
        form = FeeCollectForm(
            initial={"amount": fees.outstanding or None, "payer_name": dossier.applicant.full_name}
        )
    return render(
        request,
        "dossiers/fee_collect.html",
        {"dossier": dossier, "form": form, "fees": fees, "is_closed": dossier.is_closed},
    )


def _qr_data_uri(text: str) -> str:
    # segno draws modules only (the text never becomes markup), so the SVG is safe inline.
    return segno.make(text, error="m").svg_data_uri(scale=4, border=1)


@login_required
@require_GET
@official_language
def fee_receipt_pdf(request: HttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    actor = _actor(request)
    _require_any(actor, RECEIPT_PERMISSIONS)
    dossier = get_readable_or_404(_dossier_queryset(), actor, pk=pk)
    payment = get_object_or_404(
        FeePayment.objects.select_related("collected_by"), pk=payment_pk, dossier=dossier
    )
    lookup_url = public_lookup_url(dossier.code)
    context = {
        "dossier": dossier,
        "payment": payment,
        "unit": dossier.unit,
        "amount_figures": money.format_amount(payment.amount),
        "amount_words": money.amount_in_words(payment.amount),
        "lookup_url": lookup_url,
        "qr": _qr_data_uri(lookup_url),
    }
    pdf = render_pdf("dossiers/forms/fee_receipt.html", context)
    filename = f"bien-lai-{payment.receipt_number.replace('/', '-')}.pdf"
    return pdf_response(pdf, filename)


@login_required
@require_http_methods(["GET", "POST"])
def result_return(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require_any(actor, (RETURN_PERMISSION,))
    dossier = get_writable_or_404(_dossier_queryset(), actor, pk=pk)
    if request.method == "POST":
        form = ResultReturnForm(request.POST)
        if form.is_valid():
            try:
                result_services.return_result(actor=actor, dossier=dossier, **form.cleaned_data)
            except (ValidationError, DomainError) as error:
                _show_refusal(form, error)
            else:
                messages.success(request, _("Đã trả kết quả, hồ sơ đã kết thúc."))
                return _to_dossier(dossier)
    else:
        method = (
            dossier.delivery_method
            if dossier.delivery_method in result_services.RETURN_METHODS
            else DeliveryMethod.DESK
        )
        form = ResultReturnForm(
            initial={"method": method, "returned_to": dossier.applicant.full_name}
        )
    return render(
        request,
        "dossiers/result_return.html",
        {
            "dossier": dossier,
            "form": form,
            "fees": result_services.fee_summary(dossier),
            "result": Result.objects.filter(dossier=dossier).first(),
            "is_ready": dossier.status == Dossier.Status.RESULT_READY,
        },
    )


def _sign_step(
    request: HttpRequest, pk: int, permissions: tuple[str, ...], step, success: str
) -> HttpResponse:
    """The leader's or the văn thư's digital signature on the result: 403 without the
    permissions, 404 for another unit's dossier; a refused key, PIN or file shows its reason
    and changes nothing. Back to the dossier page, or to the văn thư's queue."""
    actor = _actor(request)
    if not all(actor.has_perm(permission) for permission in permissions):
        raise PermissionDenied
    dossier = get_writable_or_404(_dossier_queryset(), actor, pk=pk)
    back = seal_queue.after_seal(
        request,
        _to_dossier(dossier),
        may_open_fallback=readable_dossiers(actor).filter(pk=dossier.pk).exists(),
    )
    form = SigningKeyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return back
    try:
        step(actor=actor, dossier=dossier, key=form.signing_key())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return back


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("form")
@login_required
@require_POST
def result_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _sign_step(
        request,
        pk,
        result_signing.SIGN_PERMISSIONS,
        result_signing.sign_result,
        _("Đã ký số kết quả. Văn thư sẽ ký số của cơ quan trước khi trả."),
    )


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("form")
@login_required
@require_POST
def result_seal(request: HttpRequest, pk: int) -> HttpResponse:
    return _sign_step(
        request,
        pk,
        result_signing.SEAL_PERMISSIONS,
        result_signing.seal_result,
        _("Đã ký số của cơ quan vào kết quả; người nộp nhận bản điện tử đã ký số."),
    )


@login_required
@require_GET
def result_signed_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The signed result, for the văn thư who adds the organisation's signature: she sees
    this file, not the dossier (403 without the seal permission, 404 for another unit)."""
    result = result_signing.signed_result_for_sealer(actor=_actor(request), pk=pk)
    return FileResponse(
        result.file.open("rb"),
        content_type="application/pdf",
        filename=result.file.name.rsplit("/", 1)[-1],
    )


@login_required
@require_GET
def rating_statistics(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_any(actor, (STATISTICS_PERMISSION,))
    form = RatingPeriodForm(request.GET or None)
    date_from, date_to = form.period()
    statistics = rating_services.rating_statistics_for(
        user=actor, date_from=date_from, date_to=date_to
    )
    if not form.is_bound:
        form = RatingPeriodForm(initial={"date_from": date_from, "date_to": date_to})
    return render(
        request,
        "dossiers/rating_statistics.html",
        {
            "form": form,
            "statistics": statistics,
            "indicators": [
                (name, number, label)
                for name, (number, label) in rating_services.INDICATORS.items()
            ],
        },
    )
