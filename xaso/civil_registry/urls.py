"""URLs of the civil registry (mounted at /ho-tich/)."""

from django.urls import path

from xaso.civil_registry import views

app_name = "civil_registry"

urlpatterns = [
    path(
        "khai-sinh/tu-ho-so/<int:dossier_pk>/",
        views.birth_from_dossier,
        name="birth_from_dossier",
    ),
    path("so/", views.register_list, name="register_list"),
    path("khai-sinh/<int:pk>/", views.birth_detail, name="birth_detail"),
    path("khai-sinh/<int:pk>/cai-chinh/", views.birth_correct, name="birth_correct"),
    path(
        "khai-sinh/<int:pk>/giay-khai-sinh.pdf",
        views.birth_certificate_pdf,
        name="birth_certificate_pdf",
    ),
]
