"""Which failures mean "the database is away for a moment" (503, the tablet sends again) and
which are bugs (500, logged with their stack)."""

import errno
import sqlite3

import asyncpg

from api.lib.availability import database_away


def caused_by(cause: BaseException) -> RuntimeError:
    try:
        raise RuntimeError("while running a query") from cause
    except RuntimeError as error:
        return error


def test_a_lost_or_refused_connection_and_a_recovering_server_are_the_database_away():
    assert database_away(asyncpg.exceptions.ConnectionDoesNotExistError("closed mid-operation"))
    assert database_away(asyncpg.exceptions.CannotConnectNowError("starting up"))
    assert database_away(asyncpg.exceptions.AdminShutdownError("terminating connection"))
    assert database_away(ConnectionRefusedError(errno.ECONNREFUSED, "refused"))
    assert database_away(caused_by(OSError(errno.ECONNRESET, "reset by peer")))
    assert database_away(sqlite3.OperationalError("database is locked"))


def test_mistakes_in_queries_and_data_are_not():
    assert not database_away(asyncpg.exceptions.UndefinedColumnError("no such column"))
    assert not database_away(asyncpg.exceptions.UniqueViolationError("duplicate key"))
    assert not database_away(sqlite3.OperationalError("no such table: visit"))
    assert not database_away(ValueError("bad value"))
    assert not database_away(caused_by(KeyError("answers")))
