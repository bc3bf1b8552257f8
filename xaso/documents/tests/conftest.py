"""Fixtures of the documents tests: staff by position, sample PDFs, registered documents."""

import datetime
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context
from django.template import Template

from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.documents.models import IncomingDocument
from xaso.documents.services import incoming as incoming_service

VN = datetime.timezone(datetime.timedelta(hours=7))

# A document in the ND 30 layout, as another agency sends it (text layer included).
SAMPLE_HTML = Template(
    """<html><body style="font-family: 'DejaVu Serif'; font-size: 12pt">
<p>{{ issuer_top }}<br>{{ issuer }}</p>
<p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</p>
<p>Số: {{ code }}</p>
<p>Nghệ An, ngày {{ day }} tháng {{ month }} năm {{ year }}</p>
<p>{{ heading }}</p>
<p>{{ subject }}</p>
<p>Nội dung văn bản gửi các xã để thực hiện.</p>
</body></html>"""
)


def sample_pdf(
    *,
    code: str = "12/QĐ-UBND",
    issuer_top: str = "UBND TỈNH NGHỆ AN",
    issuer: str = "SỞ TƯ PHÁP",
    heading: str = "QUYẾT ĐỊNH",
    subject: str = "Về việc kiểm tra công tác hộ tịch năm 2026",
    date: datetime.date = datetime.date(2026, 11, 20),
) -> bytes:
    import weasyprint

    html = SAMPLE_HTML.render(
        Context(
            {
                "code": code,
                "issuer_top": issuer_top,
                "issuer": issuer,
                "heading": heading,
                "subject": subject,
                "day": f"{date.day:02d}",
                "month": date.month,
                "year": date.year,
            }
        )
    )
    return weasyprint.HTML(string=html).write_pdf()


def upload(data: bytes, name: str = "van-ban.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def vice_chairman(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "vice_chairman", username="phochutich", full_name="Lê Văn Phó")


@pytest.fixture
def official(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(
        commune, "office_statistics", username="vanphong", full_name="Ngô Thị Văn Phòng"
    )


@pytest.fixture
def land_official(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "land_construction", username="diachinh", full_name="Đỗ Văn Đất")


@pytest.fixture
def other_clerk(other_commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(other_commune, "clerk", username="vanthu_khac")


@pytest.fixture
def other_chairman(other_commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(other_commune, "chairman", username="chutich_khac")


@pytest.fixture
def other_official(other_commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(other_commune, "office_statistics", username="vanphong_khac")


def incoming_data(**overrides: object) -> incoming_service.IncomingData:
    values: dict[str, object] = {
        "medium": "paper",
        "issuing_body": "Sở Tư pháp tỉnh Nghệ An",
        "document_date": datetime.date(2026, 11, 20),
        "subject": "Về việc kiểm tra công tác hộ tịch năm 2026",
        "code_number": "12",
        "code_notation": "QĐ-STP",
        "doc_type": "quyet_dinh",
    }
    values.update(overrides)
    return incoming_service.IncomingData(**values)  # type: ignore[arg-type]


@pytest.fixture
def register(clerk: User) -> Callable[..., IncomingDocument]:
    """register(**overrides) → an incoming document registered by the clerk."""

    def make(**overrides: object) -> IncomingDocument:
        arrived_at = overrides.pop("arrived_at", datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN))
        actor = overrides.pop("actor", clerk)
        return incoming_service.register_incoming(
            actor=actor,  # type: ignore[arg-type]
            data=incoming_data(**overrides),
            arrived_at=arrived_at,  # type: ignore[arg-type]
        )

    return make
