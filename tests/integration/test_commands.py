"""The `keukentafel` command line that `make run` and the container use."""

import os
import uuid
from pathlib import Path

from tests.conftest import keukentafel
from tests.helpers import login


def test_migrating_an_up_to_date_database_changes_nothing(prepared_database):
    result = keukentafel("migrate")
    assert result.returncode == 0, result.stderr
    assert "No migrations need to be run" in result.stdout


def test_demo_seeding_skips_a_database_that_has_data(prepared_database):
    result = keukentafel("seed-demo")
    assert result.returncode == 0
    assert "demo seeding skipped" in result.stdout
    assert "fieldworker" in result.stdout


def test_demo_seeding_refuses_a_production_database(prepared_database):
    result = keukentafel("seed-demo", env={"KEUKENTAFEL_ENV": "production"})
    assert result.returncode == 2
    assert "production" in result.stderr


def test_keys_are_made_once_and_never_replaced(prepared_database):
    key_file = Path(os.environ["KEUKENTAFEL_VAR_DIR"]) / "keys" / "token-signing.key"
    before = key_file.read_bytes()
    result = keukentafel("keys")
    assert result.returncode == 0
    assert "all present" in result.stdout
    assert key_file.read_bytes() == before
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


async def test_a_production_network_gets_its_first_administrator_from_the_command(client):
    username = f"beheer-{uuid.uuid4().hex[:6]}"
    result = keukentafel(
        "users",
        "create-admin",
        username,
        "--organisation",
        f"Regio {username}",
        env={"KEUKENTAFEL_NEW_PASSWORD": "first-admin-password"},
    )
    assert result.returncode == 0, result.stderr
    tokens = await login(client, username, "first-admin-password")
    assert tokens["user"]["roles"] == ["functional_admin"]
