"""URLs of the civil registry (mounted at /ho-tich/)."""

from django.urls import path

from xaso.civil_registry import views
from xaso.civil_registry import views_signing

app_name = "civil_registry"

urlpatterns = [
    path("tu-ho-so/<int:dossier_pk>/", views.prepare_from_dossier, name="prepare_from_dossier"),
    path(
        "cai-chinh/tu-ho-so/<int:dossier_pk>/",
        views.correction_from_dossier,
        name="correction_from_dossier",
    ),
    path("ho-so/<int:dossier_pk>/to-dang-ky/", views.prepared_detail, name="prepared_detail"),
    path("ho-so/<int:dossier_pk>/", views.record_for_dossier, name="record_for_dossier"),
    path("cai-dat/", views.unit_settings, name="unit_settings"),
    path("so/", views.register_list, name="register_list"),
    path("so/in/", views.register_print, name="register_print"),
    path("so/xlsx/", views.register_xlsx, name="register_xlsx"),
    path("so/pdf/", views.register_pdf, name="register_pdf"),
    path("viec/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("viec/<int:pk>/giay.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("viec/<int:pk>/ban-sao/", views.request_extract, name="request_extract"),
    path("ban-sao/<int:pk>/trich-luc.pdf", views.extract_copy_pdf, name="extract_copy_pdf"),
    # Digital signing: the leader's signature, then the organisation's (ND 30/2020 Đ5).
    path("viec/<int:pk>/ky-so/", views_signing.certificate_sign, name="certificate_sign"),
    path("viec/<int:pk>/ky-so-co-quan/", views_signing.certificate_seal, name="certificate_seal"),
    path(
        "viec/<int:pk>/giay-da-ky.pdf",
        views_signing.certificate_signed_pdf,
        name="certificate_signed_pdf",
    ),
    path("ban-sao/<int:pk>/", views_signing.extract_copy_detail, name="extract_copy_detail"),
    path("ban-sao/<int:pk>/ky-so/", views_signing.extract_sign, name="extract_sign"),
    path("ban-sao/<int:pk>/ky-so-co-quan/", views_signing.extract_seal, name="extract_seal"),
    path(
        "ban-sao/<int:pk>/trich-luc-da-ky.pdf",
        views_signing.extract_signed_pdf,
        name="extract_signed_pdf",
    ),
    # Public (no login): the verification page a copy's QR code points to.
    path("xac-minh/<str:token>/", views.verify_extract, name="verify_extract"),
    path("xac-minh/giay/<str:token>/", views.verify_certificate, name="verify_certificate"),
]
