"""Incoming and outgoing documents, their handling, and work files (ND 30/2020).

- IncomingDocument: one line of the "Sổ đăng ký văn bản đến" (PL IV) with its arrival
  number (số đến, Đ22.2: consecutive per unit and year, shared by paper and electronic)
  and its handling (Đ23: lead, co-ordinators, deadline, instruction, status).
- OutgoingDocument: a draft that becomes one line of the "Sổ đăng ký văn bản đi" when the
  văn thư numbers it at release (Đ15, Đ14). Fields follow the metadata of PL VI so an
  exchange layer (edXML, issue 6) can send it by agency identifier later.
- WorkFile: hồ sơ công việc grouping documents.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.tenancy import UnitScopedQuerySet
from xaso.documents.doctypes import DocumentType


class Urgency(models.TextChoices):
    """Box 10b of PL I; values map to edXML OtherInfo/Priority 0–3 (QCVN 102)."""

    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    VERY_URGENT = "very_urgent", _("Thượng khẩn")
    FLASH = "flash", _("Hỏa tốc")


EDXML_PRIORITY = {
    Urgency.NORMAL.value: 0,
    Urgency.URGENT.value: 1,
    Urgency.VERY_URGENT.value: 2,
    Urgency.FLASH.value: 3,
}


class Secrecy(models.TextChoices):
    NORMAL = "normal", _("Thường")
    CONFIDENTIAL = "confidential", _("Mật")
    SECRET = "secret", _("Tối mật")
    TOP_SECRET = "top_secret", _("Tuyệt mật")


class Medium(models.TextChoices):
    PAPER = "paper", _("Văn bản giấy")
    ELECTRONIC = "electronic", _("Văn bản điện tử")


def _step_actor(verbose_name: str | Promise | None = None) -> models.ForeignKey:
    """The official who took one step of a document (empty until then); no reverse name."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class DocumentSettings(models.Model):
    """Numbering choices of a unit, decided by its head (ND 30/2020 Đ15.1, PL I II.3)."""

    class Numbering(models.TextChoices):
        SINGLE = "single", _("Một dãy số chung cho mọi loại văn bản hành chính")
        PER_TYPE = "per_type", _("Mỗi loại văn bản một dãy số")

    unit = models.OneToOneField(
        "core.AdministrativeUnit", on_delete=models.CASCADE, related_name="document_settings"
    )
    numbering = models.CharField(
        _("cách đánh số văn bản đi"),
        max_length=10,
        choices=Numbering.choices,
        default=Numbering.SINGLE,
    )
    issuer_abbreviation = models.CharField(
        _("chữ viết tắt tên cơ quan ban hành"), max_length=20, default="UBND"
    )
    drafting_unit_abbreviation = models.CharField(
        _("chữ viết tắt đơn vị soạn thảo mặc định (công văn)"), max_length=20, default="VP"
    )
    place_name = models.CharField(
        _("địa danh ghi trên văn bản"),
        max_length=50,
        blank=True,
        help_text=_("Ví dụ: Quỳ Châu. Để trống thì dùng tên đơn vị."),
    )
    incoming_book_number = models.PositiveSmallIntegerField(_("quyển số sổ đến"), default=1)
    outgoing_book_number = models.PositiveSmallIntegerField(_("quyển số sổ đi"), default=1)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("thiết lập văn bản của đơn vị")
        verbose_name_plural = _("thiết lập văn bản của đơn vị")

    def __str__(self) -> str:
        return str(self.unit)


class AbstractDocument(models.Model):
    """What a văn bản đến and a văn bản đi share: trích yếu, độ khẩn, độ mật (PL VI
    metadata), recall reason, note, and the folded text the registers are searched by."""

    subject = models.CharField(_("trích yếu nội dung"), max_length=500)
    urgency = models.CharField(
        _("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.CharField(
        _("độ mật"), max_length=12, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    recall_reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def search_parts(self) -> list[str]:
        """The words a register search should find this document by. Abstract: the
        incoming and outgoing documents each list their own fields."""
        raise NotImplementedError

    def refresh_search_text(self) -> None:
        from xaso.core.search import normalize_search_text

        self.search_text = normalize_search_text(" ".join(self.search_parts()))


class IncomingDocument(AbstractDocument):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Đã vào sổ")
        PRESENTED = "presented", _("Đang trình lãnh đạo")
        ASSIGNED = "assigned", _("Đang giải quyết")
        DONE = "done", _("Đã giải quyết xong")
        FILED = "filed", _("Lưu, không phải giải quyết")

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="incoming_documents"
    )
    # Trích yếu, độ khẩn, độ mật, ghi chú, lý do thu hồi: AbstractDocument.
    # Sổ đăng ký văn bản đến: Ngày đến, Số đến.
    arrival_year = models.PositiveSmallIntegerField(_("năm"))
    arrival_number = models.PositiveIntegerField(_("số đến"))
    arrived_at = models.DateTimeField(_("ngày đến"))
    medium = models.CharField(_("hình thức"), max_length=12, choices=Medium.choices)
    # Tác giả; Số, ký hiệu văn bản (CodeNumber ≤ 11, CodeNotation ≤ 30, PL VI).
    issuing_body = models.CharField(_("tác giả (cơ quan ban hành)"), max_length=200)
    issuing_body_identifier = models.CharField(
        _("mã định danh cơ quan ban hành"), max_length=35, blank=True
    )
    code_number = models.CharField(_("số"), max_length=11, blank=True)
    code_notation = models.CharField(_("ký hiệu"), max_length=30, blank=True)
    document_date = models.DateField(_("ngày tháng văn bản"))
    doc_type = models.CharField(
        _("tên loại"), max_length=20, choices=DocumentType.choices, default=DocumentType.CONG_VAN
    )
    signer_name = models.CharField(_("người ký"), max_length=50, blank=True)
    page_count = models.PositiveSmallIntegerField(_("số trang"), null=True, blank=True)
    # Đơn vị hoặc người nhận; Ngày chuyển; Ký nhận (signed on paper); Ghi chú.
    recipient_text = models.CharField(_("đơn vị hoặc người nhận"), max_length=300, blank=True)
    transferred_at = models.DateTimeField(_("ngày chuyển"), null=True, blank=True)
    file = models.FileField(_("tệp văn bản"), upload_to="documents/incoming/%Y/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    extracted_text = models.TextField(_("nội dung trích từ tệp"), blank=True)
    # Every PDF received or uploaded is checked (ND 30 Đ21.2: authenticity and integrity);
    # the stored report is shown on the document page.
    verification = models.ForeignKey(
        "signatures.VerificationRecord",
        verbose_name=_("kết quả kiểm tra chữ ký số"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Empty for a document registered by the exchange system itself on arrival (edXML,
    # ND 30 Đ21.2), after checking its signatures and addressee.
    registered_by = _step_actor()
    # Electronic exchange: the sender's DocumentId (QCVN 102), which recall and update
    # packages name (Đ18.4, Đ21); recalled documents are kept, frozen, not deleted.
    exchange_document_id = models.CharField(max_length=120, blank=True, db_index=True)
    recalled_at = models.DateTimeField(_("ngày bị thu hồi"), null=True, blank=True)
    # A replacement package (BussinessDocType 3, Đ18) is registered as a document of its
    # own; the one it replaces is kept, frozen like a recalled one, and points to it.
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("bị thay thế bởi văn bản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces_documents",
    )
    replaced_at = models.DateTimeField(_("ngày bị thay thế"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("trùng với văn bản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    # Đ23: presentation to the competent person, then the assignment.
    presented_to = _step_actor(_("trình lãnh đạo"))
    presented_at = models.DateTimeField(null=True, blank=True)
    assigned_by = _step_actor()
    assigned_at = models.DateTimeField(_("ngày phân công"), null=True, blank=True)
    instruction = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    deadline_days = models.PositiveSmallIntegerField(
        _("thời hạn (ngày làm việc)"), null=True, blank=True
    )
    due_at = models.DateTimeField(_("thời hạn giải quyết"), null=True, blank=True)
    completed_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    reply_document = models.ForeignKey(
        "documents.OutgoingDocument",
        verbose_name=_("văn bản trả lời"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
    )

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        ordering = ["-arrival_year", "-arrival_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "arrival_year", "arrival_number"],
                name="incoming_arrival_number_unique",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "arrival_year", "arrival_number"]),
            models.Index(fields=["unit", "issuing_body", "code_number", "document_date"]),
            models.Index(fields=["unit", "status", "due_at"]),
            # Register search by number ("12/…") and by document date range.
            models.Index(fields=["unit", "code_number"]),
            models.Index(fields=["unit", "document_date"]),
        ]
        permissions = [
            ("register_documents", _("Vào sổ, cấp số, ban hành văn bản (văn thư)")),
            ("view_document_registers", _("Xem sổ văn bản đến, văn bản đi")),
            ("assign_documents", _("Phân công giải quyết văn bản đến, theo dõi")),
            ("handle_documents", _("Giải quyết văn bản được giao, soạn thảo văn bản đi")),
            ("approve_documents", _("Duyệt, ký văn bản đi")),
            ("manage_document_settings", _("Thiết lập cách đánh số văn bản của đơn vị")),
        ]

    def __str__(self) -> str:
        return f"{self.arrival_number}/{self.arrival_year} — {self.number_notation}"

    @property
    def number_notation(self) -> str:
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.REGISTERED, self.Status.PRESENTED, self.Status.ASSIGNED)

    @property
    def is_overdue(self) -> bool:
        if self.due_at is None:
            return False
        end = self.completed_at or timezone.now()
        return end > self.due_at

    def search_parts(self) -> list[str]:
        return [
            self.subject,
            self.issuing_body,
            self.number_notation,
            self.code_notation.replace("-", " "),
            self.signer_name,
            self.get_doc_type_display(),
        ]


class IncomingFile(models.Model):
    """A file received electronically with an incoming document, by version: the files of
    the first package are version 1; each update from the sender (edXML BussinessDocType 2,
    Đ21) adds the next version and the earlier ones are kept, no longer current. The
    document's own `file` is the main file of the current version."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="received_files"
    )
    version = models.PositiveSmallIntegerField(_("lần nhận"), default=1)
    name = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(upload_to="documents/incoming/%Y/")
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    is_main = models.BooleanField(default=False)
    is_current = models.BooleanField(_("đang dùng"), default=True)
    verification = models.ForeignKey(
        "signatures.VerificationRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why the sender sent this version (the update's BussinessDocReason); empty for the first.
    reason = models.CharField(_("lý do cập nhật"), max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp văn bản đến")
        verbose_name_plural = _("tệp văn bản đến")
        ordering = ["-version", "-is_main", "pk"]

    def __str__(self) -> str:
        return self.name


class Handler(models.Model):
    """An official given an incoming document: the lead (chủ trì) or a co-ordinator."""

    class Role(models.TextChoices):
        LEAD = "lead", pgettext_lazy("document handling role", "Chủ trì")
        COORDINATE = "coordinate", pgettext_lazy("document handling role", "Phối hợp")

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="handlers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="document_tasks"
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)
    assigned_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    # The day the last deadline reminder was sent (at most one reminder a day).
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("người giải quyết")
        verbose_name_plural = _("người giải quyết")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "user"], name="handler_once_per_document")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ProgressEntry(models.Model):
    """Tiến độ giải quyết: a note, an attached result, or the completion."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="progress"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("nội dung"))
    file = models.FileField(_("tệp kết quả"), upload_to="documents/results/%Y/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    completes = models.BooleanField(_("hoàn thành"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tiến độ giải quyết")
        verbose_name_plural = _("tiến độ giải quyết")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.note[:60]


class OutgoingDocument(AbstractDocument):
    """A văn bản đi from draft to release (Đ13–Đ15, Đ18 recall and replacement)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        IN_REVIEW = "in_review", pgettext_lazy("outgoing document status", "Trình duyệt")
        APPROVED = "approved", _("Đã duyệt, chờ ký")
        SIGNED = "signed", _("Đã ký, chờ ban hành")
        RELEASED = "released", _("Đã ban hành")
        RECALLED = "recalled", _("Đã thu hồi")
        REPLACED = "replaced", _("Đã được thay thế")

    class Competence(models.TextChoices):
        NONE = "", _("(Không)")
        TM = "TM.", _("TM. (thay mặt tập thể)")
        KT = "KT.", _("KT. (ký thay người đứng đầu)")
        Q = "Q.", _("Q. (quyền)")
        TL = "TL.", _("TL. (thừa lệnh)")
        TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="outgoing_documents"
    )
    # Trích yếu, độ khẩn, độ mật, ghi chú, lý do thu hồi: AbstractDocument.
    doc_type = models.CharField(_("tên loại"), max_length=20, choices=DocumentType.choices)
    body = models.TextField(_("nội dung (soạn theo mẫu)"), blank=True)
    drafting_unit_abbreviation = models.CharField(
        _("viết tắt đơn vị soạn thảo"), max_length=20, blank=True
    )
    recipients_text = models.TextField(_("nơi nhận"), blank=True)
    archive_keeper = models.CharField(
        _("đơn vị, người nhận bản lưu"), max_length=200, default="Lưu: VT"
    )
    copies = models.PositiveSmallIntegerField(_("số lượng bản"), default=1)
    signer = _step_actor(_("người ký"))
    signer_competence = models.CharField(
        _("thẩm quyền ký"), max_length=5, choices=Competence.choices, blank=True
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafted_documents"
    )
    reply_to = models.ForeignKey(
        IncomingDocument,
        verbose_name=_("trả lời văn bản đến"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("thay thế văn bản"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = _step_actor()
    approved_at = models.DateTimeField(null=True, blank=True)
    # Signing step (Đ13.7): who signed and when. The digital signature itself arrives
    # with the signatures app; `signature_reference` is where it records its result.
    signed_by = _step_actor()
    signed_at = models.DateTimeField(null=True, blank=True)
    signature_reference = models.CharField(max_length=200, blank=True)
    # Numbering at release (Đ15): number, notation, the series it came from, the date.
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    series = models.CharField(_("dãy số"), max_length=40, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    notation = models.CharField(_("ký hiệu"), max_length=30, blank=True)
    issued_on = models.DateField(_("ngày tháng văn bản"), null=True, blank=True)
    released_by = _step_actor()
    released_at = models.DateTimeField(_("ngày chuyển"), null=True, blank=True)
    recalled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        ordering = ["-created_at"]
        # One number per series and year. (unit, year, number, notation) is not unique
        # because secret documents have their own series (Đ15.2) and may reach the same
        # number and notation as an ordinary one; ND 30 does not say how to tell them apart.
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "series", "number"],
                condition=Q(number__isnull=False),
                name="outgoing_number_unique_in_series",
            ),
        ]
        indexes = [models.Index(fields=["unit", "year", "number"])]

    def __str__(self) -> str:
        return self.number_notation or str(_("Dự thảo: %(subject)s") % {"subject": self.subject})

    @property
    def number_notation(self) -> str:
        """ "12/QĐ-UBND"; numbers below 10 with a leading 0 (PL I, II.3)."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.notation}"

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL

    @property
    def is_released(self) -> bool:
        return self.number is not None

    def search_parts(self) -> list[str]:
        return [
            self.subject,
            self.number_notation,
            self.notation.replace("-", " "),
            self.recipients_text,
            self.get_doc_type_display(),
        ]


class OutgoingFile(models.Model):
    """A version of the draft's main file, or an attachment."""

    class Kind(models.TextChoices):
        VERSION = "version", _("Phiên bản dự thảo")
        ATTACHMENT = "attachment", _("Tài liệu kèm theo")
        # The electronic original (ND 30 Đ5): signed by the signer, then numbered and
        # signed by the organisation; separate attachments signed by the văn thư (PL I 8.b).
        SIGNED = "signed", _("Bản điện tử đã ký số")
        SIGNED_ATTACHMENT = "signed_att", _("Tài liệu kèm theo đã ký số")

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("phiên bản"), null=True, blank=True)
    name = models.CharField(_("tên tệp"), max_length=200)
    file = models.FileField(upload_to="documents/outgoing/%Y/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    generated = models.BooleanField(_("sinh từ mẫu"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp văn bản đi")
        verbose_name_plural = _("tệp văn bản đi")
        ordering = ["kind", "-version", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "version"],
                condition=Q(kind="version"),
                name="outgoing_version_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReviewComment(models.Model):
    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("ý kiến"))
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ý kiến góp ý")
        verbose_name_plural = _("ý kiến góp ý")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ExternalRecipient(models.Model):
    """An outside agency the document is sent to, by agency identifier (QĐ 20/2020).

    The exchange layer (edXML) sends to `organ_id` and records the status here later.
    """

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="external_recipients"
    )
    organ_id = models.CharField(_("mã định danh"), max_length=35, blank=True)
    organ_name = models.CharField(_("tên cơ quan"), max_length=200)
    exchange_status = models.CharField(_("trạng thái liên thông"), max_length=40, blank=True)
    exchange_note = models.CharField(_("ghi chú liên thông"), max_length=500, blank=True)
    exchange_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("nơi nhận bên ngoài")
        verbose_name_plural = _("nơi nhận bên ngoài")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.organ_name

    @property
    def exchange_status_label(self) -> str:
        """The status in words: the outbox's own states, then the receiver's codes (QCVN 102
        status package, documents.md §9.5)."""
        return str(EXCHANGE_STATUS_LABELS.get(self.exchange_status, self.exchange_status))


EXCHANGE_STATUS_LABELS = {
    "queued": _("Đang gửi"),
    "failed": _("Gửi không được"),
    "refused": _("Bên nhận không nhận gói tin"),
    "01": _("01 — Đã đến"),
    "02": _("02 — Từ chối tiếp nhận"),
    "03": _("03 — Đã tiếp nhận"),
    "04": _("04 — Đã đến, đang chờ phân công"),
    "05": _("05 — Đã phân công, đang xử lý"),
    "06": _("06 — Đã xử lý xong"),
    "13": _("13 — Thu hồi văn bản"),
    "15": _("15 — Đồng ý thu hồi / cập nhật"),
    "16": _("16 — Từ chối thu hồi / cập nhật"),
}


class Distribution(models.Model):
    """The released document delivered to an internal user."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="distributions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="received_documents"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phát hành nội bộ")
        verbose_name_plural = _("phát hành nội bộ")
        constraints = [
            models.UniqueConstraint(fields=["document", "user"], name="distribution_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.user}"


class WorkFile(models.Model):
    """Hồ sơ công việc: documents of one matter kept together (PL VI, hồ sơ metadata)."""

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="work_files"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=20)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    maintenance = models.CharField(_("thời hạn bảo quản"), max_length=30, blank=True)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("ghi chú"), max_length=500, blank=True)
    incoming = models.ManyToManyField(IncomingDocument, blank=True, related_name="work_files")
    outgoing = models.ManyToManyField(OutgoingDocument, blank=True, related_name="work_files")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    search_text = models.TextField(blank=True, editable=False)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ công việc")
        verbose_name_plural = _("hồ sơ công việc")
        ordering = ["-year", "notation"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "notation"], name="work_file_notation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notation} — {self.title}"
