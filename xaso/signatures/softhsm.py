"""SoftHSM2 tokens for development, `make run` and tests (Debian packages softhsm2, opensc).

A token is provisioned the way a CA provisions an official's USB token: the key pair is
generated ON the token (it never exists outside), the public key is read back, the CA
issues the certificate, and the certificate is written next to the key. Everything runs
through `softhsm2-util` and `pkcs11-tool` in child processes so this process's PKCS#11
library state is untouched.
"""

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from xaso.signatures import pki

DEFAULT_LIB = "/usr/lib/softhsm/libsofthsm2.so"


@dataclass(frozen=True)
class ProvisionedToken:
    token_label: str
    key_label: str
    certificate: x509.Certificate


def available(lib_path: str = DEFAULT_LIB) -> bool:
    """Whether SoftHSM2 and pkcs11-tool are installed."""
    return bool(
        shutil.which("softhsm2-util") and shutil.which("pkcs11-tool") and Path(lib_path).exists()
    )


def write_config(directory: Path) -> Path:
    """A SoftHSM2 configuration keeping its tokens under `directory`/tokens."""
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
        "slots.removable = false\n",
        encoding="utf-8",
    )
    return conf


def _run(arguments: list[str], *, conf: Path) -> str:
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    result = subprocess.run(  # noqa: S603
        arguments, env=env, check=False, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        # The arguments hold PINs: report the program and its error only.
        raise RuntimeError(f"{Path(arguments[0]).name} failed: {result.stderr.strip()[:300]}")
    return result.stdout


def token_slots(*, conf: Path) -> dict[str, str]:
    """{token label: slot id} of the initialised tokens."""
    output = _run(["softhsm2-util", "--show-slots"], conf=conf)
    slots: dict[str, str] = {}
    slot = ""
    for line in output.splitlines():
        stripped = line.strip()
        if stripped.startswith("Slot ") and stripped[5:].isdigit():
            slot = stripped[5:]
        elif stripped.startswith("Label:"):
            label = stripped.removeprefix("Label:").strip()
            if label and slot:
                slots[label] = slot
    return slots


def token_labels(*, conf: Path) -> set[str]:
    return set(token_slots(conf=conf))


def read_token_certificate(
    *, conf: Path, token_label: str, lib_path: str = DEFAULT_LIB
) -> x509.Certificate:
    """The certificate stored next to the key (public object: no PIN needed)."""
    slot = token_slots(conf=conf)[token_label]
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "certificate.der"
        _run(
            [
                "pkcs11-tool",
                "--module",
                lib_path,
                "--slot",
                slot,
                "--read-object",
                "--type",
                "cert",
                "--id",
                "01",
                "--output-file",
                str(path),
            ],
            conf=conf,
        )
        return x509.load_der_x509_certificate(path.read_bytes())


def pin_opens_private_key(
    *, conf: Path, token_label: str, pin: str, lib_path: str = DEFAULT_LIB
) -> bool:
    """Whether `pin` logs in and a private key is then visible on the token."""
    slot = token_slots(conf=conf)[token_label]
    try:
        output = _run(
            [
                "pkcs11-tool",
                "--module",
                lib_path,
                "--slot",
                slot,
                "--login",
                "--pin",
                pin,
                "--list-objects",
                "--type",
                "privkey",
            ],
            conf=conf,
        )
    except RuntimeError:
        return False
    return "Private Key Object" in output


def provision_token(
    *,
    conf: Path,
    token_label: str,
    pin: str,
    so_pin: str,
    issuer: pki.IssuedIdentity,
    common_name: str,
    organisation: str = "XãSố demo",
    key_label: str = "chu-ky",
    lib_path: str = DEFAULT_LIB,
) -> ProvisionedToken:
    """Create a token, generate an RSA key on it, and store the CA-issued certificate."""
    output = _run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            token_label,
            "--so-pin",
            so_pin,
            "--pin",
            pin,
        ],
        conf=conf,
    )
    # pkcs11-tool matches --token-label by prefix ("chutich" would find "chutich-test"):
    # address the new token by the slot SoftHSM reassigned it to.
    match = re.search(r"reassigned to slot (\d+)", output)
    if match is None:
        raise RuntimeError("softhsm2-util did not report the new token's slot")
    base = ["pkcs11-tool", "--module", lib_path, "--slot", match.group(1)]
    _run(
        [
            *base,
            "--login",
            "--pin",
            pin,
            "--keypairgen",
            "--key-type",
            "rsa:2048",
            "--label",
            key_label,
            "--id",
            "01",
        ],
        conf=conf,
    )
    with tempfile.TemporaryDirectory() as scratch:
        public_path = Path(scratch) / "public.der"
        _run(
            [
                *base,
                "--read-object",
                "--type",
                "pubkey",
                "--id",
                "01",
                "--output-file",
                str(public_path),
            ],
            conf=conf,
        )
        public_key = serialization.load_der_public_key(public_path.read_bytes())
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise RuntimeError("unexpected public key type on the token")
        certificate = pki.issue_certificate(
            issuer=issuer,
            public_key=public_key,
            common_name=common_name,
            organisation=organisation,
        )
        certificate_path = Path(scratch) / "certificate.der"
        certificate_path.write_bytes(pki.der(certificate))
        _run(
            [
                *base,
                "--login",
                "--pin",
                pin,
                "--write-object",
                str(certificate_path),
                "--type",
                "cert",
                "--label",
                key_label,
                "--id",
                "01",
            ],
            conf=conf,
        )
    return ProvisionedToken(token_label=token_label, key_label=key_label, certificate=certificate)
