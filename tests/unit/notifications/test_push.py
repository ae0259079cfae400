"""Web Push rules that need no database: the VAPID audience, endpoints, keys, payloads."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import pytest

from api.lib.errors import PushEndpointNotAllowed
from api.notifications import push
from api.notifications.kinds import KINDS, UnknownNotificationKind, kind_for
from api.settings import get_settings


def settings(**changes):
    return dataclasses.replace(get_settings(), **changes)


@pytest.mark.parametrize(
    ("endpoint", "aud"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com"),
        ("https://Push.Example.com:8443/x?y=1", "https://push.example.com:8443"),
        ("https://push.example.com:443/x", "https://push.example.com"),
        ("http://127.0.0.1:39201/push/abc", "http://127.0.0.1:39201"),
    ],
)
def test_the_vapid_audience_is_the_push_services_origin_with_its_port(endpoint, aud):
    assert push.audience(endpoint) == aud


def test_each_send_gets_its_own_claims():
    config = get_settings()
    first = push.claims("https://fcm.googleapis.com/fcm/send/a", config)
    second = push.claims("https://web.push.apple.com/b", config)
    first["aud"] = "changed by the library"
    assert second["aud"] == "https://web.push.apple.com"
    assert first is not second


def test_loopback_http_is_accepted_only_when_the_setting_says_so():
    endpoint = "http://127.0.0.1:8080/push/abc"
    assert push.check_endpoint(endpoint, settings(push_allow_loopback=True)) == endpoint
    with pytest.raises(PushEndpointNotAllowed):
        push.check_endpoint(endpoint, settings(push_allow_loopback=False))


def test_any_https_push_service_when_the_list_says_star_but_never_an_ip_address():
    anything = settings(push_service_hosts=("*",), push_allow_loopback=False)
    assert push.check_endpoint("https://push.example.org/a", anything)
    with pytest.raises(PushEndpointNotAllowed):
        push.check_endpoint("https://169.254.169.254/latest", anything)


def test_a_host_matches_the_list_only_as_itself_or_a_subdomain():
    config = settings(push_service_hosts=("push.apple.com",), push_allow_loopback=False)
    assert push.check_endpoint("https://web.push.apple.com/a", config)
    with pytest.raises(PushEndpointNotAllowed):
        push.check_endpoint("https://evilpush.apple.com.example/a", config)
    with pytest.raises(PushEndpointNotAllowed):
        push.check_endpoint("https://notpush.apple.com/a", config)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), (None, push.DEFAULT_RETRY_AFTER_SECONDS), ("soon", 60.0)],
)
def test_retry_after_in_seconds(header, seconds):
    assert push.retry_after_seconds(header) == seconds


def test_retry_after_as_an_http_date():
    at = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    assert push.retry_after_seconds("Tue, 24 Nov 2026 12:05:00 GMT", at) == 300.0
    assert push.retry_after_seconds("Tue, 24 Nov 2026 11:00:00 GMT", at) == 0.0


def test_every_kinds_payload_stays_far_under_the_push_limit():
    for name, kind in KINDS.items():
        body = push.payload(uuid.uuid4(), name, kind.object_type, uuid.uuid4(), kind.title_nl)
        assert len(body.encode()) < 400
        assert set(json.loads(body)) == {"type", "id", "object_type", "object_id", "title"}
    assert push.MAX_PAYLOAD_BYTES + 86 + 1 + 16 == 4096


def test_a_payload_over_the_limit_is_refused():
    with pytest.raises(ValueError, match="over"):
        push.payload(uuid.uuid4(), "followup_new", "followup", uuid.uuid4(), "x" * 4000)


def test_titles_are_fixed_texts_in_both_languages():
    for kind in KINDS.values():
        for title in (kind.title_nl, kind.title_en):
            assert title and len(title) < 80
            assert "{" not in title and "%" not in title


def test_an_unknown_kind_or_the_wrong_object_type_is_a_programming_error():
    assert kind_for("visit_returned", "visit").title_en == "A report was returned for correction"
    with pytest.raises(UnknownNotificationKind):
        kind_for("visit_rejected", "visit")
    with pytest.raises(UnknownNotificationKind):
        kind_for("visit_returned", "case")


def test_a_subject_py_vapid_would_refuse_stops_the_server_at_start(tmp_path):
    from api.keys import KeysMissing, ensure_keys

    with pytest.raises(KeysMissing):
        push.check_configuration(settings(keys_dir=tmp_path))
    ensure_keys(tmp_path)
    push.check_configuration(settings(keys_dir=tmp_path))
    with pytest.raises(RuntimeError, match="KEUKENTAFEL_VAPID_SUBJECT"):
        push.check_configuration(settings(keys_dir=tmp_path, vapid_subject="mailto:x@intranet"))
