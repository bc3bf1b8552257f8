"""Forms of the documents pages (labels and messages in Vietnamese)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.models import User
from xaso.documents.doctypes import DocumentType
from xaso.documents.models import DocumentSettings
from xaso.documents.models import Medium
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import Secrecy
from xaso.documents.models import Urgency
from xaso.signatures.forms import SigningKeyForm  # noqa: F401  (shared by every app that signs)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Ngày không hợp lệ (nhập theo dạng ngày/tháng/năm).")}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.username} — {obj.job_title or obj.position_names}"


class UsersChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class IncomingForm(forms.Form):
    medium = forms.ChoiceField(label=_("Hình thức"), choices=Medium.choices)
    file = forms.FileField(
        label=_("Tệp văn bản (PDF điện tử, hoặc bản quét PDF/JPEG/PNG)"), required=False
    )
    staged = forms.CharField(widget=forms.HiddenInput, required=False)
    issuing_body = forms.CharField(label=_("Tác giả (cơ quan ban hành)"), max_length=200)
    code_number = forms.CharField(
        label=pgettext_lazy("document number", "Số"), max_length=11, required=False
    )
    code_notation = forms.CharField(
        label=_("Ký hiệu"), max_length=30, required=False, help_text=_("Ví dụ: QĐ-UBND")
    )
    document_date = forms.DateField(
        label=_("Ngày tháng văn bản"), widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    doc_type = forms.ChoiceField(label=_("Tên loại"), choices=DocumentType.choices)
    subject = forms.CharField(
        label=_("Trích yếu nội dung"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    signer_name = forms.CharField(label=_("Người ký"), max_length=50, required=False)
    page_count = forms.IntegerField(label=_("Số trang"), min_value=1, required=False)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    confirm_duplicate = forms.BooleanField(
        label=_("Vẫn vào sổ: tôi đã kiểm tra, đây là văn bản khác"), required=False
    )

    def clean_code_number(self) -> str:
        value = self.cleaned_data["code_number"].strip()
        if value and not value.isdigit():
            raise ValidationError(_("Số văn bản chỉ gồm chữ số (ví dụ 12)."))
        return value


class PresentForm(forms.Form):
    leader = UserChoiceField(label=_("Trình lãnh đạo"), queryset=User.objects.none())

    def __init__(self, *args, leaders: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(pk__in=[u.pk for u in leaders])


class AssignForm(forms.Form):
    lead = UserChoiceField(label=_("Người chủ trì"), queryset=User.objects.none())
    coordinators = UsersChoiceField(
        label=_("Người phối hợp"), queryset=User.objects.none(), required=False
    )
    deadline_days = forms.IntegerField(
        label=_("Thời hạn giải quyết (ngày làm việc)"),
        min_value=0,
        max_value=90,
        required=False,
        help_text=_("Để trống nếu văn bản không có thời hạn."),
    )
    instruction = forms.CharField(
        label=_("Ý kiến chỉ đạo"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, officials: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        queryset = User.objects.filter(pk__in=[u.pk for u in officials]).order_by("full_name")
        self.fields["lead"].queryset = queryset
        self.fields["coordinators"].queryset = queryset


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("Tiến độ, kết quả"), widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("Tệp kết quả (PDF, Word, ảnh)"), required=False)
    completes = forms.BooleanField(label=_("Đã giải quyết xong"), required=False)


class LinkReplyForm(forms.Form):
    reply = forms.ModelChoiceField(
        label=_("Văn bản trả lời"), queryset=OutgoingDocument.objects.none()
    )

    def __init__(self, *args, choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reply"].queryset = choices


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm (trích yếu, cơ quan, ký hiệu)"), required=False)
    number_notation = forms.CharField(label=_("Số, ký hiệu"), required=False)
    issuing_body = forms.CharField(label=_("Cơ quan ban hành"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    date_from = forms.DateField(
        label=_("Từ ngày"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("“Từ ngày” phải trước “Đến ngày”."))
        return data


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def year_or_current(self) -> int:
        if self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return timezone.localdate().year


class DraftForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Tên loại"), choices=DocumentType.choices)
    subject = forms.CharField(
        label=_("Trích yếu nội dung"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("Nội dung (soạn theo mẫu; các đoạn cách nhau một dòng trống)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    file = forms.FileField(label=_("Tệp dự thảo (Word .docx hoặc PDF)"), required=False)
    generate = forms.BooleanField(
        label=_("Soạn theo mẫu Nghị định 30 (không cần tệp)"), required=False
    )
    drafting_unit_abbreviation = forms.CharField(
        label=_("Viết tắt đơn vị soạn thảo (công văn)"), max_length=20, required=False
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices)
    signer = UserChoiceField(label=_("Người ký"), queryset=User.objects.none(), required=False)
    signer_competence = forms.ChoiceField(
        label=_("Thẩm quyền ký"), choices=OutgoingDocument.Competence.choices, required=False
    )
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False)
    recipients_text = forms.CharField(
        label=_("Nơi nhận (mỗi nơi một dòng)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    external_recipients = forms.CharField(
        label=_("Gửi cơ quan ngoài (mỗi dòng: mã định danh; tên cơ quan)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Ví dụ: 000.00.00.H41; UBND tỉnh Nghệ An"),
    )
    internal_recipients = UsersChoiceField(
        label=_("Gửi cán bộ trong đơn vị"), queryset=User.objects.none(), required=False
    )
    archive_keeper = forms.CharField(
        label=_("Đơn vị, người nhận bản lưu"), max_length=200, initial="Lưu: VT"
    )
    copies = forms.IntegerField(label=_("Số lượng bản"), min_value=1, initial=1)

    def __init__(self, *args, leaders, staff, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = User.objects.filter(pk__in=[u.pk for u in leaders])
        self.fields["internal_recipients"].queryset = User.objects.filter(
            pk__in=[u.pk for u in staff]
        ).order_by("full_name")

    def clean_external_recipients(self) -> list[tuple[str, str]]:
        result = []
        for line in self.cleaned_data["external_recipients"].splitlines():
            if not line.strip():
                continue
            organ_id, sep, name = line.partition(";")
            if not sep:
                organ_id, name = "", line
            if not name.strip():
                raise ValidationError(_("Mỗi dòng cần tên cơ quan nhận: “mã định danh; tên”."))
            result.append((organ_id.strip().upper(), name.strip()))
        return result


class VersionForm(forms.Form):
    file = forms.FileField(label=_("Tệp phiên bản mới (.docx, PDF)"), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tài liệu kèm theo (.docx, PDF)"))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = DocumentSettings
        fields = [
            "numbering",
            "issuer_abbreviation",
            "drafting_unit_abbreviation",
            "place_name",
            "incoming_book_number",
            "outgoing_book_number",
        ]


class WorkFileForm(forms.Form):
    notation = forms.CharField(label=_("Số và ký hiệu hồ sơ"), max_length=20)
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=500)
    maintenance = forms.CharField(label=_("Thời hạn bảo quản"), max_length=30, required=False)
    description = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class WorkFileAddForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("incoming", _("Văn bản đến")), ("outgoing", _("Văn bản đi"))]
    )
    document_id = forms.IntegerField(min_value=1)
