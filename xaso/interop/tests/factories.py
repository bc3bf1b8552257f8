"""Builders of valid edXML packages and throw-away certificates for the interop tests."""

import dataclasses
import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from xaso.interop.edxml import types as t

VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
SENDER = "000.00.00.H55"
RECEIVER = "H55.242"


def make_package(**header_overrides: Any) -> t.Package:
    attachments = header_overrides.pop("attachments", None)
    business = header_overrides.pop("business", None)
    header = t.MessageHeader(
        from_=t.Organization(organ_id=SENDER, organ_name="UBND tỉnh Thái Nguyên"),
        to=[t.Organization(organ_id=RECEIVER, organ_name="UBND xã Thử Nghiệm")],
        code=t.Code(number="125", notation="UBND-VP"),
        promulgation_info=t.PromulgationInfo(date=datetime.date(2026, 11, 20), place="Thái Nguyên"),
        document_type=t.DocumentType(type=1, type_name="Công văn"),
        subject="V/v triển khai chữ ký số",
        signer_info=t.SignerInfo(
            competence="KT. CHỦ TỊCH", position="Phó Chủ tịch", full_name="Lê Văn C"
        ),
    )
    header = dataclasses.replace(header, **header_overrides)
    return t.Package(
        header=header,
        trace_headers=[
            t.TraceHeader(
                organ_id=SENDER, timestamp=datetime.datetime(2026, 11, 20, 9, 30, tzinfo=VIETNAM)
            )
        ],
        business=business or t.Business(),
        attachments=attachments or [],
    )


def make_status(**overrides: Any) -> t.StatusPackage:
    values: dict[str, Any] = {
        "response_for": t.ResponseFor(
            organ_id=SENDER,
            code="125/UBND-VP",
            promulgation_date=datetime.date(2026, 11, 20),
            document_id=f"{SENDER},2026/11/20,125/UBND-VP",
        ),
        "from_": t.Organization(organ_id=RECEIVER, organ_name="UBND xã Thử Nghiệm"),
        "status_code": t.StatusCode.ACCEPTED,
        "timestamp": datetime.datetime(2026, 11, 20, 10, 0, 5, tzinfo=VIETNAM),
        "description": "Đã tiếp nhận",
        "staff_info": t.StaffInfo(department="Văn thư", staff="Phạm Thị D"),
    }
    values.update(overrides)
    return t.StatusPackage(**values)


def make_certificate(
    common_name: str = "UBND tỉnh Thái Nguyên",
    *,
    issuer: tuple[Any, x509.Certificate] | None = None,
    days: int = 365,
    not_before: datetime.datetime | None = None,
    ca: bool = False,
) -> tuple[Any, x509.Certificate]:
    """(private key, certificate); self-signed unless `issuer` = (key, certificate)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = not_before or datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    issuer_key, issuer_cert = issuer if issuer else (key, None)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_cert.subject if issuer_cert else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    return key, builder.sign(issuer_key, hashes.SHA256())
