"""The `keukentafel` command: keys, migrate, seed-demo, users, worker, retention, serve."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

os.environ.setdefault("PICCOLO_CONF", "api.piccolo_conf")


def cmd_keys(_: argparse.Namespace) -> int:
    from api.keys import ensure_keys
    from api.settings import get_settings

    keys_dir = get_settings().keys_dir
    created = ensure_keys(keys_dir)
    print(f"keys in {keys_dir}: " + (f"created {', '.join(created)}" if created else "all present"))
    return asyncio.run(_seals())


async def _seals() -> int:
    """A development seal per organisation in the database; production brings its own."""
    from api.accounts.tables import Organisation
    from api.keys import ensure_seal
    from api.settings import get_settings

    settings = get_settings()
    try:
        organisations = await Organisation.select(Organisation.id, Organisation.name).run()
    except Exception:  # no database yet: `keukentafel keys` runs again after migrate
        print("no organisations yet: seals follow once the database is migrated")
        return 0
    missing = [
        org for org in organisations if not (settings.seals_dir / f"{org['id']}.p12").exists()
    ]
    if settings.is_production:
        for org in missing:
            print(f"no seal for {org['name']}: put {org['id']}.p12 in {settings.seals_dir}")
        return 0
    made = [
        org["name"] for org in missing if ensure_seal(settings.seals_dir, org["id"], org["name"])
    ]
    present = len(organisations) - len(made)
    print(f"development seals in {settings.seals_dir}: made {len(made)}, {present} present")
    return 0


def cmd_worker(_: argparse.Namespace) -> int:
    """The job worker on its own (production): reports, pushes, escalations."""
    import logging
    import signal

    from api.jobs.worker import run_forever
    from api.lib.availability import wait_for_database
    from api.lib.db import engine, start_pool
    from api.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        db = engine()
        if get_settings().uses_postgres:
            await wait_for_database(start_pool)
        try:
            await run_forever(stop)
        finally:
            if get_settings().uses_postgres:
                await db.close_connection_pool()  # type: ignore[attr-defined]

    asyncio.run(run())
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from api.lib.db import prepare_sqlite
    from api.settings import get_settings

    settings = get_settings()
    if not settings.uses_postgres:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        prepare_sqlite(str(settings.sqlite_path))

    async def run() -> bool:
        if not settings.uses_postgres:
            return (await run_forwards(app_name="all")).success
        # Several API containers (and workers) may start at once: one migrates, the rest wait.
        import asyncpg

        from api.piccolo_conf import postgres_config

        lock = await asyncpg.connect(**postgres_config(settings.database_url))  # type: ignore[arg-type]
        try:
            await lock.execute("SELECT pg_advisory_lock(hashtext('keukentafel-migrate'))")
            return (await run_forwards(app_name="all")).success
        finally:
            await lock.close()

    return 0 if asyncio.run(run()) else 1


def _print_accounts(password: str) -> None:
    from api.demo import ACCOUNTS

    print(f"Demo accounts (password: {password}):")
    for account in ACCOUNTS:
        print(f"  {account.username:<24} {account.description}")


def cmd_seed_demo(_: argparse.Namespace) -> int:
    from api import demo
    from api.settings import get_settings

    settings = get_settings()
    if settings.is_production:
        print("refusing to seed demo data into a production database", file=sys.stderr)
        return 2

    async def run() -> bool:
        if not await demo.is_empty():
            return False
        await demo.seed(settings.demo_password)
        return True

    seeded = asyncio.run(run())
    print("demo network seeded" if seeded else "database not empty: demo seeding skipped")
    _print_accounts(settings.demo_password)
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from api.accounts import passwords
    from api.accounts.tables import UserAccount

    async def run() -> int:
        if args.action == "list":
            rows = (
                await UserAccount.select(
                    UserAccount.username,
                    UserAccount.display_name,
                    UserAccount.active,
                    UserAccount.organisation.name,
                )
                .order_by(UserAccount.username)
                .run()
            )
            for row in rows:
                state = "" if row["active"] else " (disabled)"
                print(
                    f"{row['username']:<24} {row['display_name']:<24} "
                    f"{row['organisation.name']}{state}"
                )
            return 0
        password = args.password or os.environ.get("KEUKENTAFEL_NEW_PASSWORD", "")
        if len(password) < passwords.MIN_PASSWORD_LENGTH:
            print("a password of at least 10 characters is needed", file=sys.stderr)
            return 2
        if args.action == "create-admin":
            return await _create_admin(args, password)
        updated = (
            await UserAccount.update({UserAccount.password_hash: passwords.hash_password(password)})
            .where(UserAccount.username == args.username)
            .returning(UserAccount.id)
            .run()
        )
        print("password set" if updated else "no such user")
        return 0 if updated else 1

    return asyncio.run(run())


async def _create_admin(args: argparse.Namespace, password: str) -> int:
    """The first functional administrator of a production network (demo seeding refuses it)."""
    import uuid

    from api.accounts import passwords
    from api.accounts.roles import Role
    from api.accounts.tables import Organisation, UserAccount
    from api.covenant.loader import load_covenant
    from api.lib.db import now, write_transaction

    if not args.username or not args.organisation:
        print("usage: keukentafel users create-admin USERNAME --organisation NAME", file=sys.stderr)
        return 2
    load_covenant().require_kind(args.kind)
    async with write_transaction():
        if await UserAccount.exists().where(UserAccount.username == args.username).run():
            print("that username exists", file=sys.stderr)
            return 1
        org = (
            await Organisation.select(Organisation.id)
            .where(Organisation.name == args.organisation)
            .first()
            .run()
        )
        org_id = org["id"] if org else uuid.uuid4()
        if org is None:
            await Organisation.insert(
                Organisation(id=org_id, name=args.organisation, kind=args.kind, created_at=now())
            ).run()
        await UserAccount.insert(
            UserAccount(
                username=args.username,
                display_name=args.username,
                organisation=org_id,
                roles=[Role.FUNCTIONAL_ADMIN.value],
                password_hash=passwords.hash_password(password),
                created_at=now(),
            )
        ).run()
    print(f"administrator {args.username} created")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.settings import get_settings

    settings = get_settings()
    host, port = args.host or settings.host, args.port or settings.port
    processes = settings.web_processes
    print(
        f"Keukentafel runs on http://{host}:{port}  (API docs: /schema)"
        + (f", {processes} processes" if processes > 1 else "")
    )
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        # More than one: uvicorn's supervisor binds the port and runs them as its children.
        workers=processes,
        log_level="info",
        loop="uvloop",
        http="httptools",
        # The app reads X-Forwarded-For/-Proto itself, and only from KEUKENTAFEL_TRUSTED_PROXIES
        # (login throttling, HSTS). uvicorn's own handling would also believe 127.0.0.1 (or
        # FORWARDED_ALLOW_IPS) and rewrite the client address and scheme before the app sees them.
        proxy_headers=False,
    )
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    """What the worker does daily: anonymise closed cases past the covenant's period and cut
    the audit trail past its own; `--dry-run` counts without changing anything."""
    import logging

    from api.retention.jobs import run_retention

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    outcome = asyncio.run(run_retention(dry_run=args.dry_run))
    verb = "would be" if args.dry_run else "were"
    print(f"closed cases due: {outcome.due}")
    if not args.dry_run:
        print(f"anonymised: {outcome.anonymised}, failed: {outcome.failed}")
    for cut in outcome.audit_cuts:
        print(f"audit chain {cut.chain}: {cut.removed} rows to {cut.up_to} {verb} cut")
    print(f"audit rows {verb} cut: {outcome.audit_rows_removed}")
    return 1 if outcome.failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="keukentafel")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("keys", help="create missing keys (never replaces one)").set_defaults(
        func=cmd_keys
    )
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("seed-demo", help="seed the demo network into an empty database").set_defaults(
        func=cmd_seed_demo
    )
    users = sub.add_parser("users", help="list users or set a password")
    users.add_argument("action", choices=["list", "set-password", "create-admin"])
    users.add_argument("username", nargs="?")
    users.add_argument("--password", help="or KEUKENTAFEL_NEW_PASSWORD")
    users.add_argument("--organisation", help="create-admin: organisation name (made if new)")
    users.add_argument("--kind", default="municipality", help="create-admin: kind if new")
    users.set_defaults(func=cmd_users)
    sub.add_parser("worker", help="run the job worker (reports, pushes)").set_defaults(
        func=cmd_worker
    )
    retention = sub.add_parser(
        "retention", help="anonymise closed cases and cut the audit trail past their periods"
    )
    retention.add_argument("--dry-run", action="store_true", help="count, change nothing")
    retention.set_defaults(func=cmd_retention)
    serve = sub.add_parser("serve", help="run the API and the PWA")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=cmd_serve)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
