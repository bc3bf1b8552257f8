"""A test PKI (root → intermediate → signers) and a SoftHSM2 token, made once per session.

The token's key is generated on the token; tests sign through the PKCS#11 path. Tests that
need SoftHSM skip with a reason when softhsm2/opensc are not installed (CI has them).
"""

import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import override_settings

from xaso.signatures import pki
from xaso.signatures import softhsm

PASSPHRASE = "mat-khau-p12-thu"
PIN = "246810"
SO_PIN = "13579246"
SIGNER_BOX = (330.0, 120.0, 480.0, 180.0)


@pytest.fixture(scope="session")
def demo_pki() -> SimpleNamespace:
    root = pki.create_ca(common_name="XãSố Test Root CA")
    sub = pki.issue_identity(issuer=root, common_name="XãSố Test Sub CA", is_ca=True)
    chairman = pki.issue_identity(issuer=sub, common_name="Trần Văn Chủ Tịch")
    organisation = pki.issue_identity(issuer=sub, common_name="UBND xã Quỳ Châu")
    stranger = pki.issue_identity(issuer=pki.create_ca(common_name="Lạ CA"), common_name="Lạ")
    chain = [sub.certificate, root.certificate]
    return SimpleNamespace(
        root=root,
        sub=sub,
        chairman=chairman,
        organisation=organisation,
        stranger=stranger,
        chairman_p12=pki.pkcs12_bytes(chairman, passphrase=PASSPHRASE, chain=chain),
        organisation_p12=pki.pkcs12_bytes(organisation, passphrase=PASSPHRASE, chain=chain),
        stranger_p12=pki.pkcs12_bytes(stranger, passphrase=PASSPHRASE, chain=[]),
    )


@pytest.fixture(scope="session")
def softhsm_token(
    demo_pki: SimpleNamespace, tmp_path_factory: pytest.TempPathFactory
) -> SimpleNamespace:
    if not softhsm.available():
        pytest.skip("SoftHSM2 or opensc (pkcs11-tool) is not installed")
    directory = tmp_path_factory.mktemp("softhsm")
    conf = softhsm.write_config(directory)
    # The PKCS#11 library reads it when this process first loads it.
    os.environ["SOFTHSM2_CONF"] = str(conf)
    token = softhsm.provision_token(
        conf=conf,
        token_label="chutich-test",
        pin=PIN,
        so_pin=SO_PIN,
        issuer=demo_pki.sub,
        common_name="Trần Văn Chủ Tịch (token)",
    )
    return SimpleNamespace(conf=conf, token=token, pin=PIN, directory=directory)


@pytest.fixture
def sample_pdf() -> bytes:
    from xaso.core.pdf import render_pdf

    return render_pdf("signatures/sample_document.html", {})


@pytest.fixture(autouse=True)
def _offline_signatures() -> Iterator[None]:
    # The public page's per-address counter lives in the cache.
    cache.clear()
    with override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False):
        yield


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
