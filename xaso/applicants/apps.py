from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicantsConfig(AppConfig):
    name = "xaso.applicants"
    label = "applicants"
    verbose_name = _("Danh bạ người nộp hồ sơ")
