"""Reporters: findings -> text for people or formats for machines."""
from __future__ import annotations

from . import json_report, text

FORMATS = {"text": text.render, "json": json_report.render}
