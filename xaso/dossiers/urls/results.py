"""URLs: results (see xaso/dossiers/urls/__init__.py): the result, fees and their receipt,
the return of the result, and the satisfaction scores."""

from django.urls import path

from xaso.dossiers.views import results as views

urlpatterns = [
    path("ho-so/<int:pk>/ket-qua/", views.result_record, name="result_record"),
    path("ho-so/<int:pk>/ket-qua/ky-so/", views.result_sign, name="result_sign"),
    path("ho-so/<int:pk>/ket-qua/ky-so-co-quan/", views.result_seal, name="result_seal"),
    path("ho-so/<int:pk>/ket-qua/ban-da-ky.pdf", views.result_signed_pdf, name="result_signed_pdf"),
    path("ho-so/<int:pk>/thu-phi/", views.fee_collect, name="fee_collect"),
    path(
        "ho-so/<int:pk>/bien-lai/<int:payment_pk>.pdf",
        views.fee_receipt_pdf,
        name="fee_receipt_pdf",
    ),
    path("ho-so/<int:pk>/tra-ket-qua/", views.result_return, name="result_return"),
    path("danh-gia-hai-long/", views.rating_statistics, name="rating_statistics"),
]
