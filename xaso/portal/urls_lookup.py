"""Public URLs: urls_lookup (see xaso/portal/urls.py): dossier lookup, online rating and
the rating kiosk of a commune's desk (no login)."""

from django.urls import path

from xaso.portal import views_lookup as views

urlpatterns = [
    path("tra-cuu/", views.lookup_dossier, name="lookup"),
    path("tra-cuu/ket-qua/<str:token>/", views.result_download, name="result_download"),
    path("danh-gia/", views.rating, name="rating"),
    path("kiosk/<int:unit_code>/", views.kiosk, name="kiosk"),
]
