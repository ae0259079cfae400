"""Sealing a report: pyHanko and pdfsig both find it intact, trusted, over the whole file, sealed by
the organisation, and the file stays PDF 1.7."""

import datetime as dt
import io
import uuid

import pytest
from aiohttp import web
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from api.keys import ensure_seal, seal_certificate_path
from api.reports.sealing import (
    SEAL_FIELD,
    SEAL_REASON,
    SealUnreadable,
    load_seal,
    seal_pdf,
    trusted_certificates,
)
from api.reports.verification import check_signature
from tests.unit.reports.pdf_tools import (
    nss_database,
    page_count,
    pdf_versions,
    pdfsig,
    small_pdf,
)

LINDE = uuid.UUID("6f1c0d2e-0000-4000-8000-00000000a001")
OOST = uuid.UUID("6f1c0d2e-0000-4000-8000-00000000a002")
PASSPHRASE = "zegel-wachtwoord"


@pytest.fixture(scope="module")
def seals_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("seals")
    ensure_seal(directory, LINDE, "Woonstichting De Linde", passphrase=PASSPHRASE)
    ensure_seal(directory, OOST, "Stadsbank Oost", passphrase=PASSPHRASE)
    return directory


@pytest.fixture(scope="module")
def linde(seals_dir):
    return load_seal(seals_dir, LINDE, PASSPHRASE)


@pytest.fixture(scope="module")
def report():
    return small_pdf(pages=3)


@pytest.fixture(scope="module")
async def sealed(report, linde):
    return await seal_pdf(report, linde, reason=SEAL_REASON, location="Utrecht")


async def _pyhanko_status(pdf, trust_roots):
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    context = ValidationContext(trust_roots=trust_roots, allow_fetching=False)
    return signature, await async_validate_pdf_signature(signature, context)


async def test_pyhanko_finds_a_sealed_report_intact_trusted_and_covering_the_whole_file(
    sealed, linde
):
    _, status = await _pyhanko_status(sealed, [linde.certificate])
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    assert status.signing_cert.subject.native["organization_name"] == "Woonstichting De Linde"


async def test_another_organisations_seal_is_not_trusted_for_this_one(sealed, seals_dir):
    oost = load_seal(seals_dir, OOST, PASSPHRASE)
    _, status = await _pyhanko_status(sealed, [oost.certificate])
    assert status.intact and status.valid
    assert not status.trusted


async def test_the_seal_names_the_organisation_and_certifies_that_nothing_may_change(sealed, linde):
    signature, _ = await _pyhanko_status(sealed, [linde.certificate])
    assert signature.field_name == SEAL_FIELD
    assert signature.signer_cert.subject.native["common_name"] == (
        "Woonstichting De Linde (ontwikkelzegel)"
    )
    assert signature.sig_object["/Reason"] == SEAL_REASON
    assert signature.sig_object["/Location"] == "Utrecht"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.docmdp_level == MDPPerm.NO_CHANGES


def test_a_sealed_report_stays_pdf_1_7_with_every_page(sealed, report):
    header, in_force = pdf_versions(sealed)
    assert header[0] == 1 and header[1] <= 7
    assert in_force <= (1, 7)
    assert page_count(sealed) == page_count(report) == 3
    assert sealed.startswith(report)  # an incremental update: the original bytes come first


def test_pdfsig_finds_a_sealed_report_valid_trusted_and_total(sealed, seals_dir, tmp_path):
    path = tmp_path / "verslag.pdf"
    path.write_bytes(sealed)
    nssdir = nss_database(tmp_path / "nss", [seal_certificate_path(seals_dir, LINDE)])

    [signature] = pdfsig(path, nssdir)

    assert signature["Signature Validation"] == "Signature is Valid."
    assert signature["Certificate Validation"] == "Certificate is Trusted."
    assert signature["Total document signed"] == "yes"
    assert signature["Signer Certificate Common Name"] == "Woonstichting De Linde (ontwikkelzegel)"
    assert signature["Signature Type"] == "ETSI.CAdES.detached"
    assert signature["Signature Field Name"] == SEAL_FIELD


def test_pdfsig_without_the_seals_certificate_does_not_trust_it(sealed, seals_dir, tmp_path):
    path = tmp_path / "verslag.pdf"
    path.write_bytes(sealed)
    nssdir = nss_database(tmp_path / "nss", [seal_certificate_path(seals_dir, OOST)])

    [signature] = pdfsig(path, nssdir)

    assert signature["Signature Validation"] == "Signature is Valid."
    assert signature["Certificate Validation"] != "Certificate is Trusted."


def test_the_trusted_certificates_are_the_seals_certificates(seals_dir, linde):
    oost = load_seal(seals_dir, OOST, PASSPHRASE)
    fingerprints = [certificate.sha256.hex() for certificate in trusted_certificates(seals_dir)]
    assert sorted(fingerprints) == sorted([linde.certificate_sha256, oost.certificate_sha256])


def test_a_damaged_certificate_file_is_refused_clearly(tmp_path):
    (tmp_path / "kapot.crt.pem").write_text("-----BEGIN CERTIFICATE-----\nbroken\n")
    with pytest.raises(SealUnreadable, match="kapot"):
        trusted_certificates(tmp_path)


def _timestamp_authority() -> DummyTimeStamper:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        fixed_dt=TSA_TIME,
    )


TSA_TIME = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
async def tsa_url():
    """A timestamp authority on loopback that answers RFC 3161 requests over HTTP."""
    authority = _timestamp_authority()
    requests: list[bytes] = []

    async def answer(request: web.Request) -> web.Response:
        body = await request.read()
        requests.append(body)
        response = await authority.async_request_tsa_response(tsp.TimeStampReq.load(body))
        return web.Response(body=response.dump(), content_type="application/timestamp-reply")

    app = web.Application()
    app.router.add_post("/tsa", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/tsa"
    await runner.cleanup()
    assert requests, "the timestamp authority was never asked"


async def test_with_a_timestamp_authority_the_seal_carries_its_time(report, linde, tsa_url):
    sealed = await seal_pdf(report, linde, reason=SEAL_REASON, location="Utrecht", tsa_url=tsa_url)

    check = await check_signature(sealed, [linde.certificate])

    assert check.ok, check.problems
    assert check.timestamp_time == TSA_TIME
    assert check.signing_time is not None and check.signing_time != TSA_TIME
