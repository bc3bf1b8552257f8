from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """E-mail and SMS to applicants, sent by background jobs (no models: the job rows are
    the durable state)."""

    name = "xaso.notifications"
    label = "notifications"
    verbose_name = _("Thông báo cho người nộp hồ sơ")
