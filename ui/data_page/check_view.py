"""Check, preview and publish the uploaded files.

*Check* saves the uploads to a private temporary folder (removed straight
after), stages a new book with ``nrr_core.versions.stage`` (a progress bar
follows the loader) and lists every problem with file, line and reason (the
command line's words). Nothing in force changes on a problem. A good check
shows the new book against the one in force; *Publish* puts it in force.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from nrr_core import NrrError, versions

from .. import data, view
from . import roles, upload_view
from .upload_view import Upload

HELD = "_data_staged"      # {"signature", "staged", "preview"} of the last good check
PROBLEMS = "_data_problems"  # (signature, [messages]) of the last failed check
MESSAGE = "_data_message"    # ("ok" | "error", text) shown once after a publish or rollback
REVENUE = ("mrr", "subscriptions", "invoice lines", "billing")


def _signature(uploads: list[Upload]) -> tuple:
    return tuple((u.file_id, u.role, u.mapping, u.billing_format) for u in uploads)


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.replace("\x00", "")
    return base if base and not base.startswith(".") else f"upload-{base.lstrip('.') or 'file'}.csv"


def _inputs(saved: list[tuple[Upload, Path]]) -> tuple[dict, list[str]]:
    """``load_book``'s keyword arguments for the saved files, and the problems
    found before loading (no role, a header the role cannot read, two files
    for one role, no revenue file)."""
    problems: list[str] = []
    inputs: dict = {}
    chosen = [u.role for u, _ in saved]
    # With subscriptions, invoice lines or billing an accounts file may be a bare customer list.
    with_subscriptions = bool({"subscriptions", "invoice lines", "billing"} & set(chosen))
    for u, path in saved:
        if u.role is None:
            problems.append(f"{u.name}: line 1: its columns match none of the inputs; pick what this file is")
            continue
        role = roles.BY_NAME[u.role]
        keyword = role.keyword
        if u.role == "accounts":
            mapped = {ours for _, ours in u.mapping}
            light = with_subscriptions and not {"name", "segment"} <= mapped
            keyword = "customers" if light else "accounts"
            missing = [c for c in (("account_id",) if light else roles.ACCOUNTS.required) if c not in mapped]
            if missing:
                problems.append(f"{u.name}: line 1: choose the file's column for {', '.join(missing)}")
                continue
            if roles.needs_mapping(dict(u.mapping)):
                inputs["accounts_map"] = dict(u.mapping)
                problem = None
            else:
                problem = roles.header_problem(path, "accounts", light_accounts=light)
        else:
            problem = roles.header_problem(path, u.role)
        if problem:
            problems.append(str(problem))
            continue
        if u.billing_format:
            if inputs.setdefault("billing_format", u.billing_format) != u.billing_format:
                problems.append(f"{u.name}: the billing files must be of one format")
                continue
        if role.many:
            inputs.setdefault(keyword, []).append(path)
        elif keyword in inputs:
            problems.append(f"{u.name}: only one {u.role} file can be loaded at a time "
                            f"({Path(inputs[keyword]).name} is one already)")
        else:
            inputs[keyword] = path
    if not problems and not any(r in REVENUE for r in chosen):
        problems.append("no revenue file: add an mrr, subscriptions, invoice lines or billing file")
    elif not problems and "mrr" in chosen and "accounts" not in chosen:
        problems.append("an mrr file needs an accounts file beside it (account_id, name, segment)")
    return inputs, problems


def _check(uploads: list[Upload], db_path: Path, signature: tuple) -> None:
    """Stage the uploads; keep the staged book and its preview, or the problems."""
    _discard()
    st.session_state.pop(PROBLEMS, None)
    bar = st.progress(0.0, text="Saving the files…")
    with tempfile.TemporaryDirectory(prefix="nrr-upload-") as tmp:  # private (0700), removed on leaving
        saved = []
        for i, u in enumerate(uploads):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / _safe_name(u.name)
            path.write_bytes(u.content)
            saved.append((u, path))
        inputs, problems = _inputs(saved)
        if not problems:
            steps, done = 2 * len(saved) + 1, [0]

            def progress(message: str) -> None:
                done[0] += 1
                bar.progress(min(done[0] / steps, 0.99), text=view.plain(message))

            try:
                staged = versions.stage(db_path, progress=progress, **inputs)
            except NrrError as exc:
                problems = [str(exc)]
    bar.empty()
    if problems:
        st.session_state[PROBLEMS] = (signature, problems)
        return
    try:
        preview = versions.preview(db_path, staged)
    except BaseException:
        staged.discard()
        raise
    st.session_state[HELD] = {"signature": signature, "staged": staged, "preview": preview}


def _discard() -> None:
    held = st.session_state.pop(HELD, None)
    if held:
        held["staged"].discard()


def draw(uploads: list[Upload], blocked: bool, who: str, currency: str) -> None:
    """The Check button, its problems or preview, and Publish."""
    settings = data.settings()
    signature = _signature(uploads)
    held = st.session_state.get(HELD)
    if held and (held["signature"] != signature or not held["staged"].exists):
        _discard()  # the files or roles changed since the check
        held = None
    if st.button("Check", type="primary", icon=":material/rule:", disabled=not uploads or blocked, key="check",
                 help="Reads and validates every file and builds the new book beside the one in force, "
                      "without replacing it."):
        _check(uploads, settings.db_path, signature)
        held = st.session_state.get(HELD)
    failed = st.session_state.get(PROBLEMS)
    if failed and failed[0] == signature:
        st.error(f"The files have {len(failed[1])} problem{'s' if len(failed[1]) != 1 else ''}. Nothing was "
                 "changed: the figures in force are as they were.", icon=":material/error:")
        for problem in failed[1]:
            st.text(problem)
    if held:
        _draw_preview(held["preview"], currency)
        if not who:
            st.caption("Type your name above to publish.")
        if st.button("Publish", type="primary", icon=":material/publish:", disabled=not who, key="publish",
                     help="Puts the new book in force for everyone (on their next click) and records it in "
                          "the load history."):
            _publish(held, settings, who)


def _publish(held: dict, settings, who: str) -> None:
    files = held["staged"].files
    try:
        version = versions.publish(held["staged"], settings.db_path, who, files, keep=settings.keep_versions)
    except NrrError as exc:
        st.session_state[MESSAGE] = ("error", str(exc))
    else:
        st.session_state[MESSAGE] = ("ok", f"Published version {version.version} ({version.file_names()}): "
                                           f"{version.accounts:,} accounts, {version.first_month} to "
                                           f"{version.as_of}. Every page shows it from the next click.")
        upload_view.new_round()
    _discard()
    st.session_state.pop(PROBLEMS, None)
    st.rerun()


def show_message() -> None:
    """The outcome of the last publish or rollback, once."""
    message = st.session_state.pop(MESSAGE, None)
    if message:
        (st.success if message[0] == "ok" else st.error)(view.plain(message[1]))


def _draw_preview(p: versions.Preview, currency: str) -> None:
    new, cur = p.staged, p.current
    st.subheader("The new book against the one in force")
    if cur is None:
        st.caption("There is no book in force yet: every account is new.")
    else:
        st.caption(f"In force now: {cur.first_month} to {cur.as_of} ({cur.months} months), {cur.accounts:,} "
                   f"accounts. New: {new.first_month} to {new.as_of} ({new.months} months), {new.accounts:,} "
                   "accounts. Figures at each book's as-of month.")
    since = "now"  # the deltas read "+30 vs now": against the book in force
    prev = (lambda name: None) if cur is None else (lambda name: getattr(cur, name))
    tiles = st.columns(5)
    tiles[0].metric("Accounts", f"{new.accounts:,}", None if cur is None else f"{new.accounts - cur.accounts:+,} vs "
                    f"{since}", border=True, help="Accounts with revenue in the book. The changes are against the book in force now.")
    view.tile(tiles[1], "ARR", new.arr, prev("arr"), "money", "12 × MRR at the as-of month", currency, since)
    view.tile(tiles[2], "NRR", new.nrr, prev("nrr"), "ratio",
              "Net revenue retention, trailing 12 months to the as-of month", currency, since)
    view.tile(tiles[3], "GRR", new.grr, prev("grr"), "ratio",
              "Gross revenue retention, trailing 12 months to the as-of month", currency, since)
    view.tile(tiles[4], "Logo retention", new.logo_retention, prev("logo_retention"), "ratio",
              "Accounts active 12 months earlier still active", currency, since)
    if p.differences.empty:
        view.nothing("No account's ARR differs between the two books.")
        return
    st.markdown("**Largest differences by account** (ARR at each book's as-of month)")
    view.table(p.differences, {
        "account_id": st.column_config.TextColumn("Account ID"),
        "name": st.column_config.TextColumn("Account"),
        "presence": st.column_config.TextColumn("In"),
        "arr_current": view.money_column("ARR in force", currency),
        "arr_new": view.money_column("ARR new", currency),
        "arr_change": view.change_column("Change", currency),
    }, key="differences")
