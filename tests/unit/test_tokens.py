"""Tokens: the rotation is reproducible from the old token, and a bad access token is refused."""

import datetime as dt
import uuid

import pytest

from api.accounts import tokens
from api.lib.errors import NotAuthenticated, TokenExpired

KEY = b"k" * 32


def test_the_next_refresh_token_can_be_derived_again_from_the_previous_one():
    first = tokens.new_refresh_token()
    assert tokens.next_refresh_token(KEY, first) == tokens.next_refresh_token(KEY, first)
    assert tokens.next_refresh_token(KEY, first) != first
    assert tokens.next_refresh_token(b"x" * 32, first) != tokens.next_refresh_token(KEY, first)


def test_an_access_token_names_the_user_device_and_session():
    user, device = uuid.uuid4(), uuid.uuid4()
    token = tokens.make_access_token(
        KEY,
        user_id=user,
        device_id=device,
        session_generation=3,
        issued_at=dt.datetime.now(dt.UTC),
        lifetime_seconds=60,
    )
    claims = tokens.read_access_token(KEY, token)
    assert (claims.user_id, claims.device_id, claims.session_generation) == (user, device, 3)


def test_an_expired_access_token_says_so():
    token = tokens.make_access_token(
        KEY,
        user_id=uuid.uuid4(),
        device_id=uuid.uuid4(),
        session_generation=1,
        issued_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        lifetime_seconds=60,
    )
    with pytest.raises(TokenExpired):
        tokens.read_access_token(KEY, token)


def test_a_token_signed_with_another_key_is_refused():
    token = tokens.make_access_token(
        b"y" * 32,
        user_id=uuid.uuid4(),
        device_id=uuid.uuid4(),
        session_generation=1,
        issued_at=dt.datetime.now(dt.UTC),
        lifetime_seconds=60,
    )
    with pytest.raises(NotAuthenticated):
        tokens.read_access_token(KEY, token)
    with pytest.raises(NotAuthenticated):
        tokens.read_access_token(KEY, "not-a-token")
