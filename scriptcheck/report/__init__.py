"""Reporters: findings -> text for people or formats for machines. Each is imported when a
run asks for it, so a run that prints JSON does not import the HTML report."""
from __future__ import annotations

import importlib
from typing import Callable

_MODULES = {"text": "text", "json": "json_report", "sarif": "sarif", "junit": "junit",
            "github": "github", "html": "html"}
FORMATS = tuple(_MODULES)


def renderer(name: str) -> Callable[..., str]:
    """The `render(report, findings, sources, run)` of a format."""
    return importlib.import_module(f".{_MODULES[name]}", __name__).render
