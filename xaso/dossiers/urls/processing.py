"""URLs: processing (see xaso/dossiers/urls/__init__.py): the inbox, the dossier list and
detail, one POST route per action and the printable forms 04, 05 and 06."""

from django.urls import path

from xaso.dossiers.views import processing as views

urlpatterns = [
    path("viec-cua-toi/", views.inbox, name="inbox"),
    path("ho-so/", views.dossier_list, name="dossier_list"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("ho-so/<int:pk>/nhan-xu-ly/", views.step_claim, name="step_claim"),
    path("ho-so/<int:pk>/chuyen-buoc/", views.dossier_forward, name="dossier_forward"),
    path("ho-so/<int:pk>/tra-lai/", views.dossier_send_back, name="dossier_send_back"),
    path("ho-so/<int:pk>/yeu-cau-bo-sung/", views.dossier_supplement, name="dossier_supplement"),
    path(
        "ho-so/<int:pk>/nhan-bo-sung/",
        views.dossier_supplement_received,
        name="dossier_supplement_received",
    ),
    path("ho-so/<int:pk>/tu-choi/", views.dossier_refuse, name="dossier_refuse"),
    path("ho-so/<int:pk>/xin-y-kien/", views.dossier_consult, name="dossier_consult"),
    path(
        "ho-so/<int:pk>/xin-y-kien/<int:consultation_pk>/tra-loi/",
        views.consultation_answer,
        name="consultation_answer",
    ),
    path("ho-so/<int:pk>/chuyen-cap-tren/", views.dossier_transfer, name="dossier_transfer"),
    path("ho-so/<int:pk>/nhan-ket-qua-cap-tren/", views.transfer_return, name="transfer_return"),
    path("ho-so/<int:pk>/phe-duyet/", views.dossier_approve, name="dossier_approve"),
    path("ho-so/<int:pk>/hen-lai/", views.dossier_extend, name="dossier_extend"),
    path("ho-so/<int:pk>/dung/", views.dossier_stop, name="dossier_stop"),
    path("ho-so/<int:pk>/rut/", views.dossier_withdraw, name="dossier_withdraw"),
    path("ho-so/<int:pk>/phieu-kiem-soat.pdf", views.control_slip_pdf, name="control_slip_pdf"),
    path("ho-so/<int:pk>/xin-loi/<int:extension_pk>.pdf", views.apology_pdf, name="apology_pdf"),
    path("ho-so/<int:pk>/dung.pdf", views.stop_pdf, name="stop_pdf"),
]
