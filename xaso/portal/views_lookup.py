"""Public pages, no login: dossier lookup, online rating, and the rating kiosk at the desk.

No page shows an applicant's personal data (only a masked name); lookups and online
rating need the dossier code and the last 4 digits of the applicant's phone or CCCD, and
count against a per-address limit (xaso/portal/lookup.py). Every page works without
JavaScript (plain forms).
"""

import datetime
from typing import Any

from django import forms
from django.core import signing
from django.http import FileResponse
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods

from xaso.core.exceptions import DomainError
from xaso.core.files import stored_file_response
from xaso.core.models import AdministrativeUnit
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Rating
from xaso.dossiers.services import ratings
from xaso.dossiers.services import result_signing
from xaso.portal import lookup

RATING_SIGNING_SALT = "xaso.portal.rating"
# The download link of a signed result shown after a successful lookup (code + 4 digits).
RESULT_SIGNING_SALT = "xaso.portal.result"
RESULT_TOKEN_MAX_AGE = 30 * 60
RATING_TOKEN_MAX_AGE = 30 * 60  # seconds between verifying the code and sending the rating
KIOSK_LIST_LIMIT = 40


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=60,
        help_text=_("In trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    digits = forms.CharField(
        label=_("4 số cuối số điện thoại hoặc số CCCD"),
        min_length=lookup.DIGITS,
        max_length=lookup.DIGITS,
        help_text=_("Của người nộp hồ sơ, như đã khai khi nộp."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": "[0-9]{4}", "autocomplete": "off"}
        ),
    )

    def clean_digits(self) -> str:
        digits = self.cleaned_data["digits"].strip()
        if len(digits) != lookup.DIGITS or not digits.isdigit():
            raise forms.ValidationError(_("Hãy nhập đúng 4 chữ số."))
        return digits


def _radio(label: str, choices: list[tuple[int, str]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=int, widget=forms.RadioSelect, empty_value=None
    )


class RatingForm(forms.Form):
    """The four citizen-side criteria of TT 01/2018 (1, 3, 4, 7) in plain words."""

    time_score = _radio(
        _("Hồ sơ của Ông/Bà được trả kết quả so với ngày hẹn như thế nào?"),
        [(2, _("Sớm hơn ngày hẹn")), (1, _("Đúng ngày hẹn")), (0, _("Muộn hơn ngày hẹn"))],
    )
    visits_score = _radio(
        _("Ông/Bà phải đi lại mấy lần để bổ sung, hoàn thiện hồ sơ?"),
        [(2, _("Không lần nào")), (1, _("Một lần")), (0, _("Từ hai lần trở lên"))],
    )
    bodies_score = _radio(
        _("Ông/Bà phải đến những cơ quan nào để làm xong việc này?"),
        [
            (2, _("Không phải đến (nộp và nhận qua mạng hoặc bưu điện)")),
            (1, _("Chỉ đến Bộ phận Một cửa")),
            (0, _("Phải đến thêm cơ quan, đơn vị khác")),
        ],
    )
    attitude_score = _radio(
        _("Thái độ của cán bộ khi hướng dẫn, tiếp nhận và trả kết quả?"),
        [
            (2, _("Tận tình, chu đáo")),
            (1, _("Bình thường")),
            (0, _("Chưa tốt, tôi muốn phản ánh")),
        ],
    )
    is_satisfied = forms.TypedChoiceField(
        label=_("Nhìn chung, Ông/Bà có hài lòng không?"),
        choices=[("1", _("👍 Hài lòng")), ("0", _("👎 Chưa hài lòng"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Ý kiến khác (không bắt buộc)"),
        required=False,
        max_length=ratings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _public_unit(unit: AdministrativeUnit | None = None) -> AdministrativeUnit | None:
    """The unit named in the page header: the given one, or the only commune hosted here."""
    if unit is not None:
        return unit
    communes = list(AdministrativeUnit.objects.hosted().communes()[:2])
    return communes[0] if len(communes) == 1 else None


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    unit: AdministrativeUnit | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"public_unit": _public_unit(unit), **context}
    return render(request, template, context, status=status)


def _rate_limited(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context = {**context, "rate_limited_message": lookup.RATE_LIMITED_MESSAGE}
    return _page(request, template, context, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def lookup_dossier(request: HttpRequest) -> HttpResponse:
    """Status, due time and public timeline of a dossier (code + 4 digits)."""
    if request.method != "POST":
        form = LookupForm(initial={"code": request.GET.get(lookup.CODE_PARAM, "").strip()})
        return _page(request, "portal/lookup.html", {"form": form})
    code = request.POST.get("code", "").strip()
    fresh = LookupForm(initial={"code": code})
    if not lookup.allow_attempt(request):
        return _rate_limited(request, "portal/lookup.html", {"form": fresh})
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _page(request, "portal/lookup.html", {"form": form})
    dossier = lookup.find_dossier(form.cleaned_data["code"], form.cleaned_data["digits"])
    if dossier is None:
        # The same answer for an unknown code and for wrong digits.
        return _page(
            request,
            "portal/lookup.html",
            {"form": fresh, "not_found_message": lookup.NOT_FOUND_MESSAGE},
        )
    found = lookup.public_view(dossier)
    context = {"form": fresh, "found": found}
    if result_signing.downloadable_result(dossier) is not None:
        context["result_token"] = signing.dumps(dossier.pk, salt=RESULT_SIGNING_SALT)
    if found.can_rate:
        context["rating_token"] = signing.dumps(dossier.pk, salt=RATING_SIGNING_SALT)
    return _page(request, "portal/lookup.html", context, unit=dossier.unit)


@never_cache
@require_GET
def result_download(request: HttpRequest, token: str) -> FileResponse:
    """The signed result (both digital signatures, ND 30/2020 Đ5) of a dossier just found
    by its code and 4 digits; the link expires after RESULT_TOKEN_MAX_AGE. 404 otherwise."""
    try:
        pk = signing.loads(token, salt=RESULT_SIGNING_SALT, max_age=RESULT_TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404 from error
    dossier = Dossier.objects.filter(pk=pk).first()
    result = result_signing.downloadable_result(dossier) if dossier is not None else None
    if result is None:
        raise Http404
    # Through the shared helper: the applicant's personal data is never cached.
    return stored_file_response(
        result.file,
        content_type="application/pdf",
        download_name=f"ket-qua-{dossier.code}.pdf",
        as_attachment=True,
    )


def _dossier_from_token(token: str) -> Dossier | None:
    try:
        pk = signing.loads(token, salt=RATING_SIGNING_SALT, max_age=RATING_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return Dossier.objects.select_related("unit").filter(pk=pk).first()


@never_cache
@require_http_methods(["GET", "POST"])
def rating(request: HttpRequest) -> HttpResponse:
    """Online rating: verify the dossier (code + 4 digits, or the token of a lookup), then
    the criteria. Once per dossier, after it has ended."""
    template = "portal/rating.html"
    if request.method != "POST":
        form = LookupForm(initial={"code": request.GET.get(lookup.CODE_PARAM, "").strip()})
        return _page(request, template, {"verify_form": form})
    step = request.POST.get("step", "verify")
    if step == "verify":
        fresh = LookupForm(initial={"code": request.POST.get("code", "").strip()})
        if not lookup.allow_attempt(request):
            return _rate_limited(request, template, {"verify_form": fresh})
        verify_form = LookupForm(request.POST)
        if not verify_form.is_valid():
            return _page(request, template, {"verify_form": verify_form})
        dossier = lookup.find_dossier(
            verify_form.cleaned_data["code"], verify_form.cleaned_data["digits"]
        )
        if dossier is None:
            return _page(
                request,
                template,
                {"verify_form": fresh, "not_found_message": lookup.NOT_FOUND_MESSAGE},
            )
        token = signing.dumps(dossier.pk, salt=RATING_SIGNING_SALT)
    else:
        token = request.POST.get("token", "")
        dossier = _dossier_from_token(token)
        if dossier is None:
            return _page(
                request,
                template,
                {
                    "verify_form": LookupForm(),
                    "error_message": _("Phiên đánh giá đã hết hạn; hãy nhập lại mã hồ sơ."),
                },
            )
    refusal = ratings.rating_refusal(dossier)
    if refusal:
        return _page(
            request, template, {"refusal": refusal, "code": dossier.code}, unit=dossier.unit
        )
    context: dict[str, Any] = {"code": dossier.code, "token": token}
    if step != "rate":
        context["rating_form"] = RatingForm()
        return _page(request, template, context, unit=dossier.unit)
    rating_form = RatingForm(request.POST)
    context["rating_form"] = rating_form
    if rating_form.is_valid():
        try:
            ratings.submit_rating(
                dossier=dossier, channel=Rating.Channel.ONLINE, **rating_form.cleaned_data
            )
        except DomainError as error:
            return _page(
                request,
                template,
                {"refusal": error.message, "code": dossier.code},
                unit=dossier.unit,
            )
        return _page(
            request, "portal/rating_thanks.html", {"code": dossier.code}, unit=dossier.unit
        )
    return _page(request, template, context, unit=dossier.unit)


def _kiosk_codes(unit: AdministrativeUnit) -> list[str]:
    """Codes of the unit's dossiers ended today at the desk and not rated yet (newest first)."""
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    return list(
        Dossier.objects.filter(
            unit=unit,
            status__in=ratings.RATEABLE_STATUSES,
            closed_at__gte=start,
            postal_tracking_number="",
            rating__isnull=True,
        )
        .order_by("-closed_at")
        .values_list("code", flat=True)[:KIOSK_LIST_LIMIT]
    )


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, unit_code: int) -> HttpResponse:
    """The tablet at the desk: today's returned dossiers by code; tap yours, then rate."""
    unit = get_object_or_404(AdministrativeUnit.objects.hosted().communes(), code=unit_code)
    codes = _kiosk_codes(unit)
    context: dict[str, Any] = {"unit": unit, "codes": codes}
    code = (request.POST if request.method == "POST" else request.GET).get(lookup.CODE_PARAM, "")
    code = lookup.normalise_code(code)
    if not code:
        return _page(request, "portal/kiosk.html", context, unit=unit)
    if code not in codes:
        context["message"] = _("Hồ sơ này không có trong danh sách đánh giá hôm nay.")
        return _page(request, "portal/kiosk.html", context, unit=unit)
    dossier = Dossier.objects.get(code=code)
    form = RatingForm(request.POST) if request.method == "POST" else RatingForm()
    context.update({"code": code, "rating_form": form})
    if request.method == "POST" and form.is_valid():
        try:
            ratings.submit_rating(
                dossier=dossier, channel=Rating.Channel.KIOSK, **form.cleaned_data
            )
        except DomainError as error:
            context = {"unit": unit, "codes": _kiosk_codes(unit), "message": error.message}
            return _page(request, "portal/kiosk.html", context, unit=unit)
        return _page(request, "portal/kiosk_thanks.html", {"unit": unit, "code": code}, unit=unit)
    return _page(request, "portal/kiosk_rate.html", context, unit=unit)
