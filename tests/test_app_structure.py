"""The app's shape, checked without running it.

- One rule names the pages: every ``st.Page`` (ui/navigation.py) is
  ``pages/<url_path with - as _>_page.py``, every file in pages/ is declared,
  and (so) the name Streamlit derives from the file differs from the url_path
  (docs/engineering-notes.md, "pages/ and AppTest": when they match, AppTest
  and a cold deep link run the page without app.py and the sidebar filters
  vanish).
- Every page's first statement is the frame guard; app.py uses no Streamlit
  internals (the first-run work-around lives in ui/navigation.py).
- Pages are thin: no database, SQL or pandas in pages/*.py.
- nrr_core never imports streamlit.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
NAVIGATION = ROOT / "ui" / "navigation.py"  # pages(): the st.Page list app.py navigates
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))
CORE_FILES = sorted((ROOT / "nrr_core").rglob("*.py"))

# Streamlit's page-name pattern (streamlit.source_util.PAGE_FILENAME_REGEX):
# optional leading digits, then separators, then the name.
_PAGE_FILENAME = re.compile(r"([0-9]*)[_ -]*(.*)\.py")
SQL_KEYWORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ALTER|JOIN|WHERE|GROUP BY|ORDER BY|"
                          r"UNION|WITH RECURSIVE|PRAGMA|ATTACH|COPY)\b")


def derived_name(file_name: str) -> str:
    """The url path Streamlit infers for a page file: ``1_foo_bar.py`` -> ``foo_bar``."""
    m = _PAGE_FILENAME.search(file_name)
    assert m, file_name
    return re.sub(r"[_ ]+", "_", m.group(2)).strip() or m.group(1)


def _is_st_page(call: ast.Call) -> bool:
    f = call.func
    return (isinstance(f, ast.Attribute) and f.attr == "Page") or (isinstance(f, ast.Name) and f.id == "Page")


def st_pages() -> list[tuple[str, str | None, int]]:
    """(page file, url_path or None, line) for every st.Page(...) call in ui/navigation.py's pages()."""
    tree = ast.parse(NAVIGATION.read_text(encoding="utf-8"), filename=str(NAVIGATION))
    (func,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "pages"]
    found = []
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and _is_st_page(node):
            page = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "page"), None)
            assert isinstance(page, ast.Constant) and isinstance(page.value, str), \
                f"navigation.py:{node.lineno}: st.Page needs a literal file path"
            url = next((k.value for k in node.keywords if k.arg == "url_path"), None)
            if url is not None:
                assert isinstance(url, ast.Constant) and isinstance(url.value, str), \
                    f"navigation.py:{node.lineno}: url_path must be a literal string"
                url = url.value
            found.append((page.value, url, node.lineno))
    return found


def test_derived_name_follows_streamlit():
    assert derived_name("nrr_overview.py") == "nrr_overview"
    assert derived_name("1_nrr_overview.py") == "nrr_overview"
    assert derived_name("02-churn expansion.py") == "churn_expansion"
    assert derived_name("3.py") == "3"


def test_app_declares_every_page_file():
    pages = st_pages()
    assert len(pages) >= 4
    declared = {(ROOT / path).resolve() for path, _, _ in pages}
    assert declared == {p.resolve() for p in PAGE_FILES}, "pages/ and ui/navigation.py's st.Page list differ"


@pytest.mark.parametrize("path,url_path,line", st_pages(), ids=[p for p, _, _ in st_pages()])
def test_page_file_is_its_url_path_plus_the_suffix(path, url_path, line):
    file = ROOT / path
    assert file.is_file(), f"navigation.py:{line}: {path} does not exist"
    assert url_path, f"navigation.py:{line}: st.Page({path!r}) needs an explicit url_path"
    clean = url_path.strip().strip("/")
    assert path == f"pages/{clean.replace('-', '_')}_page.py", (
        f"navigation.py:{line}: the page at /{clean} must be pages/{clean.replace('-', '_')}_page.py, not {path}")
    # What the rule is for: the name Streamlit derives from the file never equals the URL.
    for name in {derived_name(file.name), file.stem}:
        assert clean.lower() != name.lower(), (
            f"navigation.py:{line}: url_path {url_path!r} equals the name Streamlit derives from {path} ({name!r})")


def test_url_paths_are_unique():
    urls = [u.strip().strip("/") for _, u, _ in st_pages() if u]
    assert len(urls) == len(set(urls))


@pytest.mark.parametrize("page", PAGE_FILES, ids=[p.name for p in PAGE_FILES])
def test_every_page_starts_with_the_frame_guard(page):
    """Nothing of a page runs before ui.frame.require_frame() (see tests/test_page_guard.py)."""
    body = ast.parse(page.read_text(encoding="utf-8"), filename=str(page)).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    assert len(body) >= 2, page.name
    first, second = body[0], body[1]
    assert isinstance(first, ast.ImportFrom) and first.module == "ui.frame" \
        and [a.name for a in first.names] == ["require_frame"], f"{page.name}:{first.lineno}: not the guard's import"
    assert isinstance(second, ast.Expr) and isinstance(second.value, ast.Call) \
        and isinstance(second.value.func, ast.Name) and second.value.func.id == "require_frame" \
        and not second.value.args, f"{page.name}:{second.lineno}: require_frame() must come first"


def test_app_uses_no_streamlit_internals():
    text = APP.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(text, filename=str(APP))):
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith(("streamlit.runtime", "streamlit.web", "unittest")), \
                f"app.py:{node.lineno} imports {node.module}"
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith(("streamlit.runtime", "unittest")) for a in node.names), node.lineno
    for word in ("PagesManager", "Runtime", "NonCallableMock", "_instance", "switch_page"):
        assert word not in text, f"app.py mentions {word}"


@pytest.mark.parametrize("page", PAGE_FILES, ids=[p.name for p in PAGE_FILES])
def test_pages_are_thin(page):
    text = page.read_text(encoding="utf-8")
    assert "duckdb" not in text.lower(), f"{page.name} uses duckdb"
    assert "execute(" not in text, f"{page.name} runs queries"
    hit = SQL_KEYWORDS.search(text)
    assert not hit, f"{page.name} holds SQL ({hit.group(0)!r})"
    tree = ast.parse(text, filename=str(page))
    for node in ast.walk(tree):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        for name in names:
            root = name.split(".")[0]
            assert root not in ("pandas", "duckdb", "sqlite3"), f"{page.name}:{node.lineno} imports {name}"
    assert not re.search(r"^\s*(import pandas|from pandas)", text, re.M), f"{page.name} imports pandas"


def test_nrr_core_never_imports_streamlit():
    assert CORE_FILES
    offenders = []
    for file in CORE_FILES:
        text = file.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text, filename=str(file))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{file.relative_to(ROOT)}:{node.lineno} {n}" for n in names
                          if n.split(".")[0] == "streamlit"]
        # Also dynamic forms: importlib.import_module("streamlit"), __import__("streamlit").
        offenders += [f"{file.relative_to(ROOT)} {m.group(0)}"
                      for m in re.finditer(r"""(import_module|__import__)\(\s*['"]streamlit""", text)]
    assert not offenders, offenders


VIEW_FILES = sorted((ROOT / "ui" / "review").glob("*.py")) + sorted((ROOT / "ui" / "data_page").glob("*.py")) + sorted(
    (ROOT / "ui" / "forecast").glob("*.py"))


@pytest.mark.parametrize("page", PAGE_FILES + VIEW_FILES, ids=[p.name for p in PAGE_FILES + VIEW_FILES])
def test_pages_call_nrr_core_functions_not_names(page):
    """``data.get(metrics.breakdown, ...)``, never ``data.query("breakdown", ...)``:
    a reader can jump from the page to the function."""
    text = page.read_text(encoding="utf-8")
    assert "data.query(" not in text, f"{page.name} calls data.query by name"


def test_frame_calls_nrr_core_functions_not_names():
    assert "data.query(" not in (ROOT / "ui" / "frame.py").read_text(encoding="utf-8")
