"""How scriptcheck reads each language: one data file per language (`zh.yaml`, `en.yaml`),
applied by the engine to every rule, so that packs say what to find and never how a clause
ends, what negates, what quotes, or how a character may be written.

Also the normalisation that runs before matching (Traditional as Simplified, full-width as
half-width, spaced-out Han characters joined), with a map back to the original offsets so
that findings still point at the text as written.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
FALLBACK = "en"   # a language without a data file is read with the English conventions


@dataclass(frozen=True)
class Language:
    code: str
    words_are_characters: bool
    normalise: dict
    sentence_ends: tuple[str, ...]
    clause_ends: frozenset[str]
    openers: frozenset[str]
    quote_pairs: dict[str, str]
    brackets_are_directions: bool
    reported_speech: tuple[str, ...]
    negators: frozenset[str]
    scope_ends: tuple[str, ...]
    regarding_after_jiu: tuple[str, ...]
    pronouns: frozenset[str]
    auxiliaries: frozenset[str]
    max_scope: int
    claim_after_de: tuple[str, ...]
    worry: frozenset[str]
    conditionals: tuple[str, ...]
    condition_scope: int
    suggestion_leads: frozenset[str]
    rhetorical_leads: tuple[str, ...]
    passive_auxiliaries: frozenset[str] = field(default_factory=frozenset)
    words: tuple[str, ...] = ()    # the segmenter's extra dictionary (zh-words.txt)
    suggestion_questions: dict = field(default_factory=dict)   # 你不会…吗？
    rhetorical_questions: dict = field(default_factory=dict)   # 不是…吗？
    condition_verbs: tuple[str, ...] = ()   # a negator right before one is a condition
    condition_objects: frozenset[str] = frozenset()   # what the condition's verb may take
    tokenizer: dict | None = None  # the blank pipeline's tokenizer settings
    lemmatizer: str | None = None  # the blank pipeline's lemmatizer mode


def known() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.yaml"))


@functools.lru_cache(maxsize=None)
def get(code: str | None) -> Language:
    """The data of a language (`zh`, `en`); an unknown one reads as English."""
    path = HERE / f"{code}.yaml"
    if not code or not path.is_file():
        path = HERE / f"{FALLBACK}.yaml"
    import yaml   # here: a run that only tells languages apart reads no data file

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words_file = HERE / f"{data['code']}-words.txt"
    words = tuple(w.strip() for w in words_file.read_text(encoding="utf-8").splitlines()
                  if w.strip() and not w.startswith("#")) if words_file.is_file() else ()
    return Language(
        code=data["code"], words_are_characters=bool(data["words_are_characters"]),
        normalise=dict(data.get("normalise") or {}),
        sentence_ends=tuple(data["sentence_ends"]),
        clause_ends=frozenset(data["clause_ends"]), openers=frozenset(data["openers"]),
        quote_pairs=dict(data["quote_pairs"]),
        brackets_are_directions=bool(data["brackets_are_directions"]),
        reported_speech=tuple(s.lower() for s in data["reported_speech"]),
        negators=frozenset(data["negators"]), scope_ends=tuple(data["scope_ends"]),
        regarding_after_jiu=tuple(data["regarding_after_jiu"]),
        pronouns=frozenset(data["pronouns"]), auxiliaries=frozenset(data["auxiliaries"]),
        max_scope=int(data["max_scope"]), claim_after_de=tuple(data["claim_after_de"]),
        worry=frozenset(data["worry"]), conditionals=tuple(data["conditionals"]),
        condition_scope=int(data["condition_scope"]),
        suggestion_leads=frozenset(data["suggestion_leads"]),
        rhetorical_leads=tuple(s.lower() for s in data["rhetorical_leads"]),
        passive_auxiliaries=frozenset(data.get("passive_auxiliaries") or ()), words=words,
        suggestion_questions=dict(data.get("suggestion_questions") or {}),
        rhetorical_questions=dict(data.get("rhetorical_questions") or {}),
        condition_verbs=tuple(data.get("condition_verbs") or ()),
        condition_objects=frozenset(data.get("condition_objects") or ()),
        tokenizer=data.get("tokenizer"), lemmatizer=data.get("lemmatizer"))


# --- normalisation --------------------------------------------------------------------------


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    """OpenCC t2s, kept to the same length (phrase conversion may change it; then by character)."""
    converter = _t2s()
    out = converter.convert(text)
    if len(out) == len(text):
        return out
    return "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in text)


def _halfwidth(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return " " if code == 0x3000 else ch


_SPACED_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf][ \u3000]{1,2}[\u4e00-\u9fff\u3400-\u4dbf]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")


_TABLES: dict[str, dict[int, str] | None] = {}


def _one_for_one(rules: dict) -> dict[int, str] | None:
    """The width and replacement rules as a str.translate table, when each character becomes
    exactly one (then no offset moves); else None."""
    key = repr(sorted(rules.items()))
    if key not in _TABLES:
        _TABLES[key] = _translation(rules)
    return _TABLES[key]


def _translation(rules: dict) -> dict[int, str] | None:
    replace = rules.get("replace") or {}
    if any(len(v) != 1 for v in replace.values()):
        return None
    table = {ord(k): v for k, v in replace.items()}
    if rules.get("fullwidth_to_halfwidth"):
        for code_point in [*range(0xFF01, 0xFF5F), 0x3000]:
            half = _halfwidth(chr(code_point))
            table[code_point] = replace.get(half, half)
    return table


def normalise(text: str, lang: Language) -> tuple[str, list[int] | None]:
    """The text as the rules read it, and for each of its offsets (and its end) the offset in
    `text`; None when nothing moved (the common case: offsets are the same)."""
    rules = lang.normalise
    if rules.get("traditional_to_simplified") and _HAN.search(text):
        text_s = _simplified(text)
    else:
        text_s = text
    table = _one_for_one(rules)
    if table is not None and not any(ch in text_s for ch in rules.get("drop") or ()) and \
            not (rules.get("join_spaced_han") and _SPACED_HAN.search(text_s)):
        return text_s.translate(table), None   # character for character: no offset moves
    return _by_character(text_s, rules)


def _by_character(text_s: str, rules: dict) -> tuple[str, list[int] | None]:
    """`normalise` one character at a time, keeping where each came from."""
    replace = rules.get("replace") or {}
    width = rules.get("fullwidth_to_halfwidth")
    drop = set(rules.get("drop") or ())
    join = rules.get("join_spaced_han")
    out: list[str] = []
    where: list[int] = []
    n = len(text_s)
    for i, ch in enumerate(text_s):
        if ch in drop:
            continue
        if join and ch in " \u3000" and out and _is_han(out[-1]):
            j = i
            while j < n and text_s[j] in " \u3000":
                j += 1
            if j < n and _is_han(text_s[j]) and j - i <= 2:
                continue   # a space or two inside a run of Han characters: 坐 牢
        if width:
            ch = _halfwidth(ch)
        out.append(replace.get(ch, ch))
        where.append(i)
    where.append(n)
    result = "".join(out)
    moved = len(result) != len(text_s)
    return result, (where if moved else None)


def normalise_phrase(phrase: str, lang: Language) -> str:
    """A pack's phrase, read the way the text is read."""
    return _normal_phrase(phrase, lang.code)


@functools.lru_cache(maxsize=None)
def _normal_phrase(phrase: str, code: str) -> str:
    return normalise(phrase, get(code))[0]


def normalise_pattern(pattern: str, lang: Language) -> str:
    """A pack's regular expression, read the way the text is read: full-width characters in it
    become their half-width forms, escaped (a full-width `（` must not open a group)."""
    import re as _re

    if not lang.normalise.get("fullwidth_to_halfwidth"):
        return pattern
    out = []
    for ch in pattern:
        half = _halfwidth(ch)
        out.append(_re.escape(half) if half != ch else ch)
    return "".join(out)
