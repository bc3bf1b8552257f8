"""Public dossier lookup: the second factor, the per-address rate limit, and what the
public may see of a dossier. Shared by the pages (views_lookup.py) and the API (api.py).

A dossier code is printed on the receipt and is not secret, so the lookup also asks for
the last 4 digits of the applicant's phone or CCCD. A wrong code and wrong digits get the
same answer, and every attempt counts against the caller's address, so codes cannot be
enumerated. The public view holds no personal data but a masked name.
"""

import datetime
import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.applicants.models import Applicant
from xaso.core.middleware import client_ip
from xaso.dossiers import workflow
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.notifications import LOOKUP_CODE_PARAM
from xaso.dossiers.services.ratings import rating_refusal

CODE_PARAM = LOOKUP_CODE_PARAM
DIGITS = 4
NOT_FOUND_MESSAGE = gettext_lazy(
    "Không tìm thấy hồ sơ khớp với mã hồ sơ và 4 chữ số đã nhập. Hãy kiểm tra mã hồ sơ trên "
    "Giấy tiếp nhận và 4 số cuối số điện thoại hoặc số CCCD đã khai khi nộp hồ sơ."
)
RATE_LIMITED_MESSAGE = gettext_lazy(
    "Ông/Bà đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút."
)
# Timeline labels of the events written by the end-of-dossier services; the processing
# events are labelled by the workflow (xaso.dossiers.workflow.event_labels), and any
# other event falls back to the label of the status it led to.
RESULT_EVENT_LABELS = {
    "received": gettext_lazy("Tiếp nhận hồ sơ"),
    "result_recorded": gettext_lazy("Ghi nhận kết quả giải quyết"),
    "result_returned": gettext_lazy("Trả kết quả"),
}


def normalise_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def _last_digits(value: str) -> str:
    digits = "".join(char for char in value if char.isdigit())
    return digits[-DIGITS:] if len(digits) >= DIGITS else ""


def allow_attempt(request: HttpRequest) -> bool:
    """Count one lookup attempt of the caller's address; False past the limit.

    Fixed windows of XASO_LOOKUP_RATE_WINDOW_SECONDS in the default cache; the key holds
    a hash of the address, not the address.
    """
    window = settings.XASO_LOOKUP_RATE_WINDOW_SECONDS
    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    key = f"xaso:lookup:{digest}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr().
        cache.set(key, 1, timeout=window + 60)
        count = 1
    return count <= settings.XASO_LOOKUP_RATE_LIMIT


def find_dossier(code: str, digits: str) -> Dossier | None:
    """The dossier with `code` whose applicant's phone or CCCD ends with `digits`, or None.

    Unknown code and wrong digits both give None.
    """
    code = normalise_code(code)
    if not code or len(digits) != DIGITS or not digits.isdigit():
        return None
    dossier = (
        Dossier.objects.select_related("applicant", "procedure", "unit", "current_step")
        .filter(code=code)
        .first()
    )
    candidates = []
    if dossier is not None:
        candidates = [
            _last_digits(dossier.applicant.phone),
            _last_digits(dossier.applicant.id_number),
        ]
    # Compare against a filler as well, so a known and an unknown code cost the same.
    candidates = [c for c in candidates if c] or ["x" * DIGITS]
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(candidate.encode(), digits.encode())
    return dossier if matched and dossier is not None else None


def masked_name(applicant: Applicant) -> str:
    """A person's name as the public may see it: "Nguyễn Thị An" → "Nguyễn T. A.".

    Organisations keep their name (not personal data).
    """
    if applicant.kind == Applicant.Kind.ORGANISATION:
        return applicant.full_name
    words = applicant.full_name.split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{word[0].upper()}." for word in words[1:])])


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    label: str
    step_name: str


def public_timeline(dossier: Dossier) -> list[TimelineEntry]:
    """The public events of the dossier, oldest first: label, step name, time (no notes)."""
    statuses = dict(Dossier.Status.choices)
    labels = {**workflow.event_labels(), **RESULT_EVENT_LABELS}
    entries = []
    events = (
        DossierEvent.objects.filter(dossier=dossier, is_public=True)
        .select_related("step")
        .order_by("created_at", "id")
    )
    for event in events:
        label = labels.get(event.action) or statuses.get(event.to_status) or _("Cập nhật hồ sơ")
        entries.append(
            TimelineEntry(
                at=event.created_at,
                label=str(label),
                step_name=event.step.name if event.step else "",
            )
        )
    return entries


@dataclass(frozen=True)
class PublicDossier:
    """Everything the public lookup shows: no phone, CCCD, address or staff names."""

    code: str
    procedure_name: str
    unit_name: str
    applicant_name: str
    status: str
    status_label: str
    received_at: datetime.datetime
    due_at: datetime.datetime
    returned_at: datetime.datetime | None
    timing_outcome_label: str
    current_step_name: str
    timeline: list[TimelineEntry]
    can_rate: bool


def public_view(dossier: Dossier) -> PublicDossier:
    """What the public lookup shows of `dossier` (found with `find_dossier`)."""
    return PublicDossier(
        code=dossier.code,
        procedure_name=dossier.procedure.name,
        unit_name=dossier.unit.name,
        applicant_name=masked_name(dossier.applicant),
        status=dossier.status,
        status_label=dossier.get_status_display(),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        returned_at=dossier.returned_at,
        timing_outcome_label=dossier.get_timing_outcome_display() if dossier.timing_outcome else "",
        current_step_name=(
            dossier.current_step.name if dossier.current_step and not dossier.is_closed else ""
        ),
        timeline=public_timeline(dossier),
        can_rate=rating_refusal(dossier) is None,
    )
