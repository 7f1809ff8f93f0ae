"""The report's JSON text is `json.dumps(..., indent=2)` byte for byte, whatever the value."""
from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from scriptcheck.report.jsontext import dumps

_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_KEYS = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
_VALUES = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=4) |
                       st.tuples(inner, inner) | st.dictionaries(_KEYS, inner, max_size=4),
                       max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(_VALUES, st.booleans(), st.integers(0, 4))
def test_same_text_as_json_dumps(value, ensure_ascii, indent):
    assert dumps(value, ensure_ascii, indent) == \
        json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)


def test_subclasses_and_odd_strings():
    class Name(str):
        pass

    class Count(int):
        def __repr__(self) -> str:
            return "not json"

    for value in ({Name("k"): Name("v")}, [Count(3)], {"s": "\ud800\u2028\x00é"},
                  [float("nan"), float("-inf"), -0.0, 10 ** 40], {"a": {"b": [{}, []]}}):
        assert dumps(value, False, 2) == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_cycle_fails_as_json_dumps_fails():
    loop: list = []
    loop.append(loop)
    try:
        dumps(loop)
    except ValueError as exc:
        assert "Circular" in str(exc)
    else:
        raise AssertionError("a cycle was encoded")
