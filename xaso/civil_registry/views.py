"""Civil registry pages: the registration (and correction) form of a dossier, register
search, an entry with its versions, certificates, extract copies, the public verification
page, and the registers' print/XLSX/PDF.

Each view: permission (403), the record of the user's unit (404 for another unit's), bind
the form, call one service or selector, render or redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from xaso.applicants.models import Applicant
from xaso.civil_registry import certificates
from xaso.civil_registry import exports
from xaso.civil_registry import kinds
from xaso.civil_registry import mapping
from xaso.civil_registry import services
from xaso.civil_registry.forms import ExtractRequestForm
from xaso.civil_registry.forms import RegisterSearchForm
from xaso.civil_registry.forms import TargetSearchForm
from xaso.civil_registry.forms import UnitSettingsForm
from xaso.civil_registry.forms import with_change
from xaso.civil_registry.forms import with_checkbox
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import Kind
from xaso.civil_registry.views_signing import signing_context
from xaso.core.exceptions import DomainError
from xaso.core.forms.accounts import add_service_errors
from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.core.pdf import pdf_response
from xaso.core.pdf import render_pdf
from xaso.core.tenancy import get_writable_or_404
from xaso.dossiers.models import Dossier
from xaso.dossiers.services.reception import RECEIVE_PERMISSION


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _require_view(user: User) -> None:
    if not services.can_view_registers(user):
        raise PermissionDenied


def _dossier_for_registration(request: HttpRequest, dossier_pk: int) -> tuple[User, Dossier]:
    actor = _actor(request)
    _require(actor, services.REGISTER_PERMISSION)
    dossier = get_writable_or_404(
        Dossier.objects.select_related("procedure", "applicant"), actor, pk=dossier_pk
    )
    return actor, dossier


def _fee_message(request: HttpRequest, dossier: Dossier) -> None:
    """Tell the official what the dossier's fee became (Luật Hộ tịch Đ11)."""
    dossier.refresh_from_db(fields=["fee_due", "fee_exemption", "fee_basis"])
    if dossier.fee_due:
        messages.info(
            request,
            _("Lệ phí phải nộp: %(fee)s đồng (%(basis)s).")
            % {"fee": f"{dossier.fee_due:,}".replace(",", "."), "basis": dossier.fee_basis},
        )
    elif dossier.fee_exemption:
        messages.info(
            request, _("Không thu lệ phí: %(reason)s.") % {"reason": dossier.fee_exemption}
        )
    else:
        messages.warning(
            request,
            _(
                "Danh mục thủ tục của đơn vị chưa có mức lệ phí (theo nghị quyết của HĐND tỉnh) "
                "cho việc này: hồ sơ chưa có khoản phải nộp. %(basis)s."
            )
            % {"basis": dossier.fee_basis},
        )


@login_required
@require_http_methods(["GET", "POST"])
def prepare_from_dossier(request: HttpRequest, dossier_pk: int) -> HttpResponse:
    actor, dossier = _dossier_for_registration(request, dossier_pk)
    kind = mapping.kind_for_procedure(dossier.procedure)
    if kind is None:
        raise Http404
    if kind == Kind.CHANGE:
        return redirect("civil_registry:correction_from_dossier", dossier_pk=dossier.pk)
    existing = CivilEntry.objects.filter(dossier=dossier).first()
    if existing is not None:
        messages.info(request, _("Hồ sơ này đã được ghi vào sổ hộ tịch."))
        return redirect("civil_registry:entry_detail", pk=existing.pk)
    spec = kinds.spec_for(kind)
    form_class = with_checkbox(spec.form_class)
    prepared = services.prepared_for(dossier=dossier)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.prepare_registration(
                    actor=actor,
                    dossier=dossier,
                    data=form.entry_data(),
                    fee_exemption=form.cleaned_data.get("fee_exemption") or "",
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Đã lưu tờ đăng ký. Việc hộ tịch được ghi vào sổ (cấp số) khi lãnh "
                        "đạo phê duyệt hồ sơ."
                    ),
                )
                _fee_message(request, dossier)
                return redirect("dossiers:dossier_detail", pk=dossier.pk)
    else:
        initial = (
            {
                **services.from_json(spec, prepared.data),
                "fee_exemption": prepared.fee_exemption,
            }
            if prepared
            else services.form_initial(dossier=dossier)
        )
        form = form_class(initial=initial)
    return render(
        request,
        "civil_registry/prepare_form.html",
        {"dossier": dossier, "form": form, "spec": spec, "prepared": prepared},
    )


@login_required
@require_http_methods(["GET", "POST"])
def correction_from_dossier(request: HttpRequest, dossier_pk: int) -> HttpResponse:
    actor, dossier = _dossier_for_registration(request, dossier_pk)
    if mapping.kind_for_procedure(dossier.procedure) != Kind.CHANGE:
        raise Http404
    existing = CivilEntry.objects.filter(dossier=dossier).first()
    if existing is not None:
        return redirect("civil_registry:entry_detail", pk=existing.pk)
    prepared = services.prepared_for(dossier=dossier)
    search = TargetSearchForm(request.GET or None)
    candidates = (
        services.correction_targets(user=actor, query=search.cleaned_data["q"])[:50]
        if search.is_valid()
        else []
    )
    target_pk = request.POST.get("entry") or request.GET.get("entry")
    if not target_pk and prepared is not None:
        target_pk = prepared.target_id
    target = None
    form = None
    if target_pk:
        try:
            target = services.entries_for(user=actor).get(pk=int(target_pk), unit_id=actor.unit_id)
        except (CivilEntry.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        spec = kinds.spec_for(target.kind)
        form_class = with_change(spec.form_class)
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    services.prepare_correction(
                        actor=actor,
                        dossier=dossier,
                        target=target,
                        data=form.entry_data(),
                        change_type=form.cleaned_data.get("change_type") or "",
                        reason=form.cleaned_data.get("reason") or "",
                        fee_exemption=form.cleaned_data.get("fee_exemption") or "",
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request,
                        _(
                            "Đã lưu nội dung thay đổi, cải chính. Sổ được cập nhật (phiên bản "
                            "mới) khi lãnh đạo phê duyệt hồ sơ."
                        ),
                    )
                    _fee_message(request, dossier)
                    return redirect("dossiers:dossier_detail", pk=dossier.pk)
        else:
            initial = services.from_json(spec, target.data)
            if prepared is not None and prepared.target_id == target.pk:
                initial = {
                    **services.from_json(spec, prepared.data),
                    "change_type": prepared.change_type,
                    "reason": prepared.reason,
                    "fee_exemption": prepared.fee_exemption,
                }
            form = form_class(initial=initial)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "civil_registry/correction_form.html",
        {
            "dossier": dossier,
            "search": search,
            "candidates": candidates,
            "target": target,
            "form": form,
            "prepared": prepared,
        },
    )


@login_required
@require_GET
def prepared_detail(request: HttpRequest, dossier_pk: int) -> HttpResponse:
    """What the official saved on the dossier, for the leader to read before approving."""
    actor = _actor(request)
    _require_view(actor)
    dossier = get_writable_or_404(
        Dossier.objects.select_related("procedure", "applicant"), actor, pk=dossier_pk
    )
    prepared = services.prepared_for(dossier=dossier)
    if prepared is None:
        raise Http404
    if prepared.kind == Kind.CHANGE and prepared.target is not None:
        spec = kinds.spec_for(prepared.target.kind)
        rows = [
            {
                "label": spec.label(name),
                "old": kinds.display_value(spec, name, prepared.target.data.get(name)),
                "new": kinds.display_value(spec, name, prepared.data.get(name)),
            }
            for name in services.changed_fields(spec, prepared.target.data, prepared.data)
        ]
    else:
        spec = kinds.spec_for(prepared.kind)
        rows = [
            {"label": label, "new": value}
            for label, value in services.entry_rows(spec, prepared.data)
        ]
    return render(
        request,
        "civil_registry/prepared_detail.html",
        {"dossier": dossier, "prepared": prepared, "spec": spec, "rows": rows},
    )


@login_required
@require_GET
def record_for_dossier(request: HttpRequest, dossier_pk: int) -> HttpResponse:
    """The register entry a dossier created, or the extract copy it issued."""
    actor = _actor(request)
    _require_view(actor)
    entry = services.entries_for(user=actor).filter(dossier_id=dossier_pk).first()
    if entry is not None:
        return redirect("civil_registry:entry_detail", pk=entry.pk)
    copy = services.extract_copies_for(user=actor).filter(dossier_id=dossier_pk).first()
    if copy is not None:
        return redirect("civil_registry:extract_copy_pdf", pk=copy.pk)
    raise Http404


@login_required
@require_GET
def register_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_view(actor)
    form = RegisterSearchForm(request.GET or None)
    query, kind, year = "", "", None
    if form.is_valid():
        query = form.cleaned_data["q"]
        kind = form.cleaned_data["kind"]
        year = form.cleaned_data["year"]
    searched = bool(query or kind or year)
    if not searched:
        year = timezone.localdate().year
    entries = services.search_entries(user=actor, query=query, kind=kind, year=year)
    return render(
        request,
        "civil_registry/register_list.html",
        {"form": form, "entries": entries.order_by("-registered_on", "-pk")[:500], "year": year},
    )


def _can_request_extract(actor: User, entry: CivilEntry) -> bool:
    return (
        actor.has_perm(RECEIVE_PERMISSION)
        and actor.unit_id == entry.unit_id
        and entry.kind != Kind.CHANGE
    )


def _extract_candidates(entry: CivilEntry) -> list[Applicant]:
    """Who may ask for the copy, from the directory: the entry's people and its applicant."""
    people = [person.applicant for person in entry.people.select_related("applicant")]
    if entry.dossier_id and entry.dossier.applicant not in people:
        people.append(entry.dossier.applicant)
    return people


@login_required
@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require_view(actor)
    entry = services.get_entry_for(user=actor, pk=pk)
    spec = kinds.spec_for(entry.kind)
    can_extract = _can_request_extract(actor, entry)
    fee = None
    if can_extract:
        try:
            fee = services.extract_fee(unit_id=entry.unit_id, copies=1)
        except ValidationError:
            can_extract = False
    return render(
        request,
        "civil_registry/entry_detail.html",
        {
            "entry": entry,
            "spec": spec,
            "rows": services.entry_rows(spec, entry.data),
            "versions": services.version_rows(entry),
            "people": services.people_rows(entry),
            "copies": entry.extract_copies.order_by("-year", "-serial_number"),
            "changes": entry.changes.select_related("register"),
            "can_extract": can_extract,
            "extract_fee": fee,
            "candidates": _extract_candidates(entry) if can_extract else [],
            "extract_form": ExtractRequestForm(),
            # The certificate's digital signatures (a change entry has no certificate).
            "signable": entry.kind != Kind.CHANGE,
            **signing_context(actor, entry),
        },
    )


@login_required
@require_POST
def request_extract(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require(actor, RECEIVE_PERMISSION)
    _require_view(actor)
    entry = services.get_entry_for(user=actor, pk=pk)
    if entry.unit_id != actor.unit_id:
        raise Http404
    form = ExtractRequestForm(request.POST)
    if not form.is_valid() or not form.cleaned_data.get("applicant"):
        messages.error(request, _("Hãy chọn người yêu cầu và số bản sao (1 đến 20)."))
        return redirect("civil_registry:entry_detail", pk=entry.pk)
    applicant = Applicant.objects.filter(
        pk=form.cleaned_data["applicant"], unit_id=actor.unit_id
    ).first()
    if applicant is None:
        messages.error(request, _("Không tìm thấy người yêu cầu trong danh bạ của đơn vị."))
        return redirect("civil_registry:entry_detail", pk=entry.pk)
    try:
        dossier = services.start_extract_dossier(
            actor=actor,
            entry=entry,
            applicant=applicant,
            copies=form.cleaned_data["copies"],
            fee_exemption=form.cleaned_data.get("fee_exemption") or "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("civil_registry:entry_detail", pk=entry.pk)
    messages.success(
        request,
        _("Đã tiếp nhận hồ sơ cấp bản sao trích lục %(code)s, lệ phí %(fee)s đồng.")
        % {"code": dossier.code, "fee": f"{dossier.fee_due:,}".replace(",", ".")},
    )
    return redirect("dossiers:dossier_detail", pk=dossier.pk)


@login_required
@require_GET
@official_language
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require_view(actor)
    entry = services.get_entry_for(user=actor, pk=pk)
    return pdf_response(
        certificates.certificate_pdf(entry), certificates.certificate_filename(entry)
    )


@login_required
@require_GET
@official_language
def extract_copy_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require_view(actor)
    copy = services.get_extract_copy_for(user=actor, pk=pk)
    return pdf_response(
        certificates.extract_copy_pdf(copy), certificates.extract_copy_filename(copy)
    )


@require_GET
def verify_certificate(request: HttpRequest, token: str) -> HttpResponse:
    """Public (no login): what the QR on a certificate proves, and nothing personal."""
    try:
        entry = services.get_public_entry(token=token)
    except Http404:
        return render(
            request, "civil_registry/verify_unknown.html", {"certificate": True}, status=404
        )
    return render(
        request,
        "civil_registry/verify_certificate.html",
        {"entry": entry, "title": kinds.spec_for(entry.kind).title},
    )


@require_GET
def verify_extract(request: HttpRequest, token: str) -> HttpResponse:
    """Public (no login): what the QR on a copy proves, and nothing personal."""
    try:
        copy = services.get_public_extract(token=token)
    except Http404:
        return render(request, "civil_registry/verify_unknown.html", status=404)
    return render(request, "civil_registry/verify_extract.html", {"copy": copy})


@login_required
@require_http_methods(["GET", "POST"])
def unit_settings(request: HttpRequest) -> HttpResponse:
    """The unit administrator maps the catalog's procedures to the register kinds and sets
    the number of entries per register book."""
    actor = _actor(request)
    _require(actor, services.SETTINGS_PERMISSION)
    if actor.unit_id is None:
        raise PermissionDenied
    procedures = list(services.settings_procedures(user=actor))
    if request.method == "POST":
        form = UnitSettingsForm(request.POST, procedures=procedures)
        if form.is_valid():
            try:
                services.save_unit_settings(
                    actor=actor,
                    entries_per_book=form.cleaned_data["entries_per_book"],
                    kinds_by_procedure=form.kinds_by_procedure(),  # type: ignore[arg-type]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu cài đặt hộ tịch của đơn vị."))
                return redirect("civil_registry:unit_settings")
    else:
        current = mapping.kinds_by_procedure(actor.unit_id)
        initial: dict[str, object] = {
            "entries_per_book": services.unit_settings(actor.unit_id).entries_per_book,
            **{f"kind_{procedure.pk}": current.get(procedure.pk, "") for procedure in procedures},
        }
        form = UnitSettingsForm(initial=initial, procedures=procedures)
    mapped = set(mapping.kinds_by_procedure(actor.unit_id).values())
    return render(
        request,
        "civil_registry/unit_settings.html",
        {
            "form": form,
            "unmapped": [label for value, label in Kind.choices if value not in mapped],
        },
    )


# --- registers: print, XLSX, PDF --------------------------------------------------------------


def _register_args(request: HttpRequest) -> tuple[User, str, int]:
    actor = _actor(request)
    _require_view(actor)
    kind = request.GET.get("kind") or Kind.BIRTH
    if kind not in kinds.SPECS:
        raise Http404
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError as exc:
        raise Http404 from exc
    if not 1900 <= year <= 2999:
        raise Http404
    return actor, kind, year


@login_required
@require_GET
def register_print(request: HttpRequest) -> HttpResponse:
    actor, kind, year = _register_args(request)
    table = exports.register_table(user=actor, kind=kind, year=year)
    return render(
        request,
        "civil_registry/register_print.html",
        {"table": table, "kind": kind, "year": year, "kinds": Kind.choices},
    )


@login_required
@require_GET
@official_language
def register_xlsx(request: HttpRequest) -> HttpResponse:
    actor, kind, year = _register_args(request)
    content = exports.register_xlsx(user=actor, kind=kind, year=year)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="so-{kind}-{year}.xlsx"'
    return response


@login_required
@require_GET
@official_language
def register_pdf(request: HttpRequest) -> HttpResponse:
    actor, kind, year = _register_args(request)
    table = exports.register_table(user=actor, kind=kind, year=year)
    pdf = render_pdf(
        "civil_registry/pdf/register.html",
        {"table": table, "unit": actor.unit, "printed_on": timezone.localdate()},
    )
    return pdf_response(pdf, f"so-{kind}-{year}.pdf")
