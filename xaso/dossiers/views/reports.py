"""Registers and statistics pages (permission dossiers.view_all_dossiers).

A commune user sees their own unit; a province supervisor adds ?don-vi=<pk> for a commune
of the province (any other unit: 404). The figures come from xaso.dossiers.reports.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.i18n import official_language
from xaso.core.models import AdministrativeUnit
from xaso.core.pdf import pdf_response
from xaso.dossiers import reports
from xaso.dossiers import slips
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import FormSet
from xaso.dossiers.models import Procedure
from xaso.dossiers.reports import BookFilters
from xaso.dossiers.reports import GroupRow

UNIT_PARAM = "don-vi"
BOOK_PAGE_SIZE = 100
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def views_registers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; signed in without dossiers.view_all_dossiers → 403."""

    @login_required
    @permission_required(reports.VIEW_ALL_DOSSIERS, raise_exception=True)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapper


def _unit(request: HttpRequest) -> AdministrativeUnit:
    raw = request.GET.get(UNIT_PARAM, "").strip()
    try:
        unit_pk = int(raw) if raw else None
    except ValueError as exc:
        raise Http404 from exc
    return reports.get_report_unit_for(user=request.user, unit_pk=unit_pk)


def _unit_context(request: HttpRequest, unit: AdministrativeUnit) -> dict[str, Any]:
    return {
        "unit": unit,
        "unit_choices": reports.units_to_choose(request.user),
        "unit_param": UNIT_PARAM,
        "is_own_unit": unit.pk == request.user.unit_id,
    }


# --- Filters (input parsing only) -------------------------------------------------------


class BookFilterForm(forms.Form):
    nam = forms.TypedChoiceField(label=gettext_lazy("Năm"), coerce=int, required=False)
    thu_tuc = forms.ModelChoiceField(
        label=gettext_lazy("Thủ tục"), queryset=Procedure.objects.none(), required=False
    )
    trang_thai = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        choices=[("", gettext_lazy("Mọi trạng thái")), *Dossier.Status.choices],
        required=False,
    )
    tu = forms.DateField(
        label=gettext_lazy("Nhận từ ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    den = forms.DateField(
        label=gettext_lazy("đến ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data: Any, *, unit: AdministrativeUnit) -> None:
        super().__init__(data)
        self.fields["nam"].choices = [(year, year) for year in reports.book_years(unit)]
        self.fields["thu_tuc"].queryset = Procedure.objects.filter(unit=unit).order_by("name")
        self.fields["thu_tuc"].empty_label = _("Mọi thủ tục")

    def filters(self) -> BookFilters:
        data = self.cleaned_data if self.is_valid() else {}
        procedure = data.get("thu_tuc")
        return BookFilters(
            year=data.get("nam") or timezone.localdate().year,
            procedure_id=procedure.pk if procedure else None,
            status=data.get("trang_thai") or "",
            date_from=data.get("tu"),
            date_to=data.get("den"),
        )


class PeriodForm(forms.Form):
    tu = forms.DateField(
        label=gettext_lazy("Từ ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    den = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("tu") and data.get("den") and data["tu"] > data["den"]:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for; by default from 1 January to today."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        date_to = data.get("den") or today
        date_from = data.get("tu") or datetime.date(date_to.year, 1, 1)
        return date_from, date_to


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


# --- The dossier tracking book -----------------------------------------------------------


@views_registers
def book(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    form = BookFilterForm(request.GET or None, unit=unit)
    filters = form.filters()
    page = Paginator(reports.book_queryset(unit=unit, filters=filters), BOOK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        **_unit_context(request, unit),
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [reports.book_row(dossier) for dossier in page],
        "query_string": _query_without(request, "page"),
        "export_query": _query_without(request, "page"),
        "default_form_set": _default_form_set(filters.year),
    }
    return render(request, "dossiers/book.html", context)


def _default_form_set(year: int) -> str:
    """The 2025 forms (TT 03/2025) from 2025 on, the 2018 ones for older books."""
    return FormSet.SET_2025 if year >= 2025 else FormSet.SET_2018


def _book_export(request: HttpRequest) -> tuple[AdministrativeUnit, BookFilters, list]:
    unit = _unit(request)
    filters = BookFilterForm(request.GET or None, unit=unit).filters()
    return unit, filters, reports.book_rows(unit=unit, filters=filters)


@views_registers
@official_language
def book_xlsx(request: HttpRequest) -> HttpResponse:
    unit, filters, rows = _book_export(request)
    content = reports.book_xlsx(unit=unit, filters=filters, rows=rows)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="so-theo-doi-ho-so-{unit.gso_code}-{filters.year}.xlsx"'
    )
    return response


@views_registers
@official_language
def book_pdf(request: HttpRequest) -> HttpResponse:
    unit, filters, rows = _book_export(request)
    form_set = request.GET.get("mau") or _default_form_set(filters.year)
    if form_set not in slips.FORMS:
        raise Http404
    pdf = slips.render_form(
        "book",
        form_set,
        {"unit": unit, "year": filters.year, "rows": rows, "printed_at": timezone.localtime()},
    )
    return pdf_response(pdf, f"so-theo-doi-ho-so-{unit.gso_code}-{filters.year}.pdf")


# --- Statistics --------------------------------------------------------------------------

COLOURS = {
    "early": "#1b6e3a",
    "on_time": "#0b5394",
    "late": "#a11d21",
    "in_progress_within": "#8fa3b8",
    "in_progress_overdue": "#e69138",
}
SEGMENT_LABELS = {
    "early": gettext_lazy("Trước hạn"),
    "on_time": gettext_lazy("Đúng hạn"),
    "late": gettext_lazy("Quá hạn"),
    "in_progress_within": gettext_lazy("Đang giải quyết, trong hạn"),
    "in_progress_overdue": gettext_lazy("Đang giải quyết, quá hạn"),
}


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    label: str
    value: int


@dataclass
class Bar:
    label: str
    y: float
    total: int
    segments: list[Segment]


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    label_width: int
    scale: float


def stacked_chart(rows: list[GroupRow], *, width: int = 640, label_width: int = 200) -> Chart:
    """Horizontal stacked bars (one per row) of the timing of finished and open dossiers."""
    plot = width - label_width - 40
    largest = max((row.counts.processed for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        x = float(label_width)
        segments = []
        for key, colour in COLOURS.items():
            value = getattr(row.counts, key)
            if value:
                length = value * plot / largest
                segments.append(Segment(x, length, colour, str(SEGMENT_LABELS[key]), value))
                x += length
        bars.append(Bar(row.label, index * 26 + 6, row.counts.processed, segments))
    return Chart(width, len(rows) * 26 + 12, bars, label_width, plot / largest)


@dataclass
class Column:
    label: str
    x: float
    y: float
    height: float
    value: int


def column_chart(rows: list[GroupRow], *, height: int = 160) -> tuple[int, int, list[Column]]:
    """Vertical bars of the dossiers received per month: (width, height, columns)."""
    plot = height - 36
    largest = max((row.counts.received for row in rows), default=0) or 1
    columns = []
    for index, row in enumerate(rows):
        bar = row.counts.received * plot / largest
        columns.append(
            Column(row.label, index * 56 + 12, 18 + plot - bar, bar, row.counts.received)
        )
    return len(rows) * 56 + 24, height, columns


@views_registers
def statistics(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    form = PeriodForm(request.GET or None)
    date_from, date_to = form.period()
    stats = reports.compute_statistics(unit=unit, date_from=date_from, date_to=date_to)
    width, height, columns = column_chart(stats.by_month)
    context = {
        **_unit_context(request, unit),
        "form": form,
        "stats": stats,
        "field_chart": stacked_chart(stats.by_field),
        "month_chart": {"width": width, "height": height, "columns": columns},
        "legend": [(COLOURS[key], SEGMENT_LABELS[key]) for key in COLOURS],
    }
    return render(request, "dossiers/statistics.html", context)


@views_registers
def overdue(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    return render(
        request,
        "dossiers/overdue.html",
        {**_unit_context(request, unit), "rows": reports.overdue_dossiers(unit=unit)},
    )
