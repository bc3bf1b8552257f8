"""URLs: the files of a dossier (see xaso/dossiers/urls/__init__.py): received scans and the
result file, served by a view that checks the unit and role (never /media/)."""

from django.urls import path

from xaso.dossiers.views import files as views

urlpatterns = [
    path("ho-so/<int:pk>/tep/<int:file_pk>/", views.document_file, name="document_file"),
    path("ho-so/<int:pk>/ket-qua/tep/", views.result_file, name="result_file"),
    path(
        "ho-so/<int:pk>/ket-qua/tep-truoc-ky-so/",
        views.result_original_file,
        name="result_original_file",
    ),
]
