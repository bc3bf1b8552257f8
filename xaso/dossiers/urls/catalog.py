"""URLs: catalog (see xaso/dossiers/urls/__init__.py)."""

from django.urls import path

from xaso.dossiers.views import catalog

urlpatterns = [
    path("thu-tuc/", catalog.procedure_list, name="procedure_list"),
    path("thu-tuc/them/", catalog.procedure_create, name="procedure_create"),
    path("thu-tuc/nhap/", catalog.procedure_import, name="procedure_import"),
    path("thu-tuc/xuat.xlsx", catalog.procedure_export_xlsx, name="procedure_export_xlsx"),
    path("thu-tuc/xuat.json", catalog.procedure_export_json, name="procedure_export_json"),
    path("thu-tuc/<int:pk>/", catalog.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<int:pk>/sua/", catalog.procedure_edit, name="procedure_edit"),
    path("thu-tuc/<int:pk>/quy-trinh/", catalog.procedure_steps, name="procedure_steps"),
    path(
        "thu-tuc/<int:pk>/thanh-phan-ho-so/",
        catalog.procedure_documents,
        name="procedure_documents",
    ),
    path("thu-tuc/<int:pk>/phi-le-phi/", catalog.procedure_fees, name="procedure_fees"),
    path("thu-tuc/<int:pk>/trang-thai/", catalog.procedure_set_active, name="procedure_set_active"),
]
