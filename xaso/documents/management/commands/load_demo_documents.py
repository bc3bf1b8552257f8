"""A few documents for the demo commune, written through the real services.

    manage.py load_demo_documents --unit 16777

Needs the demo accounts (load_demo_commune). Idempotent: does nothing when the unit
already has incoming documents. Creates three incoming documents (one assigned to the
office official with a deadline, one waiting for the chairman) and one released công văn
answering the first.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser
from django.db import transaction
from django.utils import timezone

from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.documents.models import IncomingDocument
from xaso.documents.services import handling
from xaso.documents.services import incoming
from xaso.documents.services import outgoing
from xaso.documents.uploads import check_file


class Command(BaseCommand):
    help = "Nạp vài văn bản đến, văn bản đi mẫu cho xã trình diễn (theo mã đơn vị GSO)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã GSO của xã, phường (5 chữ số).")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = AdministrativeUnit.objects.communes().filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có xã mã {options['unit']}.")
        if IncomingDocument.objects.filter(unit=unit).exists():
            self.stdout.write("Đơn vị đã có văn bản, bỏ qua.")
            return
        try:
            users = {
                name: User.objects.get(unit=unit, username=name)
                for name in ("vanthu", "chutich", "vanphong", "tuphap")
            }
        except User.DoesNotExist as exc:
            raise CommandError("Hãy chạy load_demo_commune trước.") from exc
        today = timezone.localdate()
        with transaction.atomic():
            self._load(users, today)
        self.stdout.write(self.style.SUCCESS("Đã nạp văn bản mẫu."))

    def _pdf(self, clerk: User, issuer: str, code: str, subject: str) -> incoming.StagedFile:
        """An electronic document as another agency sends it (PDF with a text layer)."""
        import weasyprint
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils.html import escape

        html = (
            f"<p>{escape(issuer.upper())}</p><p>Số: {escape(code)}</p>"
            f"<p>V/v {escape(subject)}</p><p>Nội dung mẫu để trình diễn.</p>"
        )
        data = weasyprint.HTML(string=html).write_pdf()
        checked = check_file(SimpleUploadedFile("van-ban.pdf", data))
        staged, _token = incoming.stage_file(actor=clerk, checked=checked)
        return staged

    def _load(self, users: dict[str, User], today: datetime.date) -> None:
        clerk, chairman = users["vanthu"], users["chutich"]
        first = incoming.register_incoming(
            actor=clerk,
            data=incoming.IncomingData(
                medium="electronic",
                issuing_body="Sở Tư pháp tỉnh Nghệ An",
                code_number="245",
                code_notation="STP-HCTP",
                doc_type="cong_van",
                document_date=today - datetime.timedelta(days=2),
                subject=f"Báo cáo kết quả công tác đăng ký hộ tịch năm {today.year}",
                file=self._pdf(
                    clerk,
                    "Sở Tư pháp tỉnh Nghệ An",
                    "245/STP-HCTP",
                    "Báo cáo kết quả công tác đăng ký hộ tịch",
                ),
                urgency="urgent",
            ),
        )
        handling.assign(
            actor=chairman,
            document=first,
            data=handling.AssignmentData(
                lead=users["vanphong"],
                coordinators=[users["tuphap"]],
                deadline_days=5,
                instruction="Giao Văn phòng chủ trì, Tư pháp phối hợp báo cáo đúng hạn.",
            ),
        )
        second = incoming.register_incoming(
            actor=clerk,
            data=incoming.IncomingData(
                medium="paper",
                issuing_body="UBND tỉnh Nghệ An",
                code_number="18",
                code_notation="KH-UBND",
                doc_type="ke_hoach",
                document_date=today - datetime.timedelta(days=1),
                subject="Triển khai chuyển đổi số trong cơ quan nhà nước",
            ),
        )
        handling.present(actor=clerk, document=second, leader=chairman)
        incoming.register_incoming(
            actor=clerk,
            data=incoming.IncomingData(
                medium="electronic",
                issuing_body="Công an tỉnh Nghệ An",
                code_number="310",
                code_notation="CAT-PV01",
                doc_type="cong_van",
                document_date=today,
                subject="Tăng cường bảo đảm an ninh trật tự dịp cuối năm",
                file=self._pdf(
                    clerk,
                    "Công an tỉnh Nghệ An",
                    "310/CAT-PV01",
                    "Tăng cường bảo đảm an ninh trật tự dịp cuối năm",
                ),
            ),
        )
        reply = outgoing.create_draft(
            actor=users["vanphong"],
            data=outgoing.DraftData(
                doc_type="cong_van",
                subject="Báo cáo kết quả công tác đăng ký hộ tịch",
                body="Thực hiện Công văn số 245/STP-HCTP của Sở Tư pháp, Ủy ban nhân dân xã "
                "báo cáo như sau.",
                recipients_text="Sở Tư pháp tỉnh Nghệ An",
                signer=chairman,
                signer_competence="TM.",
                signer_title="Chủ tịch",
                reply_to=first,
                external_recipients=[("", "Sở Tư pháp tỉnh Nghệ An")],
            ),
            generate=True,
        )
        outgoing.submit(actor=users["vanphong"], document=reply)
        outgoing.approve(actor=chairman, document=reply)
        outgoing.sign(actor=chairman, document=reply)
        outgoing.release(actor=clerk, document=reply)
