"""A test PKI (root → intermediate → signers) and a SoftHSM2 token, made once per session.

The token's key is generated on the token; tests sign through the PKCS#11 path. Tests that
need SoftHSM skip with a reason when softhsm2/opensc are not installed (CI has them).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

# The test PKI and the SoftHSM token are session fixtures in xaso/conftest.py: a process
# loads the PKCS#11 library once, so every app's tests must share one SoftHSM configuration.
from xaso.conftest import PASSPHRASE  # noqa: F401
from xaso.conftest import PIN  # noqa: F401
from xaso.conftest import SO_PIN  # noqa: F401

SIGNER_BOX = (330.0, 120.0, 480.0, 180.0)


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
