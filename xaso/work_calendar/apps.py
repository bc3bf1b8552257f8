from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "xaso.work_calendar"
    label = "work_calendar"
    verbose_name = _("Lịch công tác")
