"""Key material: made once by `keukentafel keys` (under a lock), only ever read by the server.

The server never makes keys itself: several API processes on one database must share one key,
and a key quietly made on start would log every device out. The same holds for the development
seals (one self-signed PKCS#12 per organisation) made here; `api.reports.sealing` reads them.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from api.settings import get_settings

TOKEN_KEY_FILE = "token-signing.key"
VAPID_KEY_FILE = "vapid-private.pem"


class KeysMissing(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Keys:
    token_signing_key: bytes


def _write_private(path: Path, data: bytes) -> None:
    _write_atomically(path, data, 0o600)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def ensure_keys(keys_dir: Path) -> list[str]:
    """Create whatever key is missing; never replace one. Returns the names it created."""
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    created: list[str] = []
    with open(keys_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        token_key = keys_dir / TOKEN_KEY_FILE
        if not token_key.exists():
            _write_private(token_key, secrets.token_hex(32).encode())
            created.append(TOKEN_KEY_FILE)
        vapid_key = keys_dir / VAPID_KEY_FILE
        if not vapid_key.exists():
            private = ec.generate_private_key(ec.SECP256R1())
            pem = private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _write_private(vapid_key, pem)
            created.append(VAPID_KEY_FILE)
    return created


def load_keys(keys_dir: Path) -> Keys:
    token_key = keys_dir / TOKEN_KEY_FILE
    if not token_key.exists():
        raise KeysMissing(f"no keys in {keys_dir}: run `keukentafel keys` first")
    return Keys(token_signing_key=bytes.fromhex(token_key.read_text().strip()))


def load_vapid_key(keys_dir: Path) -> ec.EllipticCurvePrivateKey:
    """The Web Push (VAPID) signing key. Read here rather than by py_vapid's `from_file`, which
    quietly makes and saves a new key when the file is missing: every browser subscribed with
    the old public key would then be refused by its push service."""
    path = keys_dir / VAPID_KEY_FILE
    if not path.exists():
        raise KeysMissing(f"no {VAPID_KEY_FILE} in {keys_dir}: run `keukentafel keys` first")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise KeysMissing(f"{path} is not a P-256 key, which VAPID requires")
    return key


SEAL_SUFFIX = ".p12"
SEAL_CERTIFICATE_SUFFIX = ".crt.pem"
_SEAL_NAME_SUFFIX = " (ontwikkelzegel)"
# X.509 caps a common name and an organisation name at 64 characters (RFC 5280 ub-common-name);
# cryptography refuses a longer common name, so a long organisation name is shortened.
_NAME_LIMIT = 64


def seal_path(seals_dir: Path, organisation_id: uuid.UUID) -> Path:
    return seals_dir / f"{organisation_id}{SEAL_SUFFIX}"


def seal_certificate_path(seals_dir: Path, organisation_id: uuid.UUID) -> Path:
    return seals_dir / f"{organisation_id}{SEAL_CERTIFICATE_SUFFIX}"


def _development_certificate(
    key: rsa.RSAPrivateKey, organisation_name: str, now: dt.datetime
) -> x509.Certificate:
    common_name = organisation_name[: _NAME_LIMIT - len(_SEAL_NAME_SUFFIX)] + _SEAL_NAME_SUFFIX
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name[:_NAME_LIMIT]),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=5 * 365))
        # A CA certificate, although it only ever seals documents: NSS (so pdfsig) takes a
        # certificate in its database as a trust anchor only when it is a CA with the C/T trust
        # flags; a self-signed end-entity certificate, even with "P" (trusted peer) flags, comes
        # out as "issuer is unknown" or "unknown issue". pyHanko accepts either. Path length 0:
        # it can never vouch for another CA.
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                # nonRepudiation: pyHanko requires it of a document signer when key usage is set.
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                # RFC 5280 requires keyCertSign on a CA certificate; it signs itself.
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def ensure_seal(
    seals_dir: Path,
    organisation_id: uuid.UUID,
    organisation_name: str,
    *,
    passphrase: str | None = None,
) -> bool:
    """Make a development seal for the organisation unless it has one; True when it made one.

    The seal is an RSA key with a self-signed certificate, as `<uuid>.p12` (private, locked with
    `passphrase`, by default the settings' seal passphrase) and `<uuid>.crt.pem` (public: the trust
    anchor for verification). An existing seal, made here or put there by an operator, is never
    replaced.
    """
    if passphrase is None:
        passphrase = get_settings().seal_passphrase
    seals_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(seals_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        p12_path = seal_path(seals_dir, organisation_id)
        if p12_path.exists():
            return False
        # RSA rather than ECDSA: pyHanko raises a PDF to version 2.0 for an ECDSA seal, and the
        # reports are meant to stay PDF 1.7 (PDF/A).
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        certificate = _development_certificate(key, organisation_name, dt.datetime.now(dt.UTC))
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase.encode())
            if passphrase
            else serialization.NoEncryption()
        )
        p12 = pkcs12.serialize_key_and_certificates(
            organisation_name.encode(), key, certificate, None, encryption
        )
        # The certificate first: the PKCS#12 file is what marks the seal as made, so a crash in
        # between leaves no seal whose certificate is missing.
        _write_atomically(
            seal_certificate_path(seals_dir, organisation_id),
            certificate.public_bytes(serialization.Encoding.PEM),
            0o644,
        )
        _write_private(p12_path, p12)
    return True
