"""URLs: audit trail (see xaso/core/urls/__init__.py)."""

from django.urls import path

from xaso.core.views import audit

urlpatterns = [
    path("nhat-ky/", audit.audit_list, name="audit_list"),
    path("nhat-ky/kiem-tra/", audit.audit_verify, name="audit_verify"),
    path("nhat-ky/<int:pk>/", audit.audit_detail, name="audit_detail"),
]
