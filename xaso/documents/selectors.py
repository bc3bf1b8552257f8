"""Scoped reads of documents: registers, search, inboxes, overdue and pending work.

Everyone reads only their units' records (tenancy). Within a unit, the registers are read
by the văn thư, the leaders and the office (view_document_registers); other officials
see the incoming documents given to them and the outgoing documents they drafted,
review, sign or received.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg
from django.db.models import Count
from django.db.models import DurationField
from django.db.models import ExpressionWrapper
from django.db.models import F
from django.db.models import Q
from django.db.models import QuerySet
from django.utils import timezone

from xaso.core.models import User
from xaso.core.search import apply_search
from xaso.core.tenancy import get_readable_or_404
from xaso.core.tenancy import readable_units
from xaso.documents.models import Handler
from xaso.documents.models import IncomingDocument
from xaso.documents.models import Medium
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import Secrecy
from xaso.documents.models import WorkFile

VIEW_REGISTERS = "documents.view_document_registers"
OPEN_STATUSES = (
    IncomingDocument.Status.REGISTERED,
    IncomingDocument.Status.PRESENTED,
    IncomingDocument.Status.ASSIGNED,
)


def can_read_registers(user: User) -> bool:
    return user.has_perm(VIEW_REGISTERS)


def can_use_documents(user: User) -> bool:
    return any(
        user.has_perm(f"documents.{codename}")
        for codename in (
            "view_document_registers",
            "register_documents",
            "handle_documents",
            "assign_documents",
            "approve_documents",
        )
    )


def _readable(queryset: QuerySet, user: User) -> QuerySet:
    """Records of the units `user` may read, by literal unit ids.

    Same rule as UnitScopedQuerySet.readable_by, but with the (one or few) unit ids
    inlined instead of a subquery, so SQLite uses the (unit, year, number) index on a
    register of hundreds of thousands of lines (benchmarks/documents.py).
    """
    return queryset.filter(unit_id__in=list(readable_units(user).values_list("pk", flat=True)))


# A count above this is shown as "more than": counting every match of a common word in a
# register of 200,000 lines costs a full scan, and nobody pages that far.
COUNT_CAP = 1000


def capped_count(queryset: QuerySet) -> tuple[int, bool]:
    """(count, capped): the number of matches up to COUNT_CAP, and whether there are more."""
    count = queryset.order_by()[: COUNT_CAP + 1].count()
    return min(count, COUNT_CAP), count > COUNT_CAP


def can_read_secret(user: User) -> bool:
    """The văn thư and the leaders read secret documents; others only those given to them."""
    return user.has_perm("documents.register_documents") or user.has_perm(
        "documents.assign_documents"
    )


def incoming_for(user: User) -> QuerySet[IncomingDocument]:
    queryset = _readable(IncomingDocument.objects.all(), user)
    mine = Q(handlers__user=user) | Q(presented_to=user)
    if not can_read_registers(user):
        return queryset.filter(mine).distinct()
    if can_read_secret(user):
        return queryset
    # Secret documents (Luật Bảo vệ bí mật nhà nước): only to those who handle them.
    return queryset.filter(
        Q(secrecy=Secrecy.NORMAL) | Q(pk__in=IncomingDocument.objects.filter(mine).values("pk"))
    )


def outgoing_for(user: User) -> QuerySet[OutgoingDocument]:
    queryset = _readable(OutgoingDocument.objects.all(), user)
    mine = (
        Q(drafted_by=user)
        | Q(signer=user)
        | Q(distributions__user=user, distributions__delivered_at__isnull=False)
    )
    if not can_read_registers(user):
        return queryset.filter(mine).distinct()
    if can_read_secret(user):
        return queryset
    return queryset.filter(
        Q(secrecy=Secrecy.NORMAL) | Q(pk__in=OutgoingDocument.objects.filter(mine).values("pk"))
    )


def get_incoming_for(*, user: User, pk: int) -> IncomingDocument:
    return get_readable_or_404(
        incoming_for(user).select_related("registered_by", "presented_to", "assigned_by"),
        user,
        pk=pk,
    )


def get_outgoing_for(*, user: User, pk: int) -> OutgoingDocument:
    return get_readable_or_404(
        outgoing_for(user).select_related("drafted_by", "signer", "reply_to"), user, pk=pk
    )


@dataclass
class RegisterFilter:
    query: str = ""
    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    number_notation: str = ""
    issuing_body: str = ""


def _search_incoming(queryset: QuerySet, flt: RegisterFilter) -> QuerySet:
    if flt.year:
        queryset = queryset.filter(arrival_year=flt.year)
    if flt.date_from:
        queryset = queryset.filter(document_date__gte=flt.date_from)
    if flt.date_to:
        queryset = queryset.filter(document_date__lte=flt.date_to)
    if flt.number_notation.strip():
        number, _sep, notation = flt.number_notation.strip().partition("/")
        if number.strip().isdigit():
            queryset = queryset.filter(code_number=number.strip().lstrip("0") or "0")
            if notation.strip():
                queryset = queryset.filter(code_notation__iexact=notation.strip())
        else:
            queryset = apply_search(queryset, flt.number_notation.replace("-", " "))
    if flt.issuing_body.strip():
        queryset = apply_search(queryset, flt.issuing_body)
    return apply_search(queryset, flt.query)


def search_incoming(*, user: User, flt: RegisterFilter) -> QuerySet[IncomingDocument]:
    """The incoming register filtered by words (subject, issuer, notation), number/notation,
    issuing body and dates, diacritics-insensitive; newest arrival first."""
    return _search_incoming(incoming_for(user), flt).order_by("-arrival_year", "-arrival_number")


def search_outgoing(*, user: User, flt: RegisterFilter) -> QuerySet[OutgoingDocument]:
    queryset = outgoing_for(user)
    if flt.year:
        queryset = queryset.filter(Q(year=flt.year) | Q(year__isnull=True))
    if flt.date_from:
        queryset = queryset.filter(issued_on__gte=flt.date_from)
    if flt.date_to:
        queryset = queryset.filter(issued_on__lte=flt.date_to)
    if flt.number_notation.strip():
        number, _sep, notation = flt.number_notation.strip().partition("/")
        if number.strip().isdigit():
            queryset = queryset.filter(number=int(number))
            if notation.strip():
                queryset = queryset.filter(notation__iexact=notation.strip())
        else:
            queryset = apply_search(queryset, flt.number_notation.replace("-", " "))
    queryset = apply_search(queryset, flt.query)
    return queryset.order_by(F("number").desc(nulls_first=True), "-created_at")


def released_register(*, user: User, year: int) -> QuerySet[OutgoingDocument]:
    """The lines of the outgoing register of `year` (released, recalled or replaced)."""
    return (
        outgoing_for(user)
        .filter(year=year, number__isnull=False)
        .select_related("signer")
        .order_by("issued_on", "series", "number")
    )


def incoming_register(*, user: User, year: int) -> QuerySet[IncomingDocument]:
    return incoming_for(user).filter(arrival_year=year).order_by("arrival_number")


def inbox_for(*, user: User) -> QuerySet[IncomingDocument]:
    """Open documents given to `user` that they have not finished, soonest due first."""
    return (
        IncomingDocument.objects.writable_by(user)
        .filter(
            status=IncomingDocument.Status.ASSIGNED,
            handlers__user=user,
            handlers__done_at__isnull=True,
        )
        .annotate(my_role=F("handlers__role"))
        .order_by(F("due_at").asc(nulls_last=True), "arrival_number")
    )


def presented_to(*, user: User) -> QuerySet[IncomingDocument]:
    """Documents waiting for `user`'s assignment."""
    return IncomingDocument.objects.writable_by(user).filter(
        status=IncomingDocument.Status.PRESENTED, presented_to=user
    )


def overdue(*, user: User, now: datetime.datetime | None = None) -> QuerySet[IncomingDocument]:
    now = now or timezone.now()
    return (
        incoming_for(user)
        .filter(status=IncomingDocument.Status.ASSIGNED, due_at__lt=now)
        .order_by("due_at")
    )


@dataclass
class OfficialLoad:
    user_id: int
    name: str
    open: int
    overdue: int
    due_soon: int


def pending_per_official(
    *, user: User, now: datetime.datetime | None = None, soon_days: int = 2
) -> list[OfficialLoad]:
    """Open documents per lead and co-ordinator of the user's unit (the leader's view)."""
    now = now or timezone.now()
    rows = (
        Handler.objects.filter(
            document__unit_id=user.unit_id,
            document__status=IncomingDocument.Status.ASSIGNED,
            done_at__isnull=True,
        )
        .values("user_id", "user__full_name", "user__username")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(document__due_at__lt=now)),
            due_soon=Count(
                "pk",
                filter=Q(
                    document__due_at__gte=now,
                    document__due_at__lt=now + datetime.timedelta(days=soon_days),
                ),
            ),
        )
        .order_by("-overdue", "-open", "user__full_name")
    )
    return [
        OfficialLoad(
            user_id=row["user_id"],
            name=row["user__full_name"] or row["user__username"],
            open=row["open"],
            overdue=row["overdue"],
            due_soon=row["due_soon"],
        )
        for row in rows
    ]


@dataclass
class DocumentStats:
    incoming_total: int
    electronic: int
    open: int
    overdue: int
    average_days: float | None

    @property
    def electronic_share(self) -> float | None:
        if not self.incoming_total:
            return None
        return round(100 * self.electronic / self.incoming_total, 1)


def stats_for(*, user: User, year: int, now: datetime.datetime | None = None) -> DocumentStats:
    """Figures of the dashboard: share handled electronically, average processing time."""
    now = now or timezone.now()
    base = IncomingDocument.objects.writable_by(user).filter(arrival_year=year)
    counts = base.aggregate(
        total=Count("pk"),
        electronic=Count("pk", filter=Q(medium=Medium.ELECTRONIC)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status=IncomingDocument.Status.ASSIGNED, due_at__lt=now)),
    )
    duration = base.filter(
        status=IncomingDocument.Status.DONE, completed_at__isnull=False
    ).aggregate(
        average=Avg(
            ExpressionWrapper(F("completed_at") - F("arrived_at"), output_field=DurationField())
        )
    )["average"]
    return DocumentStats(
        incoming_total=counts["total"],
        electronic=counts["electronic"],
        open=counts["open"],
        overdue=counts["overdue"],
        average_days=round(duration.total_seconds() / 86400, 1) if duration else None,
    )


def work_files_for(*, user: User, query: str = "") -> QuerySet[WorkFile]:
    return apply_search(WorkFile.objects.readable_by(user), query).order_by("-year", "notation")
