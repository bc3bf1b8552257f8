"""`create_demo_pki`: idempotent, registers certificates and anchors, SoftHSM optional."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from xaso.core.demo import load_demo_commune
from xaso.signatures import pki
from xaso.signatures import services
from xaso.signatures import softhsm
from xaso.signatures.models import TrustAnchor
from xaso.signatures.models import UserCertificate
from xaso.signatures.signing import Appearance
from xaso.signatures.signing import Pkcs12Key

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_commune(province):
    import datetime

    commune, _users = load_demo_commune(today=datetime.date(2026, 12, 3))
    return commune


def _run(directory: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "create_demo_pki", "--unit", "16777", "--directory", str(directory), *extra, stdout=out
    )
    return out.getvalue()


def test_without_tokens_is_idempotent_and_signs(demo_commune, tmp_path, sample_pdf):
    first = _run(tmp_path, "--no-tokens")
    second = _run(tmp_path, "--no-tokens")

    assert "chutich" in first
    assert first == second  # same files, same passphrases, nothing created twice
    assert TrustAnchor.objects.filter(unit=demo_commune).count() == 2
    assert UserCertificate.objects.count() == 3
    secrets_file = tmp_path / "secrets.json"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    passphrase = json.loads(secrets_file.read_text())["vanthu"]["p12_passphrase"]
    clerk = UserCertificate.objects.get(user__username="vanthu")
    assert clerk.common_name == "UBND xã Quỳ Châu"
    signed = services.sign_pdf_as(
        actor=clerk.user,
        pdf_bytes=sample_pdf,
        signer=Pkcs12Key(data=(tmp_path / "vanthu.p12").read_bytes(), passphrase=passphrase),
        appearance=Appearance.invisible(),
    )
    assert services.verify_pdf(signed, unit=demo_commune).ok


def test_missing_softhsm_is_skipped(demo_commune, tmp_path, monkeypatch):
    monkeypatch.setattr(softhsm, "available", lambda lib_path=softhsm.DEFAULT_LIB: False)
    with override_settings(XASO_SOFTHSM2_CONF=str(tmp_path / "hsm" / "softhsm2.conf")):
        output = _run(tmp_path / "pki")
    assert "Không có SoftHSM2/opensc: bỏ qua thiết bị ký số mô phỏng." in output
    assert UserCertificate.objects.count() == 3


def test_tokens_are_created_once(demo_commune, softhsm_token, tmp_path):
    conf = softhsm_token.directory / "demo" / "softhsm2.conf"
    with override_settings(XASO_SOFTHSM2_CONF=str(conf)):
        first = _run(tmp_path)
        second = _run(tmp_path)
    assert first == second
    assert softhsm.token_labels(conf=conf) == {"chutich", "vanthu"}
    stored = json.loads((tmp_path / "secrets.json").read_text())
    # The key was generated on the token; the certificate next to it is the one registered
    # for the user, and the printed PIN opens the token (checked by pkcs11-tool, a
    # separate process, since SoftHSM reads its token list when a process first loads it).
    for username in ("chutich", "vanthu"):
        on_token = softhsm.read_token_certificate(conf=conf, token_label=username)
        fingerprint = pki.describe(on_token).fingerprint_sha256
        assert UserCertificate.objects.filter(
            user__username=username, fingerprint_sha256=fingerprint
        ).exists()
        pin = stored[username]["token_pin"]
        assert softhsm.pin_opens_private_key(conf=conf, token_label=username, pin=pin)
        assert not softhsm.pin_opens_private_key(conf=conf, token_label=username, pin="000000")
    assert f"thiết bị ký số “chutich” (PIN {stored['chutich']['token_pin']})" in first


def test_import_trust_anchors_command_for_every_unit(tmp_path, demo_pki, db):
    root = tmp_path / "root.cer"
    root.write_bytes(pki.der(demo_pki.root.certificate))
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"not a certificate")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_trust_anchors", str(root), stdout=out, stderr=err)
    assert "đã nhập Chứng thư gốc (root CA) “XãSố Test Root CA”." in out.getvalue()
    anchor = TrustAnchor.objects.get()
    assert (anchor.unit_id, anchor.imported_by_id, anchor.kind) == (None, None, "root")

    with pytest.raises(CommandError, match=r"^1 tệp không nhập được\.$"):
        call_command("import_trust_anchors", str(root), str(bad), stdout=out, stderr=err)
    assert "Chứng thư này đã có trong danh sách tin cậy." in err.getvalue()
    assert "Tệp không phải là chứng thư số X.509 hợp lệ" in err.getvalue()
    assert TrustAnchor.objects.count() == 1
