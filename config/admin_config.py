"""The Django admin, served by django-otp's site so it requires a verified TOTP device."""

from django.contrib.admin.apps import AdminConfig


class OTPAdminConfig(AdminConfig):
    default_site = "django_otp.admin.OTPAdminSite"
