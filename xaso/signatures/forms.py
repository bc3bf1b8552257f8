"""Forms of the signature pages: uploads are read here (size and type), the services check
the content."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from xaso.signatures import pki
from xaso.signatures.signing import Kind
from xaso.signatures.signing import Pkcs12Key
from xaso.signatures.signing import TokenKey
from xaso.signatures.signing import visible_token_labels


def _read(upload: UploadedFile, *, limit: int) -> bytes:
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(
            _("Tệp quá lớn (tối đa %(size)s KB).") % {"size": limit // 1024}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise forms.ValidationError(
            _("Tệp quá lớn (tối đa %(size)s KB).") % {"size": limit // 1024}
        )
    return data


class TokenLabelInput(forms.TextInput):
    """The token's label, typed or picked from the tokens plugged in now (a datalist
    read when the form is shown, so a token plugged in later appears on reload)."""

    template_name = "signatures/widgets/token_label.html"

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        labels = visible_token_labels() if settings.XASO_PKCS11_LIST_TOKENS else []
        widget = context["widget"]
        widget["token_labels"] = labels
        if labels:
            widget["attrs"]["list"] = f"{widget['attrs'].get('id') or name}-tokens"
            if not widget.get("value") and len(labels) == 1:
                widget["value"] = labels[0]
        return context


class PdfUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Tệp PDF cần kiểm tra"),
        help_text=_("Văn bản điện tử, kết quả giải quyết thủ tục hoặc trích lục (tệp .pdf)."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self) -> bytes:
        data = _read(self.cleaned_data["document"], limit=settings.XASO_VERIFY_MAX_BYTES)
        if b"%PDF-" not in data[:1024]:
            raise forms.ValidationError(
                _("Tệp này không phải là tệp PDF. Hãy chọn đúng tệp văn bản điện tử (.pdf).")
            )
        return data

    @property
    def filename(self) -> str:
        upload = self.files.get("document")
        return str(getattr(upload, "name", ""))[:255]


class CertificateUploadForm(forms.Form):
    certificate = forms.FileField(
        label=_("Tệp chứng thư số"),
        help_text=_("Định dạng PEM hoặc DER (.cer, .crt, .pem, .der). Không tải khóa bí mật."),
        widget=forms.ClearableFileInput(attrs={"accept": ".cer,.crt,.pem,.der"}),
    )

    def clean_certificate(self) -> bytes:
        return _read(self.cleaned_data["certificate"], limit=pki.MAX_CERTIFICATE_FILE_BYTES)


class SigningKeyForm(forms.Form):
    """The key for a digital signature: a token plugged into the server (PKCS#11) with its
    PIN, or a PKCS#12 file with its passphrase. Neither is stored or logged.

    Shared by every page that signs (outgoing documents, one-stop results, civil-status
    certificates); `signing_key()` turns the cleaned form into the services' key."""

    METHOD_TOKEN = "token"  # noqa: S105  (a choice value, not a secret)
    METHOD_FILE = "pkcs12"
    MAX_KEY_FILE_BYTES = 64 * 1024

    method = forms.ChoiceField(
        label=_("Khóa ký"),
        choices=[
            (METHOD_TOKEN, _("Thiết bị ký số (USB token)")),
            (METHOD_FILE, _("Tệp khóa PKCS#12 (.p12, .pfx)")),
        ],
        widget=forms.RadioSelect,
        initial=METHOD_TOKEN,
    )
    token_label = forms.CharField(
        label=_("Tên thiết bị ký số"),
        max_length=32,
        required=False,
        widget=TokenLabelInput,
        help_text=_("Chọn trong danh sách thiết bị đang cắm vào máy, hoặc nhập tên."),
    )
    pin = forms.CharField(
        label=_("Mã PIN"),
        max_length=64,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    key_file = forms.FileField(label=_("Tệp khóa PKCS#12"), required=False)
    passphrase = forms.CharField(
        label=_("Mật khẩu tệp khóa"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("method") == self.METHOD_TOKEN:
            if not data.get("token_label"):
                self.add_error("token_label", _("Hãy nhập tên thiết bị ký số."))
            if not data.get("pin"):
                self.add_error("pin", _("Hãy nhập mã PIN."))
        elif data.get("method") == self.METHOD_FILE:
            upload = data.get("key_file")
            if not upload:
                self.add_error("key_file", _("Hãy chọn tệp khóa PKCS#12."))
            elif upload.size > self.MAX_KEY_FILE_BYTES:
                self.add_error("key_file", _("Tệp khóa quá lớn, không phải tệp .p12 hợp lệ."))
            else:
                data["key_bytes"] = upload.read()
        return data

    def error_text(self) -> str:
        return " ".join(str(message) for errors in self.errors.values() for message in errors)

    def signing_key(self) -> Pkcs12Key | TokenKey:
        """The key described by the valid form."""
        data = self.cleaned_data
        if data["method"] == self.METHOD_TOKEN:
            return TokenKey(token_label=data["token_label"], pin=data["pin"])
        return Pkcs12Key(data=data["key_bytes"], passphrase=data["passphrase"])


class SignForm(SigningKeyForm):
    """Sign one PDF with a token or a PKCS#12 file (the key stays with the signer): the key
    fields of SigningKeyForm plus the document and where and how the signature goes."""

    field_order = [
        "document",
        "kind",
        "copy_form",
        "copying_organisation",
        "document_number",
        "method",
        "token_label",
        "pin",
        "key_file",
        "passphrase",
        "page",
        "x",
        "y",
    ]

    document = forms.FileField(
        label=_("Tệp PDF cần ký"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    kind = forms.ChoiceField(
        label=_("Loại chữ ký"),
        choices=[
            (Kind.SIGNER, _("Chữ ký của người có thẩm quyền (hình chữ ký màu xanh)")),
            (Kind.ORGANISATION, _("Chữ ký của cơ quan, tổ chức (hình con dấu màu đỏ)")),
            (Kind.ATTACHMENT, _("Ký phụ lục, tài liệu kèm theo riêng (góc trên bên phải)")),
            (Kind.COPY, _("Ký bản sao điện tử (góc trên bên phải)")),
        ],
    )
    copy_form = forms.ChoiceField(
        label=_("Hình thức sao"),
        required=False,
        choices=[("SAO Y", "SAO Y"), ("SAO LỤC", "SAO LỤC"), ("TRÍCH SAO", "TRÍCH SAO")],
    )
    copying_organisation = forms.CharField(
        label=_("Tên cơ quan sao"), max_length=200, required=False
    )
    document_number = forms.CharField(
        label=_("Số và ký hiệu văn bản"),
        max_length=100,
        required=False,
        help_text=_("Bắt buộc khi ký phụ lục, tài liệu kèm theo riêng."),
    )
    page = forms.IntegerField(
        label=_("Trang đặt chữ ký"),
        min_value=0,
        initial=0,
        help_text=_("0 = trang cuối."),
    )
    x = forms.IntegerField(
        label=_("Lề trái ô chữ ký (điểm)"), min_value=0, max_value=2000, initial=330
    )
    y = forms.IntegerField(
        label=_("Lề dưới ô chữ ký (điểm)"), min_value=0, max_value=3000, initial=120
    )

    def clean_document(self) -> bytes:
        data = _read(self.cleaned_data["document"], limit=settings.XASO_VERIFY_MAX_BYTES)
        if b"%PDF-" not in data[:1024]:
            raise forms.ValidationError(_("Tệp này không phải là tệp PDF."))
        return data

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Kind.ATTACHMENT and not data.get("document_number"):
            self.add_error("document_number", _("Hãy nhập số và ký hiệu văn bản."))
        if data.get("kind") == Kind.COPY:
            if not data.get("copy_form"):
                self.add_error("copy_form", _("Hãy chọn hình thức sao."))
            if not data.get("copying_organisation"):
                self.add_error("copying_organisation", _("Hãy nhập tên cơ quan sao."))
        return data
