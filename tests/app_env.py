"""The app's environment for a test module: NRR_DB (and, where given, the
decisions store and nrr.toml) pointed at a test book, with Streamlit's caches
empty before and after, so no module sees another module's book."""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import streamlit as st


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@contextlib.contextmanager
def serving(book: Path, *, decisions: Path | None = None, config: Path | None = None):
    """Within the block the app reads ``book`` (and ``decisions``, ``config``); yields ``book``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NRR_DB", str(book))
        if decisions is not None:
            mp.setenv("NRR_DECISIONS", str(decisions))
        if config is not None:
            mp.setenv("NRR_CONFIG", str(config))
        clear_caches()
        try:
            yield book
        finally:
            clear_caches()
