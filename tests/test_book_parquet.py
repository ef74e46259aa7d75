"""A book built as Parquet (``build --engine duckdb``) and loaded with
``load --parquet`` reports exactly what the direct load reports."""
from __future__ import annotations

import json

import pytest

from nrr_core import cli, engines
from nrr_core.engines import parquet, script
from nrr_core.errors import NrrError
from nrr_core.load import load_book

from .book_reports import differences, every_report
from .conftest import FIXTURE

FIXTURE_INPUTS = {"subscriptions": FIXTURE / "subscription_periods.csv", "customers": FIXTURE / "customers.csv"}


@pytest.fixture(scope="module")
def direct_reports(tmp_path_factory):
    path = tmp_path_factory.mktemp("direct") / "direct.duckdb"
    load_book(path, **FIXTURE_INPUTS)
    return every_report(path)


def test_a_fixture_book_built_as_parquet_and_loaded_reports_the_same_as_the_direct_load(tmp_path, direct_reports):
    summary = engines.build(tmp_path / "book", **FIXTURE_INPUTS)
    assert (summary.accounts, summary.mrr_rows, summary.first_month, summary.as_of_month) == (14, 217, "2023-01",
                                                                                          "2024-12")
    cli.main(["load", "--quiet", "--db", str(tmp_path / "via.duckdb"), "--parquet", str(tmp_path / "book")])
    via = every_report(tmp_path / "via.duckdb")
    assert via == direct_reports  # same engine, same numbers: the text is identical
    assert differences(direct_reports, via) == []


def test_the_parquet_book_has_one_folder_per_book_table_and_a_manifest_with_duckdb_types(tmp_path):
    engines.build(tmp_path / "book", **FIXTURE_INPUTS)
    manifest = json.loads((tmp_path / "book" / "_book.json").read_text())
    assert manifest["engine"] == "duckdb"
    assert list(manifest["tables"]) == list(script.book_tables())
    assert "account_keys" not in manifest["tables"]  # a helper table, not the book
    assert ["extras", "MAP(VARCHAR, VARCHAR)"] in manifest["tables"]["combos"]
    assert ["months", "STRUCT(k INTEGER, u DOUBLE)[]"] in manifest["tables"]["journey_account"]
    for table in script.book_tables():
        assert list((tmp_path / "book" / table).glob("*.parquet"))


def test_loading_a_folder_without_a_manifest_says_the_build_did_not_finish(tmp_path):
    (tmp_path / "half").mkdir()
    with pytest.raises(NrrError, match="_book.json"):
        load_book(tmp_path / "x.duckdb", parquet=tmp_path / "half")


def test_a_manifest_with_an_unknown_column_type_is_refused_before_any_sql_runs(tmp_path):
    engines.build(tmp_path / "book", **FIXTURE_INPUTS)
    path = tmp_path / "book" / parquet.MANIFEST
    manifest = json.loads(path.read_text())
    manifest["tables"]["spine"] = [["month_idx", "INTEGER); DROP TABLE x; --"]]
    path.write_text(json.dumps(manifest))
    with pytest.raises(NrrError, match="table spine has columns this version cannot read"):
        load_book(tmp_path / "x.duckdb", parquet=tmp_path / "book")


def test_parquet_goes_with_no_input_files(tmp_path):
    with pytest.raises(NrrError, match="give no input files"):
        load_book(tmp_path / "x.duckdb", parquet=tmp_path, mrr=FIXTURE / "customers.csv")
