"""`make bench`: edXML packages (QCVN 102:2016) built, parsed, signed and verified per second.

Pure CPU, no database. Each line: packages per second (median over rounds) and the time
of one package. Cases: a plain công văn, the same with a 1 MB attachment, and signed
(with a key in memory, and through a SoftHSM2 token as at release when SoftHSM is installed).
"""

import datetime
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rate(label: str, func: Callable[[], object], *, count: int, rounds: int = 5) -> None:
    per_second = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(count):
            func()
        per_second.append(count / (time.perf_counter() - start))
    median = statistics.median(per_second)
    print(f"{label:<58} {median:9.1f} packages/s   {1000 / median:8.3f} ms each")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    from xaso.interop.edxml import build_package
    from xaso.interop.edxml import parse_package
    from xaso.interop.edxml import sign_package
    from xaso.interop.edxml import types as t
    from xaso.interop.edxml import verify_package

    vietnam = datetime.timezone(datetime.timedelta(hours=7))

    def package(attachment_bytes: int) -> t.Package:
        return t.Package(
            header=t.MessageHeader(
                from_=t.Organization(organ_id="000.00.00.H55", organ_name="UBND tỉnh Thái Nguyên"),
                to=[
                    t.Organization(organ_id=f"H55.{i:03d}", organ_name=f"UBND xã số {i}")
                    for i in range(1, 6)
                ],
                code=t.Code(number="125", notation="UBND-VP"),
                promulgation_info=t.PromulgationInfo(
                    date=datetime.date(2026, 11, 20), place="Thái Nguyên"
                ),
                document_type=t.DocumentType(type=1, type_name="Công văn"),
                subject="V/v triển khai gửi, nhận văn bản điện tử có chữ ký số",
                content="Đề nghị Ủy ban nhân dân các xã triển khai.",
                signer_info=t.SignerInfo(
                    competence="KT. CHỦ TỊCH", position="Phó Chủ tịch", full_name="Lê Văn C"
                ),
                to_places=["Như trên", "Lưu: VT"],
            ),
            trace_headers=[
                t.TraceHeader(
                    organ_id="000.00.00.H55",
                    timestamp=datetime.datetime(2026, 11, 20, 9, 30, tzinfo=vietnam),
                )
            ],
            attachments=[
                t.Attachment(
                    content_id="0b7c0c8e-0000-4000-8000-000000000001",
                    name="125-UBND-VP.pdf",
                    content_type="application/pdf",
                    data=os.urandom(attachment_bytes),
                )
            ]
            if attachment_bytes
            else [],
        )

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND tỉnh Thái Nguyên")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )

    print("XãSố edXML benchmarks (RSA-2048, RSA-SHA256)")
    for label, size, count in (("no attachment", 0, 500), ("1 MB attachment", 1024 * 1024, 20)):
        pkg = package(size)
        data = build_package(pkg)
        signed = sign_package(data, key=key, certificate=certificate)
        rate(f"build_package ({label})", lambda pkg=pkg: build_package(pkg), count=count)
        rate(f"parse_package ({label})", lambda data=data: parse_package(data), count=count)
        rate(
            f"build + sign_package ({label})",
            lambda pkg=pkg: sign_package(build_package(pkg), key=key, certificate=certificate),
            count=max(count // 5, 4),
        )
        rate(
            f"verify_package + parse ({label})",
            lambda signed=signed: parse_package(verify_package(signed).signed_data),
            count=max(count // 5, 4),
        )
        print(f"  package size ({label}): {len(data):,} bytes, signed {len(signed):,} bytes")
    token_bench(package(0))


def token_bench(pkg) -> None:
    """Build + sign through a SoftHSM2 token, the way a release signs: the token is opened
    and logged in to for each package, the key stays on it."""
    from xaso.interop.edxml import build_package
    from xaso.interop.edxml import sign_package
    from xaso.interop.edxml import verify_package
    from xaso.signatures import pki
    from xaso.signatures import softhsm
    from xaso.signatures.signing import TokenKey
    from xaso.signatures.xml_keys import open_xml_signing_key

    if not softhsm.available():
        print("build + sign through SoftHSM2 token: skipped (softhsm2/opensc not installed)")
        return
    conf = softhsm.write_config(Path(tempfile.mkdtemp(prefix="xaso-bench-edxml-")))
    # Read by the PKCS#11 library when it is first loaded, below.
    os.environ["SOFTHSM2_CONF"] = str(conf)
    pin = f"{secrets.randbelow(10**6):06d}"
    root = pki.create_ca(common_name="Bench Root CA")
    softhsm.provision_token(
        conf=conf,
        token_label="bench-edxml",  # noqa: S106  (a label, not a secret)
        pin=pin,
        so_pin=secrets.token_hex(8),
        issuer=root,
        common_name="UBND xã (token)",
    )
    token = TokenKey(token_label="bench-edxml", pin=pin)  # noqa: S106

    def sign_on_token() -> bytes:
        with open_xml_signing_key(token) as xml_key:
            return sign_package(
                build_package(pkg), key=xml_key.private_key, certificate=xml_key.certificate
            )

    assert verify_package(sign_on_token(), trust_anchors=[root.certificate]).trusted  # noqa: S101
    rate("build + sign through SoftHSM2 token (session + login each)", sign_on_token, count=20)


if __name__ == "__main__":
    main()
