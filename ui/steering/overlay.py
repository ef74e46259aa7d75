"""Targets wherever retention is shown: one line under the overview's NRR,
GRR and logo-retention tiles (the target and the gap to it) and a target line
on the NRR trend, for the scope the filters select (the company, one segment
or one CSM owner; ``steering.scope_of``). Nothing is drawn where no target
applies."""
from __future__ import annotations

from nrr_core import formatting, steering
from nrr_core.months import label, parse_month

from . import data as steering_data


def _scope(ctx):
    scope = steering.scope_of(ctx.filters)
    if scope is None:
        return None, None
    in_force = steering_data.targets_in_force()
    return (scope, in_force) if len(in_force) else (None, None)


def tile_targets(columns, head: dict, ctx) -> None:
    """Under each ratio tile (``columns`` for nrr, grr, logo_retention, in
    ``steering.METRICS`` order), the target applying at the as-of month and
    the figure's gap to it in points."""
    scope, in_force = _scope(ctx)
    if scope is None:
        return
    idx = parse_month(ctx.period.to_month)
    for column, metric in zip(columns, steering.METRICS):
        hit = steering.target_for(in_force, *scope, metric, idx)
        if hit is None:
            continue
        gap = "" if head.get(metric) is None else f" · {formatting.points(head[metric] - hit['target'])} vs target"
        # Our own words and figures only (the period was checked when the target was recorded).
        column.caption(f"Target {hit['period']}: {formatting.percent(hit['target'])}{gap}")


def trend_target(fig, ctx, months: list[str]):
    """``fig`` (the NRR trend over ``months``) with the NRR target line, if
    any. The line runs on to the end of the last month's year, so a target
    for the quarter (or year) under way shows where the figure must be by
    the period's end."""
    scope, in_force = _scope(ctx)
    if scope is None or not months:
        return fig
    last = parse_month(months[-1])
    ahead = [label(i) for i in range(last + 1, (last // 12) * 12 + 12)]
    series = steering.target_series(in_force, *scope, "nrr", list(months) + ahead)
    if series.empty:
        return fig
    who = "company" if scope[0] == "company" else scope[1]
    return steering.with_target_line(fig, series, name=f"NRR target ({who[:40]})")

