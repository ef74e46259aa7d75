"""Filters and the command line: ``Filters.to_cli_args()`` writes the options
the CLI parses, from one attribute → flag mapping (``filters.CLI_FLAGS``)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nrr_core import NrrError, cli
from nrr_core.filters import ATTRIBUTES, CLI_FLAGS, Filters

# Text a book may hold: quotes, shell metacharacters, "=", a leading dash,
# spaces, non-Latin letters (an explicit alphabet: Hypothesis keeps no
# Unicode tables in the checkout then).
ALPHABET = "aZ09 -_=;$|&'\"<>*()[]{}#~`\\/.,:!?äÖ日本Ω\t"
VALUES = st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=12).map("".join)
# Extra attribute names come from a CSV header: no "=" and no surrounding spaces.
NAMES = st.lists(st.sampled_from("aZ09_-;$'\"<>äÖ日本"), min_size=1, max_size=8).map("".join)
FILTERS = st.builds(
    Filters,
    **{name: st.lists(VALUES, max_size=3) for name in ATTRIBUTES},
    extra=st.dictionaries(NAMES, st.lists(VALUES, min_size=1, max_size=2), max_size=2).map(
        lambda d: tuple((k, tuple(v)) for k, v in d.items())),
)


def parsed(args: list[str]) -> Filters:
    return cli._filters(cli.build_parser().parse_args(["report", "movements", *args]))


@given(FILTERS)
def test_to_cli_args_parsed_by_the_cli_gives_back_the_same_filters(filters):
    assert parsed(filters.to_cli_args()) == filters


def test_every_attribute_has_one_flag_and_the_cli_offers_it():
    assert set(CLI_FLAGS) == set(ATTRIBUTES)
    options = cli.build_parser()._subparsers._group_actions[0].choices["report"]
    movements = options._subparsers._group_actions[0].choices["movements"]
    flags = {flag for action in movements._actions for flag in action.option_strings}
    assert set(CLI_FLAGS.values()) | {"--attr"} <= flags


def test_to_cli_args_in_attribute_order_with_a_leading_dash_joined_to_its_flag():
    filters = Filters(csm_owner=("O'Brien",), segment=("-x", "SMB"), extra=(("tier", ("gold $x",)),))
    assert filters.to_cli_args() == ["--segment=-x", "--segment", "SMB", "--csm-owner", "O'Brien",
                                     "--attr", "tier=gold $x"]
    assert Filters().to_cli_args() == []


@pytest.mark.parametrize("item", ["tier", "=gold", " =gold"])
def test_an_attr_without_a_name_and_value_is_an_nrr_error(item):
    with pytest.raises(NrrError, match="is not NAME=VALUE"):
        parsed(["--attr", item])
