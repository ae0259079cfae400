"""Checking a seal: a sealed report passes; every way of altering or faking one is named, and pdfsig
agrees wherever it can tell; no input makes the check raise."""

import asyncio
import datetime as dt
import io
import uuid

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen import canvas

from api.keys import ensure_seal, seal_certificate_path
from api.reports.sealing import SEAL_REASON, SealIdentity, load_seal, seal_pdf
from api.reports.verification import Problem, check_signature
from tests.unit.reports.pdf_tools import (
    append_retitling_update,
    append_unchanged_revision,
    change_signature_padding,
    change_signed_byte,
    flip_case_in_signature,
    nss_database,
    pdfsig,
    resave,
    small_pdf,
    whiten_signature_padding,
)

LINDE = uuid.UUID("6f1c0d2e-0000-4000-8000-00000000b001")
OOST = uuid.UUID("6f1c0d2e-0000-4000-8000-00000000b002")


@pytest.fixture(scope="module")
def seals_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("seals")
    ensure_seal(directory, LINDE, "Woonstichting De Linde", passphrase="")
    ensure_seal(directory, OOST, "Stadsbank Oost", passphrase="")
    return directory


@pytest.fixture(scope="module")
def linde(seals_dir):
    return load_seal(seals_dir, LINDE, "")


@pytest.fixture(scope="module")
def oost(seals_dir):
    return load_seal(seals_dir, OOST, "")


@pytest.fixture(scope="module")
def report():
    return small_pdf(pages=2)


@pytest.fixture(scope="module")
async def sealed(report, linde):
    return await seal_pdf(report, linde, reason=SEAL_REASON, location="Utrecht")


@pytest.fixture(scope="module")
def linde_only_nss(seals_dir, tmp_path_factory):
    """pdfsig's trust: the first organisation's certificate only."""
    return nss_database(tmp_path_factory.mktemp("nss"), [seal_certificate_path(seals_dir, LINDE)])


@pytest.fixture
def pdfsig_of(tmp_path, linde_only_nss):
    def run(pdf: bytes) -> dict[str, str]:
        path = tmp_path / "verslag.pdf"
        path.write_bytes(pdf)
        [signature] = pdfsig(path, linde_only_nss)
        return signature

    return run


async def test_a_sealed_report_checks_out_and_names_its_sealer(sealed, linde):
    check = await check_signature(sealed, [linde.certificate])

    assert check.ok, check.problems
    assert (check.signed, check.valid, check.trusted, check.covers_entire_file) == (
        True,
        True,
        True,
        True,
    )
    assert check.problems == []
    assert check.signer_organisation == "Woonstichting De Linde"
    assert check.signer_common_name == "Woonstichting De Linde (ontwikkelzegel)"
    assert check.certificate_sha256 == linde.certificate_sha256
    assert check.signing_time is not None
    assert abs(check.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
    assert check.timestamp_time is None


async def test_a_changed_byte_inside_the_signed_range_is_refused_by_both(sealed, linde, pdfsig_of):
    tampered = change_signed_byte(sealed)

    check = await check_signature(tampered, [linde.certificate])

    assert check.signed and not check.valid and not check.ok
    assert Problem.SIGNATURE_INVALID in check.problems
    assert pdfsig_of(tampered)["Signature Validation"] != "Signature is Valid."


@pytest.mark.parametrize("update", [append_retitling_update, append_unchanged_revision])
async def test_an_update_appended_after_the_seal_is_named(sealed, linde, pdfsig_of, update):
    extended = update(sealed)
    assert extended.startswith(sealed) and len(extended) > len(sealed)

    check = await check_signature(extended, [linde.certificate])

    # The sealed revision itself is untouched, so the signature still holds...
    assert check.valid and check.trusted
    # ...but the file is more than what was sealed.
    assert not check.covers_entire_file and not check.ok
    assert check.problems == [Problem.INCREMENTAL_UPDATE]
    # pdfsig still calls the signature valid; it only notes the coverage.
    by_pdfsig = pdfsig_of(extended)
    assert by_pdfsig["Signature Validation"] == "Signature is Valid."
    assert by_pdfsig["Total document signed"] == "no"


async def test_a_seal_by_a_key_that_is_not_trusted_is_named(report, linde, oost, pdfsig_of):
    sealed_by_oost = await seal_pdf(report, oost, reason=SEAL_REASON, location="Zwolle")

    check = await check_signature(sealed_by_oost, [linde.certificate])

    assert check.valid and not check.trusted and not check.ok
    assert check.problems == [Problem.UNTRUSTED_SIGNER]
    assert check.signer_organisation == "Stadsbank Oost"
    assert check.certificate_sha256 == oost.certificate_sha256
    by_pdfsig = pdfsig_of(sealed_by_oost)
    assert by_pdfsig["Signature Validation"] == "Signature is Valid."
    assert by_pdfsig["Certificate Validation"] != "Certificate is Trusted."
    # Trusting both organisations' seals makes it trusted: the trust roots decide.
    assert (await check_signature(sealed_by_oost, [linde.certificate, oost.certificate])).ok


async def test_with_no_trust_roots_nothing_is_trusted(sealed):
    check = await check_signature(sealed, [])
    assert check.valid and not check.trusted
    assert check.problems == [Problem.UNTRUSTED_SIGNER]


async def test_a_resaved_copy_no_longer_checks_out(sealed, linde, pdfsig_of):
    copy = resave(sealed)

    check = await check_signature(copy, [linde.certificate])

    assert check.signed and not check.valid and not check.covers_entire_file
    assert Problem.SIGNATURE_INVALID in check.problems
    assert Problem.NOT_ENTIRE_FILE in check.problems
    assert pdfsig_of(copy)["Signature Validation"] != "Signature is Valid."


@pytest.mark.parametrize(
    "alter", [change_signature_padding, whiten_signature_padding, flip_case_in_signature]
)
async def test_a_change_inside_the_signatures_own_bytes_is_named(sealed, linde, pdfsig_of, alter):
    altered = alter(sealed)
    assert len(altered) == len(sealed) and altered != sealed

    check = await check_signature(altered, [linde.certificate])

    # /Contents lies outside the signed ranges, and these changes leave the signature verifying...
    assert check.valid and check.trusted and check.covers_entire_file
    # ...so only the check of how /Contents is written notices; pdfsig does not refuse it.
    assert check.problems == [Problem.CONTENTS_ALTERED]
    assert not check.ok
    assert pdfsig_of(altered)["Signature Validation"] == "Signature is Valid."


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_single_changed_byte_leaves_a_sealed_report_checking_out(sealed, linde, data):
    at = data.draw(st.integers(0, len(sealed) - 1), label="position")
    value = data.draw(st.integers(0, 255).filter(lambda byte: byte != sealed[at]), label="byte")
    altered = sealed[:at] + bytes([value]) + sealed[at + 1 :]

    check = asyncio.run(check_signature(altered, [linde.certificate]))

    assert not check.ok
    assert check.problems


def _expired_identity() -> SealIdentity:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Oud Zegel (ontwikkelzegel)"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Oud Zegel"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=800))
        .not_valid_after(now - dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    asn1_certificate = asn1_x509.Certificate.load(
        certificate.public_bytes(serialization.Encoding.DER)
    )
    signer = SimpleSigner(
        signing_cert=asn1_certificate,
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([asn1_certificate]),
    )
    return SealIdentity(
        organisation_id=uuid.uuid4(),
        signer=signer,
        certificate=asn1_certificate,
        common_name="Oud Zegel (ontwikkelzegel)",
        organisation_name="Oud Zegel",
    )


async def test_a_seal_whose_certificate_has_expired_is_named_as_pdfsig_does(report, tmp_path):
    expired = _expired_identity()
    sealed = await seal_pdf(report, expired, reason=SEAL_REASON, location="Utrecht")

    # Its own trust root, as a development seal is: pyHanko alone would call it trusted.
    check = await check_signature(sealed, [expired.certificate])

    assert check.valid and not check.trusted and not check.ok
    assert check.problems == [Problem.SIGNER_CERTIFICATE_EXPIRED]
    (tmp_path / "oud.crt.pem").write_bytes(pem.armor("CERTIFICATE", expired.certificate.dump()))
    (tmp_path / "oud.pdf").write_bytes(sealed)
    nssdir = nss_database(tmp_path / "nss", [tmp_path / "oud.crt.pem"])
    [by_pdfsig] = pdfsig(tmp_path / "oud.pdf", nssdir)
    assert by_pdfsig["Certificate Validation"] == "Certificate has Expired"


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt="geheim")
    pdf.drawString(72, 770, "Versleuteld")
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "problem"),
    [
        ("empty", lambda sealed, report: b"", Problem.NOT_A_PDF),
        ("garbage", lambda sealed, report: b"\x00\xffnot a pdf at all" * 50, Problem.NOT_A_PDF),
        ("a PNG", lambda sealed, report: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, Problem.NOT_A_PDF),
        ("truncated", lambda sealed, report: sealed[: len(sealed) // 2], Problem.NOT_A_PDF),
        ("only a header", lambda sealed, report: b"%PDF-1.7\n%%EOF\n", Problem.NOT_A_PDF),
        ("unsigned", lambda sealed, report: report, Problem.NO_SIGNATURE),
        ("encrypted", lambda sealed, report: _encrypted_pdf(), Problem.ENCRYPTED),
    ],
)
async def test_what_is_not_a_sealed_pdf_is_named_without_raising(
    sealed, report, linde, name, make, problem
):
    check = await check_signature(make(sealed, report), [linde.certificate])

    assert not check.signed and not check.ok
    assert check.problems == [problem]
    assert check.signer_organisation is None and check.certificate_sha256 is None
