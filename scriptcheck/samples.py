"""Realistic stand-in values for `{{ slots }}`, so that sentences read naturally to the NLP.

Values come from a user's context file when given; otherwise from the variable's name.
They are never reported: text that comes from a slot is the data, not the script.
"""
from __future__ import annotations

import functools
from fnmatch import fnmatch

# (glob on the last part(s) of the dotted name, zh value, en value); first match wins
_SAMPLES: list[tuple[str, str, str]] = [
    ("*surname", "王", "Smith"),
    ("*first_name", "明", "Alex"),
    ("*last_name", "王", "Smith"),
    ("*title", "先生", "Mr."),
    ("agent.name", "李娜", "Jordan Lee"),
    ("agent.*id", "A1024", "A1024"),
    ("*bank.name", "示例银行", "Example Bank"),
    ("*agency.name", "示例资产管理有限公司", "Example Recovery Services"),
    ("*creditor.name", "示例银行", "Example Bank"),
    ("*company*", "示例公司", "Example Company"),
    ("*.name", "王明", "Alex Smith"),
    ("name", "王明", "Alex Smith"),
    ("*hotline*", "400-800-1234", "1-800-555-0100"),
    ("*phone*", "400-800-1234", "1-800-555-0100"),
    ("*wechat*", "wx_agent01", "wx_agent01"),
    ("*email*", "service@example.com", "service@example.com"),
    ("*url*", "https://example.com", "https://example.com"),
    ("*address*", "示例市示例路1号", "1 Example Street, Springfield"),
    ("*last4*", "1234", "1234"),
    ("*id_number*", "110101199001011234", "123-45-6789"),
    ("*ssn*", "123-45-6789", "123-45-6789"),
    ("*number*", "6222021234567890123", "4111111111111111"),
    ("*days*", "35", "35"),
    ("*count*", "3", "3"),
    ("*amount*", "3,280.50", "$3,280.50"),
    ("*balance*", "3,280.50", "$3,280.50"),
    ("*payment*", "500.00", "$500.00"),
    ("*fee*", "50.00", "$50.00"),
    ("*interest*", "120.00", "$120.00"),
    ("*principal*", "3,000.00", "$3,000.00"),
    ("*debt*", "3,280.50", "$3,280.50"),
    ("*date*", "2026年12月15日", "December 15, 2026"),
    ("*deadline*", "2026年12月15日", "December 15, 2026"),
    ("*time*", "10:00", "10:00 a.m."),
    ("*county*", "示例县", "Example"),
    ("*city*", "示例市", "Springfield"),
]


def sample(variables: tuple[str, ...], lang: str, context: dict | None = None) -> str:
    """A stand-in value for a slot reading `variables`."""
    for name in variables:
        value = _lookup(context, name) if context else None
        if value is not None:
            return str(value)
    for name in variables:
        found = _by_name(name.lower(), lang)
        if found is not None:
            return found
    return "某某" if lang == "zh" else "Example"


@functools.lru_cache(maxsize=4096)
def _by_name(lowered: str, lang: str) -> str | None:
    """The sample for a variable name (the same names come back in every script)."""
    for pattern, zh, en in _SAMPLES:
        if fnmatch(lowered, pattern):
            return zh if lang == "zh" else en
    return None


def _lookup(context: dict, dotted: str):
    value = context
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value if not isinstance(value, (dict, list)) else None
