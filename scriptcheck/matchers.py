"""Matchers: the ways a rule can find text in a processed document.

Chinese phrases are matched on characters, so a phrase matches however jieba segments it;
English phrases are matched word by word on lemma or lower case, so `arrest` finds
"arrested". Regular expressions run with a time limit.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import lang as languages
from .nlp import clause_of
from .nlp import words as words_of
from .packs import compile_regex

if TYPE_CHECKING:
    from spacy.tokens import Doc

REGEX_TIMEOUT = 1.0  # seconds per sentence


class RegexTimeout(Exception):
    def __init__(self, pattern: str):
        super().__init__(f"regular expression {pattern!r} took longer than "
                         f"{REGEX_TIMEOUT:g}s on one sentence and was stopped; "
                         f"simplify it (nested repeats like (a+)+ backtrack without end)")
        self.pattern = pattern


@dataclass(frozen=True)
class Hit:
    start: int    # character offsets in doc.text
    end: int
    tok: int      # token indices [tok, tok_end)
    tok_end: int
    heads: tuple[int, ...] = ()  # first tokens of the parts of a `near` hit

    def overlaps(self, other: "Hit") -> bool:
        return self.start < other.end and other.start < self.end

    def gap(self, other: "Hit") -> int:
        """Tokens between two hits (0 when they touch or overlap)."""
        return max(other.tok - self.tok_end, self.tok - other.tok_end, 0)

    @property
    def starts(self) -> tuple[int, ...]:
        """The tokens whose context (negation, quotation) decides about the hit."""
        return self.heads or (self.tok,)


def text_of(doc: Doc) -> str:
    """The document's text (spaCy rebuilds `doc.text` from its tokens on every access)."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def lower_of(doc: Doc) -> str:
    text = doc.user_data.get("lower")
    if text is None:
        text = doc.user_data["lower"] = text_of(doc).lower()
    return text


def token_of(doc: Doc, char: int) -> int:
    """Index of the token holding a character (cached per document)."""
    table = doc.user_data.get("char_token")
    if table is None:
        table = [0] * (len(text_of(doc)) + 1)
        for tok in doc:  # a token's trailing whitespace belongs to it: together they tile the text
            for i in range(tok.idx, tok.idx + len(tok.text_with_ws)):
                table[i] = tok.i
        table[-1] = len(doc) - 1 if len(doc) else 0
        doc.user_data["char_token"] = table
    return table[min(char, len(table) - 1)]


def sentence_of(doc: Doc, tok: int) -> int:
    table = doc.user_data.get("tok_sent")
    if table is None:
        table = [0] * len(doc)
        for n, sent in enumerate(doc.sents):
            for i in range(sent.start, sent.end):
                table[i] = n
        doc.user_data["tok_sent"] = table
    return table[tok] if table else 0


def sentences(doc: Doc) -> list[tuple[int, str]]:
    """(start offset, text) of each sentence (cached per document)."""
    cached = doc.user_data.get("sentences")
    if cached is None:
        cached = doc.user_data["sentences"] = [(s.start_char, s.text) for s in doc.sents]
    return cached


def char_hit(doc: Doc, start: int, end: int) -> Hit:
    """A hit on characters, without the whitespace a pattern may have taken at its ends."""
    text = text_of(doc)
    while start < end - 1 and text[start].isspace():
        start += 1
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return Hit(start, end, token_of(doc, start), token_of(doc, max(end - 1, start)) + 1)


def tok_hit(doc: Doc, tok: int, tok_end: int) -> Hit:
    last = doc[tok_end - 1]
    return Hit(doc[tok].idx, last.idx + len(last.text), tok, tok_end)


class Phrases:
    """A list of phrases, matched as the script's language reads them: on characters where
    words are characters (Chinese), else word by word on lower case or lemma. The phrases are
    normalised as the text is (Traditional, full width), and each phrase's hits are found
    once per document, however many rules share it."""

    def __init__(self, phrases: list[str], lang: str, nlp):
        data = languages.get(lang)
        self.chars = data.words_are_characters
        self.needles = list(dict.fromkeys(
            languages.normalise_phrase(p, data).lower() for p in phrases if p.strip()))
        self.words: list[tuple[tuple[str, str], ...]] = []
        if not self.chars:
            exact = [n.startswith("=") for n in self.needles]
            for doc, as_written in zip(words_of(nlp, [n.lstrip("=") for n in self.needles]),
                                       exact):
                # "=sued": this form only, not every form of its lemma ("Sue", "suing")
                words = tuple((t.lower_, None if as_written else t._.lem)
                              for t in doc if not t.is_space)
                if words:
                    self.words.append(words)

        # each phrase under its first character (Chinese) or first word's forms (English):
        # a document is searched only for the phrases whose first letter or word it has
        self.by_first: dict[str, list] = {}
        for key in (self.needles if self.chars else self.words):
            for first in ({key[0]} if self.chars else {f for f in key[0] if f is not None}):
                self.by_first.setdefault(first, []).append(key)
        self.firsts = frozenset(self.by_first)

    def find(self, doc: Doc) -> list[Hit]:
        cache = doc.user_data.setdefault("phrase_hits", {})
        text = lower_of(doc) if self.chars else ""
        present = _firsts(doc, self.chars) & self.firsts
        hits: list[Hit] = []
        for first in present:
            for key in self.by_first[first]:
                found = cache.get(key)
                if found is None:
                    found = cache[key] = _chars(doc, text, key) if self.chars \
                        else _words(doc, key)
                hits += found
        unique = {(h.start, h.end, h.tok): h for h in hits}
        return [unique[k] for k in sorted(unique)]   # the same order whatever the hashing


def _firsts(doc: Doc, chars: bool) -> frozenset:
    """The characters (or the words' forms and lemmas) of a document (cached)."""
    key = "chars" if chars else "forms"
    found = doc.user_data.get(key)
    if found is None:
        found = doc.user_data[key] = frozenset(lower_of(doc)) if chars \
            else frozenset(_word_index(doc)[2])
    return found


def _chars(doc: Doc, text: str, needle: str) -> list[Hit]:
    if needle not in text:
        return []
    hits = []
    at = text.find(needle)
    while at >= 0:
        hits.append(char_hit(doc, at, at + len(needle)))
        at = text.find(needle, at + 1)
    return hits


def _words(doc: Doc, words: tuple[tuple[str, str], ...]) -> list[Hit]:
    lows, lems, index = _word_index(doc)
    first_low, first_lem = words[0]
    hits = []
    for start in sorted(set(index.get(first_low, ())) |
                        set(index.get(first_lem, ()) if first_lem is not None else ())):
        end = start + len(words)
        if end <= len(doc) and all(lows[start + k] == low or
                                   (lem is not None and lems[start + k] == lem)
                                   for k, (low, lem) in enumerate(words)):
            hits.append(tok_hit(doc, start, end))
    return hits


def _word_index(doc: Doc) -> tuple[list[str], list[str], dict[str, list[int]]]:
    """Lower-case forms, lemmas, and where each occurs (cached per document). A capitalised
    word inside a sentence is a name: it matches as written, not by lemma ("This is Sue")."""
    cached = doc.user_data.get("word_index")
    if cached is None:
        lows = [t.lower_ for t in doc]
        lems = [None if t.text[:1].isupper() and not t.is_sent_start and
                not t.text.isupper() else t._.lem for t in doc]
        index: dict[str, list[int]] = {}
        for i, (low, lem) in enumerate(zip(lows, lems)):
            index.setdefault(low, []).append(i)
            if lem is not None and lem != low:
                index.setdefault(lem, []).append(i)
        cached = doc.user_data["word_index"] = (lows, lems, index)
    return cached


class Exact:
    def __init__(self, strings: list[str]):
        self.strings = strings

    def find(self, doc: Doc) -> list[Hit]:
        hits = []
        for s in self.strings:
            text = text_of(doc)
            at = text.find(s)
            while at >= 0:
                hits.append(char_hit(doc, at, at + len(s)))
                at = text.find(s, at + 1)
        return hits


class Regex:
    def __init__(self, patterns: list[str], lang: str | None = None):
        data = languages.get(lang)
        self.patterns = [(p, compile_regex(languages.normalise_pattern(p, data)))
                         for p in patterns]

    def find(self, doc: Doc) -> list[Hit]:
        hits = []
        for source, pattern in self.patterns:
            for start, text in sentences(doc):
                try:
                    for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
                        if m.end() > m.start():
                            hits.append(char_hit(doc, start + m.start(), start + m.end()))
                except TimeoutError:
                    raise RegexTimeout(source) from None
        return hits


def _lemma_keys(pattern: list[dict]) -> list[dict]:
    """LEMMA in a token pattern reads our lower-case lemma, so it works on blank pipelines."""
    out = []
    for token in pattern:
        token = dict(token)
        if "LEMMA" in token:
            value = token.pop("LEMMA")
            if isinstance(value, dict):
                value = {k: [v.lower() for v in vs] if isinstance(vs, list) else vs
                         for k, vs in value.items()}
            elif isinstance(value, str):
                value = value.lower()
            token["_"] = {**token.get("_", {}), "lem": value}
        out.append(token)
    return out


class Tokens:
    def __init__(self, patterns: list[list[dict]], nlp):
        from spacy.matcher import Matcher

        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("p", [_lemma_keys(p) for p in patterns])

    def find(self, doc: Doc) -> list[Hit]:
        return [tok_hit(doc, start, end) for _, start, end in self.matcher(doc)]


class Near:
    """A phrase of `a` within N tokens of a phrase of `b`, in one sentence."""

    def __init__(self, spec: dict, lang: str, nlp):
        self.a = Phrases(spec["a"], lang, nlp)
        self.b = Phrases(spec["b"], lang, nlp)
        self.within = int(spec.get("within", 8))
        self.ordered = bool(spec.get("ordered", False))

    def find(self, doc: Doc) -> list[Hit]:
        hits = []
        bs = self.b.find(doc)
        for a in self.a.find(doc):
            for b in bs:
                if sentence_of(doc, a.tok) != sentence_of(doc, b.tok):
                    continue
                if self.ordered and b.start < a.end:
                    continue
                if a.overlaps(b):
                    continue  # the same words: not two things near each other
                if a.gap(b) <= self.within:
                    start, end = min(a.start, b.start), max(a.end, b.end)
                    hits.append(Hit(start, end, min(a.tok, b.tok), max(a.tok_end, b.tok_end),
                                    (a.tok, b.tok)))
        return hits


def _whole_text(doc: Doc, tok: int) -> int:
    """`scope: text`: the whole message is one unit (a letter, an SMS, a voicemail)."""
    return 0


class Frame:
    """Concepts in one clause (or sentence), in the order given or in any order, each part a
    list of phrases; optional parts widen the hit when present. The hit's context (negation,
    quotation) is judged at every required part."""

    def __init__(self, spec: dict, lang: str, nlp):
        self.parts = [(Regex(list(p["regex"]), lang) if "regex" in p else
                       Phrases(list(p["any"]), lang, nlp), bool(p.get("optional")))
                      for p in spec["parts"]]
        self.ordered = spec.get("order", "in-order") != "any"
        scope = spec.get("scope", "clause")
        self.unit = clause_of if scope == "clause" else sentence_of if scope == "sentence" \
            else _whole_text
        self.within = spec.get("within")

    def _close(self, a: Hit, b: Hit) -> bool:
        if a.overlaps(b):
            return False  # the same words cannot be two parts
        return self.within is None or a.gap(b) <= int(self.within)

    def find(self, doc: Doc) -> list[Hit]:
        """Every way the required parts line up (a few candidates per part), so that an
        exception on one pairing (a negated word) leaves another pairing to be judged."""
        found: list = [None] * len(self.parts)
        for k in sorted(range(len(self.parts)), key=lambda k: self.parts[k][1]):  # required first
            part, optional = self.parts[k]
            hits = sorted(part.find(doc), key=lambda h: h.start)
            if not hits and not optional:
                return []   # a required part is not said: nothing else to look for
            found[k] = (hits, optional)
        required = [hits for hits, optional in found if not optional]
        if not required:
            return []
        out = []
        for anchor in required[0]:
            unit = self.unit(doc, anchor.tok)
            for chosen in self._chains(doc, unit, anchor, [anchor], required[1:]):
                extra = [h for hits, optional in found if optional for h in hits
                         if self.unit(doc, h.tok) == unit
                         and not any(h.overlaps(c) for c in chosen)
                         and any(self._close(c, h) for c in chosen)][:1]
                every = chosen + extra
                out.append(Hit(min(h.start for h in every), max(h.end for h in every),
                               min(h.tok for h in every), max(h.tok_end for h in every),
                               tuple(h.tok for h in chosen)))
        return out

    CANDIDATES = 4   # per part: enough to step past a negated or quoted look-alike

    def _chains(self, doc: Doc, unit: int, anchor: Hit, chosen: list[Hit], rest: list):
        if not rest:
            yield list(chosen)
            return
        same = [h for h in rest[0] if self.unit(doc, h.tok) == unit
                and not any(h.overlaps(c) for c in chosen)]
        if self.ordered:
            same = [h for h in same if h.start >= chosen[-1].end and self._close(chosen[-1], h)]
        else:
            same = sorted((h for h in same if any(self._close(c, h) for c in chosen)),
                          key=lambda h: abs(h.start - anchor.start))
        for pick in same[:self.CANDIDATES]:
            yield from self._chains(doc, unit, anchor, chosen + [pick], rest[1:])


class Slots:
    """Where the template says a `{{ variable }}` whose dotted name matches a glob: the
    script names the agency when it says `{{ agency.name }}`, whatever its sample value."""

    def __init__(self, globs: list[str]):
        self.globs = globs

    def find(self, doc: Doc) -> list[Hit]:
        from fnmatch import fnmatch

        return [char_hit(doc, start, end) for start, end, names in doc.user_data.get("slots", ())
                if any(fnmatch(name, g) for name in names for g in self.globs)]


def compile_match(alternatives: list[dict], lang: str, nlp) -> list:
    """The matchers of a rule's `match` (or `before`) list."""
    out = []
    for alt in alternatives:
        if "phrases" in alt:
            out.append(Phrases(list(alt["phrases"]), lang, nlp))
        elif "exact" in alt:
            out.append(Exact(list(alt["exact"])))
        elif "regex" in alt:
            out.append(Regex(list(alt["regex"]), lang))
        elif "frame" in alt:
            out.append(Frame(alt["frame"], lang, nlp))
        elif "tokens" in alt:
            out.append(Tokens([list(p) for p in alt["tokens"]], nlp))
        elif "near" in alt:
            out.append(Near(alt["near"], lang, nlp))
        elif "slots" in alt:
            out.append(Slots(list(alt["slots"])))
    return out


def find_all(matchers: list, doc: Doc, keep=None) -> list[Hit]:
    """Hits of any alternative in text order. `keep` filters them first (a rule's exceptions);
    then of overlapping hits only the longest stays."""
    found = {(h.start, h.end, h.heads): h for m in matchers for h in m.find(doc)}
    candidates = [h for h in found.values() if keep is None or keep(h)]
    kept: list[Hit] = []      # non-overlapping, in text order: only neighbours can overlap
    starts: list[int] = []    # (a bisect instead of a scan: a file of 10^5 hits stays linear)
    for hit in sorted(candidates, key=lambda h: (h.start - h.end, h.start)):
        i = bisect.bisect_left(starts, hit.start)
        if (i and kept[i - 1].end > hit.start) or (i < len(kept) and kept[i].start < hit.end):
            continue
        kept.insert(i, hit)
        starts.insert(i, hit.start)
    return kept
