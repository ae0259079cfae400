"""Development seals: made once per organisation, private file kept private, never replaced, and
loading one says clearly what is wrong."""

import dataclasses
import datetime as dt
import stat
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from api import keys
from api.keys import ensure_seal, seal_certificate_path, seal_path
from api.reports.sealing import SealMissing, SealUnreadable, load_seal
from api.settings import get_settings

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def seals_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("seals")


@pytest.fixture(scope="module")
def linde(seals_dir):
    organisation = uuid.uuid4()
    assert ensure_seal(seals_dir, organisation, "Woonstichting De Linde", passphrase=PASSPHRASE)
    return organisation


def test_a_seal_is_made_once_with_the_private_file_readable_by_the_owner_only(seals_dir, linde):
    p12 = seal_path(seals_dir, linde)
    certificate = seal_certificate_path(seals_dir, linde)
    assert stat.S_IMODE(p12.stat().st_mode) == 0o600
    assert certificate.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    before = (p12.read_bytes(), certificate.read_bytes())

    assert not ensure_seal(seals_dir, linde, "Woonstichting De Linde", passphrase=PASSPHRASE)
    assert not ensure_seal(seals_dir, linde, "Another name", passphrase="another")

    assert (p12.read_bytes(), certificate.read_bytes()) == before


def test_the_development_certificate_names_the_organisation_and_lasts_five_years(seals_dir, linde):
    certificate = x509.load_pem_x509_certificate(
        seal_certificate_path(seals_dir, linde).read_bytes()
    )
    subject = certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Woonstichting De Linde (ontwikkelzegel)"
    )
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "Woonstichting De Linde"
    )
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "NL"
    assert certificate.issuer == subject
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size == 3072
    now = dt.datetime.now(dt.UTC)
    assert certificate.not_valid_before_utc < now
    assert dt.timedelta(days=5 * 365 - 2) < certificate.not_valid_after_utc - now
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment


def test_a_seal_loads_with_its_passphrase(seals_dir, linde):
    identity = load_seal(seals_dir, linde, PASSPHRASE)
    assert identity.organisation_id == linde
    assert identity.organisation_name == "Woonstichting De Linde"
    assert identity.common_name == "Woonstichting De Linde (ontwikkelzegel)"


@pytest.mark.parametrize("passphrase", ["wrong passphrase", ""])
def test_a_seal_with_the_wrong_passphrase_is_refused_clearly(seals_dir, linde, passphrase):
    with pytest.raises(SealUnreadable, match="passphrase") as refused:
        load_seal(seals_dir, linde, passphrase)
    assert str(seal_path(seals_dir, linde)) in str(refused.value)


def test_a_missing_seal_names_the_directory_and_the_command_that_makes_it(seals_dir):
    organisation = uuid.uuid4()
    with pytest.raises(SealMissing) as missing:
        load_seal(seals_dir, organisation, PASSPHRASE)
    message = str(missing.value)
    assert str(organisation) in message and str(seals_dir) in message
    assert "keukentafel keys" in message


def test_a_damaged_seal_file_is_refused_clearly(tmp_path):
    organisation = uuid.uuid4()
    seal_path(tmp_path, organisation).write_bytes(b"not a PKCS#12 file")
    with pytest.raises(SealUnreadable, match="PKCS#12"):
        load_seal(tmp_path, organisation, "")


def test_without_a_passphrase_the_seal_uses_the_configured_one(tmp_path, monkeypatch):
    configured = dataclasses.replace(get_settings(), seal_passphrase="from the settings")
    monkeypatch.setattr(keys, "get_settings", lambda: configured)
    organisation = uuid.uuid4()
    assert ensure_seal(tmp_path, organisation, "Stadsbank Oost")
    assert load_seal(tmp_path, organisation, "from the settings").organisation_name == (
        "Stadsbank Oost"
    )
    with pytest.raises(SealUnreadable):
        load_seal(tmp_path, organisation, "")


def test_an_empty_passphrase_leaves_the_seal_unlocked(tmp_path):
    organisation = uuid.uuid4()
    assert ensure_seal(tmp_path, organisation, "Stadsbank Oost", passphrase="")
    assert load_seal(tmp_path, organisation, "").organisation_name == "Stadsbank Oost"


def test_a_long_organisation_name_is_shortened_to_what_a_certificate_allows(tmp_path):
    organisation = uuid.uuid4()
    name = "Stichting Maatschappelijke Dienstverlening en Schuldhulp Regio Noord-Oost"
    assert len(name) > 64
    assert ensure_seal(tmp_path, organisation, name, passphrase="")
    identity = load_seal(tmp_path, organisation, "")
    assert identity.common_name.endswith(" (ontwikkelzegel)")
    assert len(identity.common_name) == 64
    assert identity.organisation_name == name[:64]
