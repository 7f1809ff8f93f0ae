"""spaCy pipelines, one per language, built once per process.

Blank `zh` uses the jieba segmenter; blank `en` uses the lookup lemmatizer from
spacy-lookups-data. Both get a sentencizer that knows Chinese punctuation and a component
that marks, on every token, what the rules need to know about its context:
`token._.negated` (inside the scope of a negator in its clause), `token._.quoted` (inside
quoted speech or a [stage direction]) and `token._.lem` (a lower-case lemma). A trained
pipeline, when the user names an installed one, replaces the blank one.
"""
from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import lang as languages
from .frontmatter import detect_language  # noqa: F401 - importable from here as before
from .lang import Language as LangData

if TYPE_CHECKING:  # spaCy is imported when a pipeline is first built, not before
    from spacy.language import Language
    from spacy.tokens import Doc, Token

_pipelines: dict[tuple[str, str | None], Language] = {}
CHUNK = 20_000             # characters of text through the pipeline at a time


@dataclass
class Marks:
    """What the context component found on each token, kept as lists on the document: a
    spaCy extension attribute costs a dictionary lookup on every read and write, and the
    rules read every token's marks many times. `token._.lem`, `._.negated` and `._.quoted`
    read them."""

    lem: list[str]
    negated: list[bool]
    quoted: list[bool]

    @classmethod
    def empty(cls, size: int) -> "Marks":
        return cls([""] * size, [False] * size, [False] * size)


def text_kept(doc: Doc) -> str:
    """The text a document was made from (`parse` keeps it: spaCy rebuilds `doc.text` from
    the tokens on every access)."""
    text = doc.user_data.get("text")
    return doc.text if text is None else text


def marks(doc: Doc) -> Marks:
    found = doc.user_data.get("marks")
    if found is None:
        found = doc.user_data["marks"] = Marks.empty(len(doc))
    return found


def _register() -> None:
    """Token extensions and the context component, once per process."""
    from spacy.language import Language
    from spacy.tokens import Token

    for name in ("negated", "quoted", "lem"):
        if not Token.has_extension(name):
            Token.set_extension(name, getter=lambda tok, name=name:
                                getattr(marks(tok.doc), name)[tok.i])
    if "scriptcheck_context" not in Language.factories:
        Language.factory("scriptcheck_context", func=lambda nlp, name: ContextMarker(nlp))


def _is_speech(inner: str) -> bool:
    """Quoted speech is a phrase or more; a quoted word or two (Reply "STOP", a “赖账鬼” label)
    is the speaker's own wording and stays checked."""
    han = len(re.findall(r"[\u4e00-\u9fff]", inner))
    words = len(re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", inner))
    return han >= 4 or words >= 3 or inner.rstrip().endswith(("?", "？", "!", "！", "。"))


def _single_quotes(text: str) -> list[tuple[int, int]]:
    """'…' used as quotation marks: opened after a space or bracket, closed before one, so
    apostrophes (don't, the customer's) are not taken for quotes."""
    found = []
    for m in re.finditer(r"(?:(?<=^)|(?<=[\s(\[:;,]))'(?=\S)([^'\n]*(?:'\w[^'\n]*)*?)(?<=\S)'"
                         r"(?=$|[\s.,;:!?)\]])", text, re.M):
        found.append((m.start(), m.end()))
    return found


def quoted_ranges(text: str, lang: LangData | str = "en") -> list[tuple[int, int]]:
    """Character ranges of quoted speech and [stage directions]: not the agent's words."""
    data = lang if isinstance(lang, LangData) else languages.get(lang)
    pairs = dict(data.quote_pairs)
    if data.brackets_are_directions:
        pairs["["] = "]"
    ranges: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight = -1

    def close(start: int, end: int, bracket: bool = False) -> None:
        if bracket or _is_speech(text[start + 1:end - 1]):
            ranges.append((start, end))

    for i, ch in enumerate(text):
        if ch == '"':
            if straight < 0:
                straight = i
            else:
                close(straight, i + 1)
                straight = -1
        elif ch in pairs:
            stack.append((pairs[ch], i))
        elif stack and ch == stack[-1][0]:
            _, start = stack.pop()
            if not stack:
                close(start, i + 1, bracket=text[start] in "[﹁")
        elif ch == "\n":  # quotes do not run past the end of a line
            straight = -1
            stack.clear()
    ranges += [(a, b) for a, b in _single_quotes(text) if _is_speech(text[a + 1:b - 1])]
    return sorted(ranges)


def reported_ranges(text: str, sentences: list[tuple[int, int]], data: LangData) -> list[tuple[int, int]]:
    """The customer's words: from a reported-speech cue (客户问, Q:, "the customer says") to the
    end of its sentence."""
    if not data.reported_speech:
        return []
    low = text.lower()
    found = []
    for cue in data.reported_speech:
        at = low.find(cue)
        while at >= 0:
            before = low[at - 1] if at else " "
            if data.words_are_characters or not before.isalnum():
                end = next((b for a, b in sentences if a <= at < b), len(text))
                found.append((at, end))
            at = low.find(cue, at + 1)
    return found


class ContextMarker:
    """Sets `lem`, `quoted` and `negated` on every token, and where sentences start."""

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.data = languages.get(nlp.lang)

    def lemmatise(self, doc: Doc) -> Doc:
        """Sets `lem`, a lower-case lemma, on every token."""
        from spacy.attrs import LEMMA, LOWER, ORTH

        table = self.lem_table
        strings = doc.vocab.strings
        lems = marks(doc).lem
        rows = doc.to_array([ORTH, LOWER, LEMMA]).tolist() if len(doc) else []
        for i, (orth, lower, lemma) in enumerate(rows):
            low = strings[lower]
            lemma = strings[lemma] if lemma else ""
            lemma = lemma.lower() if lemma and lemma != strings[orth] else low
            if table is not None and lemma == low:
                # the lookup table is case-sensitive: "Arrested" should read as "arrest"
                lemma = str(table.get(low, low)).lower()
            lems[i] = lemma
        return doc

    @functools.cached_property
    def lem_table(self):
        """The lookup lemmatizer's table (read once, when the pipeline is complete)."""
        return None if self.data.words_are_characters else self._table()

    def _table(self):
        if "lemmatizer" not in self.nlp.pipe_names:
            return None
        lookups = getattr(self.nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is None or not lookups.has_table("lemma_lookup"):
            return None
        return lookups.get_table("lemma_lookup")

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import IDX

        _sentence_starts(doc, self.data)
        self.lemmatise(doc)
        text = text_kept(doc)
        sents = [(s.start_char, s.end_char) for s in doc.sents]
        ranges = quoted_ranges(text, self.data) + reported_ranges(text, sents, self.data)
        found = marks(doc)
        if ranges:
            for i, at in enumerate(doc.to_array([IDX]).tolist()):
                if any(a <= at < b for a, b in ranges):
                    found.quoted[i] = True
        for sent in doc.sents:
            _mark_negation(list(sent), self.data, found)
        return doc


def _sentence_starts(doc: Doc, data: LangData) -> None:
    """A blank line ends a sentence; an opening bracket or quote after a sentence end begins
    the next one (the sentencizer keeps punctuation after a full stop in the sentence before)."""
    if doc.has_annotation("DEP") or len(doc) < 2:
        return  # a trained parser's boundaries are left as they are
    from spacy.attrs import ORTH, SENT_START

    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, SENT_START]).tolist()
    words = [strings[orth] for orth, _ in rows]
    starts = [start == 1 for _, start in rows]
    for i in range(1, len(words)):
        if not starts[i]:
            continue
        j = i
        while j - 1 > 0 and words[j - 1] in data.openers and not starts[j - 1]:
            j -= 1
        if j != i:
            doc[i].is_sent_start, starts[i] = False, False
            doc[j].is_sent_start, starts[j] = True, True
    for i in range(1, len(words)):
        before = words[i - 1]
        if not starts[i] and "\n" in before and before.isspace() and not words[i].isspace():
            doc[i].is_sent_start, starts[i] = True, True


@dataclass
class Table:
    """What the rules read of a document's tokens, read from spaCy in one pass: spaCy builds
    a new Token object on every access, and thousands of rules ask about the same tokens."""

    text: str
    lower: str
    idx: list[int]                 # each token's first character
    ends: list[int]                # each token's end (without trailing whitespace)
    lows: list[str]
    lems: list[str | None]         # None: a name (capitalised inside a sentence), as written
    sent: list[int]                # sentence of each token
    clause: list[int]              # clause of each token, counted through the document
    negated: list[bool]
    quoted: list[bool]
    sentences: list[tuple[int, str]]   # (start offset, text) of each sentence
    spans: list[tuple[int, int]] = field(default_factory=list)   # each sentence's tokens

    @functools.cached_property
    def index(self) -> dict[str, list[int]]:
        """Where each lower-case form and lemma occurs (made when first asked: Chinese
        phrases are found without it)."""
        index: dict[str, list[int]] = {}
        for i, (low, lem) in enumerate(zip(self.lows, self.lems)):
            index.setdefault(low, []).append(i)
            if lem is not None and lem != low:
                index.setdefault(lem, []).append(i)
        return index


_LAST: list = [None, None]   # the document asked about last, and its table


def table(doc: Doc) -> Table:
    """The document's table (built on first use, then kept with the document). Rules ask
    about one document many times in a row: that one is answered without a lookup."""
    if doc is _LAST[0]:
        return _LAST[1]
    found = doc.user_data.get("table")
    if found is None:
        found = _build_table(doc)
    _LAST[:] = [doc, found]
    return found


def _build_table(doc: Doc) -> Table:
    from spacy.attrs import IDX, LOWER, ORTH, SENT_START

    data = languages.get(doc.lang_)
    strings = doc.vocab.strings
    text = text_kept(doc)
    if len(doc):
        columns = doc.to_array([IDX, ORTH, LOWER, SENT_START]).T.tolist()
    else:
        columns = [[], [], [], []]
    if doc.has_annotation("DEP"):   # a trained parser's sentences come from its tree
        starts = {s.start for s in doc.sents}
    else:
        starts = {i for i, start in enumerate(columns[3]) if start == 1} | {0}
    marked = marks(doc)
    idx = columns[0]
    words = [strings[orth] for orth in columns[1]]
    lows = [strings[lower] for lower in columns[2]]
    ends = [start + len(word) for start, word in zip(idx, words)]
    if data.words_are_characters:   # no capitals to tell a name by
        lems = list(marked.lem)
    else:
        lems = [None if word[:1].isupper() and i not in starts and not word.isupper() else lem
                for i, (word, lem) in enumerate(zip(words, marked.lem))]
    sent, clause = [], []
    n_sent, n_clause = -1, 0
    ends_clause = data.clause_ends
    for i, word in enumerate(words):
        if i in starts:
            n_sent += 1
            n_clause += 1 if i else 0
        sent.append(n_sent)
        clause.append(n_clause)
        if word in ends_clause or ("\n" in word and word.isspace()):
            n_clause += 1
    firsts = sorted(starts) if idx else []
    spans = list(zip(firsts, firsts[1:] + [len(idx)]))
    found = doc.user_data["table"] = Table(
        text, text.lower(), idx, ends, lows, lems, sent, clause, marked.negated, marked.quoted,
        [(idx[a], text[idx[a]:ends[b - 1]]) for a, b in spans], spans)
    return found


def part(whole: Table, a: int, b: int) -> Table:
    """The words of tokens [a, b) (a sentence) as a table of their own, offsets from its
    first character: what the matchers read to find phrases in it."""
    base = whole.idx[a]
    end = whole.ends[b - 1]
    idx = [x - base for x in whole.idx[a:b]]
    lows, lems = whole.lows[a:b], whole.lems[a:b]
    return Table(whole.text[base:end], whole.lower[base:end], idx,
                 [x - base for x in whole.ends[a:b]], lows, lems, [], [], [], [],
                 [(0, whole.text[base:end])], [(0, b - a)])


def clause_of(doc: Doc, tok: int) -> int:
    """The clause a token is in, counted through the document: clauses end at the language's
    clause punctuation, at line breaks and at sentence ends."""
    clauses = table(doc).clause
    return clauses[tok] if clauses else 0


def is_negator(tok: Token, data: LangData, toks: list[Token] | None = None, i: int = 0) -> bool:
    if data.words_are_characters and _not_a_denial(tok, toks, i):
        return False
    return tok.text.lower() in data.negators or tok.dep_ == "neg"


def _not_a_denial(tok: Token, toks: list[Token] | None, i: int) -> bool:
    """不 that denies nothing: 能不能, 要不要, 可不可以 (questions) and 不|还是 (jieba's cut of
    "不还是要…": not repaying *is* …)."""
    text = tok.text
    for k in range(1, len(text) - 1):  # within one token: 能不能, 可不可以
        if text[k] == "不" and text[k - 1] == text[k + 1]:
            return True
    if toks is None or not text.startswith("不"):
        return False
    if text == "不" and i + 1 < len(toks) and toks[i + 1].text.startswith("还是"):
        return True  # 不|还是: "不还(钱)是…", the negation is the subject, not the claim
    before = toks[i - 1].text if i > 0 else ""
    rest = text[1:] or (toks[i + 1].text if i + 1 < len(toks) else "")
    return bool(before) and bool(rest) and before[-1] == rest[0]


def _ends_scope(toks: list[Token], i: int, data: LangData, worry: bool = False) -> bool:
    text = toks[i].text.lower()
    if data.words_are_characters:
        if "就" in text and _jiu_means_regarding(toks, i, data):
            return False
        if any(marker in text for marker in data.scope_ends):
            return True
    elif text in data.scope_ends:
        return True
    if data.claim_after_de and i > 0 and toks[i - 1].text == "的" and \
            text.startswith(data.claim_after_de):
        return True
    if text in data.pronouns and i + 1 < len(toks) and not worry:
        return toks[i + 1].text.lower() in data.auxiliaries
    return False


def _is_suggestion(toks: list[Token], i: int, data: LangData) -> bool:
    """A negator that asks rather than denies: "Can't you…?", 为什么不找家人借一下？"""
    last = next((t.text for t in reversed(toks) if not t.is_space), "")
    if not last.endswith(("?", "？")):
        return False
    before = [t.text.lower() for t in toks[max(i - 2, 0):i]]
    if not data.words_are_characters:
        return i <= 2 and (not before or before[0] in data.suggestion_leads)
    words = [t.text for t in toks if not t.is_space and t.text not in ("?", "？")]
    asks = data.suggestion_questions
    if asks and toks[i].text in asks.get("negators", ()) and before and \
            before[-1] in asks.get("subjects", ()):
        if words and words[-1].endswith(tuple(asks.get("ends", ()))):
            return True
    asserts = data.rhetorical_questions   # 不是…吗？ asks for agreement, it denies nothing
    if asserts and toks[i].text in asserts.get("negators", ()) and words and \
            words[-1].endswith(tuple(asserts.get("ends", ()))):
        return True
    return any(word in data.suggestion_leads for word in before) or \
        any(toks[i].text.startswith(w) for w in ("何不", "不如"))


def _jiu_means_regarding(toks: list[Token], i: int, data: LangData) -> bool:
    """就此事, 就该笔欠款: 就 as "about", not "then"."""
    text = toks[i].text
    rest = text[text.index("就") + 1:] or (toks[i + 1].text if i + 1 < len(toks) else "")
    return rest.startswith(data.regarding_after_jiu)


def _rhetorical(toks: list[Token], data: LangData) -> int:
    """Where a rhetorical lead ends in the clause (谁说…不会, 你以为…不会…吗, "don't think we
    won't"), or -1: negators up to the end of that clause deny nothing, they insist."""
    if not toks or not data.rhetorical_leads:
        return -1
    base = toks[0].idx
    text = "".join(t.text_with_ws for t in toks).lower()
    end = -1
    for lead in data.rhetorical_leads:
        at = text.find(lead)
        if at >= 0 and (data.words_are_characters or at == 0 or not text[at - 1].isalnum()):
            end = max(end, base + at + len(lead))
    return end


def _not_paying(toks: list[Token], i: int, data: LangData, lems: list[str]) -> int:
    """不还钱后果自负, "not paying will get you…": a negator right before a paying word states
    a condition; its scope is that word and its object (the number of tokens), else 0."""
    rest = [t for t in toks[i + 1:] if not t.is_space]
    if not rest or not data.condition_verbs:
        return 0
    verb = rest[0]
    if data.words_are_characters:
        paying = verb.text.startswith(data.condition_verbs)
    else:
        paying = verb.lower_ in data.condition_verbs or lems[verb.i] in data.condition_verbs
    if not paying:
        return 0
    scope = 1
    while scope < min(len(rest), 3) and rest[scope].text.lower() in data.condition_objects:
        scope += 1
    return scope


def _mark_negation(toks: list[Token], data: LangData, found: Marks) -> None:
    active, count, limit, conditional, worry = False, 0, data.max_scope, False, False
    clause_start, rhetoric = 0, None
    for i, tok in enumerate(toks):
        text = tok.text.lower()
        if tok.text in data.clause_ends or tok.is_space and "\n" in tok.text:
            active, conditional, clause_start, rhetoric = False, False, i + 1, None
            continue
        if tok.is_space:
            continue
        if rhetoric is None:   # once per clause: up to its next clause end
            stop = next((k for k in range(i, len(toks)) if toks[k].text in data.clause_ends),
                        len(toks))
            rhetoric = _rhetorical(toks[clause_start:stop], data) > -1
        if (text in data.conditionals) if not data.words_are_characters else \
                text.startswith(data.conditionals):
            conditional = True
        if active and _ends_scope(toks, i, data, worry):
            active = False
        if active:
            found.negated[tok.i] = True
            worry = worry or text in data.worry
            count += 1
            if count >= limit:
                active = False
        if rhetoric:
            continue   # a rhetorical question or warning: its negators insist, they deny nothing
        if is_negator(tok, data, toks, i) and not _is_suggestion(toks, i, data):
            active, count, worry = True, 0, False
            paying = _not_paying(toks, i, data, found.lem)
            limit = paying if paying else data.condition_scope if conditional else data.max_scope


def negated_after(doc: Doc, end: int) -> bool:
    """Negation after the words: "a CCJ is not being sought", "your employer will not be
    contacted" (auxiliaries, a negator, then a passive)."""
    aux = languages.get(doc.lang_).passive_auxiliaries
    if not aux:
        return False
    i = end
    while i < len(doc) and i - end < 3 and doc[i].lower_ in aux:
        i += 1
    if i == end or i + 1 >= len(doc) or doc[i].lower_ not in ("not", "n't", "never"):
        return False
    after = doc[i + 1].lower_
    return after in ("be", "being", "been") or after.endswith(("ed", "en", "ght", "wn"))


def pipeline(lang: str, model: str | None = None) -> Language:
    """The pipeline for a language: a trained one if configured and installed, else blank."""
    key = (lang, model)
    if key in _pipelines:
        return _pipelines[key]
    import spacy

    _register()
    data = languages.get(lang)
    if model:
        nlp = spacy.load(model)
    elif lang not in languages.known():  # no data of ours: never a crash (ja needs
        nlp = spacy.blank("xx")             # SudachiPy, ko MeCab); the run reports the language
    else:
        tokenizer = data.tokenizer or {}
        if tokenizer.get("segmenter") == "jieba":
            jieba = _import_jieba()
            jieba.setLogLevel(logging.WARNING)
            for word in data.words:   # domain words kept whole: 失信被执行人, 通讯录, 上门催收
                jieba.add_word(word)
        nlp = spacy.blank(lang, config={"nlp": {"tokenizer": tokenizer}} if tokenizer else {})
        if data.lemmatizer:
            nlp.add_pipe("lemmatizer", config={"mode": data.lemmatizer})
            nlp.initialize()
    if not ({"parser", "senter", "sentencizer"} & set(nlp.pipe_names)):
        nlp.add_pipe("sentencizer", config={"punct_chars": list(data.sentence_ends)})
    nlp.add_pipe("scriptcheck_context", last=True)
    _pipelines[key] = nlp
    return nlp


def _import_jieba():
    """jieba, imported without pkg_resources: jieba imports it (a quarter of a second, and
    deprecated) only to open its own dictionary file, which it otherwise opens from its own
    folder, the same file."""
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None   # `import pkg_resources` raises ImportError
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def chunks(text: str, size: int | None = None, ends=("。", "！", "？", "!", "?", ".", "\n")) -> list[str]:
    """`text` in pieces of at most `size` (CHUNK) characters, cut after a sentence end (or a
    line break) in the second half of each piece where there is one."""
    size = size or CHUNK
    pieces = []
    start = 0
    while len(text) - start > size:
        window = text[start + size // 2: start + size]
        cut = max(window.rfind(end) for end in ends)
        stop = start + size // 2 + cut + 1 if cut >= 0 else start + size
        pieces.append(text[start:stop])
        start = stop
    pieces.append(text[start:])
    return pieces


def parse(texts: list[str], lang: str, model: str | None = None) -> list[Doc]:
    """Documents of the texts as the rules read them (normalised); each remembers, in
    `user_data["orig"]`, where its offsets stand in the text as written (None: the same).
    Long texts go through the pipeline in sentence-sized pieces that are joined again, so
    spaCy's max_length (E088) never refuses a script."""
    data = languages.get(lang)
    nlp = pipeline(lang, model)
    normal = [languages.normalise(t, data) for t in texts]
    pieces, owners = [], []
    for i, (text, _) in enumerate(normal):
        for piece in chunks(text, ends=data.sentence_ends):
            pieces.append(piece)
            owners.append(i)
    parts: list[list[Doc]] = [[] for _ in texts]
    made = []
    for piece in pieces:   # the text kept: spaCy rebuilds doc.text from its tokens
        doc = nlp.make_doc(piece)
        doc.user_data["text"] = piece
        made.append(doc)
    for owner, doc in zip(owners, nlp.pipe(made)):
        parts[owner].append(doc)
    docs = [found[0] if len(found) == 1 else _joined(found) for found in parts]
    for doc, (text, where) in zip(docs, normal):
        doc.user_data["orig"] = where
        doc.user_data["text"] = text   # what the tokens tile (doc.text rebuilds it from them)
    return docs


def _joined(pieces: list[Doc]) -> Doc:
    """One document of a long text's pieces, with the marks of every piece."""
    from spacy.tokens import Doc

    doc = Doc.from_docs(pieces, ensure_whitespace=False)
    found = [marks(piece) for piece in pieces]
    doc.user_data["marks"] = Marks([x for m in found for x in m.lem],
                                   [x for m in found for x in m.negated],
                                   [x for m in found for x in m.quoted])
    return doc


def original(doc: Doc, offset: int) -> int:
    """An offset of the document's (normalised) text in the text as written."""
    where = doc.user_data.get("orig")
    return offset if where is None else where[min(offset, len(where) - 1)]


def normalised(doc: Doc, offset: int) -> int:
    """An offset of the text as written in the document's (normalised) text."""
    import bisect

    where = doc.user_data.get("orig")
    return offset if where is None else bisect.bisect_left(where, offset)


def words(nlp: Language, phrases: list[str]) -> list[Doc]:
    """A pack's phrases as tokens with lemmas, without the rest of the pipeline (a pack has
    thousands of phrases; each is a word or three)."""
    marker = nlp.get_pipe("scriptcheck_context")
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    out = []
    for phrase in phrases:
        doc = nlp.make_doc(phrase)
        if lemmatizer is not None:
            doc = lemmatizer(doc)
        out.append(marker.lemmatise(doc))
    return out
