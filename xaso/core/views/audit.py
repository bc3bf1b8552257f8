"""Audit trail pages: the unit's events, one event's detail, and the chain check."""

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xaso.core import audit
from xaso.core.audit_labels import audit_action_choices
from xaso.core.audit_labels import audit_action_label

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    """The filters of the audit list (GET); every field is optional."""

    action = forms.ChoiceField(label=_("Hành động"), required=False)
    actor = forms.CharField(label=_("Người thực hiện"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    target = forms.CharField(label=_("Đối tượng"), required=False, max_length=100)
    ip_address = forms.CharField(label=_("Địa chỉ IP"), required=False, max_length=45)

    def __init__(self, *args: object, actions: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Tất cả")), *audit_action_choices(actions)]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned


@login_required
@permission_required("core.view_audit_trail", raise_exception=True)
def audit_list(request: HttpRequest) -> HttpResponse:
    events = audit.audit_events_for(user=request.user)
    form = AuditFilterForm(data=request.GET, actions=audit.actions_present(events))
    if form.is_valid():
        events = audit.filter_audit_events(events, **form.cleaned_data)
    elif any(request.GET.get(name) for name in form.fields):
        # Invalid filters (e.g. a malformed date) show no events rather than all of them.
        events = events.none()
    page = Paginator(
        events.select_related("actor").order_by("-created_at", "-sequence"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.action_label = audit_action_label(event.action)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@permission_required("core.view_audit_trail", raise_exception=True)
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = audit.get_audit_event_for(user=request.user, pk=pk)
    return render(
        request,
        "core/audit_detail.html",
        {
            "event": event,
            "action_label": audit_action_label(event.action),
            "data_json": json.dumps(event.data, ensure_ascii=False, indent=2, sort_keys=True),
            "hash_ok": audit.compute_event_hash(event) == event.hash,
        },
    )


@login_required
@permission_required("core.view_audit_trail", raise_exception=True)
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    # On demand only (a button): the whole chain is re-hashed, which is slow on big units.
    if request.user.unit_id is None and not request.user.is_superuser:
        raise Http404
    report = audit.verify_unit_chain(request.user.unit)
    template = (
        "core/audit_verify_banner.html"
        if getattr(request, "htmx", False)
        else "core/audit_verify.html"
    )
    return render(request, template, {"report": report})
