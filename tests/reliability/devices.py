"""Simulated tablets for the fault tests: they log in, open a case and upload visits the way the
PWA's outbox does, retrying until the server acknowledges, and keep every answer they got.

A "dropped" send is done on a raw socket: the whole request goes out, and the connection is
reset once the server starts answering (after its commit) or right after the body (before it):
the device never learns what happened and sends again.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import struct
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from tests.conftest import DEMO_PASSWORD
from tests.helpers import example_answers, kitchen_table_files, visit_body
from tests.integration.cases.test_cases import case_body

# What counts as "no answer": the device keeps the item in its outbox and sends it again.
RETRYABLE = (httpx.TransportError, ConnectionError, OSError, asyncio.IncompleteReadError)
# A server that stays away this long has not come back: the test fails instead of hanging.
GIVE_UP_SECONDS = 120.0


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


@dataclass
class Tablet:
    """One device of the demo field worker, with its own session."""

    name: str
    base_url: str
    rng: random.Random
    answers: dict[uuid.UUID, list[Answer]] = field(default_factory=lambda: defaultdict(list))
    unexpected: list[str] = field(default_factory=list)
    resends: int = 0
    # 503s: the server said "not now" (database away or busy) and the outbox waited.
    unavailable: int = 0
    token: str = ""
    client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Tablet:
        # Tablets log in one after another, as a team does: a burst of parallel logins to one
        # account is what the login throttle counts as guessing (10 in flight lock it).
        self.client = httpx.AsyncClient(base_url=self.base_url, timeout=30)
        await self.login()
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self.client is not None
        await self.client.aclose()

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def login(self) -> None:
        tokens = await self.until_answered(
            "POST",
            "/api/auth/login",
            json_body={
                "username": "fieldworker",
                "password": DEMO_PASSWORD,
                "device_name": self.name,
            },
            authorised=False,
        )
        assert tokens.status == 200, f"{self.name} could not log in: {tokens.body}"
        self.token = tokens.body["access_token"]

    async def open_case(self) -> uuid.UUID:
        case_id = uuid.uuid4()
        answer = await self.until_answered("PUT", f"/api/cases/{case_id}", json_body=case_body())
        assert answer.status in (200, 201), answer.body
        return case_id

    # Sending ----------------------------------------------------------------------------------
    async def send(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        content_type: str = "application/json",
        authorised: bool = True,
    ) -> Answer | None:
        """One attempt; None when no answer came (network gone, server killed, 5xx)."""
        assert self.client is not None
        headers = {"Content-Type": content_type, **(self.headers if authorised else {})}
        data = content if content is not None else json.dumps(json_body).encode()
        try:
            response = await self.client.request(method, path, content=data, headers=headers)
        except RETRYABLE:
            return None
        if response.status_code >= 500:
            self.unavailable += response.status_code == 503
            if response.status_code != 503:
                self.unexpected.append(f"{method} {path}: {response.status_code} {response.text}")
            return None
        return Answer(response.status_code, response.json())

    async def until_answered(self, method: str, path: str, **kwargs: Any) -> Answer:
        """The outbox's loop: again after a pause until the server answers."""
        pause = 0.05
        give_up = time.monotonic() + GIVE_UP_SECONDS
        while True:
            answer = await self.send(method, path, **kwargs)
            if answer is not None:
                return answer
            if time.monotonic() > give_up:
                raise TimeoutError(f"{self.name}: no answer to {method} {path}")
            self.resends += 1
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)

    async def dropped(
        self, method: str, path: str, body: bytes, when: Literal["before", "after"]
    ) -> None:
        """Send the whole request, then reset the connection: `after` once the server has begun
        to answer (it committed), `before` right after the last byte (it may or may not)."""
        url = urlsplit(self.base_url)
        try:
            reader, writer = await asyncio.open_connection(url.hostname, url.port)
        except OSError:
            return
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Authorization: Bearer {self.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        try:
            writer.write(head + body)
            await writer.drain()
            if when == "after":
                await asyncio.wait_for(reader.read(1), timeout=30)
        except (OSError, TimeoutError):
            pass
        finally:
            # SO_LINGER 0: close with a reset, as a connection lost in a lift does.
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()

    # Visits -----------------------------------------------------------------------------------
    async def upload_visit(self, visit_id: uuid.UUID, body: dict[str, Any]) -> None:
        """Until acknowledged; every answer is kept for the test to compare."""
        answer = await self.until_answered("PUT", f"/api/visits/{visit_id}", json_body=body)
        self.keep(visit_id, answer)

    def keep(self, visit_id: uuid.UUID, answer: Answer) -> None:
        self.answers[visit_id].append(answer)
        if answer.status not in (200, 201):
            self.unexpected.append(f"visit {visit_id}: {answer.status} {answer.body}")


def kitchen_table_visit(case_id: uuid.UUID) -> tuple[dict[str, Any], dict[str, bytes]]:
    files = kitchen_table_files()
    return visit_body(
        case_id, "keukentafelgesprek", example_answers("keukentafelgesprek"), files
    ), (files)


def receipt_view(answer: Answer) -> dict[str, Any]:
    """What must be the same in every answer to one visit: the stored visit as acknowledged."""
    return answer.body["visit"]
