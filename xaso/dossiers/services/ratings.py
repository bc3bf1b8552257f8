"""Citizens' satisfaction ratings (TT 01/2018/TT-VPCP Đ13–15) and their scores.

A rating answers the four citizen-side indicators of TT 01/2018 Đ14, each scored
2 / 1 / 0: (1) total time against the legal limit, (3) extra trips to complete the
dossier, (4) bodies the applicant had to contact, (7) staff attitude; plus like/dislike
(QĐ 766 5.4) and a comment. One rating per dossier, after it ends (returned or refused),
from the desk kiosk or online.

Scores (Đ15): an indicator's score is the sum of the dossiers' scores divided by the
number of dossiers, rounded to one decimal (half up). An official's scores use the
dossiers they received or finished a step of; the unit's, all its rated dossiers.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_UP
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.models import Rating

RATEABLE_STATUSES = (Dossier.Status.RETURNED, Dossier.Status.REFUSED)
SCORE_FIELDS = ("time_score", "visits_score", "bodies_score", "attitude_score")
# Indicator numbers of TT 01/2018 Đ13 for each score, and the short names staff pages use.
INDICATORS = {
    "time_score": (1, gettext_lazy("Thời gian giải quyết so với quy định")),
    "visits_score": (3, gettext_lazy("Số lần phải đi lại")),
    "bodies_score": (4, gettext_lazy("Số cơ quan phải liên hệ")),
    "attitude_score": (7, gettext_lazy("Thái độ của cán bộ")),
}
COMMENT_MAX_LENGTH = 2000
ONE_DECIMAL = Decimal("0.1")


class AlreadyRatedError(DomainError):
    code = "already_rated"


class NotRateableError(DomainError):
    code = "not_rateable"


def rating_refusal(dossier: Dossier) -> str | None:
    """Why `dossier` cannot be rated now (a Vietnamese message), or None when it can."""
    if dossier.status not in RATEABLE_STATUSES:
        return _("Hồ sơ chưa kết thúc giải quyết nên chưa thể đánh giá.")
    if Rating.objects.filter(dossier_id=dossier.pk).exists():
        return _("Hồ sơ này đã được đánh giá. Cảm ơn Ông/Bà.")
    return None


@transaction.atomic
def submit_rating(
    *,
    dossier: Dossier,
    channel: str,
    time_score: int,
    visits_score: int,
    bodies_score: int,
    attitude_score: int,
    is_satisfied: bool,
    comment: str = "",
) -> Rating:
    """Record the citizen's rating of `dossier` (no staff actor: the citizen rates).

    Locks the dossier row; raises NotRateableError before the dossier ends,
    AlreadyRatedError for a second rating (also when two arrive at once: the one-to-one
    constraint decides), ValidationError for scores outside 0–2.
    """
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.status not in RATEABLE_STATUSES:
        raise NotRateableError(_("Hồ sơ chưa kết thúc giải quyết nên chưa thể đánh giá."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise AlreadyRatedError(_("Hồ sơ này đã được đánh giá. Cảm ơn Ông/Bà."))
    if channel not in Rating.Channel.values:
        raise ValidationError({"channel": _("Kênh đánh giá không hợp lệ.")})
    scores = {
        "time_score": time_score,
        "visits_score": visits_score,
        "bodies_score": bodies_score,
        "attitude_score": attitude_score,
    }
    errors = {
        name: [_("Hãy chọn một mức đánh giá.")]
        for name, value in scores.items()
        if isinstance(value, bool) or value not in (0, 1, 2)
    }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    rating = Rating(
        dossier=dossier,
        channel=channel,
        is_satisfied=bool(is_satisfied),
        comment=comment.strip()[:COMMENT_MAX_LENGTH],
        created_at=now,
        **scores,
    )
    rating.full_clean(exclude=["dossier"])
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise AlreadyRatedError(_("Hồ sơ này đã được đánh giá. Cảm ơn Ông/Bà.")) from exc
    DossierEvent.objects.create(
        dossier=dossier,
        action="rated",
        actor=None,
        created_at=now,
        data={"channel": channel, **scores, "is_satisfied": rating.is_satisfied},
        is_public=False,
    )
    record_audit_event(
        action="dossier.rated",
        unit=dossier.unit,
        target=dossier,
        data={"code": dossier.code, "channel": channel},
        actor_name=official(gettext_lazy("Người nộp hồ sơ")),  # stored in the audit log
    )
    return rating


def average(total: int, count: int) -> Decimal | None:
    """total / count rounded half up to one decimal (TT 01/2018 Đ15); None without data."""
    if count == 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass
class ScoreSummary:
    """Averages of one official or of the unit over their rated dossiers."""

    count: int = 0
    satisfied: int = 0
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SCORE_FIELDS, 0))

    def add(self, rating: Rating) -> None:
        self.count += 1
        self.satisfied += int(rating.is_satisfied)
        for name in SCORE_FIELDS:
            self.totals[name] += getattr(rating, name)

    @property
    def averages(self) -> dict[str, Decimal | None]:
        return {name: average(self.totals[name], self.count) for name in SCORE_FIELDS}

    @property
    def total(self) -> Decimal | None:
        """Sum of the four indicator scores (each already rounded, as Đ15 reports them)."""
        values = self.averages.values()
        if self.count == 0:
            return None
        return sum((value for value in values if value is not None), Decimal(0))

    @property
    def satisfied_percent(self) -> Decimal | None:
        return average(self.satisfied * 100, self.count)


@dataclass
class OfficialScores:
    official: User
    summary: ScoreSummary


@dataclass
class RatingStatistics:
    unit: AdministrativeUnit
    date_from: datetime.date
    date_to: datetime.date
    unit_summary: ScoreSummary
    officials: list[OfficialScores]


def _officials_of(dossier: Dossier) -> set[int]:
    """Ids of the officials a rating counts for: the receiver and every step finisher."""
    ids = {dossier.received_by_id}
    ids.update(step.finished_by_id for step in dossier.steps.all() if step.finished_by_id)
    return ids


def summarise(ratings: Iterable[Rating]) -> tuple[ScoreSummary, dict[int, ScoreSummary]]:
    """The unit summary and one summary per official id (pure, over loaded ratings)."""
    unit_summary = ScoreSummary()
    per_official: dict[int, ScoreSummary] = defaultdict(ScoreSummary)
    for rating in ratings:
        unit_summary.add(rating)
        for official_id in _officials_of(rating.dossier):
            per_official[official_id].add(rating)
    return unit_summary, dict(per_official)


def rating_statistics_for(
    *, user: User, date_from: datetime.date, date_to: datetime.date
) -> RatingStatistics:
    """Scores of the user's unit and of each of its officials, for ratings given between
    `date_from` and `date_to` (inclusive, local dates). Needs view_all_dossiers.

    Three queries whatever the number of ratings (ratings, steps, officials).
    """
    if not user.has_perm("dossiers.view_all_dossiers") or user.unit_id is None:
        raise PermissionDenied
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min)
    )
    ratings = list(
        Rating.objects.filter(
            dossier__unit_id=user.unit_id, created_at__gte=start, created_at__lt=end
        )
        .select_related("dossier")
        .prefetch_related("dossier__steps")
        .order_by("created_at")
    )
    unit_summary, per_official = summarise(ratings)
    officials = {
        official.pk: official for official in User.objects.filter(pk__in=per_official.keys())
    }
    rows = [
        OfficialScores(official=officials[official_id], summary=summary)
        for official_id, summary in per_official.items()
        if official_id in officials
    ]
    rows.sort(key=lambda row: (row.official.full_name or row.official.username).lower())
    return RatingStatistics(
        unit=user.unit,
        date_from=date_from,
        date_to=date_to,
        unit_summary=unit_summary,
        officials=rows,
    )
