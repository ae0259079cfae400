"""Typed settings, read from the environment in one place."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# The push services of the browsers the app runs in: Chrome, Edge and Samsung Internet (FCM),
# Edge's own (WNS), Firefox (Mozilla autopush), Safari and home-screen apps on iPad (Apple).
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com,notify.windows.com,push.services.mozilla.com,push.apple.com"
)


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """ "10.0.0.5, 192.168.0.0/16, ::1": a bad entry stops the server at start."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


@dataclass(frozen=True, slots=True)
class Settings:
    # "development" (the embedded default) or "production"; demo seeding refuses production.
    environment: str
    # Empty means the embedded SQLite database under var/.
    database_url: str
    sqlite_path: Path
    var_dir: Path
    keys_dir: Path
    # One `<organisation uuid>.p12` per organisation (its seal) and the `*.crt.pem` certificates
    # that verification trusts. `keukentafel keys` makes development seals here; production
    # operators put their own.
    seals_dir: Path
    # Unlocks every seal's PKCS#12 file; empty means the files carry no passphrase.
    seal_passphrase: str
    # An RFC 3161 timestamp authority; empty means no timestamp (PAdES B-B, which needs no
    # network). With one, a seal also proves when it was made (B-T).
    tsa_url: str
    # Run the job worker inside the server process: the embedded default (SQLite). Production
    # on PostgreSQL runs `keukentafel worker` processes instead.
    embedded_worker: bool
    # How long a claimed job is the claiming worker's: a worker that died mid-job (SIGKILL, a
    # lost host) has its job run again by another after this. Longer than the slowest job.
    job_lease_seconds: int
    pwa_dist: Path
    host: str
    port: int
    # API processes `keukentafel serve` runs on one port (uvicorn's workers): one per core the
    # server may use. Each has its own connection pool; on SQLite each its embedded worker.
    web_processes: int
    access_token_seconds: int
    refresh_token_days: int
    # A refresh token reused within this window (a lost response) yields the same new pair.
    refresh_grace_seconds: int
    # Failed logins within the window that lock an account (any address), and the higher number
    # that locks an address (any account); a lock lasts `login_lockout_seconds` from the failure
    # that set it, and refuses the right password too.
    login_max_failures: int
    login_max_failures_per_address: int
    login_failure_window_seconds: int
    login_lockout_seconds: int
    # Reverse proxies (addresses or networks) whose X-Forwarded-For is believed: only when the
    # direct peer is one of them does the right-most untrusted address in that header count as
    # the client's. Empty (the default): the peer address is the client's, the header ignored.
    trusted_proxies: tuple[IPNetwork, ...]
    # A session ends after this long without a request or refresh from its device (idle), and
    # this long after the login that started it, however active (absolute).
    session_idle_seconds: int
    session_max_seconds: int
    # The tablet's PIN unlocks its data offline for at most this long after the device's last
    # contact with the server (a working shift); after that the app needs the server again.
    offline_grant_seconds: int
    # The app locks itself (PIN screen) after this long without input from the worker.
    idle_lock_seconds: int
    demo_password: str
    # VAPID `sub` claim: how a push service's operator reaches us about our traffic (RFC 8292).
    vapid_subject: str
    # Hosts (and their subdomains) of the push services the server will POST to; "*" allows any
    # https host. A subscription's endpoint is a URL a client chose: without this list any
    # signed-in user could make the worker send requests into the server's own network.
    push_service_hosts: tuple[str, ...]
    # Also accept plain-http endpoints on 127.0.0.0/8: for the fake push service in the tests.
    push_allow_loopback: bool

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    var_dir = Path(_env("KEUKENTAFEL_VAR_DIR", str(REPO_ROOT / "var")))
    keys_dir = Path(_env("KEUKENTAFEL_KEYS_DIR", str(var_dir / "keys")))
    return Settings(
        environment=_env("KEUKENTAFEL_ENV", "development"),
        database_url=_env("DATABASE_URL", ""),
        sqlite_path=Path(_env("KEUKENTAFEL_SQLITE_PATH", str(var_dir / "keukentafel.sqlite"))),
        var_dir=var_dir,
        keys_dir=keys_dir,
        seals_dir=Path(_env("KEUKENTAFEL_SEALS_DIR", str(keys_dir / "seals"))),
        seal_passphrase=_env("KEUKENTAFEL_SEAL_PASSPHRASE", ""),
        tsa_url=_env("KEUKENTAFEL_TSA_URL", ""),
        embedded_worker=_env(
            "KEUKENTAFEL_EMBEDDED_WORKER", "0" if _env("DATABASE_URL", "") else "1"
        )
        == "1",
        job_lease_seconds=int(_env("KEUKENTAFEL_JOB_LEASE_SECONDS", "300")),
        pwa_dist=Path(_env("KEUKENTAFEL_PWA_DIST", str(REPO_ROOT / "pwa" / "dist"))),
        host=_env("KEUKENTAFEL_HOST", "127.0.0.1"),
        port=int(_env("KEUKENTAFEL_PORT", "8000")),
        web_processes=max(1, int(_env("KEUKENTAFEL_WEB_PROCESSES", "1"))),
        access_token_seconds=int(_env("KEUKENTAFEL_ACCESS_TOKEN_SECONDS", "900")),
        refresh_token_days=int(_env("KEUKENTAFEL_REFRESH_TOKEN_DAYS", "14")),
        refresh_grace_seconds=int(_env("KEUKENTAFEL_REFRESH_GRACE_SECONDS", "60")),
        login_max_failures=int(_env("KEUKENTAFEL_LOGIN_MAX_FAILURES", "10")),
        login_max_failures_per_address=int(
            _env("KEUKENTAFEL_LOGIN_MAX_FAILURES_PER_ADDRESS", "50")
        ),
        login_failure_window_seconds=int(_env("KEUKENTAFEL_LOGIN_FAILURE_WINDOW", "900")),
        login_lockout_seconds=int(_env("KEUKENTAFEL_LOGIN_LOCKOUT_SECONDS", "900")),
        trusted_proxies=parse_networks(_env("KEUKENTAFEL_TRUSTED_PROXIES", "")),
        session_idle_seconds=int(_env("KEUKENTAFEL_SESSION_IDLE_SECONDS", str(12 * 3600))),
        session_max_seconds=int(_env("KEUKENTAFEL_SESSION_MAX_SECONDS", str(7 * 24 * 3600))),
        offline_grant_seconds=round(float(_env("KEUKENTAFEL_OFFLINE_GRANT_HOURS", "12")) * 3600),
        idle_lock_seconds=round(float(_env("KEUKENTAFEL_IDLE_LOCK_MINUTES", "10")) * 60),
        demo_password=_env("KEUKENTAFEL_DEMO_PASSWORD", "keukentafel-demo"),
        vapid_subject=_env("KEUKENTAFEL_VAPID_SUBJECT", "mailto:beheer@keukentafel.invalid"),
        push_service_hosts=tuple(
            host.strip().lower()
            for host in _env("KEUKENTAFEL_PUSH_SERVICE_HOSTS", DEFAULT_PUSH_HOSTS).split(",")
            if host.strip()
        ),
        push_allow_loopback=_env("KEUKENTAFEL_PUSH_ALLOW_LOOPBACK", "0") == "1",
    )
