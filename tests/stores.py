"""Store backends for tests: SQLite always, PostgreSQL when a server is reachable.

PostgreSQL is looked for at ``$KHABAR_TEST_PG`` (default ``postgresql://postgres@127.0.0.1:5432/test``,
the CI machine's server); each test gets a fresh database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

PG_URL = os.environ.get("KHABAR_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_admin():
    import pg8000.native

    rest = PG_URL.split("://", 1)[1]
    userinfo, _, hostpart = rest.rpartition("@")
    user = userinfo.split(":")[0] or "postgres"
    password = userinfo.split(":", 1)[1] if ":" in userinfo else None
    hostport, _, database = hostpart.partition("/")
    host, _, port = hostport.partition(":")
    return pg8000.native.Connection(user, host=host or "127.0.0.1", port=int(port or 5432),
                                    database=database or "postgres", password=password, timeout=3)


def pg_available() -> bool:
    try:
        _pg_admin().close()
        return True
    except Exception:  # noqa: BLE001 - no server, no PostgreSQL tests
        return False


BACKENDS = ["sqlite"] + (["postgresql"] if pg_available() else [])


@contextmanager
def database(backend: str, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """A fresh, empty database URL (or path) for ``backend``."""
    if backend == "sqlite":
        yield str(tmp_path / "khabar.db")
        return
    name = "khabar_t_" + uuid.uuid4().hex[:12]
    admin = _pg_admin()
    admin.run(f"CREATE DATABASE {name}")
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin.run(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        admin.run(f"DROP DATABASE IF EXISTS {name}")
        admin.close()
