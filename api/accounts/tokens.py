"""Access and refresh tokens.

The access token is a short-lived JWT naming the user, the device and the device's session
generation; every request still checks the device row. A refresh token is random at login and
each rotation derives the next one as an HMAC of the previous under the server key: a device
whose response got lost can present the old token again and, within the grace window, receive
exactly the same new pair, although the server stores only hashes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

import jwt

from api.lib.errors import NotAuthenticated, TokenExpired

_ALGORITHM = "HS256"
_AUDIENCE = "keukentafel-api"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    device_id: uuid.UUID
    session_generation: int


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def next_refresh_token(key: bytes, previous: str) -> str:
    digest = hmac.new(key, b"refresh-rotation:" + previous.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# The tablet's vault (pwa/src/vault) also wraps its data key under this secret, so that a worker
# who forgot the PIN can open it again after a password login. Derived, never stored: a key of
# its own drawn from the token key under a label no other use of that key shares, then bound to
# the user and the device (fixed-length ids), so another user's login on the same tablet, or a
# new enrolment after a revocation, gets a secret that opens nothing there.
VAULT_RECOVERY_LABEL = b"keukentafel/vault-recovery/v1"


def vault_recovery_secret(key: bytes, user_id: uuid.UUID, device_id: uuid.UUID) -> str:
    """32 bytes, base64url without padding (an AES-KW key for the app)."""
    recovery_key = hmac.new(key, VAULT_RECOVERY_LABEL, hashlib.sha256).digest()
    digest = hmac.new(recovery_key, user_id.bytes + device_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_access_token(
    key: bytes,
    *,
    user_id: uuid.UUID,
    device_id: uuid.UUID,
    session_generation: int,
    issued_at: dt.datetime,
    lifetime_seconds: int,
) -> str:
    """Deterministic for the same inputs, which the grace window relies on."""
    iat = int(issued_at.timestamp())
    claims = {
        "sub": str(user_id),
        "did": str(device_id),
        "gen": session_generation,
        "iat": iat,
        "exp": iat + lifetime_seconds,
        "aud": _AUDIENCE,
    }
    return jwt.encode(claims, key, algorithm=_ALGORITHM)


def read_access_token(key: bytes, token: str, at: dt.datetime | None = None) -> AccessClaims:
    """Expiry is judged against `at` (the session clock, api.accounts.services.SessionContext),
    not PyJWT's own, so one clock rules the token and the session limits."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[_ALGORITHM],
            audience=_AUDIENCE,
            options={
                "require": ["sub", "did", "gen", "exp", "iat"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
        expires = int(claims["exp"])
        parsed = AccessClaims(
            user_id=uuid.UUID(claims["sub"]),
            device_id=uuid.UUID(claims["did"]),
            session_generation=int(claims["gen"]),
        )
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise NotAuthenticated("The access token is not valid.") from exc
    if expires <= (at or dt.datetime.now(dt.UTC)).timestamp():
        raise TokenExpired()
    return parsed
