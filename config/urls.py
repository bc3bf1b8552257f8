"""Root URL configuration: wiring only."""

from django.contrib import admin
from django.urls import include
from django.urls import path

from config.api import api

urlpatterns = [
    path("", include("xaso.core.urls")),
    path("mot-cua/", include("xaso.dossiers.urls")),
    path("ho-tich/", include("xaso.civil_registry.urls")),
    path("van-ban/", include("xaso.documents.urls")),
    path("lich-cong-tac/", include("xaso.work_calendar.urls")),
    path("chu-ky-so/", include("xaso.signatures.urls")),
    path("lien-thong/", include("xaso.interop.urls")),
    path("nguoi-nop/", include("xaso.applicants.urls")),
    path("cong-khai/lich-cong-tac/", include("xaso.work_calendar.urls_public")),
    path("cong-khai/", include("xaso.portal.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri-django/", admin.site.urls),
]

handler403 = "xaso.core.views.errors.permission_denied"
handler404 = "xaso.core.views.errors.page_not_found"
handler500 = "xaso.core.views.errors.server_error"

# Uploaded files (MEDIA_ROOT) are never served by URL, not even with DEBUG on: they hold
# personal data and are sent only by views that check the unit and role (xaso/core/files.py).
