"""URLs: unit settings and province supervision (see xaso/core/urls/__init__.py)."""

from django.urls import path

from xaso.core.views import units

urlpatterns = [
    path("don-vi/", units.unit_settings, name="unit_settings"),
    path("don-vi/ma-dinh-danh/them/", units.agency_identifier_add, name="agency_identifier_add"),
    path(
        "don-vi/ma-dinh-danh/<int:pk>/sua/",
        units.agency_identifier_edit,
        name="agency_identifier_edit",
    ),
    path("tinh/cac-xa/", units.commune_list, name="commune_list"),
    path("tinh/cac-xa/<int:pk>/", units.commune_detail, name="commune_detail"),
]
