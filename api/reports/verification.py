"""Checking the seal on a PDF: is it signed, cryptographically intact, by a seal we trust, over the
whole file and nothing else.

`check_signature` never raises on what it is given: garbage, a truncated or encrypted file, an
unsigned PDF all come back as a `SignatureCheck` whose `problems` name, in stable short codes, why
the file is not a sound sealed report. The verify endpoint adds what a signature alone cannot
tell (is this the very file we sealed, and when was it approved).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from io import BytesIO
from typing import NamedTuple

from asn1crypto import cms, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)
# /Contents as a signer writes it: hex digits of one case, nothing else.
_HEX_STRING = re.compile(rb"<(?:[0-9a-f]*|[0-9A-F]*)>")


class Problem(StrEnum):
    """Why a file is not a sound sealed report. The values are part of the API: never rename."""

    NOT_A_PDF = "not_a_pdf"
    # Reports are never encrypted, so an encrypted file is not one of them; it is not opened.
    ENCRYPTED = "encrypted"
    NO_SIGNATURE = "no_signature"
    # The signed bytes or the signature itself do not match (or could not be read).
    SIGNATURE_INVALID = "signature_invalid"
    # Intact, but by a key that chains to none of the trusted certificates.
    UNTRUSTED_SIGNER = "untrusted_signer"
    # The seal's certificate has expired (or is not yet valid) now; without a trusted timestamp
    # nothing proves it was sealed while the certificate was valid.
    SIGNER_CERTIFICATE_EXPIRED = "signer_certificate_expired"
    # The signature covers its own revision, and something was appended after it.
    INCREMENTAL_UPDATE = "incremental_update_after_signature"
    # The signed byte ranges do not make up the file (a rewritten or spliced copy).
    NOT_ENTIRE_FILE = "not_entire_file"
    # The bytes of /Contents, which no signature can cover, were changed in a way that leaves the
    # signature verifying: its zero padding, white space, the case of a hex digit.
    CONTENTS_ALTERED = "signature_contents_altered"


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool
    valid: bool = False
    trusted: bool = False
    covers_entire_file: bool = False
    signer_organisation: str | None = None
    signer_common_name: str | None = None
    # As the sealer says (signed, so as good as the seal when `trusted`).
    signing_time: datetime | None = None
    # From an intact RFC 3161 timestamp token, when the seal carries one. The timestamp
    # authority's own certificate is not checked against a trust list.
    timestamp_time: datetime | None = None
    certificate_sha256: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Signed, intact, trusted, over the entire file, and nothing else amiss."""
        return (
            self.signed
            and self.valid
            and self.trusted
            and self.covers_entire_file
            and not self.problems
        )


def certificate_sha256(certificate: x509.Certificate) -> str:
    """Hex SHA-256 of the DER certificate, as `openssl x509 -fingerprint -sha256` shows it."""
    return hashlib.sha256(certificate.dump()).hexdigest()


def name_part(certificate: x509.Certificate, part: str) -> str | None:
    """One attribute of the subject ("common_name", "organization_name") as text, or None."""
    value = certificate.subject.native.get(part)
    if value is None:
        return None
    if isinstance(value, list):  # an attribute may repeat
        return ", ".join(str(item) for item in value)
    return str(value)


async def check_signature(pdf: bytes, trust_roots: Sequence[x509.Certificate]) -> SignatureCheck:
    """Check the first signature in the PDF against the trust roots, offline."""
    # On a thread with a loop of its own: parsing and hashing a hostile upload is CPU-bound work
    # that must not stall the server's event loop. Nothing here touches the network.
    return await asyncio.to_thread(_check_on_own_loop, bytes(pdf), list(trust_roots))


def _check_on_own_loop(pdf: bytes, trust_roots: list[x509.Certificate]) -> SignatureCheck:
    try:
        return asyncio.run(_check(pdf, trust_roots))
    except Exception:
        # _check guards every step that reads the file; this is for what nobody foresaw.
        logger.exception("signature check failed unexpectedly")
        return SignatureCheck(signed=False, problems=[Problem.NOT_A_PDF])


async def _check(pdf: bytes, trust_roots: list[x509.Certificate]) -> SignatureCheck:
    try:
        reader = PdfFileReader(BytesIO(pdf))
        encrypted = reader.encrypted
    except Exception:
        return SignatureCheck(signed=False, problems=[Problem.NOT_A_PDF])
    if encrypted:
        return SignatureCheck(signed=False, problems=[Problem.ENCRYPTED])
    try:
        signatures = reader.embedded_regular_signatures
    except Exception:
        # Something claims to be a signature field but its signature cannot be read.
        return SignatureCheck(signed=True, problems=[Problem.SIGNATURE_INVALID])
    if not signatures:
        return SignatureCheck(signed=False, problems=[Problem.NO_SIGNATURE])
    # The seal is the first (in our reports the only) signature: anything signed after it is an
    # incremental update, which its coverage shows.
    seal = signatures[0]
    signer = _signer_facts(seal)
    context = ValidationContext(trust_roots=trust_roots, allow_fetching=False)
    try:
        # No difference analysis: any revision after the seal is a problem whatever it changes,
        # and that analysis is the costliest part on a hostile file.
        status = await async_validate_pdf_signature(seal, context, skip_diff=True)
    except Exception:
        return SignatureCheck(
            signed=True,
            signer_organisation=signer.organisation,
            signer_common_name=signer.common_name,
            certificate_sha256=signer.certificate_sha256,
            problems=[Problem.SIGNATURE_INVALID],
        )

    problems: list[str] = []
    valid = bool(status.intact and status.valid)
    trusted = bool(status.trusted)
    if not valid:
        problems.append(Problem.SIGNATURE_INVALID)
    elif status.trust_problem_indic == AdESIndeterminate.OUT_OF_BOUNDS_NO_POE:
        problems.append(Problem.SIGNER_CERTIFICATE_EXPIRED)
    elif not trusted:
        problems.append(Problem.UNTRUSTED_SIGNER)
    elif period_problem := _validity_period_problem(status.signing_cert):
        # pyHanko checks no validity period on a certificate that is itself a trust root, as a
        # development seal is; pdfsig (NSS) does ("Certificate has Expired"), and so do we.
        trusted = False
        problems.append(period_problem)
    covers_entire_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        problems.append(Problem.INCREMENTAL_UPDATE)
    elif not covers_entire_file:
        problems.append(Problem.NOT_ENTIRE_FILE)
    if not _contents_as_sealed(pdf, seal):
        problems.append(Problem.CONTENTS_ALTERED)
    timestamp = status.timestamp_validity
    return SignatureCheck(
        signed=True,
        valid=valid,
        trusted=trusted,
        covers_entire_file=covers_entire_file,
        signer_organisation=signer.organisation,
        signer_common_name=signer.common_name,
        certificate_sha256=signer.certificate_sha256,
        signing_time=status.signer_reported_dt,
        timestamp_time=(
            timestamp.timestamp
            if timestamp is not None and timestamp.intact and timestamp.valid
            else None
        ),
        problems=problems,
    )


class _Signer(NamedTuple):
    organisation: str | None = None
    common_name: str | None = None
    certificate_sha256: str | None = None


def _signer_facts(seal: EmbeddedPdfSignature) -> _Signer:
    # Read before validation, so even a refused signature says whose it claims to be.
    try:
        certificate = seal.signer_cert
        return _Signer(
            name_part(certificate, "organization_name"),
            name_part(certificate, "common_name"),
            certificate_sha256(certificate),
        )
    except Exception:
        return _Signer()


def _validity_period_problem(certificate: x509.Certificate) -> Problem | None:
    try:
        now = datetime.now(UTC)
        if certificate.not_valid_after < now:
            return Problem.SIGNER_CERTIFICATE_EXPIRED
        return None if certificate.not_valid_before <= now else Problem.UNTRUSTED_SIGNER
    except Exception:  # a validity an asn1crypto datetime cannot hold
        return Problem.UNTRUSTED_SIGNER


def _contents_as_sealed(pdf: bytes, seal: EmbeddedPdfSignature) -> bool:
    # /Contents is the gap between the two signed byte ranges: the signature cannot cover itself.
    # A signer writes it as one hex string in one case and fills what the CMS does not use with
    # zeros; a reader ignores white space and case in it, so those are changes that keep the
    # signature valid and only this check notices.
    byte_range = seal.byte_range
    if len(byte_range) != 4:
        return True  # a non-standard range: the coverage check already says so
    try:
        written = pdf[int(byte_range[1]) : int(byte_range[2])]
        contents = seal.pkcs7_content
        used = len(cms.ContentInfo.load(contents).dump())
    except Exception:
        return False
    return _HEX_STRING.fullmatch(written) is not None and not any(contents[used:])
