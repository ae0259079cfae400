"""Security headers on every response: the PWA, its assets, the API, errors and the docs.

Registered as the app's `before_send` hook: it runs in `Litestar.__call__` around everything,
so static files, the router's own 404/405 and unhandled errors get the headers too, which a
route-level middleware would miss.

- The PWA (and anything else served from the origin) gets APP_POLICY: scripts, styles and
  workers only from the origin; no inline script or `style="..."` markup (Preact sets styles
  through the CSSOM, which `style-src 'self'` allows); images also as blob:/data: (photos and
  signatures are shown from blobs); the supervisor's report PDF is shown from a blob URL in an
  iframe (`frame-src blob:`).
- The API's responses get API_POLICY: they are data, never documents; should one be rendered
  anyway (an attachment opened in a tab), it runs nothing and is a sandboxed opaque origin.
- The OpenAPI docs pages (`/schema`, `/schema/redoc`, ...) are Litestar's HTML that loads its
  viewer from public CDNs and starts it with an inline script. They get DOCS_POLICY of their
  own, never a relaxed app policy: `sandbox allow-scripts` makes them an opaque origin, so CDN
  code can never read the app's IndexedDB (tokens, cases, the outbox) or its service worker,
  whatever the CDN serves. The spec they fetch is sent with `Access-Control-Allow-Origin: *`
  (it is public: served without a token). "Try it out" cannot call the API from there; use curl.

Caching: every /api/ response is `no-store` (personal data, tokens), whatever a handler set,
except a published form definition (one version never changes and names no person): it keeps
its own `private, max-age=31536000, immutable`. Hashed build assets (/assets/) are immutable
for a year; anything else without a Cache-Control (index.html, sw.js, the manifest, icons)
gets `no-cache`, so a release is picked up at once.

HSTS only when the request came over TLS: the ASGI scheme is https (the server terminates
TLS), or the direct peer is one of KEUKENTAFEL_TRUSTED_PROXIES and its X-Forwarded-Proto (the
right-most value: the one that proxy wrote) is https. The same setting decides whose
X-Forwarded-For counts for login throttling (`api.lib.auth.client_address`); `keukentafel serve`
turns uvicorn's own proxy-header handling off, so nothing else believes those headers.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from litestar.types import Message, Scope

APP_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        # The review screen shows the report PDF (fetched with the token) from a blob URL.
        "frame-src blob:",
        "child-src blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

API_POLICY = "; ".join(
    [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "sandbox",
    ]
)

# The hosts Litestar's render plugins (Redoc, Swagger UI, Stoplight Elements, RapiDoc) load from.
DOCS_CDNS = "https://cdn.jsdelivr.net https://unpkg.com https://cdn.redoc.ly"
DOCS_POLICY = "; ".join(
    [
        "sandbox allow-scripts allow-popups",
        "default-src 'none'",
        f"script-src 'unsafe-inline' {DOCS_CDNS}",
        f"style-src 'unsafe-inline' {DOCS_CDNS} https://fonts.googleapis.com",
        f"font-src data: {DOCS_CDNS} https://fonts.gstatic.com",
        "img-src 'self' data: blob: https:",
        "connect-src 'self'",
        "worker-src blob:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

# The photo field uses <input type=file capture>, which opens the camera through the file
# chooser, not through the camera feature; `camera=(self)` keeps it working on a browser that
# ties the two together, and no frame (the report PDF) or other origin gets it.
PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",
        "microphone=()",
        "geolocation=()",
        "accelerometer=()",
        "gyroscope=()",
        "magnetometer=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "hid=()",
        "midi=()",
        "display-capture=()",
        "screen-wake-lock=()",
        "idle-detection=()",
        "xr-spatial-tracking=()",
        "browsing-topics=()",
    ]
)

HSTS = "max-age=31536000; includeSubDomains"

# On an ordinary logout only the HTTP cache goes: never "storage", which would wipe IndexedDB
# (the outbox of unsent visits, drafts, set-aside copies) and unregister the service worker
# (the app offline). The PWA refuses a logout while anything is unsent, but the server cannot
# know what a device still holds (an older app, a draft made in another tab meanwhile), and a
# device never loses a visit. A revoked device wipes itself in the app (`wipeDevice`:
# IndexedDB, Cache Storage, local and session storage) when the server answers
# `device_revoked`. Nothing of /api/ is in the HTTP cache anyway (no-store): this is depth.
LOGOUT_PATH = "/api/auth/logout"
LOGOUT_CLEAR_SITE_DATA = '"cache"'

NO_STORE = "no-store"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# Responses under /api/ that may keep the Cache-Control their handler set: no personal data.
_CACHEABLE_API = re.compile(r"^/api/forms/[^/]+/[^/]+$")
_DOCS_SPEC = re.compile(r"^/schema/openapi\.(json|yaml|yml)$")

_COMMON: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
# Set here whatever a handler said: a handler may not weaken them.
_OWNED = {name for name, _ in _COMMON} | {
    b"content-security-policy",
    b"strict-transport-security",
    b"clear-site-data",
}


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def over_tls(scope: Scope) -> bool:
    """The request reached us over https, directly or through a trusted proxy."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    client = scope.get("client")
    app = scope.get("app")
    if not client or app is None:
        return False
    try:
        peer = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    if not any(peer in network for network in app.state.settings.trusted_proxies):
        return False
    proto = [v for n, v in scope.get("headers", ()) if n.lower() == b"x-forwarded-proto"]
    hops = b",".join(proto).decode("latin-1").split(",")
    return hops[-1].strip().lower() == "https"


def headers_for(
    scope: Scope, status: int, headers: Iterable[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """The response's headers with the security headers set or replaced."""
    path: str = scope.get("path", "")
    kept = [(name.lower(), value) for name, value in headers]
    content_type = next((v for n, v in kept if n == b"content-type"), b"").decode("latin-1")
    cache_control = next((v for n, v in kept if n == b"cache-control"), None)
    kept = [(n, v) for n, v in kept if n not in _OWNED]

    out = list(_COMMON)
    is_api = _under(path, "/api")
    is_docs = _under(path, "/schema")
    if is_docs and content_type.startswith("text/html"):
        policy = DOCS_POLICY
    elif is_api or is_docs:
        policy = API_POLICY
    else:
        policy = APP_POLICY
    out.append((b"content-security-policy", policy.encode()))
    if over_tls(scope):
        out.append((b"strict-transport-security", HSTS.encode()))

    if is_api:
        if not (_CACHEABLE_API.match(path) and status == 200 and cache_control is not None):
            cache_control = NO_STORE.encode()
    elif path.startswith("/assets/") and status == 200:
        cache_control = IMMUTABLE.encode()
    elif cache_control is None:
        cache_control = REVALIDATE.encode()
    kept = [(n, v) for n, v in kept if n != b"cache-control"]
    out.append((b"cache-control", cache_control))

    if _DOCS_SPEC.match(path) and not any(n == b"access-control-allow-origin" for n, _ in kept):
        out.append((b"access-control-allow-origin", b"*"))
    if path == LOGOUT_PATH and scope.get("method") == "POST" and 200 <= status < 300:
        out.append((b"clear-site-data", LOGOUT_CLEAR_SITE_DATA.encode()))
    return kept + out


async def security_headers(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook: adds the headers to each response's start message."""
    if message["type"] == "http.response.start":
        message["headers"] = headers_for(scope, message["status"], message.get("headers", ()))
