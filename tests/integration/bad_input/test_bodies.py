"""JSON bodies the server refuses whole: too large, too deep, of another type, compressed, with
unknown fields. Nothing is stored and nothing is a 500.

tests/integration/cases/test_bad_input.py has a form-encoded case body, an oversized case body
through the test client, broken values and unknown fields in a case; here the same rules hold
for visits, and the size limit is shown on the wire: the 413 comes from the announced
Content-Length while most of the body was never sent.
"""

from __future__ import annotations

import gzip
import json
import uuid

import pytest

from api.lib.problems import MAX_JSON_DEPTH, json_depth
from api.visits.controllers import VISIT_BODY
from tests.helpers import example_answers, kitchen_table_files, visit_body
from tests.integration.bad_input.conftest import log_text
from tests.integration.bad_input.support import (
    assert_problem,
    deep_json,
    gzip_bomb,
    raw_exchange,
    request_head,
    visit_stored,
)


async def put_bytes(client, visit_id, headers, content, **more_headers):
    return await client.put(
        f"/api/visits/{visit_id}", headers={**headers, **more_headers}, content=content
    )


def assert_no_error_in(live_server) -> None:
    text = live_server.log_text()
    assert "Traceback" not in text and "unhandled error" not in text, text


# Size on the wire ----------------------------------------------------------------------------
async def test_a_length_over_the_limit_is_refused_before_the_body_is_read(
    worker, case_id, live_server
):
    body = json.dumps(visit_body(case_id)).encode()
    visit_id = uuid.uuid4()
    announced = 50 * 1024 * 1024
    head = request_head(
        "PUT",
        f"/api/visits/{visit_id}",
        {**worker, "Content-Type": "application/json", "Content-Length": str(announced)},
    )
    # 50 MB announced, 200 bytes sent: the answer comes while 49.99 MB were never sent.
    answer = raw_exchange(live_server.port, head, [body[:200]], timeout=5)
    assert answer.status == 413, answer.body
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert (problem["code"], problem["max_bytes"]) == ("body_too_large", VISIT_BODY)
    assert f"{announced:,}" in problem["detail"]
    # And the server hangs up rather than take in the rest.
    assert answer.closed and answer.headers["connection"] == "close"
    assert not await visit_stored(visit_id)
    assert_no_error_in(live_server)


async def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(worker, live_server):
    visit_id = uuid.uuid4()
    head = request_head(
        "PUT",
        f"/api/visits/{visit_id}",
        {**worker, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    size = 64 * 1024
    first = b'{"answers": {"x": "' + b"a" * (size - 19)
    chunks = [b"%x\r\n%s\r\n" % (size, first)]
    chunks += [b"%x\r\n%s\r\n" % (size, b"a" * size)] * (VISIT_BODY // size - 1)
    # No Content-Length: the limit exactly, then one byte more, and no last chunk ever.
    answer = raw_exchange(live_server.port, head, [*chunks, b"1\r\na\r\n"], timeout=5)
    assert answer.status == 413, answer.body
    problem = answer.json()
    assert (problem["code"], problem["max_bytes"]) == ("body_too_large", VISIT_BODY)
    assert answer.closed
    assert not await visit_stored(visit_id)
    assert_no_error_in(live_server)


# Depth ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["array", "object"])
async def test_json_nested_ten_thousand_deep_is_a_400_not_a_recursion_error(
    client, worker, case_id, app_log, kind
):
    body = visit_body(case_id)
    whole = deep_json(10_000, kind)
    in_answers = json.dumps(body).replace('"answers": {', f'"answers": {{"x": {whole}, ', 1)
    in_attachments = json.dumps({**body, "attachments": "@"}).replace('"@"', whole)
    for content in (whole, in_answers, in_attachments):
        visit_id = uuid.uuid4()
        response = await put_bytes(
            client, visit_id, worker, content.encode(), **{"content-type": "application/json"}
        )
        problem = assert_problem(response, 400, "invalid_body")
        assert problem["max_depth"] == MAX_JSON_DEPTH
        assert not await visit_stored(visit_id)
    assert "RecursionError" not in log_text(app_log)
    assert not [r for r in app_log if r.levelno >= 40], log_text(app_log)


async def test_depth_is_counted_outside_strings_and_real_bodies_are_far_from_it(
    client, worker, case_id
):
    assert json_depth(b'{"a": "[[[[{{{{", "b": ["\\"[[[", {}]}') == 3
    assert json_depth(b"[[[") == 3  # a broken text counts as deep as a decoder would go
    files = kitchen_table_files()
    kitchen_table = visit_body(
        case_id, "keukentafelgesprek", example_answers("keukentafelgesprek"), files
    )
    assert json_depth(json.dumps(kitchen_table).encode()) <= 5
    # At the limit the answers reach the form (and are wrong there); one more level is not read.
    for depth, status, code in [
        (MAX_JSON_DEPTH - 2, 422, "invalid_answers"),
        (MAX_JSON_DEPTH - 1, 400, "invalid_body"),
    ]:
        nested = json.dumps(visit_body(case_id)).replace(
            '"answers": {', f'"answers": {{"x": {deep_json(depth)}, ', 1
        )
        response = await put_bytes(
            client, uuid.uuid4(), worker, nested.encode(), **{"content-type": "application/json"}
        )
        assert_problem(response, status, code)


# Content types and encodings -----------------------------------------------------------------
MULTIPART = (
    b'--xyz\r\nContent-Disposition: form-data; name="data"\r\n\r\n{"case_id": "x"}\r\n--xyz--\r\n'
)


@pytest.mark.parametrize(
    "content_type, content",
    [
        ("text/plain", None),
        ("application/x-www-form-urlencoded", b"case_id=1&form_key=x"),
        ("multipart/form-data; boundary=xyz", MULTIPART),
        ("application/xml", b"<visit/>"),
        ("application/jsonp", None),
        (None, None),  # a body and no Content-Type at all
    ],
)
async def test_a_visit_in_another_content_type_is_refused(
    client, worker, case_id, content_type, content
):
    visit_id = uuid.uuid4()
    content = content or json.dumps(visit_body(case_id)).encode()
    extra = {"content-type": content_type} if content_type else {}
    response = await put_bytes(client, visit_id, worker, content, **extra)
    assert_problem(response, 415, "unsupported_media_type")
    assert not await visit_stored(visit_id)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "x-gzip, identity"])
async def test_a_compressed_body_is_refused_not_inflated(client, worker, encoding):
    visit_id = uuid.uuid4()
    response = await put_bytes(
        client,
        visit_id,
        worker,
        gzip_bomb(),  # 64 MiB of zeros in 65 kB
        **{"content-type": "application/json", "content-encoding": encoding},
    )
    problem = assert_problem(response, 415, "unsupported_content_encoding")
    assert "does not inflate" in problem["detail"]
    assert response.headers["accept-encoding"] == "identity"
    assert not await visit_stored(visit_id)


async def test_a_compressed_valid_visit_is_refused_for_its_encoding(client, worker, case_id):
    """Refused for the encoding, not for what it inflates to: it is never inflated."""
    visit_id = uuid.uuid4()
    plain = json.dumps(visit_body(case_id)).encode()
    json_type = {"content-type": "application/json"}
    packed = await put_bytes(
        client, visit_id, worker, gzip.compress(plain), **json_type, **{"content-encoding": "gzip"}
    )
    assert_problem(packed, 415, "unsupported_content_encoding")
    assert not await visit_stored(visit_id)
    # `identity` is no encoding at all.
    as_is = await put_bytes(
        client, visit_id, worker, plain, **json_type, **{"content-encoding": "identity"}
    )
    assert as_is.status_code == 201, as_is.text


# Unknown fields and broken values in a visit -------------------------------------------------
async def test_unknown_fields_and_bad_uuids_in_a_visit_body_are_refused(client, worker, case_id):
    files = kitchen_table_files()
    good = visit_body(case_id, "keukentafelgesprek", example_answers("keukentafelgesprek"), files)
    first, second = good["attachments"]
    bad_bodies = {
        "favourite_colour": {**good, "favourite_colour": "blue"},
        "exif": {**good, "attachments": [{**first, "exif": {}}, second]},
        "case_id": {**good, "case_id": "not-a-uuid"},
        "replaces": {**good, "replaces": "1' OR '1'='1"},
        "name": {**good, "attachments": [{**first, "name": "../../etc/passwd"}, second]},
        "content_type": {
            **good,
            "attachments": [{**first, "content_type": "image/svg+xml"}, second],
        },
    }
    for field, body in bad_bodies.items():
        visit_id = uuid.uuid4()
        response = await client.put(f"/api/visits/{visit_id}", headers=worker, json=body)
        problem = assert_problem(response, 400, "invalid_body")
        assert field in json.dumps(problem), (field, problem)
        assert not await visit_stored(visit_id)
    # Not JSON at all: bytes that are not even UTF-8.
    visit_id = uuid.uuid4()
    response = await put_bytes(
        client, visit_id, worker, b"\xff\xfe\x00{", **{"content-type": "application/json"}
    )
    assert_problem(response, 400, "invalid_body")
    assert not await visit_stored(visit_id)
