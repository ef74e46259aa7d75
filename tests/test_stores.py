"""The stores' two backends (nrr_core/stores.py): PostgreSQL refuses every way
of changing history, a URL is checked before use and an unreachable server is
one clear line, and the settings put the decisions and targets in one shared
database."""
from __future__ import annotations

import datetime as dt
import secrets
import socket

import pytest

from nrr_core import stores
from nrr_core.errors import NrrError
from nrr_core.insight import ChurnReason, ReasonStore
from nrr_core.review.decisions import Decision, DecisionStore
from nrr_core.steering import Target, TargetStore
from tests import postgres
from tests.conftest import refused_as_append_only, run_directly

T0 = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.timezone.utc)


def test_postgresql_refuses_update_delete_and_truncate_on_every_store_table(postgres_server):
    url = postgres_server.new_database()
    DecisionStore(url).record(Decision("A1", "watch", "Ana"), now=T0)
    ReasonStore(url).record(ChurnReason("A1", "2025-11", "price", "Ana"), now=T0)
    TargetStore(url).record(Target("company", "", "2026", "nrr", 1.05), "Ana", now=T0)
    for table, column, what in (("decisions", "status", "review decisions"), ("churn_reasons", "reason", "churn reasons"),
                                ("targets", "source", "targets")):
        refused_as_append_only(url, f"UPDATE {table} SET {column} = 'x'")
        refused_as_append_only(url, f"UPDATE {table} SET {column} = 'x' WHERE false")  # even of no row
        refused_as_append_only(url, f"DELETE FROM {table}")
        refused_as_append_only(url, f"TRUNCATE {table}")
        with pytest.raises(Exception, match=f"^{what} are append-only"):
            run_directly(url, f"TRUNCATE {table} CASCADE")
    assert DecisionStore(url).every().status.tolist() == ["watch"]
    assert ReasonStore(url).every().reason.tolist() == ["price"]
    assert TargetStore(url).history().source.tolist() == ["app"]


def test_postgresql_returns_the_same_frames_as_sqlite(postgres_server, tmp_path):
    url = postgres_server.new_database()
    frames = []
    for where in (tmp_path / "decisions.sqlite", url):
        store = DecisionStore(where)
        store.record(Decision("A1", "at risk", "Ana", department="Product", due_date=dt.date(2026, 12, 15),
                              note="日本 <b>", book_month="2026-10", forecast_call="likely"), now=T0)
        store.record(Decision("A1", "watch", "Bo"), now=T0)
        targets = TargetStore(where if isinstance(where, str) else tmp_path / "targets.sqlite")
        targets.record([Target("segment", "SMB", "2026-Q3", "grr", 0.9)], "Ana", now=T0)
        frames.append((store.latest(), store.history("A1"), store.every(), store.version(), targets.in_force()))
    (lite, pg) = frames
    for a, b in zip(lite[:3] + lite[4:], pg[:3] + pg[4:]):
        assert a.columns.tolist() == b.columns.tolist()
        assert a.astype(object).values.tolist() == b.astype(object).values.tolist()
    assert lite[3] == pg[3] == 2


def test_an_app_role_granted_only_select_and_insert_records_but_cannot_lift_the_guard(postgres_server):
    import psycopg
    from psycopg import sql

    owner_url = postgres_server.new_database()
    stores.create_tables(owner_url)  # as the administrator
    role = f"app_{secrets.token_hex(4)}"
    with psycopg.connect(owner_url, autocommit=True) as con:
        con.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role),
                                                                        sql.Literal(postgres_server.password)))
        con.execute(sql.SQL("GRANT SELECT, INSERT ON decisions, churn_reasons, targets TO {}").format(sql.Identifier(role)))
        con.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(sql.Identifier(role)))
    app_url = owner_url.replace(f"//{postgres.USER}@", f"//{role}@")
    DecisionStore(app_url).record(Decision("A1", "watch", "Ana"), now=T0)
    ReasonStore(app_url).record(ChurnReason("A1", "2025-11", "price", "Ana"), now=T0)
    TargetStore(app_url).record(Target("company", "", "2026", "nrr", 1.05), "Ana", now=T0)
    assert DecisionStore(app_url).latest().status.tolist() == ["watch"] and DecisionStore(app_url).version() == 1
    for statement in ("ALTER TABLE decisions DISABLE TRIGGER decisions_append_only",
                      "DROP TRIGGER targets_append_only ON targets", "DROP TABLE churn_reasons",
                      "UPDATE decisions SET status = 'healthy'", "TRUNCATE targets"):
        with pytest.raises(psycopg.Error, match="must be owner|permission denied|append-only"):
            run_directly(app_url, statement)
    assert DecisionStore(owner_url).every().status.tolist() == ["watch"]
    assert len(ReasonStore(owner_url).every()) == len(TargetStore(owner_url).history()) == 1


def test_a_store_url_with_a_password_is_refused_without_echoing_it():
    for url in ("postgresql://nrr:s3cret-pw@db.internal:5432/nrr", "postgresql://nrr@db:5432/nrr?password=s3cret-pw"):
        with pytest.raises(NrrError) as refused:
            DecisionStore(url)
        assert "holds a password: remove it and set PGPASSWORD or PGPASSFILE" in str(refused.value)
        assert "s3cret-pw" not in str(refused.value)


@pytest.mark.parametrize("url, problem", [
    ("postgresql:///nrr", "names no host"),
    ("postgresql://nrr@db.internal:5432", "names no database"),
    ("postgresql://nrr@db.internal:5432/", "names no database"),
    ("postgresql://nrr@db.internal:port/nrr", "is malformed"),
    ("postgres://nrr@db.internal:99999/nrr", "is malformed"),
])
def test_a_malformed_store_url_is_one_line_saying_what_is_missing(url, problem):
    with pytest.raises(NrrError) as refused:
        stores.place(url)
    message = str(refused.value)
    assert problem in message and "\n" not in message
    assert message.endswith("write it as postgresql://user@host:port/database, the password in PGPASSWORD "
                            "or PGPASSFILE")


def test_an_unreachable_server_is_one_line_naming_the_store(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "not-shown-anywhere")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://nrr@127.0.0.1:{port}/nrr"
    for attempt in (lambda: DecisionStore(url).latest(), lambda: DecisionStore(url).record(Decision("A1", "watch", "A")),
                    lambda: TargetStore(url).in_force()):
        with pytest.raises(NrrError) as failed:
            attempt()
        message = str(failed.value)
        assert message.startswith("cannot reach the ") and f" at {url}: " in message
        assert "refused" in message.lower() and "\n" not in message and "not-shown-anywhere" not in message


def test_a_wrong_password_is_one_line_without_the_password(postgres_server, monkeypatch):
    url = postgres_server.new_database()
    monkeypatch.setenv("PGPASSWORD", "wrong-password-123")
    with pytest.raises(NrrError) as failed:
        DecisionStore(url).latest()
    message = str(failed.value)
    assert message.startswith(f"cannot reach the decisions store at {url}: ")
    assert "password authentication failed" in message
    assert "\n" not in message and "wrong-password-123" not in message


def test_a_reader_of_an_empty_postgresql_store_sees_nothing_and_version_zero(postgres_server):
    url = postgres_server.new_database()
    assert DecisionStore(url).latest().empty and DecisionStore(url).version() == 0
    assert ReasonStore(url).every().empty and TargetStore(url).in_force().empty


def test_settings_put_decisions_and_targets_in_one_postgresql_database(tmp_path, monkeypatch):
    from ui.settings import load_settings

    config = tmp_path / "nrr.toml"
    config.write_text('[data]\ndecisions = "postgresql://nrr@db.internal:5432/nrr"\n')
    monkeypatch.setenv("NRR_CONFIG", str(config))
    monkeypatch.delenv("NRR_DECISIONS", raising=False)
    settings = load_settings()
    assert settings.decisions_path == settings.targets_path == "postgresql://nrr@db.internal:5432/nrr"
    assert stores.shown(settings.decisions_path) == "postgresql://nrr@db.internal:5432/nrr"
    config.write_text('[data]\ndecisions = "postgresql://nrr:hunter2@db.internal/nrr"\n')
    with pytest.raises(NrrError) as refused:
        load_settings()
    assert str(refused.value).startswith(f"{config}: [data] decisions: the store URL ")
    assert "hunter2" not in str(refused.value)
    monkeypatch.setenv("NRR_DECISIONS", "postgresql://app@127.0.0.1:5433/shared")
    config.write_text('[data]\ntargets = "targets/t.sqlite"\n')
    settings = load_settings()
    assert settings.decisions_path == "postgresql://app@127.0.0.1:5433/shared"
    assert settings.targets_path.name == "t.sqlite"


def test_a_sqlite_store_is_still_the_default_beside_the_book(tmp_path, monkeypatch):
    from ui.settings import load_settings

    monkeypatch.setenv("NRR_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("NRR_DB", str(tmp_path / "book" / "nrr.duckdb"))
    monkeypatch.delenv("NRR_DECISIONS", raising=False)
    settings = load_settings()
    assert settings.decisions_path == tmp_path / "book" / "decisions.sqlite"
    assert settings.targets_path == tmp_path / "book" / "targets.sqlite"
    assert not stores.exists(settings.decisions_path)


def test_a_table_gone_under_a_running_app_is_one_line_not_a_traceback(postgres_server):
    url = postgres_server.new_database()
    store = DecisionStore(url)
    store.record(Decision("A1", "watch", "Ana"), now=T0)
    run_directly(url, "DROP TABLE decisions")  # the owner may; a role granted only SELECT and INSERT may not
    with pytest.raises(NrrError) as failed:
        store.latest()
    assert str(failed.value) == f'cannot read the decisions store at {url}: relation "decisions" does not exist'


def test_reads_reuse_a_login_and_survive_a_server_restart(postgres_server):
    url = postgres_server.new_database()
    store = DecisionStore(url)
    store.record(Decision("A1", "watch", "Ana"), now=T0)
    assert store.version() == 1
    with postgres_server.connect() as admin:
        def logins():
            return admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                 (url.rsplit("/", 1)[1],)).fetchone()[0]
        kept = logins()
        for _ in range(5):
            store.latest()
        assert logins() == kept == 1  # five reads, one kept connection
    postgres_server.restart()  # the kept connection is now broken
    assert store.latest().status.tolist() == ["watch"]
    store.record(Decision("A1", "healthy", "Bo"), now=T0)
    assert store.version() == 2
