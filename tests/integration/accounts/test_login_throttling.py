"""Failed logins lock the account tried (10 in 15 minutes) and, at a higher number, the client's
address; the counts are in the database, so every API process sees the same ones, and a
forwarded address counts only when a trusted proxy passed it on."""

import asyncio
import uuid

import pytest

from api.accounts.tables import LoginFailure
from api.lib.auth import resolve_client_address
from api.settings import get_settings, parse_networks
from tests.helpers import headers_for, new_user
from tests.integration.accounts.instances import Instance, some_address

WRONG = "not-the-password"


@pytest.fixture
async def person(client) -> dict:
    return await new_user(client, await headers_for(client, "admin"), "ggd", ["field_worker"])


async def test_the_limits_by_default(client):
    settings = get_settings()
    assert settings.login_max_failures == 10
    assert settings.login_max_failures_per_address == 50
    assert settings.login_failure_window_seconds == settings.login_lockout_seconds == 15 * 60
    assert settings.trusted_proxies == ()


async def test_ten_failures_lock_that_account_even_against_the_right_password(client, person):
    api = Instance(client)
    peer = some_address()
    for _ in range(10):
        assert (await api.log_in(person["username"], WRONG, peer=peer)).status_code == 401
    refused = await api.log_in(person["username"], WRONG, peer=peer)
    right = await api.log_in(person["username"], person["password"], peer=peer)
    assert (refused.status_code, refused.json()["code"]) == (429, "too_many_attempts")
    # The right password gets the very same answer: the lock says nothing about it.
    assert right.status_code == 429
    assert right.json() == refused.json()
    assert 0 < int(right.headers["retry-after"]) <= 15 * 60
    assert abs(int(right.headers["retry-after"]) - int(refused.headers["retry-after"])) <= 1
    # The lock holds wherever the login comes from, and for no other account.
    elsewhere = await api.log_in(person["username"], person["password"], peer=some_address())
    assert elsewhere.status_code == 429
    other = await new_user(client, await headers_for(client, "admin"), "ggd", ["field_worker"])
    assert (await api.log_in(other["username"], other["password"], peer=peer)).status_code == 200


async def test_the_lock_lasts_its_lockout_and_then_the_right_password_works(client, person):
    api = Instance(client, login_lockout_seconds=600)
    for _ in range(10):
        await api.log_in(person["username"], WRONG)
    api.clock.advance(seconds=590)
    still = await api.log_in(person["username"], person["password"])
    assert still.status_code == 429
    assert 1 <= int(still.headers["retry-after"]) <= 10
    api.clock.advance(seconds=11)
    assert (await api.log_in(person["username"], person["password"])).status_code == 200
    # A successful login starts the account's count afresh.
    failures = LoginFailure.count().where(LoginFailure.username_key == person["username"])
    assert await failures.run(in_pool=False) == 0


async def test_failures_spread_over_fewer_than_ten_in_the_window_lock_nothing(client, person):
    api = Instance(client)
    for _ in range(3):
        for _ in range(5):
            assert (await api.log_in(person["username"], WRONG)).status_code == 401
        api.clock.advance(minutes=16)
    assert (await api.log_in(person["username"], person["password"])).status_code == 200


async def test_a_burst_of_parallel_guesses_gets_no_more_than_ten_checked(client, person):
    """Each attempt counts before its password is checked, one at a time per account: sent all
    at once, ten are answered (wrongly) and the rest are refused unchecked."""
    first, second = Instance(client), Instance(client)
    burst = [
        (first if n % 2 else second).log_in(person["username"], WRONG, peer=some_address())
        for n in range(16)
    ]
    statuses = sorted(response.status_code for response in await asyncio.gather(*burst))
    assert statuses == [401] * 10 + [429] * 6


async def test_two_api_processes_count_the_same_failures(client, person):
    """The count is in the database: five failures at each of two instances lock the account
    at both; what either instance keeps in memory plays no part."""
    first, second = Instance(client), Instance(client)
    for _ in range(5):
        assert (await first.log_in(person["username"], WRONG)).status_code == 401
        assert (await second.log_in(person["username"], WRONG)).status_code == 401
    stored = LoginFailure.count().where(LoginFailure.username_key == person["username"])
    assert await stored.run(in_pool=False) == 10
    assert (await first.log_in(person["username"], person["password"])).status_code == 429
    assert (await second.log_in(person["username"], person["password"])).status_code == 429
    # A third process started after the failures knows of them too.
    third = Instance(client)
    assert (await third.log_in(person["username"], person["password"])).status_code == 429


async def test_many_failures_from_one_address_lock_that_address_for_every_account(client, person):
    api = Instance(client, login_max_failures_per_address=12)
    peer = some_address()
    for _ in range(12):
        guess = f"guess-{uuid.uuid4().hex[:8]}"
        assert (await api.log_in(guess, WRONG, peer=peer)).status_code == 401
    refused = await api.log_in(person["username"], person["password"], peer=peer)
    assert (refused.status_code, refused.json()["code"]) == (429, "too_many_attempts")
    assert int(refused.headers["retry-after"]) > 0
    # The account itself was never tried: from another address it logs in.
    elsewhere = await api.log_in(person["username"], person["password"], peer=some_address())
    assert elsewhere.status_code == 200


async def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(client, person):
    """Behind no configured proxy, a made-up X-Forwarded-For per attempt does not spread the
    failures over many addresses: they all count against the peer."""
    api = Instance(client, login_max_failures_per_address=5, trusted_proxies=())
    peer = some_address()
    for attempt in range(5):
        spoofed = {"X-Forwarded-For": f"203.0.113.{attempt + 1}"}
        guess = f"guess-{uuid.uuid4().hex[:8]}"
        assert (await api.log_in(guess, WRONG, peer=peer, headers=spoofed)).status_code == 401
    again = {"X-Forwarded-For": "203.0.113.99"}
    response = await api.log_in(person["username"], person["password"], peer=peer, headers=again)
    assert response.status_code == 429


async def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(client, person):
    proxy = "10.20.0.7"
    api = Instance(
        client, login_max_failures_per_address=5, trusted_proxies=parse_networks("10.20.0.0/16")
    )
    attacker = "203.0.113.50"
    for attempt in range(5):
        # What the attacker sent, then the address our proxy appended.
        forwarded = {"X-Forwarded-For": f"192.0.2.{attempt + 1}, {attacker}"}
        guess = f"guess-{uuid.uuid4().hex[:8]}"
        assert (await api.log_in(guess, WRONG, peer=proxy, headers=forwarded)).status_code == 401
    locked = await api.log_in(
        person["username"],
        person["password"],
        peer=proxy,
        headers={"X-Forwarded-For": f"198.51.100.1, {attacker}, 10.20.0.8"},
    )
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked with the attacker.
    colleague = await api.log_in(
        person["username"],
        person["password"],
        peer=proxy,
        headers={"X-Forwarded-For": "203.0.113.51"},
    )
    assert colleague.status_code == 200


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # No trusted proxy is the peer: the header is anyone's to write.
        ("198.51.100.4", ["203.0.113.9"], "198.51.100.4"),
        ("testclient", ["203.0.113.9"], "testclient"),
        # The proxy appended what it saw; whatever stands left of it may be made up.
        ("10.0.0.1", ["1.2.3.4", "203.0.113.9"], "203.0.113.9"),
        # Two proxies of ours in a row: the right-most address that is not one of them.
        ("10.0.0.1", ["203.0.113.9", "10.0.0.2"], "203.0.113.9"),
        # Every hop is ours: the left-most we know of.
        ("10.0.0.1", ["10.0.0.3", "10.0.0.2"], "10.0.0.3"),
        ("10.0.0.1", [], "10.0.0.1"),
        # Ports and IPv4 written as IPv6 are the same address.
        ("10.0.0.1", ["[2001:db8::1]:443"], "2001:db8::1"),
        ("10.0.0.1", ["203.0.113.9:5123"], "203.0.113.9"),
        ("::ffff:198.51.100.4", ["203.0.113.9"], "198.51.100.4"),
    ],
)
def test_the_client_address_is_read_from_the_right_and_only_behind_a_trusted_proxy(
    peer, forwarded, expected
):
    trusted = parse_networks("10.0.0.0/8, ::1")
    assert resolve_client_address(peer, forwarded, trusted) == expected
