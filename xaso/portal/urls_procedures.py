"""Public URLs: urls_procedures (see xaso/portal/urls.py)."""

from django.urls import path

from xaso.portal import views_procedures

urlpatterns = [
    path("thu-tuc/", views_procedures.procedure_list, name="procedure_list"),
    path(
        "thu-tuc/<int:unit_code>/<str:procedure_code>/",
        views_procedures.procedure_detail,
        name="procedure_detail",
    ),
    path(
        "thu-tuc/<int:unit_code>/<str:procedure_code>/mau/<int:document_id>/",
        views_procedures.procedure_form_file,
        name="procedure_form_file",
    ),
]
