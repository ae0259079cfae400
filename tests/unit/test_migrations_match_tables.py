"""The tables and the reviewed migrations agree: a table changed without a migration fails."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "app", ["accounts", "cases", "audit", "notifications", "sync", "retention"]
)
def test_no_table_change_is_missing_a_migration(app, tmp_path):
    folder = REPO / "api" / app / "piccolo_migrations"
    before = set(folder.iterdir())
    result = subprocess.run(
        [sys.executable, "-m", "piccolo.main", "migrations", "new", app, "--auto"],
        cwd=REPO,
        env={
            **os.environ,
            "PICCOLO_CONF": "api.piccolo_conf",
            "KEUKENTAFEL_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    made = set(folder.iterdir()) - before
    for path in made:
        # The generator wrote a migration: remove it, so the failure leaves the tree as it was.
        path.unlink()
    assert result.returncode == 0, result.stderr
    assert not made and "No changes detected" in result.stdout, (
        f"tables of {app!r} changed without a migration: run "
        f"`piccolo migrations new {app} --auto`, review it for PostgreSQL, commit it"
    )
