"""Web Push: notifications per second delivered to the loopback fake push service.

The sender is the app's own (`api.notifications.push.send`: aes128gcm encryption, a fresh VAPID
JWT, one POST); the fake service (tests/fakes/push_service.py) checks the JWT and decrypts each
message, in a process of its own so its work is not counted as the sender's. One at a time is
what one worker does (it runs one job after another); 10 in flight shows the sender's ceiling.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import uuid
from multiprocessing.connection import Connection
from typing import Any

from tests.bench.common import Results, Row, Sizes, median_ms


def _serve(application_server_key: str, browsers: int, pipe: Connection) -> None:
    from tests.fakes.push_service import FakePushService

    async def main() -> None:
        service = FakePushService(application_server_key=application_server_key)
        await service.start()
        pipe.send([service.subscribe().subscription_json() for _ in range(browsers)])
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # until told to stop
        pipe.send((len(service.received), service.errors[:3]))
        await service.stop()

    asyncio.run(main())


async def _send_for(seconds: float, in_flight: int, subscriptions: list[dict[str, Any]]) -> list:
    from api.notifications import push

    timings: list[float] = []
    outcomes: list[str] = []
    deadline = time.perf_counter() + seconds

    async def sender(session: Any, number: int) -> None:
        subscription = subscriptions[number % len(subscriptions)]
        wire = {
            "endpoint": subscription["endpoint"],
            "p256dh": subscription["keys"]["p256dh"],
            "auth": subscription["keys"]["auth"],
        }
        while time.perf_counter() < deadline:
            notification = uuid.uuid4()
            data = push.payload(notification, "followup", "followup", uuid.uuid4(), "Opvolging")
            start = time.perf_counter()
            outcome = await push.send(session, wire, data, "normal", topic=push.topic(notification))
            timings.append(time.perf_counter() - start)
            outcomes.append(outcome.result)

    async with push.client_session() as session:
        await asyncio.gather(*(sender(session, number) for number in range(in_flight)))
    return [timings, outcomes]


def run(results: Results, sizes: Sizes) -> None:
    from api.keys import ensure_keys
    from api.notifications.push import application_server_key
    from api.settings import get_settings

    ensure_keys(get_settings().keys_dir)
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    service = context.Process(target=_serve, args=(application_server_key(), 20, there))
    service.start()
    sent = 0
    try:
        subscriptions = here.recv()
        asyncio.run(_send_for(1.0, 1, subscriptions))  # warm-up: imports, keys, connections
        for in_flight in (1, 10):
            timings, outcomes = asyncio.run(_send_for(sizes.push_seconds, in_flight, subscriptions))
            delivered = outcomes.count("delivered")
            sent += delivered
            median, p95 = median_ms(timings)
            results.add(
                Row(
                    f"push: delivered/s, {in_flight} in flight",
                    "loopback",
                    f"{delivered / sizes.push_seconds:.0f}/s",
                    note=f"per push {median} (p95 {p95})"
                    + (
                        f"; {len(outcomes) - delivered} not delivered"
                        if delivered < len(outcomes)
                        else ""
                    ),
                )
            )
        here.send("stop")
        received, errors = here.recv()
        if errors or received < sent:
            results.sections["push service"] = f"{received} received of {sent} delivered\n" + (
                "\n".join(errors)
            )
    finally:
        service.join(timeout=10)
        if service.is_alive():
            service.terminate()
