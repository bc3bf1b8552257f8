"""Root URL configuration: wiring only."""

from django.conf import settings
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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
