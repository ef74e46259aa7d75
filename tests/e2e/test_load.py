"""A smaller run of benchmarks/load_test.py in CI: several browser sessions at
once, and a data reload while they render (the full run uses 20 sessions)."""
import shutil

import pytest

pytestmark = pytest.mark.browser

if not shutil.which("chromium"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)


def test_concurrent_sessions_and_a_reload_lose_nothing_and_never_mix_data():
    from benchmarks.load_test import run

    result = run(sessions=5, rounds=1, reload=True, timeout_s=300)
    assert result["errors"] == []
    assert result["server_errors"] == []  # no traceback, no "connection is busy"
    assert result["mixed_views"] == []
    assert result["views"] >= 5 * 4
    assert set(result["versions_seen"]) <= {result["old_version"], result["new_version"]}
    assert result["new_data_seen_after_reload"] is True
