"""The Data page through AppTest: who may use it, the upload cap, a bad file
listing its problems and changing nothing, a good upload previewed and
published, and a rollback after a confirmation.

Each test gets its own small demo book (not published through the history,
as on a first start), its own nrr.toml, and cleared Streamlit caches (settings
and connections are cached per process).
"""
from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nrr_core import NrrError, db, metrics, versions
from nrr_core.demo.book import generate_book, write_demo
from ui.data_page import access, roles
from ui.settings import ROOT, Settings, load_settings
from ui.view import plain

from .test_auth import AUTH

DATA_PAGE = "pages/data_page.py"
OWNER = "ana@example.com"


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A demo book (60 accounts) and a writer of nrr.toml, both in tmp_path."""
    book = tmp_path / "data" / "nrr.duckdb"
    book.parent.mkdir()
    write_demo(book, n_accounts=60, n_months=15)
    config = tmp_path / "nrr.toml"
    monkeypatch.setenv("NRR_DB", str(book))
    monkeypatch.setenv("NRR_CONFIG", str(config))
    monkeypatch.setenv("NRR_DECISIONS", str(tmp_path / "data" / "decisions.sqlite"))

    def configure(text: str = "") -> Path:
        config.write_text(text, encoding="utf-8")
        st.cache_data.clear()
        st.cache_resource.clear()
        return book

    yield configure
    st.cache_data.clear()
    st.cache_resource.clear()


OPEN = "[data_page]\nopen_mode = true\n"


def data_page(user=None, secrets=None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60)
    if secrets:
        at.secrets["auth"] = secrets
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception
    at.switch_page(DATA_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def new_files(tmp_path, seed=3, n_accounts=80, n_months=16) -> dict[str, Path]:
    return generate_book(tmp_path / f"in{seed}", n_accounts=n_accounts, n_months=n_months, seed=seed)


def upload(at: AppTest, *files: Path | tuple[str, bytes]) -> AppTest:
    items = [(f.name, f.read_bytes(), "text/csv") if isinstance(f, Path) else (f[0], f[1], "text/csv")
             for f in files]
    at.file_uploader[0].set_value(items).run()
    assert not at.exception
    return at


def as_owner_in_open_mode(at: AppTest, name="ana") -> AppTest:
    at.text_input(key=access.NAME_KEY).set_value(name).run()
    return at


def refused(at: AppTest) -> bool:
    """The page drew its title and one refusal, and nothing to load data with."""
    return (not at.file_uploader and not at.main.button and [t.value for t in at.title] == ["Data"]
            and len(at.warning) == 1)


# --------------------------------------------------------------------------- access

def test_in_open_mode_the_data_page_is_off_by_default_and_refuses_at_its_url(site):
    site()
    assert not access.visible(None)
    at = data_page()
    assert refused(at)
    assert "open_mode = true" in at.warning[0].value


def test_in_open_mode_the_setting_turns_the_data_page_on(site):
    site(OPEN)
    assert access.visible(None)
    at = data_page()
    assert at.file_uploader and not at.warning
    assert at.text_input(key=access.NAME_KEY).label.startswith("Your name")


@pytest.mark.parametrize("email, allowed", [(OWNER, True), ("ANA@Example.com", True), ("bo@example.com", False)])
def test_with_sign_in_only_the_listed_data_owners_see_the_page(site, email, allowed):
    site(f'[data_page]\nowners = ["{OWNER}"]\nopen_mode = true\n')
    at = data_page(user={"is_logged_in": True, "email": email}, secrets=AUTH)
    assert refused(at) is not allowed
    if allowed:
        assert any(f"recorded as {plain(email)}" in c.value for c in at.caption)
    else:
        assert "data owners" in at.warning[0].value


def test_the_access_rule_in_every_mode():
    owners = (OWNER,)
    assert access.refusal(None, signed_in=False, owners=owners, open_mode=False)
    assert access.refusal(None, signed_in=False, owners=owners, open_mode=True) is None
    assert access.refusal(OWNER, signed_in=True, owners=owners, open_mode=False) is None
    assert access.refusal("bo@example.com", signed_in=True, owners=owners, open_mode=True)
    assert access.refusal(None, signed_in=True, owners=(), open_mode=True)  # signed in, nobody listed


# --------------------------------------------------------------------------- upload, check, publish

def test_a_file_over_the_upload_cap_is_refused_with_its_name_and_the_cap(site, tmp_path):
    site(OPEN + "max_upload_mb = 1\n")
    big = tmp_path / "huge_accounts.csv"
    big.write_text("account_id,name,segment\n" + "A1,Alpha,SMB\n" * 100_000, encoding="utf-8")
    at = upload(as_owner_in_open_mode(data_page()), big)
    (error,) = at.error
    assert "huge\\_accounts\\.csv" in error.value and "upload limit of 1 MB" in error.value
    assert at.button(key="check").disabled


def test_a_bad_file_lists_file_line_and_reason_and_changes_nothing(site, tmp_path):
    book = site(OPEN)
    before = book.read_bytes()
    files = new_files(tmp_path)
    bad_mrr = tmp_path / "mrr.csv"
    lines = files["mrr"].read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",abc"
    bad_mrr.write_text("\n".join(lines) + "\n", encoding="utf-8")
    at = upload(as_owner_in_open_mode(data_page()), files["accounts"], bad_mrr)
    at.button(key="check").click().run()
    assert not at.exception
    assert "Nothing was changed" in at.error[0].value
    problems = [t.value for t in at.text if t.value.startswith("mrr.csv:")]
    assert problems == ["mrr.csv: line 4: mrr 'abc' is not a number"]
    assert "publish" not in [b.key for b in at.button] and not at.metric
    assert book.read_bytes() == before
    assert versions.history(book) == []
    assert [p.name for p in book.parent.iterdir() if ".snap-" not in p.name] == ["nrr.duckdb"]  # no staged book
    assert not list(Path(tempfile.gettempdir()).glob("nrr-upload-*"))


def test_every_header_problem_is_listed_before_anything_is_loaded(site, tmp_path):
    book = site(OPEN)
    files = new_files(tmp_path)
    stray = ("notes.csv", b"when,what\n2026-01-01,hello\n")
    no_month = ("signals.csv", b"account_id,nps\nA00001,9\n")
    at = upload(as_owner_in_open_mode(data_page()), files["accounts"], files["mrr"], stray, no_month)
    (signals_role,) = [s for s in at.selectbox if s.label == "Role of signals.csv"]
    assert signals_role.value == "accounts"  # account_id alone looks like a light accounts file
    signals_role.set_value("signals").run()
    at.button(key="check").click().run()
    problems = [t.value for t in at.text if t.value.startswith(("notes.csv:", "signals.csv:"))]
    assert problems == ["notes.csv: line 1: its columns match none of the inputs; pick what this file is",
                        "signals.csv: line 1: missing required column(s): month"]
    assert versions.history(book) == []


def test_a_good_upload_previews_against_the_book_in_force_and_publishes(site, tmp_path):
    book = site(OPEN)
    files = new_files(tmp_path)
    at = upload(as_owner_in_open_mode(data_page()), files["accounts"], files["mrr"], files["signals"])
    assert [s.value for s in at.selectbox if s.key.startswith("role_")] == ["accounts", "mrr", "signals"]
    at.button(key="check").click().run()
    assert not at.error
    assert not list(Path(tempfile.gettempdir()).glob("nrr-upload-*"))  # the saved uploads are gone already
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Accounts"] == "80" and tiles["ARR"].startswith("$")
    assert at.metric[0].proto.delta == "+20 vs now"  # 80 accounts against the 60 in force
    assert at.dataframe[0].value.shape[0] == 20  # the largest per-account differences
    at.button(key="publish").click().run()
    assert not at.exception
    assert "Published version 1" in at.success[0].value
    (row,) = versions.history(book)
    assert (row.version, row.action, row.who) == (1, "load", "ana")
    assert [f.name for f in row.files] == ["accounts.csv", "mrr.csv", "signals.csv"]
    con = db.connect_read_only(book)
    try:
        assert metrics.book_info(con).accounts == 80
    finally:
        con.close()
    assert any("80 accounts" in c.value for c in at.sidebar.caption)  # the frame moved to the new book
    assert not at.file_uploader[0].value  # the uploader is empty again


def test_rolling_back_asks_for_confirmation_then_restores_the_version(site, tmp_path):
    book = site(OPEN)
    first = versions.publish(versions.stage(book, **new_files(tmp_path, seed=3)), book, "ana")
    versions.publish(versions.stage(book, **new_files(tmp_path, seed=4, n_accounts=90)), book, "bo")
    at = as_owner_in_open_mode(data_page(), "cy")
    assert any("90 accounts" in c.value for c in at.sidebar.caption)
    assert [b.key for b in at.button if b.key.startswith("rollback_")] == ["rollback_1"]
    at.button(key="rollback_1").click().run()
    assert "Roll back to version 1" in at.warning[0].value
    assert versions.history(book)[-1].version == 2  # nothing happens before the confirmation
    at.button(key="rollback_confirm").click().run()
    assert not at.exception
    assert "Version 1 is in force again" in at.success[0].value
    last = versions.history(book)[-1]
    assert (last.version, last.action, last.who, last.arr) == (1, "rollback", "cy", first.arr)
    assert any("80 accounts" in c.value for c in at.sidebar.caption)


def test_cancel_leaves_the_book_in_force(site, tmp_path):
    book = site(OPEN)
    versions.publish(versions.stage(book, **new_files(tmp_path, seed=3)), book, "ana")
    versions.publish(versions.stage(book, **new_files(tmp_path, seed=4)), book, "bo")
    at = as_owner_in_open_mode(data_page())
    at.button(key="rollback_1").click().run()
    at.button(key="rollback_cancel").click().run()
    assert not at.warning and versions.history(book)[-1].version == 2


# --------------------------------------------------------------------------- roles and settings

@pytest.mark.parametrize("header, role", [
    ("account_id,name,segment,region", "accounts"), ("Customer ID", "accounts"),
    ("account_id,product,month,mrr", "mrr"), ("customer_id;start_date;end_date;monthly_amount", "subscriptions"),
    ("customer_id,service_period_start,service_period_end,amount,currency", "invoice lines"),
    ("account_id,month,seats_licensed,nps", "signals"), ("currency,rate", "fx"), ("when,what", None),
    ("account_id,csm_owner,from_month", "owners"), ("account_id,month,reason,notes", "churn reasons"),
    ("id,Customer ID,Status,Amount,Currency,Interval,Start Date (UTC),Current Period End (UTC)", "billing")])
def test_a_files_role_is_detected_from_its_header(header, role):
    assert roles.detected("file.csv", header.encode() + b"\n1,2\n")[0] == role


def test_a_billing_upload_says_which_export_it_was_taken_for_and_an_unknown_one_why_not():
    stripe = b"id,Customer ID,Status,Amount,Currency,Interval,Start Date (UTC),Current Period End (UTC)\n"
    assert roles.detected("subs.csv", stripe) == ("billing", "Stripe subscriptions export")
    role, words = roles.detected("x.csv", b"when,what\n1,2\n")
    assert role is None and words.startswith("not a file we know (header 'when', 'what'); closest: ")


def test_the_upload_cap_default_and_streamlits_limit_agree_and_the_server_binds_loopback():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == Settings().max_upload_mb
    assert config["server"]["address"] == "127.0.0.1"


@pytest.mark.parametrize("line, words", [
    ("max_upload_mb = 0", "max_upload_mb must be a whole number"),
    ("keep_versions = 'five'", "keep_versions must be a whole number"),
    ("owners = 'ana@example.com'", "owners must be a list of e-mail addresses"),
    ("open_mode = 'yes'", "open_mode must be true or false")])
def test_a_bad_data_page_setting_is_one_message_naming_the_file_and_key(tmp_path, monkeypatch, line, words):
    config = tmp_path / "nrr.toml"
    config.write_text(f"[data_page]\n{line}\n", encoding="utf-8")
    monkeypatch.setenv("NRR_CONFIG", str(config))
    with pytest.raises(NrrError, match=words) as err:
        load_settings()
    assert str(err.value).startswith(f"{config}: [data_page]")


def test_data_page_settings_are_read_from_nrr_toml(tmp_path, monkeypatch):
    config = tmp_path / "nrr.toml"
    config.write_text('[data_page]\nowners = ["Ana@Example.com"]\nopen_mode = true\nmax_upload_mb = 50\n'
                      "keep_versions = 3\n", encoding="utf-8")
    monkeypatch.setenv("NRR_CONFIG", str(config))
    s = load_settings()
    assert (s.data_owners, s.data_open_mode, s.max_upload_mb, s.keep_versions) == ((OWNER,), True, 50, 3)
    assert Settings().keep_versions == versions.DEFAULT_KEEP and not Settings().data_open_mode
