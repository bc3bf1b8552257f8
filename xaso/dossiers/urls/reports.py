"""URLs: reports (see xaso/dossiers/urls/__init__.py)."""

from django.urls import path

from xaso.dossiers.views import reports

urlpatterns = [
    path("so-theo-doi/", reports.book, name="book"),
    path("so-theo-doi.xlsx", reports.book_xlsx, name="book_xlsx"),
    path("so-theo-doi.pdf", reports.book_pdf, name="book_pdf"),
    path("thong-ke/", reports.statistics, name="statistics"),
    path("qua-han/", reports.overdue, name="overdue"),
]
