"""Matchers: the ways a rule can find text in a processed document.

Chinese phrases are matched on characters, so a phrase matches however jieba segments it;
English phrases are matched word by word on lemma or lower case, so `arrest` finds
"arrested". Regular expressions run with a time limit.
"""
from __future__ import annotations

import bisect
import fnmatch
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from . import lang as languages
from .nlp import Table, clause_of, part, table
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


class Hit(NamedTuple):   # a tuple: made by the hundred thousand, it must be cheap
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


_new_hit = functools.partial(tuple.__new__, Hit)   # Hit(...) without its Python-level __new__


def text_of(doc: Doc) -> str:
    """The document's text (spaCy rebuilds `doc.text` from its tokens on every access)."""
    return table(doc).text


def token_of(doc: Doc, char: int) -> int:
    """Index of the token holding a character."""
    return _token_at(table(doc), char)


def _token_at(found: Table, char: int) -> int:
    starts = found.idx   # a token's trailing whitespace belongs to it
    return max(bisect.bisect_right(starts, char) - 1, 0)


def sentence_of(doc: Doc, tok: int) -> int:
    sents = table(doc).sent
    return sents[tok] if sents else 0


def sentences(doc: Doc) -> list[tuple[int, str]]:
    """(start offset, text) of each sentence."""
    return table(doc).sentences


def char_hit(doc: Doc, start: int, end: int) -> Hit:
    """A hit on characters, without the whitespace a pattern may have taken at its ends."""
    return _char_hit(table(doc), start, end)


def _char_hit(found: Table, start: int, end: int) -> Hit:
    text = found.text
    while start < end - 1 and text[start].isspace():
        start += 1
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    last = _token_at(found, max(end - 1, start))
    return _new_hit((start, end, _token_at(found, start), last + 1, ()))


def _tok_hit(found: Table, tok: int, tok_end: int) -> Hit:
    return _new_hit((found.idx[tok], found.ends[tok_end - 1], tok, tok_end, ()))


class Vocabulary:
    """Every phrase of one language that any rule looks for, so that a document is scanned
    once for all of them: Chinese phrases in one Aho-Corasick automaton, English ones indexed
    under their first two words' forms. The scan answers every phrase list (a rule's, a frame
    part's) at once. Rules compiled later add their phrases; a document scanned before is
    then searched for those alone."""

    def __init__(self, data: languages.Language):
        self.chars = data.words_are_characters
        # phrases that may run across a sentence end: searched in the whole text
        self.ends = set(data.sentence_ends) | set(data.openers)
        self.spanning: list = []
        self.memo: dict = {}                      # sentence -> hits per phrase in it
        self.last: tuple = (None, None)           # the document scanned last, and its scan
        self.keys: list = []                      # in the order they were added
        self.owners: dict = {}                    # phrase -> the phrase lists that have it
        self.lists = 0                            # phrase lists registered
        self.numbers: dict[frozenset, int] = {}   # each list's number
        self.by_first: dict = {}                  # first words -> phrases: English
        self.automaton: tuple | None = None       # (phrases in it, automaton): Chinese

    def register(self, keys: frozenset) -> int:
        """A phrase list's number (one for lists of the same phrases: many rules share a
        term set); its phrases are added to the index."""
        if keys in self.numbers:
            return self.numbers[keys]
        number = self.numbers[keys] = self.lists
        self.lists += 1
        self.memo.clear()   # what a sentence says is kept per phrase list
        for key in sorted(keys, key=repr):
            if key not in self.owners:
                self.owners[key] = []
                self.keys.append(key)
                if self._spans_sentences(key):
                    self.spanning.append(key)
                if not self.chars:
                    for first in self._firsts(key):
                        self.by_first.setdefault(first, []).append(key)
            self.owners[key].append(number)
        return number

    def _spans_sentences(self, key) -> bool:
        if self.chars:
            return any(ch in self.ends or ch.isspace() for ch in key)
        return any(low in self.ends or low[:1] in self.ends for low, _ in key)

    @staticmethod
    def _firsts(key) -> set:
        """What a text must have for the phrase to be in it: its first two words in one of
        their forms (its word, for a one-word phrase)."""
        forms = [[f for f in word if f is not None] for word in key[:2]]
        if len(forms) == 1:
            return set(forms[0])
        return {(a, b) for a in forms[0] for b in forms[1]}

    def _state(self, doc: Doc) -> "_Scanned":
        if doc is self.last[0] and self.last[1].keys == len(self.keys):
            return self.last[1]   # the rules ask about one document many times in a row
        state = doc.user_data.get("vocabulary")
        if state is None or state.vocabulary is not self or state.keys != len(self.keys):
            state = self._scan(doc, state)
        self.last = (doc, state)
        return state

    def said_lists(self, doc: Doc) -> tuple[set[int], int]:
        """The numbers of the phrase lists said in the document, and below which number that
        answer holds (a list registered after the document was scanned: ask `all_said`)."""
        state = self._state(doc)
        return state.numbers, state.lists

    def all_said(self, doc: Doc, lists: list[Phrases] | tuple[Phrases, ...]) -> bool:
        """Are all these phrase lists said in the document?"""
        state = self._state(doc)
        numbers, known = state.numbers, state.lists
        return all(p.number in numbers if p.number < known else
                   bool(self.find(doc, p.number, p.keys)) for p in lists)

    def find(self, doc: Doc, number: int, keys: frozenset) -> tuple[Hit, ...]:
        """The hits of phrase list `number` (its phrases: `keys`), in text order (one tuple,
        shared by every caller)."""
        state = self._state(doc)
        answer = state.answers.get(number)
        if answer is None:
            known = number < state.lists
            unique = {}
            for base, first, found in state.pieces:
                phrases = found.lists.get(number, ()) if known else \
                    [k for k in keys if k in found.hits]   # a list registered after the scan
                for phrase in phrases:
                    for h in found.hits[phrase]:
                        unique[(base + h[0], base + h[1], first + h[2])] = h[3] + first
            answer = state.answers[number] = tuple(
                _new_hit((start, end, tok, unique[start, end, tok], ()))
                for start, end, tok in sorted(unique))
        return answer   # the same order whatever the hashing

    def _scan(self, doc: Doc, state: "_Scanned | None") -> "_Scanned":
        whole = table(doc)
        if state is None or state.vocabulary is not self:
            state = _Scanned(self)
            state.pieces = self._by_sentence(whole)
            state.lists = self.lists   # later lists are answered from the phrases found
            candidates = self.spanning
        else:
            candidates = self.keys[state.keys:]
        hits = {key: found for key in candidates
                if (found := _chars(whole, key) if self.chars else _words(whole, key))}
        if hits:
            state.pieces.append((0, 0, self._found(hits)))
        state.numbers = set().union(*(found.lists for _, _, found in state.pieces))
        state.keys, state.answers = len(self.keys), {}
        doc.user_data["vocabulary"] = state
        return state

    def _found(self, hits: dict) -> "_Found":
        lists: dict[int, list] = {}
        for key in hits:
            for number in self.owners[key]:
                lists.setdefault(number, []).append(key)
        return _Found(hits, lists)

    MEMORY = 50_000   # sentences remembered

    def _by_sentence(self, whole: Table) -> list:
        """What each sentence says, as (first character, first token, phrases found in it):
        a sentence met before (in another variant of the script, in a partial many scripts
        share) is answered from memory. The words and their boundaries, not only the text,
        identify a sentence. Hits are placed in the document only when a rule asks."""
        pieces = []
        memo = self.memo
        spanning = set(self.spanning)   # searched in the whole text by the caller
        for a, b in whole.spans:
            base = whole.idx[a]
            key = (whole.text[base:whole.ends[b - 1]], tuple(x - base for x in whole.idx[a:b]),
                   None if self.chars else tuple(whole.lems[a:b]))
            found = memo.get(key)
            if found is None:
                if len(memo) >= self.MEMORY:
                    memo.clear()
                hits = self._search(part(whole, a, b))
                found = memo[key] = self._found(
                    {k: v for k, v in hits.items() if k not in spanning})
            if found.hits:
                pieces.append((base, a, found))
        return pieces

    def _search(self, words: Table) -> dict:
        if self.chars:
            return self._automaton_scan(words)
        return {key: hits for key in self._candidates(words)
                if (hits := _words(words, key))}

    def _automaton_scan(self, found: Table) -> dict:
        """Every phrase's hits in one pass of an Aho-Corasick automaton over the text."""
        if self.automaton is None or self.automaton[0] != len(self.keys):
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for key in self.keys:
                automaton.add_word(key, key)
            automaton.make_automaton()
            self.automaton = (len(self.keys), automaton)
        hits: dict[str, list[Hit]] = {}
        for end, key in self.automaton[1].iter(found.lower):
            hits.setdefault(key, []).append(_char_hit(found, end + 1 - len(key), end + 1))
        return hits

    def _candidates(self, found: Table) -> list:
        """The English phrases whose first words the text has: its words (for one-word
        phrases) and its pairs of neighbours, in either form."""
        lows, lems = found.lows, found.lems
        present = set(found.index)
        for firsts, seconds in ((lows, lows), (lows, lems), (lems, lows), (lems, lems)):
            present.update(zip(firsts, seconds[1:]))
        by_first = self.by_first
        return list(dict.fromkeys(key for first in present & by_first.keys()
                                  for key in by_first[first]))


@dataclass
class _Found:
    """The phrases found in a piece of text (a sentence), with hits counted from its start,
    and for each phrase list which of its phrases were found."""

    hits: dict
    lists: dict[int, list]


class _Scanned:
    """A document's scan: what each piece of it says, and which phrase lists it answers."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.keys = 0                  # phrases searched for
        self.lists = 0                 # phrase lists registered when it was first scanned
        self.pieces: list[tuple[int, int, _Found]] = []   # (first char, first token, found)
        self.numbers: set[int] = set()                    # the lists with a hit
        self.answers: dict[int, tuple[Hit, ...]] = {}     # each list's hits, in text order


_VOCABULARIES: dict[tuple[str, int], Vocabulary] = {}


def vocabulary(lang: str, nlp) -> Vocabulary:
    """The vocabulary of a language's pipeline (one per process and pipeline)."""
    key = (lang, id(nlp))
    if key not in _VOCABULARIES:
        _VOCABULARIES[key] = Vocabulary(languages.get(lang))
    return _VOCABULARIES[key]


class Phrases:
    """A list of phrases, matched as the script's language reads them: on characters where
    words are characters (Chinese), else word by word on lower case or lemma. The phrases are
    normalised as the text is (Traditional, full width), and found through the language's
    vocabulary: one scan of a document answers every rule."""

    def __init__(self, phrases: list[str], lang: str, nlp):
        data = languages.get(lang)
        self.chars = data.words_are_characters
        self.needles = list(dict.fromkeys(
            languages.normalise_phrase(p, data).lower() for p in phrases if p.strip()))
        self.words: list[tuple[tuple[str, str], ...]] = []
        if not self.chars:
            exact = [n.startswith("=") for n in self.needles]
            for found, as_written in zip(_phrase_words(nlp, [n.lstrip("=") for n in
                                                             self.needles]), exact):
                # "=sued": this form only, not every form of its lemma ("Sue", "suing")
                words = tuple((low, None if as_written else lem) for low, lem in found)
                if words:
                    self.words.append(words)
        self.vocabulary = vocabulary(lang, nlp)
        self.keys = frozenset(self.needles if self.chars else self.words)
        self.number = self.vocabulary.register(self.keys)
        self.needs = Needs((self,))   # (the phrase list itself)

    def find(self, doc: Doc) -> tuple[Hit, ...]:
        return self.vocabulary.find(doc, self.number, self.keys)

    def said(self, doc: Doc) -> bool:
        """Is one of the phrases in the document (cheaper than finding where)?"""
        return self.vocabulary.all_said(doc, [self])


_WORDS: dict[int, tuple] = {}   # id(pipeline) -> (pipeline, {phrase: its words})


def _phrase_words(nlp, phrases: list[str]) -> list[tuple[tuple[str, str], ...]]:
    """Each phrase's words as (lower case, lemma), read once per pipeline: a term set that
    ten rules share is lemmatised once, not ten times."""
    known = _WORDS.setdefault(id(nlp), (nlp, {}))[1]
    new = [p for p in dict.fromkeys(phrases) if p not in known]
    for phrase, doc in zip(new, words_of(nlp, new)):
        known[phrase] = tuple((t.lower_, t._.lem) for t in doc if not t.is_space)
    return [known[p] for p in phrases]


def _chars(found: Table, needle: str) -> list[Hit]:
    text = found.lower
    if needle not in text:
        return []
    hits = []
    at = text.find(needle)
    while at >= 0:
        hits.append(_char_hit(found, at, at + len(needle)))
        at = text.find(needle, at + 1)
    return hits


def _words(found: Table, words: tuple[tuple[str, str], ...]) -> list[Hit]:
    lows, lems, index = found.lows, found.lems, found.index
    first_low, first_lem = words[0]
    hits = []
    for start in sorted(set(index.get(first_low, ())) |
                        set(index.get(first_lem, ()) if first_lem is not None else ())):
        end = start + len(words)
        if end <= len(lows) and all(lows[start + k] == low or
                                   (lem is not None and lems[start + k] == lem)
                                   for k, (low, lem) in enumerate(words)):
            hits.append(_tok_hit(found, start, end))
    return hits


class Needs:
    """The phrase lists a matcher cannot match without: `find_all` asks the document's scan
    whether they are all said before it runs the matcher (most rules say nothing in most
    sentences, and the question is a set comparison). A matcher without any (a regular
    expression, a token pattern) has `needs = None` and is always run."""

    def __init__(self, lists: tuple[Phrases, ...]):
        self.lists = lists
        self.numbers = frozenset(p.number for p in lists)
        self.top = max(self.numbers)
        self.vocabulary = lists[0].vocabulary

    def said(self, doc: Doc, known: list) -> bool:
        """Are the lists all said in the document? `known`: [vocabulary, lists said, below
        which number], the document's answer, kept by the caller for the next matcher."""
        if known[0] is not self.vocabulary:
            known[:] = [self.vocabulary, *self.vocabulary.said_lists(doc)]
        return self.numbers <= known[1] if self.top < known[2] else \
            self.vocabulary.all_said(doc, self.lists)


def needs_of(parts) -> Needs | None:
    lists = tuple(p for p in parts if isinstance(p, Phrases))
    return Needs(lists) if lists else None


def unsaid(matchers: list, docs: list) -> bool:
    """Can none of the matchers find anything in any of the documents, each lacking a phrase
    list it needs? Then a rule need not look (most rules find nothing in most scripts)."""
    if any(m.needs is None for m in matchers):
        return False
    for doc in docs:
        known: list = [None]
        if any(m.needs.said(doc, known) for m in matchers):
            return False
    return True


class Exact:
    needs = None

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
    needs = None

    def __init__(self, patterns: list[str], lang: str | None = None):
        data = languages.get(lang)
        self.patterns = [(p, compile_regex(languages.normalise_pattern(p, data)))
                         for p in patterns]

        self.seen: dict[str, list[tuple[int, int]]] = {}   # sentence -> matches in it

    MEMORY = 20_000   # sentences remembered: the variants of a script share most of theirs

    def find(self, doc: Doc) -> list[Hit]:
        found = table(doc)
        hits = []
        for start, text in found.sentences:
            spans = self.seen.get(text)
            if spans is None:
                spans = self._search(text)
                if len(self.seen) >= self.MEMORY:
                    self.seen.clear()
                self.seen[text] = spans
            hits += [_char_hit(found, start + a, start + b) for a, b in spans]
        return hits

    def _search(self, text: str) -> list[tuple[int, int]]:
        spans = []
        for source, pattern in self.patterns:
            try:
                spans += [m.span() for m in pattern.finditer(text, timeout=REGEX_TIMEOUT)
                          if m.end() > m.start()]
            except TimeoutError:
                raise RegexTimeout(source) from None
        return spans


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
    """spaCy token patterns. A pattern is run only around the words it needs (its required
    LOWER or ORTH tokens), within its own length of them: spaCy's matcher tests every token
    against every pattern, and most of a document cannot match."""

    needs = None

    def __init__(self, patterns: list[list[dict]], nlp):
        from spacy.matcher import Matcher

        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("p", [_lemma_keys(p) for p in patterns])
        self.anchors = [_anchor(p) for p in patterns]
        bounded = all(token.get("OP") in (None, "?", "!") for p in patterns for token in p)
        self.reach = max(map(len, patterns)) if bounded and patterns else None

    def find(self, doc: Doc) -> list[Hit]:
        found = table(doc)
        words = found.index
        possible = [anchor for anchor in self.anchors
                    if all(any(w in words for w in needed) for needed in anchor)]
        if not possible:
            return []
        if self.reach is None or any(not anchor for anchor in possible):
            return [_tok_hit(found, start, end) for _, start, end in self.matcher(doc)]
        # every match holds a token of each pattern's smallest word list: look only there
        at = sorted({i for anchor in possible for w in min(anchor, key=len)
                     for i in words.get(w, ())})
        windows: list[list[int]] = []
        for i in at:
            lo, hi = max(i - self.reach + 1, 0), min(i + self.reach, len(found.idx))
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], hi)
            else:
                windows.append([lo, hi])
        spans = sorted({(lo + start, lo + end) for lo, hi in windows
                        for _, start, end in self.matcher(doc[lo:hi])})
        return [_tok_hit(found, start, end) for start, end in spans]


def _anchor(pattern: list[dict]) -> list[frozenset]:
    """For each token the pattern needs to be a listed word, those words."""
    needed = []
    for token in pattern:
        if token.get("OP") is not None:
            continue
        for key in ("LOWER", "ORTH", "TEXT"):
            value = token.get(key)
            if isinstance(value, str):
                needed.append(frozenset([value.lower()]))
            elif isinstance(value, dict) and set(value) == {"IN"} and \
                    all(isinstance(v, str) for v in value["IN"]):
                needed.append(frozenset(v.lower() for v in value["IN"]))
    return needed


class Near:
    """A phrase of `a` within N tokens of a phrase of `b`, in one sentence."""

    def __init__(self, spec: dict, lang: str, nlp):
        self.a = Phrases(spec["a"], lang, nlp)
        self.b = Phrases(spec["b"], lang, nlp)
        self.needs = needs_of((self.a, self.b))
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
        self.order = sorted(range(len(self.parts)), key=lambda k: self.parts[k][1])  # required first
        self.needs = needs_of(part for part, optional in self.parts if not optional)

    def _close(self, a: Hit, b: Hit) -> bool:
        if a.overlaps(b):
            return False  # the same words cannot be two parts
        return self.within is None or a.gap(b) <= int(self.within)

    def find(self, doc: Doc) -> list[Hit]:
        """Every way the required parts line up (a few candidates per part), so that an
        exception on one pairing (a negated word) leaves another pairing to be judged."""
        if self.needs is not None and not self.needs.said(doc, [None]):
            return []   # a required part is not said: nothing else to look for
        found: list = [None] * len(self.parts)
        for k in self.order:
            part, optional = self.parts[k]
            hits = part.find(doc) if isinstance(part, Phrases) else \
                sorted(part.find(doc), key=lambda h: h.start)   # phrases come in text order
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

    needs = None

    def __init__(self, globs: list[str]):
        self.matches = glob_matcher(tuple(globs))

    def find(self, doc: Doc) -> list[Hit]:
        return [char_hit(doc, start, end) for start, end, names in doc.user_data.get("slots", ())
                if any(map(self.matches, names))]


@functools.lru_cache(maxsize=None)
def glob_matcher(globs: tuple[str, ...]):
    """Does a variable's dotted name match one of the globs (`agency.*`, `*.phone`)?"""
    if not globs:
        return lambda name: False
    pattern = re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs))
    return lambda name: pattern.match(name) is not None


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
    found = {}
    known: list = [None]
    for m in matchers:
        if m.needs is not None and not m.needs.said(doc, known):
            continue
        for h in m.find(doc):
            found[(h.start, h.end, h.heads)] = h
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
