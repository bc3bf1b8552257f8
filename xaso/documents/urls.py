"""URLs of the documents app (mounted at /van-ban/)."""

from django.urls import path

from xaso.documents.views import incoming
from xaso.documents.views import outgoing
from xaso.documents.views import registers
from xaso.documents.views import work

app_name = "documents"

urlpatterns = [
    path("den/", incoming.incoming_list, name="incoming_list"),
    path("den/vao-so/", incoming.incoming_create, name="incoming_create"),
    path("den/<int:pk>/", incoming.incoming_detail, name="incoming_detail"),
    path("den/<int:pk>/tep/", incoming.incoming_file, name="incoming_file"),
    path(
        "den/<int:pk>/tep/<int:file_pk>/",
        incoming.incoming_received_file,
        name="incoming_received_file",
    ),
    path("den/<int:pk>/trinh/", incoming.incoming_present, name="incoming_present"),
    path("den/<int:pk>/phan-cong/", incoming.incoming_assign, name="incoming_assign"),
    path("den/<int:pk>/luu/", incoming.incoming_file_for_information, name="incoming_filed"),
    path("den/<int:pk>/tien-do/", incoming.incoming_progress, name="incoming_progress"),
    path("den/<int:pk>/tien-do/<int:entry_pk>/tep/", incoming.progress_file, name="progress_file"),
    path("den/<int:pk>/tra-loi/", incoming.incoming_link_reply, name="incoming_link_reply"),
    path("den/<int:pk>/phieu-giai-quyet.pdf", incoming.handling_slip_pdf, name="handling_slip_pdf"),
    path("viec-cua-toi/", work.inbox, name="inbox"),
    path("qua-han/", work.overdue, name="overdue"),
    path("theo-doi/", work.pending, name="pending"),
    path("di/", outgoing.outgoing_list, name="outgoing_list"),
    path("di/du-thao/", outgoing.outgoing_create, name="outgoing_create"),
    path("di/<int:pk>/", outgoing.outgoing_detail, name="outgoing_detail"),
    path("di/<int:pk>/sua/", outgoing.outgoing_edit, name="outgoing_edit"),
    path("di/<int:pk>/phien-ban/", outgoing.outgoing_version, name="outgoing_version"),
    path("di/<int:pk>/dinh-kem/", outgoing.outgoing_attachment, name="outgoing_attachment"),
    path("di/<int:pk>/y-kien/", outgoing.outgoing_comment, name="outgoing_comment"),
    path("di/<int:pk>/trinh/", outgoing.outgoing_submit, name="outgoing_submit"),
    path("di/<int:pk>/duyet/", outgoing.outgoing_approve, name="outgoing_approve"),
    path("di/<int:pk>/tra-lai/", outgoing.outgoing_return, name="outgoing_return"),
    path("di/<int:pk>/ky/", outgoing.outgoing_sign, name="outgoing_sign"),
    path("di/<int:pk>/ban-hanh/", outgoing.outgoing_release, name="outgoing_release"),
    path("di/<int:pk>/thu-hoi/", outgoing.outgoing_recall, name="outgoing_recall"),
    path("di/<int:pk>/thay-the/", outgoing.outgoing_replace, name="outgoing_replace"),
    path("di/<int:pk>/tep/<int:file_pk>/", outgoing.outgoing_file, name="outgoing_file"),
    path("di/<int:pk>/ban-in.pdf", outgoing.outgoing_layout_pdf, name="outgoing_layout_pdf"),
    path("so/<str:kind>.xlsx", registers.register_xlsx, name="register_xlsx"),
    path("so/<str:kind>.pdf", registers.register_pdf, name="register_pdf"),
    path("ho-so/", registers.work_file_list, name="work_file_list"),
    path("ho-so/<int:pk>/", registers.work_file_detail, name="work_file_detail"),
    path("ho-so/<int:pk>/them/", registers.work_file_add, name="work_file_add"),
    path("cai-dat/", outgoing.document_settings, name="settings"),
]
