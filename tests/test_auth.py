"""Sign-in: the open mode says so; with [auth] configured nothing is shown
before sign-in, and allowed domains are enforced."""
import pytest
from streamlit.testing.v1 import AppTest

from ui.auth import email_allowed

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 48,
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration"}


@pytest.fixture(scope="module", autouse=True)
def book(tmp_path_factory):
    from nrr_core.cli import write_demo

    path = tmp_path_factory.mktemp("auth") / "nrr.duckdb"
    write_demo(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NRR_DB", str(path))
        yield path


def app(user=None, secrets=None, config=None, monkeypatch=None):
    at = AppTest.from_file("../app.py", default_timeout=60)
    if secrets:
        at.secrets["auth"] = secrets
    if user is not None:
        at.user = user
    return at.run()


def test_without_auth_the_app_runs_in_open_mode_and_says_so():
    at = app()
    assert not at.exception
    assert any("Open mode" in c.value for c in at.sidebar.caption)
    assert len(at.metric) == 4


def test_with_auth_configured_a_signed_out_viewer_sees_only_the_sign_in_button():
    at = app(user={"is_logged_in": False}, secrets=AUTH)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.metric) == 0 and not at.get("plotly_chart") and not at.dataframe


def test_a_signed_in_viewer_sees_the_figures_and_who_is_signed_in():
    at = app(user={"is_logged_in": True, "email": "ana@example.com"}, secrets=AUTH)
    assert not at.exception
    assert len(at.metric) == 4
    assert any("Signed in as ana@example.com" in c.value for c in at.sidebar.caption)
    assert not any("Open mode" in c.value for c in at.sidebar.caption)


def test_a_viewer_outside_the_allowed_domains_is_refused(tmp_path, monkeypatch):
    config = tmp_path / "nrr.toml"
    config.write_text('[auth]\nallowed_domains = ["example.com"]\n')
    monkeypatch.setenv("NRR_CONFIG", str(config))
    import streamlit as st

    st.cache_resource.clear()  # settings are cached per process
    try:
        at = app(user={"is_logged_in": True, "email": "eve@elsewhere.org"}, secrets=AUTH)
        assert not at.exception
        assert at.error and "not allowed" in at.error[0].value
        assert len(at.metric) == 0
        at = app(user={"is_logged_in": True, "email": "ana@sales.example.com"}, secrets=AUTH)
        assert len(at.metric) == 4 and not at.error
    finally:
        monkeypatch.delenv("NRR_CONFIG")
        st.cache_resource.clear()


@pytest.mark.parametrize("email, allowed", [
    ("ana@example.com", True), ("ANA@Example.COM", True), ("ana@eu.example.com", True),
    ("ana@example.com.evil.io", False), ("ana@notexample.com", False), ("example.com", False),
    ("a@b@example.com", False), (None, False), ("", False)])
def test_allowed_domains_match_the_address_domain_or_its_subdomains(email, allowed):
    assert email_allowed(email, ("example.com",)) is allowed


def test_no_allowed_domains_means_any_signed_in_viewer():
    assert email_allowed("anyone@anywhere.org", ())
