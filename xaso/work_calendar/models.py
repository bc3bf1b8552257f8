"""The weekly work calendar (lịch công tác tuần) of a unit.

Officials propose events for a week; the office compiles them (accept, edit, merge,
reorder, reject with a reason); a leader approves and publishes the week. Each
publication is an immutable `PublishedRevision` holding a snapshot of the accepted
events, so what the public, the TV screen and the iCalendar feeds show is always a
published revision, never the working copy, and every earlier publication is kept.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import UnitScopedQuerySet


def new_token() -> str:
    """A secret for a URL that works without login (TV screen, personal feed)."""
    return secrets.token_urlsafe(24)


def week_start_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week (the calendar runs Monday to Sunday)."""
    return day - datetime.timedelta(days=day.weekday())


class CalendarWeek(models.Model):
    """One week (Monday to Sunday) of one unit's work calendar."""

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="calendar_weeks"
    )
    start = models.DateField(_("tuần bắt đầu từ (thứ Hai)"))
    # The working copy differs from the latest published revision.
    has_unpublished_changes = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tuần công tác")
        verbose_name_plural = _("tuần công tác")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "start"], name="calendar_week_unique"),
        ]
        permissions = [
            ("view_work_calendar", _("Xem lịch công tác tuần")),
            ("propose_calendar_event", _("Đề xuất lịch công tác")),
            ("compile_work_calendar", _("Tổng hợp lịch công tác tuần")),
            ("publish_work_calendar", _("Phê duyệt và công bố lịch công tác tuần")),
            ("manage_calendar_display", _("Quản lý màn hình hiển thị lịch công tác")),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start.isoformat()}"

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6)

    def days(self) -> list[datetime.date]:
        return [self.start + datetime.timedelta(days=offset) for offset in range(7)]


class CalendarEvent(models.Model):
    """One event of the working copy of a week (a proposal until the office accepts it)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Chờ tổng hợp")
        ACCEPTED = "accepted", _("Đã đưa vào lịch")
        REJECTED = "rejected", _("Không đưa vào lịch")
        MERGED = "merged", _("Đã gộp")

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="calendar_events"
    )
    week = models.ForeignKey(CalendarWeek, on_delete=models.PROTECT, related_name="events")
    date = models.DateField(_("ngày"))
    start_time = models.TimeField(_("giờ bắt đầu"))
    end_time = models.TimeField(_("giờ kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=300)
    content = models.TextField(_("nội dung"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chủ trì"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_calendar_events",
    )
    # A chair from outside the unit's accounts (e.g. a province leader).
    chair_text = models.CharField(_("chủ trì (ghi tên)"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ tham dự"),
        blank=True,
        related_name="calendar_events",
    )
    participants_text = models.TextField(_("thành phần khác"), blank=True)
    preparation = models.CharField(_("chuẩn bị"), max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    rejection_reason = models.TextField(_("lý do không đưa vào lịch"), blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_events"
    )
    position = models.PositiveIntegerField(_("thứ tự trong ngày"), default=0)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện lịch công tác")
        verbose_name_plural = _("sự kiện lịch công tác")
        ordering = ["date", "position", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="calendar_event_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.start_time:%H:%M} {self.content[:40]}"

    @property
    def chair_name(self) -> str:
        if self.chair_id:
            return str(self.chair)
        return self.chair_text


class PublishedRevision(models.Model):
    """An immutable publication of a week: number 1 is the first, later ones adjust it."""

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    week = models.ForeignKey(CalendarWeek, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("lần công bố"))
    # [{id, date, start, end, place, content, chair, chair_id, participant_ids,
    #   participants, participants_text, preparation, changed}] in display order.
    events = models.JSONField(_("các sự kiện"))
    # Events of earlier revisions left out of this one (same shape), shown as cancelled.
    cancelled = models.JSONField(_("các sự kiện đã hủy"), default=list, blank=True)
    note = models.CharField(_("ghi chú điều chỉnh"), max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("thời điểm công bố"))

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản công bố lịch công tác")
        verbose_name_plural = _("bản công bố lịch công tác")
        ordering = ["week", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["week", "number"], name="published_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.week} #{self.number}"

    @property
    def is_adjustment(self) -> bool:
        return self.number > 1


class DisplayScreen(models.Model):
    """The unit's TV display: its secret URL token, regenerated by the administrator."""

    unit = models.OneToOneField(
        "core.AdministrativeUnit", on_delete=models.CASCADE, related_name="calendar_display"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    regenerated_at = models.DateTimeField(auto_now=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("màn hình lịch công tác")
        verbose_name_plural = _("màn hình lịch công tác")

    def __str__(self) -> str:
        return f"{self.unit_id}"


class FeedToken(models.Model):
    """A person's secret iCalendar feed URL token, which the person can reset."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    reset_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("địa chỉ lịch cá nhân")
        verbose_name_plural = _("địa chỉ lịch cá nhân")

    def __str__(self) -> str:
        return f"{self.user_id}"
