"""What the province deployment's staff do in the two-deployment transfer tests, run inside
that deployment's own process (`manage.py shell -c "from … import setup; setup(…)"`): the
same services its pages call, under its own database."""

import datetime
import json
from pathlib import Path

from django.utils import timezone

from xaso.core.models import AdministrativeUnit
from xaso.core.models import AgencyIdentifier
from xaso.core.models import User
from xaso.core.tests.factories import UserFactory
from xaso.dossiers.services import processing
from xaso.dossiers.services import results
from xaso.dossiers.tests.factories import ProcedureFactory
from xaso.interop import dossier_transfer
from xaso.interop.models import DossierTransfer
from xaso.signatures.signing import Pkcs12Key

PROVINCE_CODE = 40
PROVINCE_ID = "000.00.00.H41"
# A procedure decided at the province (not a civil-status one: no register form needed).
PROCEDURE_CODE = "1.009994"
PROCEDURE_NAME = "Cấp giấy phép thử nghiệm liên thông"


def setup() -> None:
    province = AdministrativeUnit.objects.get(code=PROVINCE_CODE)
    AgencyIdentifier.objects.create(
        unit=province, identifier=PROVINCE_ID, valid_from=datetime.date(2025, 7, 1)
    )
    ProcedureFactory(unit=province, code=PROCEDURE_CODE, name=PROCEDURE_NAME)
    for username, position in (
        ("motcua_tinh", "counter_officer"),
        ("chuyenvien_tinh", "justice_civil_status"),
        ("lanhdao_tinh", "chairman"),
    ):
        UserFactory(unit=province, positions=[position], username=username)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def process(*, refuse: str = "") -> None:
    """The province's officials take the transferred dossier to its result (or refuse it)."""
    link = DossierTransfer.objects.get(direction="in")
    official = _user("chuyenvien_tinh")
    dossier = processing.claim_step(actor=official, dossier=link.dossier)
    if refuse:
        processing.refuse_dossier(actor=official, dossier=dossier, reason=refuse)
        return
    dossier = processing.forward_dossier(actor=official, dossier=dossier)
    leader = _user("lanhdao_tinh")
    dossier = processing.claim_step(actor=leader, dossier=dossier)
    processing.approve_dossier(actor=leader, dossier=dossier)


def record_and_send(*, pdf_path: str, p12_path: str, passphrase: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    link = DossierTransfer.objects.get(direction="in")
    results.record_result(
        actor=_user("chuyenvien_tinh"),
        dossier=link.dossier,
        number="15/GCN",
        issued_on=timezone.localdate(),
        signer_name="Lê Văn Lãnh Đạo",
        summary="Cấp giấy chứng nhận",
        file=SimpleUploadedFile(
            "ket-qua.pdf", Path(pdf_path).read_bytes(), content_type="application/pdf"
        ),
    )
    dossier_transfer.send_result(
        actor=_user("motcua_tinh"),
        dossier=link.dossier,
        signer=Pkcs12Key(data=Path(p12_path).read_bytes(), passphrase=passphrase),
    )


def show() -> None:
    """Print the province's transferred dossiers as JSON (read by the test)."""
    rows = [
        {
            "code": link.dossier.code,
            "unit": link.dossier.unit.code,
            "book_number": link.dossier.book_number,
            "status": link.dossier.status,
            "origin": link.remote_code,
            "documents": [[d.name, bool(d.file)] for d in link.dossier.documents.order_by("id")],
            "statuses": list(link.statuses.values_list("code", flat=True)),
            "result_sent": link.result_outbound.status if link.result_outbound else "",
        }
        for link in DossierTransfer.objects.filter(direction="in").order_by("pk")
    ]
    print(json.dumps(rows, ensure_ascii=False))  # noqa: T201
