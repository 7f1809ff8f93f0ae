"""`json.dumps(value, indent=...)` byte for byte, built from the C string encoder.

With an indent, the standard library encodes through its pure-Python generators (a tenth of a
second for a report of 4,000 findings, the same on a cold run as on a cached one). Reports
are plain trees of dicts, lists, strings and numbers: each string is escaped by the same C
function `json.dumps` uses and each container joined with the separators it uses with an
indent (`,` and `: `), so the text is the same. Anything else (a subclass of a container or
a number, a key that is not a string, a cycle) is handed to `json.dumps` whole, so an odd value is never encoded differently.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Callable


class _Other(Exception):
    """A value this module does not encode itself."""


def _float(value: float) -> str:
    """As `json.dumps` writes a float (allow_nan, its default)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def dumps(value: object, ensure_ascii: bool = True, indent: int = 2) -> str:
    """`json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)`."""
    text = encode_basestring_ascii if ensure_ascii else encode_basestring
    leaf: dict[type, Callable[[object], str]] = {
        str: text, int: int.__repr__, float: _float,
        bool: lambda b: "true" if b else "false", type(None): lambda _: "null"}
    step = " " * indent

    def encode(node: object, newline: str) -> str:
        kind = type(node)
        inner = newline + step
        if kind is dict:
            if not node:
                return "{}"
            items = [text(k) + ": " + (f(v) if (f := leaf.get(type(v))) else
                                             encode(v, inner)) for k, v in node.items()]
            return "{" + inner + ("," + inner).join(items) + newline + "}"
        if kind is list or kind is tuple:
            if not node:
                return "[]"
            items = [f(v) if (f := leaf.get(type(v))) else encode(v, inner) for v in node]
            return "[" + inner + ("," + inner).join(items) + newline + "]"
        if kind in leaf:
            return leaf[kind](node)
        raise _Other

    try:
        return encode(value, "\n")
    except (_Other, RecursionError, TypeError):  # TypeError: a key that is no string
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)
