"""``corpus.json``'s own encoder writes what ``json.dumps`` would, byte for byte."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scholarsite.export import indented

scalars = st.none() | st.booleans() | st.integers() | st.text()
values = st.recursive(
    scalars, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=30
)


@given(values)
def test_indented_is_json_dumps_with_one_space_indents_and_sorted_keys(value: Any) -> None:
    assert indented(value) == json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


@given(st.lists(values, min_size=1, max_size=4))
def test_a_nested_value_is_indented_for_its_depth(items: list[Any]) -> None:
    whole = json.dumps(items, ensure_ascii=False, sort_keys=True, indent=1)
    assert whole == "[\n " + ",\n ".join(indented(item, 1) for item in items) + "\n]"


def test_a_value_the_export_never_holds_is_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        indented({"year": 2024.5})
