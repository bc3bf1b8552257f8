"""A demo PKI for development and `make run`: a root and a subordinate CA, PKCS#12 files for
the demo commune's signers, SoftHSM2 tokens when SoftHSM is installed, the CA certificates
imported as the unit's trust anchors and each user's certificate registered.

Idempotent: what exists under the directory is reused. Passphrases and PINs are random,
kept in `secrets.json` (mode 0600) under the var/ directory, never in the repository.
"""

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from xaso.core.exceptions import DomainError
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.signatures import pki
from xaso.signatures import services
from xaso.signatures import softhsm
from xaso.signatures.models import UserCertificate


@dataclass(frozen=True)
class DemoSigner:
    username: str
    # The clerk holds the organisation's certificate (ND 30: văn thư signs for the unit).
    organisation: bool = False
    token: bool = False


DEMO_SIGNERS = (
    DemoSigner("chutich", token=True),
    DemoSigner("phochutich"),
    DemoSigner("vanthu", organisation=True, token=True),
)
ADMIN_USERNAME = "quantri"


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(data)


def _load_identity(cert_path: Path, key_path: Path) -> pki.IssuedIdentity:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("demo CA key is not RSA")
    return pki.IssuedIdentity(
        key=key, certificate=x509.load_pem_x509_certificate(cert_path.read_bytes())
    )


def _ca(directory: Path, name: str, make: Callable[[], pki.IssuedIdentity]) -> pki.IssuedIdentity:
    cert_path, key_path = directory / f"{name}.pem", directory / f"{name}-key.pem"
    if cert_path.exists() and key_path.exists():
        return _load_identity(cert_path, key_path)
    identity = make()
    directory.mkdir(parents=True, exist_ok=True)
    cert_path.write_bytes(pki.pem(identity.certificate))
    _write_private(key_path, pki.key_pem(identity.key))
    return identity


def _register(user: User, certificate: x509.Certificate) -> None:
    fingerprint = pki.describe(certificate).fingerprint_sha256
    if UserCertificate.objects.filter(user=user, fingerprint_sha256=fingerprint).exists():
        return
    services.register_user_certificate(actor=user, data=pki.pem(certificate))


def create_demo_pki(
    *,
    directory: Path,
    unit: AdministrativeUnit,
    softhsm_conf: Path | None,
    write: Callable[[str], None],
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    secrets_path = directory / "secrets.json"
    stored: dict[str, dict[str, str]] = (
        json.loads(secrets_path.read_text(encoding="utf-8")) if secrets_path.exists() else {}
    )
    root = _ca(directory / "ca", "root", lambda: pki.create_ca(common_name="XãSố Demo Root CA"))
    sub = _ca(
        directory / "ca",
        "sub",
        lambda: pki.issue_identity(
            issuer=root, common_name="XãSố Demo Sub CA", days=3000, is_ca=True
        ),
    )
    admin = User.objects.filter(username=ADMIN_USERNAME, unit=unit).first()
    if admin is not None:
        for certificate in (root.certificate, sub.certificate):
            try:
                services.import_trust_anchor(actor=admin, data=pki.pem(certificate))
            except DomainError as refusal:
                if refusal.code != "duplicate":
                    raise
    write(f"CA minh họa: {directory / 'ca' / 'root.pem'} (đã nhập làm chứng thư tin cậy)")

    use_tokens = softhsm_conf is not None and softhsm.available()
    if softhsm_conf is not None and not use_tokens:
        write("Không có SoftHSM2/opensc: bỏ qua thiết bị ký số mô phỏng.")
    existing_tokens: set[str] = set()
    if use_tokens:
        assert softhsm_conf is not None  # noqa: S101  (narrowing for the type checker)
        if not softhsm_conf.exists():
            softhsm.write_config(softhsm_conf.parent)
        try:
            existing_tokens = softhsm.token_labels(conf=softhsm_conf)
        except RuntimeError as error:
            # `make run` must go on without demo tokens rather than stop here.
            write(f"SoftHSM2 không dùng được ({error}); bỏ qua thiết bị ký số mô phỏng.")
            use_tokens = False

    for signer in DEMO_SIGNERS:
        user = User.objects.filter(username=signer.username, unit=unit).first()
        if user is None:
            write(f"  {signer.username}: không có tài khoản trong đơn vị, bỏ qua.")
            continue
        entry = stored.setdefault(signer.username, {})
        common_name = unit.name.replace("Xã", "UBND xã") if signer.organisation else user.full_name
        p12_path = directory / f"{signer.username}.p12"
        if not p12_path.exists():
            entry["p12_passphrase"] = secrets.token_urlsafe(9)
            identity = pki.issue_identity(issuer=sub, common_name=common_name)
            _write_private(
                p12_path,
                pki.pkcs12_bytes(
                    identity,
                    passphrase=entry["p12_passphrase"],
                    chain=[sub.certificate, root.certificate],
                ),
            )
        _key, certificate, _chain = pkcs12.load_key_and_certificates(
            p12_path.read_bytes(), entry["p12_passphrase"].encode()
        )
        if certificate is not None:
            _register(user, certificate)
        line = f"  {signer.username}: {p12_path} (mật khẩu {entry['p12_passphrase']})"
        if use_tokens and signer.token:
            assert softhsm_conf is not None  # noqa: S101
            token_cert = directory / "tokens" / f"{signer.username}.pem"
            if signer.username not in existing_tokens:
                entry["token_pin"] = f"{secrets.randbelow(10**6):06d}"
                entry["token_so_pin"] = secrets.token_hex(8)
                try:
                    provisioned = softhsm.provision_token(
                        conf=softhsm_conf,
                        token_label=signer.username,
                        pin=entry["token_pin"],
                        so_pin=entry["token_so_pin"],
                        issuer=sub,
                        common_name=common_name,
                    )
                except RuntimeError as error:
                    write(f"  {signer.username}: không tạo được thiết bị ký số ({error}).")
                    entry.pop("token_pin")
                    entry.pop("token_so_pin")
                    write(line)
                    continue
                token_cert.parent.mkdir(parents=True, exist_ok=True)
                token_cert.write_bytes(pki.pem(provisioned.certificate))
            if token_cert.exists():
                _register(user, x509.load_pem_x509_certificate(token_cert.read_bytes()))
            line += f"; thiết bị ký số “{signer.username}” (PIN {entry.get('token_pin', '?')})"
        write(line)
    _write_private(secrets_path, json.dumps(stored, indent=2).encode())
