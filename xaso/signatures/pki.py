"""X.509 certificates: reading uploaded files (PEM or DER) and issuing a demo PKI.

Uploaded files are parsed with `cryptography`; every problem becomes one Vietnamese
sentence (CertificateFileError) so a form can show it. The demo CA exists for development,
`make run` and tests only: real certificates come from a licensed CA (Luật Giao dịch điện
tử 2023; the government CA for officials), whose root the administrator imports.
"""

import datetime
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext as _

# A certificate file is a few kilobytes; a larger upload is not a certificate.
MAX_CERTIFICATE_FILE_BYTES = 64 * 1024


class CertificateFileError(ValueError):
    """An uploaded file is not a usable X.509 certificate; the message is for the user."""


@dataclass(frozen=True)
class CertificateInfo:
    """What a person needs to recognise a certificate."""

    der: bytes
    subject: str
    common_name: str
    issuer: str
    serial_number: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    fingerprint_sha256: str
    is_ca: bool
    self_signed: bool


def _name_text(name: x509.Name) -> str:
    return name.rfc4514_string()


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def describe(certificate: x509.Certificate) -> CertificateInfo:
    der = certificate.public_bytes(serialization.Encoding.DER)
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        is_ca = bool(constraints.value.ca)
    except x509.ExtensionNotFound:
        is_ca = False
    return CertificateInfo(
        der=der,
        subject=_name_text(certificate.subject),
        common_name=_common_name(certificate.subject),
        issuer=_name_text(certificate.issuer),
        serial_number=format(certificate.serial_number, "X"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        fingerprint_sha256=hashlib.sha256(der).hexdigest().upper(),
        is_ca=is_ca,
        self_signed=certificate.subject == certificate.issuer,
    )


def parse_certificate_file(data: bytes) -> x509.Certificate:
    """One certificate from PEM or DER bytes, or CertificateFileError in Vietnamese."""
    if not data:
        raise CertificateFileError(_("Tệp rỗng, không có chứng thư số."))
    if len(data) > MAX_CERTIFICATE_FILE_BYTES:
        raise CertificateFileError(
            _("Tệp quá lớn để là một chứng thư số (tối đa %(size)s KB).")
            % {"size": MAX_CERTIFICATE_FILE_BYTES // 1024}
        )
    stripped = data.strip()
    try:
        if stripped.startswith(b"-----BEGIN"):
            if b"PRIVATE KEY" in stripped:
                raise CertificateFileError(
                    _(
                        "Tệp chứa khóa bí mật. Không tải khóa bí mật lên hệ thống; "
                        "chỉ tải chứng thư số công khai (.cer, .crt, .pem)."
                    )
                )
            certificates = x509.load_pem_x509_certificates(stripped)
            if len(certificates) != 1:
                raise CertificateFileError(
                    _("Tệp chứa %(count)s chứng thư; hãy tải lên từng chứng thư một.")
                    % {"count": len(certificates)}
                )
            return certificates[0]
        return x509.load_der_x509_certificate(data)
    except CertificateFileError:
        raise
    except ValueError as error:
        raise CertificateFileError(
            _(
                "Tệp không phải là chứng thư số X.509 hợp lệ (định dạng PEM hoặc DER). "
                "Hãy xuất chứng thư từ thiết bị ký số hoặc nhận từ tổ chức cung cấp dịch vụ."
            )
        ) from error


# --- demo PKI (development, `make run`, tests) --------------------------------------------


@dataclass(frozen=True)
class IssuedIdentity:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def new_rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def create_ca(
    *, common_name: str, organisation: str = "XãSố demo", days: int = 3650
) -> IssuedIdentity:
    """A self-signed root CA (demo only)."""
    key = new_rsa_key()
    name = _name(common_name, organisation)
    now = datetime.datetime.now(tz=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return IssuedIdentity(key=key, certificate=certificate)


def issue_certificate(
    *,
    issuer: IssuedIdentity,
    public_key: rsa.RSAPublicKey,
    common_name: str,
    organisation: str = "XãSố demo",
    days: int = 730,
    is_ca: bool = False,
    ocsp_url: str = "",
) -> x509.Certificate:
    """A certificate for `public_key` signed by `issuer` (signing certificate, or a sub-CA).

    `ocsp_url`: the revocation responder named in the certificate (AIA), as real CAs do.

    A negative `days` gives a certificate that expired that many days ago (for tests).
    """
    now = datetime.datetime.now(tz=datetime.UTC)
    not_after = now + datetime.timedelta(days=days)
    not_before = min(now, not_after) - datetime.timedelta(days=1 if days > 0 else 365)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(issuer.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not is_ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=is_ca,
                crl_sign=is_ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    if not is_ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(ocsp_url),
                    )
                ]
            ),
            critical=False,
        )
    return builder.sign(issuer.key, hashes.SHA256())


def issue_identity(*, issuer: IssuedIdentity, common_name: str, **kwargs: object) -> IssuedIdentity:
    key = new_rsa_key()
    certificate = issue_certificate(
        issuer=issuer,
        public_key=key.public_key(),
        common_name=common_name,
        **kwargs,  # type: ignore[arg-type]
    )
    return IssuedIdentity(key=key, certificate=certificate)


def pkcs12_bytes(
    identity: IssuedIdentity, *, passphrase: str, chain: list[x509.Certificate]
) -> bytes:
    """A PKCS#12 (.p12) file as a CA would hand it over: key, certificate and chain."""
    return pkcs12.serialize_key_and_certificates(
        name=_common_name(identity.certificate.subject).encode(),
        key=identity.key,
        cert=identity.certificate,
        cas=chain,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def key_der(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
