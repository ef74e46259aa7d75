"""Upload: the files, each file's role and billing format (detected from its
header by ``nrr_core.imports``, changeable), and for an accounts file the
mapping of its columns onto ours.

Nothing is written here: the files stay in memory until *Check* saves them to
a private temporary folder (``check_view``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from .. import view
from . import roles

UPLOADS = "data_uploads"  # the uploader's key, plus a counter: a new key empties it after a publish
UPLOADS_ROUND = "_data_uploads_round"
NO_COLUMN = "(none)"


@dataclass(frozen=True)
class Upload:
    """One uploaded file, its chosen role and (accounts) column mapping."""

    file_id: str
    name: str
    content: bytes = field(repr=False)
    role: str | None
    columns: tuple[str, ...]
    mapping: tuple[tuple[str, str], ...] = ()  # (their column, our column)
    detected: str = ""  # what the header was taken for, in words (or why it fits nothing)
    billing_format: str | None = None  # a billing export's format when the user forces one

    @property
    def size(self) -> int:
        return len(self.content)


def effective_cap_mb(configured_mb: int) -> int:
    """The upload cap: nrr.toml's [data_page] max_upload_mb, never above
    server.maxUploadSize (Streamlit refuses larger files before the app)."""
    return max(1, min(int(configured_mb), int(st.get_option("server.maxUploadSize"))))


def too_big(name: str, size: int, cap_mb: int) -> str | None:
    """The message for a file over the cap, naming the file and the cap; None if it fits."""
    if size <= cap_mb * 1024 * 1024:
        return None
    return (f"{name}: the file is {size / 1024 / 1024:,.1f} MB, over the upload limit of {cap_mb} MB "
            f"([data_page] max_upload_mb in nrr.toml). Nothing was loaded.")


def new_round() -> None:
    """Empty the uploader (after a publish)."""
    st.session_state[UPLOADS_ROUND] = st.session_state.get(UPLOADS_ROUND, 0) + 1


def draw(cap_mb: int) -> tuple[list[Upload], list[str]]:
    """The uploader and each file's role; returns (uploads that fit, size problems)."""
    key = f"{UPLOADS}_{st.session_state.get(UPLOADS_ROUND, 0)}"
    files = st.file_uploader(
        "Input files (CSV)", type=["csv"], accept_multiple_files=True, key=key, max_upload_size=cap_mb,
        help="accounts.csv with mrr.csv or subscriptions.csv, optionally signals.csv; the columns are in the "
             f"README. At most {cap_mb} MB per file.") or []
    uploads, problems = [], []
    for f in files:
        problem = too_big(f.name, f.size, cap_mb)
        if problem:
            problems.append(problem)
            continue
        content = f.getvalue()
        columns = roles.header(content)
        role, words = roles.detected(f.name, content[: 1 << 16])
        uploads.append(Upload(f.file_id, f.name, content, role, tuple(columns), detected=words))
    if not uploads:
        return [], problems
    st.markdown("**What each file is**")
    names = [r.name for r in roles.ROLES]
    chosen = []
    for u in uploads:
        left, right = st.columns([3, 2], vertical_alignment="center")
        left.text(f"{u.name} · {u.size:,} bytes · detected: {u.detected}\ncolumns: {', '.join(u.columns[:8])}"
                  f"{' …' if len(u.columns) > 8 else ''}")
        role = right.selectbox(f"Role of {u.name}", names, index=names.index(u.role) if u.role in names else None,
                               key=f"role_{u.file_id}", placeholder="Pick what this file is",
                               label_visibility="collapsed")
        forced = None
        if role == "billing":
            formats = [None, *roles.BILLING_FORMATS]
            forced = right.selectbox(f"Format of {u.name}", formats, key=f"format_{u.file_id}",
                                     format_func=roles.format_title, label_visibility="collapsed",
                                     help="The billing system the file was exported from; by default its header "
                                          "decides.")
        chosen.append(Upload(u.file_id, u.name, u.content, role, u.columns, detected=u.detected,
                             billing_format=forced))
    return [_with_mapping(u) if u.role == "accounts" else u for u in chosen], problems


def _with_mapping(u: Upload) -> Upload:
    """The accounts file's columns mapped onto ours (their header -> our column)."""
    defaults = roles.accounts_defaults(list(u.columns))
    options = [NO_COLUMN] + list(u.columns)
    mapping = []
    with st.expander(f"Columns of {u.name}", expanded=any(defaults[c] is None for c in roles.ACCOUNTS.required)):
        st.caption("Which of the file's columns holds each of ours. Required: account_id, name, segment "
                   "(with subscriptions only account_id). Columns not chosen here are kept as extra attributes.")
        grid = st.columns(4)
        for i, ours in enumerate(roles.ACCOUNT_FIELDS):
            picked = grid[i % 4].selectbox(ours, options, index=options.index(defaults[ours] or NO_COLUMN),
                                           key=f"map_{u.file_id}_{ours}")
            if picked != NO_COLUMN:
                mapping.append((picked, ours))
    return Upload(u.file_id, u.name, u.content, u.role, u.columns, tuple(mapping))


def show_problems(problems: list[str]) -> None:
    for p in problems:
        st.error(view.plain(p), icon=":material/error:")
