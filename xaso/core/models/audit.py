"""Append-only, hash-chained audit trail."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditChain(models.Model):
    """Head of one hash chain (one per unit, plus "global" for events without a unit).

    Locked with `select_for_update` while an event is appended, so the chain is linear.
    """

    key = models.CharField(max_length=40, unique=True)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.key} #{self.last_sequence}"


class AuditEvent(models.Model):
    """One recorded action: who did what to which record, when and from where.

    Written only by `xaso.core.audit.record_audit_event`, in the transaction of the change
    it records. `hash` covers the event's fields and the previous event's hash, so an edited
    or deleted past event breaks the chain (`manage.py verify_audit`).
    """

    chain_key = models.CharField(max_length=40)
    sequence = models.PositiveBigIntegerField()
    unit = models.ForeignKey(
        "core.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("đơn vị"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=60, db_index=True)
    target_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    target_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    target_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), db_index=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-created_at", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain_key", "sequence"], name="audit_event_chain_sequence"
            ),
        ]
        indexes = [models.Index(fields=["unit", "-created_at"], name="audit_unit_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action}"
