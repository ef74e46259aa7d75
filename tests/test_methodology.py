"""The methodology page's material: the SQL behind each metric, and a worked
example whose months add up to the account's bridge."""

from nrr_core import Filters, methodology, metrics


def test_every_metric_names_sql_that_exists_and_computes_it():
    for metric in methodology.METRIC_SQL:
        pieces = methodology.sql_for(metric)
        assert len(pieces) == len(methodology.METRIC_SQL[metric])
        for title, sql in pieces:
            assert sql.strip() and ("SELECT" in sql or "select" in sql), title
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
