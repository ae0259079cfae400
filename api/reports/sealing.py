"""The organisation's seal on a final report: loading seal identities, sealing a PDF (PAdES), and
the certificates that verification trusts.

Seals live in `settings.seals_dir`: `<organisation uuid>.p12` holds an organisation's key and
certificate (with any chain), unlocked by `settings.seal_passphrase`; every `*.crt.pem` there is a
trust anchor for `api.reports.verification`. `keukentafel keys` makes self-signed development
seals (`api.keys.ensure_seal`); in production an operator puts the organisation's own PKCS#12
there together with the certificate to trust (the seal's own, or the root of the CA that issued
it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, load_der_private_key
from cryptography.x509 import load_pem_x509_certificates
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.timestamps import HTTPTimeStamper

from api.keys import SEAL_CERTIFICATE_SUFFIX, seal_path
from api.reports.verification import certificate_sha256, name_part

SEAL_FIELD = "Zegel"
SEAL_REASON = "Goedgekeurd verslag keukentafelgesprek"


class _KeyKeptSigner(SimpleSigner):
    """A SimpleSigner that parses its RSA key once.

    pyHanko's SimpleSigner parses the private key for every signature, and a seal signs twice
    (once to size the signature container). Parsing an RSA key checks its primes: about 85 ms
    each time for RSA 3072, two thirds of the time a whole report took to render and seal.
    """

    _rsa_key: RSAPrivateKey | None = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)  # type: ignore[no-any-return]
        if self._rsa_key is None:
            key = load_der_private_key(self.signing_key.dump(), password=None)
            assert isinstance(key, RSAPrivateKey)
            self._rsa_key = key
        return self._rsa_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


class SealMissing(RuntimeError):
    """The organisation has no seal yet."""


class SealUnreadable(RuntimeError):
    """A seal or trusted certificate file exists but cannot be opened."""


@dataclass(frozen=True)
class SealIdentity:
    organisation_id: uuid.UUID
    signer: SimpleSigner
    certificate: x509.Certificate
    common_name: str
    organisation_name: str

    @property
    def certificate_sha256(self) -> str:
        """Matches `SignatureCheck.certificate_sha256` of a PDF this identity sealed."""
        return certificate_sha256(self.certificate)


def load_seal(seals_dir: Path, organisation_id: uuid.UUID, passphrase: str) -> SealIdentity:
    path = seal_path(seals_dir, organisation_id)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SealMissing(
            f"no seal for organisation {organisation_id} in {seals_dir}: run `keukentafel keys`"
        ) from None
    except OSError as error:
        raise SealUnreadable(f"cannot read the seal {path}: {error}") from error
    try:
        loaded = SimpleSigner.load_pkcs12_data(data, [], passphrase.encode() or None)
    except ValueError as error:
        raise SealUnreadable(
            f"cannot open the seal {path}: wrong passphrase (KEUKENTAFEL_SEAL_PASSPHRASE) "
            "or not a PKCS#12 file with a key and certificate"
        ) from error
    if loaded is None or loaded.signing_cert is None or loaded.signing_key is None:
        raise SealUnreadable(f"the seal {path} holds no key with its certificate")
    signer = _KeyKeptSigner(
        signing_key=loaded.signing_key,
        signing_cert=loaded.signing_cert,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )
    certificate = signer.signing_cert
    return SealIdentity(
        organisation_id=organisation_id,
        signer=signer,
        certificate=certificate,
        common_name=name_part(certificate, "common_name") or "",
        organisation_name=name_part(certificate, "organization_name") or "",
    )


async def seal_pdf(
    pdf: bytes, identity: SealIdentity, *, reason: str, location: str, tsa_url: str = ""
) -> bytes:
    """Seal the PDF as one incremental update that certifies it and allows no later change."""
    metadata = PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        # ETSI.CAdES.detached: a PAdES baseline signature (B-B, or B-T with a timestamp).
        subfilter=SigSeedSubFilter.PADES,
        # A certification signature with DocMDP "no changes": readers flag any later revision
        # rather than treating it as a form fill or a further signature.
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        reason=reason,
        location=location,
    )
    signer = PdfSigner(
        metadata,
        identity.signer,
        timestamper=HTTPTimeStamper(tsa_url) if tsa_url else None,
        # No box on a page: an invisible seal leaves the rendered pages exactly as they were.
        new_field_spec=SigFieldSpec(sig_field_name=SEAL_FIELD),
    )
    output = await signer.async_sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)))
    return output.getvalue()


def trusted_certificates(seals_dir: Path) -> list[x509.Certificate]:
    """Every certificate in the directory's `*.crt.pem`: a seal chaining to none is untrusted."""
    certificates: list[x509.Certificate] = []
    for path in sorted(seals_dir.glob(f"*{SEAL_CERTIFICATE_SUFFIX}")):
        # cryptography parses strictly (asn1crypto only on first use), so a damaged file fails
        # here, naming itself, rather than deep inside a later verification.
        try:
            found = load_pem_x509_certificates(path.read_bytes())
        except (OSError, ValueError) as error:
            raise SealUnreadable(f"cannot read the certificate {path}: {error}") from error
        certificates.extend(
            x509.Certificate.load(cert.public_bytes(Encoding.DER)) for cert in found
        )
    return certificates
