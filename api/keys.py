"""Key material: made once by `keukentafel keys` (under a lock), only ever read by the server.

The server never makes keys itself: several API processes on one database must share one key,
and a key quietly made on start would log every device out.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

TOKEN_KEY_FILE = "token-signing.key"
VAPID_KEY_FILE = "vapid-private.pem"


class KeysMissing(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Keys:
    token_signing_key: bytes


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
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
