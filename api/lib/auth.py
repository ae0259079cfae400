"""The bearer-token dependency (every authenticated request checks the device row) and the
client's address as login throttling counts it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from litestar import Request
from litestar.datastructures import State

from api.accounts import services as sessions
from api.lib.actor import Actor
from api.lib.errors import NotAuthenticated
from api.settings import IPNetwork

# The widest textual IPv6 address is 45 characters; the login_failure column holds 64.
ADDRESS_LENGTH = 64

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def session_context(state: State) -> sessions.SessionContext:
    ctx: sessions.SessionContext = state.session_context
    return ctx


async def provide_actor(request: Request) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("Send a bearer token in the Authorization header.")
    return await sessions.authenticate(session_context(request.app.state), token.strip())


def client_address(request: Request, trusted_proxies: Sequence[IPNetwork]) -> str:
    """The address failed logins are counted against (see `resolve_client_address`)."""
    peer = request.client.host if request.client else ""
    forwarded = [
        hop.strip()
        for value in request.headers.getall("x-forwarded-for", [])
        for hop in value.split(",")
    ]
    return resolve_client_address(peer, forwarded, trusted_proxies)


def resolve_client_address(
    peer: str, forwarded_for: Iterable[str], trusted_proxies: Sequence[IPNetwork]
) -> str:
    """The peer's address, unless the peer is a trusted proxy: then the right-most address in
    X-Forwarded-For that is not itself a trusted proxy.

    Anyone can send X-Forwarded-For, so it is read only from a configured proxy, and from the
    right: each trusted proxy appends the address it saw, so the first untrusted hop from the
    right was written by a trusted proxy, while everything left of it may be made up.
    """
    peer_ip = _parse(peer)
    if peer_ip is None or not _trusted(peer_ip, trusted_proxies):
        return _key(peer_ip, peer)
    hops = [hop for hop in forwarded_for if hop]
    for hop in reversed(hops):
        hop_ip = _parse(hop)
        if hop_ip is None or not _trusted(hop_ip, trusted_proxies):
            # Written by a trusted proxy, so taken as it is, even where it is not an address.
            return _key(hop_ip, hop)
    # No header, or every hop is a proxy of ours: the left-most one we know of.
    return _key(_parse(hops[0]), hops[0]) if hops else _key(peer_ip, peer)


def _parse(text: str) -> IPAddress | None:
    candidate = text.strip()
    if candidate.startswith("[") and "]" in candidate:  # "[2001:db8::1]:443"
        candidate = candidate[1 : candidate.index("]")]
    elif candidate.count(":") == 1:  # "192.0.2.1:443"
        candidate = candidate.partition(":")[0]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, trusted_proxies: Sequence[IPNetwork]) -> bool:
    return any(address in network for network in trusted_proxies)


def _key(address: IPAddress | None, text: str) -> str:
    return (address.compressed if address is not None else text.strip())[:ADDRESS_LENGTH]
