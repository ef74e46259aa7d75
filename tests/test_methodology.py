"""The methodology page's material: the SQL behind each metric, and a worked
example whose months add up to the account's bridge."""

from nrr_core import Filters, methodology, metrics


def test_every_metric_names_sql_that_exists_and_computes_it():
    for metric in methodology.METRIC_SQL:
        pieces = methodology.sql_for(metric)
        assert len(pieces) == len(methodology.METRIC_SQL[metric])
        for title, sql in pieces:
            assert "SELECT" in sql.upper(), title
            assert sql.endswith(";") and not sql.endswith(";;"), title
    titles = [t for t, _ in methodology.sql_for("movements")]
    assert titles[0] == "build_book.sql: account_month (at load time)"
    assert "lag(month_idx)" in methodology.sql_for("movements")[0][1]


def test_the_worked_example_adds_up_month_by_month_and_over_the_window(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Core", "2024-02", 120), ("a", "Analytics", "2024-03", 30),
                     ("a", "Core", "2024-03", 110), ("b", "Core", "2024-01", 500), ("b", "Core", "2024-02", 500),
                     ("b", "Core", "2024-03", 500)])
    example = methodology.worked_example(con, None, "2024-02", "2024-03")
    assert example["account_id"] == "a"  # three kinds of movement beat a larger steady account
    months = example["months"]
    assert months.month.tolist() == ["2024-02", "2024-03"]
    steps = months.starting_mrr + months[list(metrics.MOVEMENTS)].sum(axis=1)
    assert steps.tolist() == months.ending_mrr.tolist()
    t = example["totals"]
    assert t == {"starting_mrr": 100, "new": 0, "expansion": 20, "cross_sell": 30, "contraction": -10,
                 "churn": 0, "reactivation": 0, "ending_mrr": 140}
    assert t["starting_mrr"] + sum(t[m] for m in metrics.MOVEMENTS) == t["ending_mrr"]


def test_no_example_when_no_selected_account_was_active_before_the_window(make_book):
    con = make_book([("a", "Core", "2024-02", 100)], accounts=[("a", "SMB")])
    assert methodology.worked_example(con, None, "2024-02", "2024-02") is None
    assert methodology.worked_example(con, Filters.of(segment="Enterprise"), "2024-02", "2024-02") is None


def test_a_statement_is_found_by_its_own_create_not_by_a_comment_in_front_of_it():
    # DuckDB 2.0.1 keeps the comment lines in front of a statement; a bracket
    # or another table's name in them must not hide or fake the target.
    statement = ("-- previous month's MRR (lag) per account_keys row\n/* a block (comment) */\n"
                 "\n  create temp table account_month AS SELECT 1 AS x")
    assert methodology.created_name(statement) == "account_month"
    assert methodology.strip_leading_comments(statement).startswith("create temp table account_month")
    assert methodology.created_name("-- CREATE TABLE fake AS\nSELECT 1") is None
    assert methodology.created_name("CREATE OR REPLACE MACRO month_label(idx) AS idx") == "month_label"


def test_every_build_book_statement_is_named_and_shown_without_its_leading_comment():
    from nrr_core import db
    names = [methodology.created_name(q) for q, _ in db._statements("load/build_book")]
    assert None not in names and len(set(names)) == len(names)
    shown = methodology.statement_creating("load/build_book", "account_month")
    assert shown.startswith("CREATE TABLE account_month AS") and shown.endswith(";")


def test_asking_for_a_statement_nobody_creates_is_an_error_not_a_silent_gap():
    import pytest
    with pytest.raises(KeyError, match="no statement in load/build_book.sql creates nothing_here"):
        methodology.statement_creating("load/build_book", "nothing_here")
