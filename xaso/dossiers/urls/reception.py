"""URLs: reception (see xaso/dossiers/urls/__init__.py), under /mot-cua/."""

from django.urls import path

from xaso.dossiers.views import reception as views

urlpatterns = [
    path("tiep-nhan/", views.reception, name="reception"),
    path("tiep-nhan/da-tiep-nhan/<int:pk>/", views.reception_done, name="reception_done"),
    path("tiep-nhan/phieu/<int:pk>/", views.reception_notice, name="reception_notice"),
    path("ho-so/<int:pk>/giay-tiep-nhan.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("phieu/<int:pk>.pdf", views.notice_pdf, name="notice_pdf"),
]
