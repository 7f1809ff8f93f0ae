"""Reporters: findings -> text for people or formats for machines."""
from __future__ import annotations

from . import github, html, json_report, junit, sarif, text

FORMATS = {"text": text.render, "json": json_report.render, "sarif": sarif.render,
           "junit": junit.render, "github": github.render, "html": html.render}
