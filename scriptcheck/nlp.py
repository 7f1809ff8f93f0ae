"""spaCy pipelines, one per language, built once per process.

Blank `zh` uses the jieba segmenter; blank `en` uses the lookup lemmatizer from
spacy-lookups-data. Both get a sentencizer that knows Chinese punctuation and a component
that marks, on every token, what the rules need to know about its context:
`token._.negated` (inside the scope of a negator in its clause), `token._.quoted` (inside
quoted speech or a [stage direction]) and `token._.lem` (a lower-case lemma). A trained
pipeline, when the user names an installed one, replaces the blank one.
"""
from __future__ import annotations

import logging
import re

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is imported when a pipeline is first built, not before
    from spacy.language import Language
    from spacy.tokens import Doc, Token

SENTENCE_END = ["。", "！", "？", "!", "?", ".", "；", ";", "…", "\n"]

NEGATORS = {
    "zh": {"不", "没", "没有", "别", "未", "无", "勿", "莫", "绝不", "决不", "不会", "不要", "不能",
           "不得", "不可", "不再", "不用", "无需", "无须", "请勿", "禁止", "严禁", "切勿", "从不",
           "从未", "并不", "并未", "并非", "未曾", "不必", "别再", "不至于", "绝对不会", "也不会",
           "不是", "从来不", "永远不会", "决不会", "绝不会"},
    "en": {"not", "n't", "never", "no", "cannot", "nobody", "nothing", "neither", "nor",
           "without", "none"},
}
# words that end a negator's scope: the consequence of a condition, a contrast, a new clause
SCOPE_ENDS = {
    "zh": ("就", "否则", "不然", "要不", "那么", "那就", "的话", "但", "但是", "可是", "而是", "只是",
           "而且", "还会", "才"),
    "en": {"but", "if", "unless", "otherwise", "then", "because", "so", "until", "when",
           "before", "after", "instead", "however", "while", "hesitate"},
}
PRONOUNS = {
    "zh": {"我", "我们", "你", "您", "你们", "他", "她", "他们", "她们", "咱们"},
    "en": {"i", "we", "you", "he", "she", "they", "it"},
}
# a pronoun followed by one of these starts a new clause ("if you don't pay *we will* ...")
AUXILIARIES = {
    "zh": {"会", "就", "要", "将", "马上", "可以", "都", "一定", "肯定", "立刻", "也", "必须", "得",
           "已经", "只能", "会让", "将会"},
    "en": {"will", "'ll", "would", "'d", "can", "could", "may", "might", "must", "shall",
           "should", "am", "are", "is", "was", "were", "'re", "'s", "'m", "have", "has", "had",
           "'ve", "do", "does", "did", "wo", "ca", "need", "want"},
}
MAX_SCOPE = 12
# 未回复的将被视为…: a negated description ("those who do not reply") ends where its claim begins
ZH_CLAIM_AFTER_DE = ("将", "会", "要", "就", "一律", "均", "都", "一经", "视为", "按")
# 不用担心我们会上门 / don't worry that we will call: what follows the worry is denied too
WORRY = {"担心", "害怕", "怕", "着急", "紧张", "顾虑", "担忧", "worry", "fear", "panic"}
# a negator inside a condition ("if you don't pay", 如果不还) negates the condition only
CONDITIONALS = {"zh": ("如果", "要是", "若", "假如", "只要", "一旦", "倘若"),
                "en": {"if", "unless"}}
CONDITION_SCOPE = 3
# "Can't you borrow it?", "Why not ask your family?", 为什么不找家人借: suggestions, not negation
SUGGESTION_LEAD = {"zh": {"为什么", "干嘛", "怎么", "为何", "何不", "不如", "能不能", "难道"},
                   "en": {"why", "can", "could", "wo", "would", "ca", "do", "wouldn"}}
OPENERS = set("【「『“‘（([{《〈﹁")
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "[": "]", "﹁": "﹂"}
CLAUSE_PUNCT = set("，,。.！!？?；;：:…—")

_pipelines: dict[tuple[str, str | None], Language] = {}
LANGUAGES = ("zh", "en")   # what the blank pipelines and the context marks are made for
CHUNK = 20_000             # characters of text through the pipeline at a time


def _register() -> None:
    """Token extensions and the context component, once per process."""
    from spacy.language import Language
    from spacy.tokens import Token

    for name, default in (("negated", False), ("quoted", False), ("lem", "")):
        if not Token.has_extension(name):
            Token.set_extension(name, default=default)
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


def quoted_ranges(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """Character ranges of quoted speech and [stage directions]: not the agent's words.
    In Chinese, half-width [...] is a signature or label (an SMS's [示例银行]), not a direction."""
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
        elif ch in QUOTE_PAIRS and not (ch == "[" and lang == "zh"):
            stack.append((QUOTE_PAIRS[ch], i))
        elif stack and ch == stack[-1][0]:
            _, start = stack.pop()
            if not stack:
                close(start, i + 1, bracket=text[start] in "[﹁")
        elif ch == "\n":  # quotes do not run past the end of a line
            straight = -1
            stack.clear()
    ranges += [(a, b) for a, b in _single_quotes(text) if _is_speech(text[a + 1:b - 1])]
    return sorted(ranges)


class ContextMarker:
    """Sets `lem`, `quoted` and `negated` on every token."""

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.lang = "zh" if nlp.lang == "zh" else "en"

    def _table(self):
        if "lemmatizer" not in self.nlp.pipe_names:
            return None
        lookups = getattr(self.nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is None or not lookups.has_table("lemma_lookup"):
            return None
        return lookups.get_table("lemma_lookup")

    def __call__(self, doc: Doc) -> Doc:
        _openers_start_sentences(doc)
        table = self._table() if self.lang == "en" else None
        for tok in doc:
            low = tok.text.lower()
            lemma = tok.lemma_.lower() if tok.lemma_ and tok.lemma_ != tok.text else low
            if table is not None and lemma == low:
                # the lookup table is case-sensitive: "Arrested" should read as "arrest"
                lemma = str(table.get(low, low)).lower()
            tok._.lem = lemma
        ranges = quoted_ranges(doc.text, self.lang)
        if ranges:
            for tok in doc:
                if any(a <= tok.idx < b for a, b in ranges):
                    tok._.quoted = True
        for sent in doc.sents:
            _mark_negation(list(sent), self.lang)
        return doc


def _openers_start_sentences(doc: Doc) -> None:
    """An opening bracket or quote after a sentence end begins the next sentence (the
    sentencizer keeps any punctuation after a full stop in the sentence before)."""
    if doc.has_annotation("DEP"):
        return  # a trained parser's boundaries are left as they are
    for tok in list(doc)[1:]:
        if not tok.is_sent_start:
            continue
        j = tok.i
        while j - 1 > 0 and doc[j - 1].text in OPENERS and not doc[j - 1].is_sent_start:
            j -= 1
        if j != tok.i:
            tok.is_sent_start = False
            doc[j].is_sent_start = True


def is_negator(tok: Token, lang: str, toks: list[Token] | None = None, i: int = 0) -> bool:
    text = tok.text.lower()
    if lang == "zh" and _not_a_denial(tok, toks, i):
        return False
    return text in NEGATORS[lang] or tok.dep_ == "neg"


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


def _ends_scope(toks: list[Token], i: int, lang: str, worry: bool = False) -> bool:
    text = toks[i].text.lower()
    if lang == "zh":
        if "就" in text and _jiu_means_regarding(toks, i):
            return False
        if any(marker in text for marker in SCOPE_ENDS["zh"]):
            return True
    elif text in SCOPE_ENDS["en"]:
        return True
    if lang == "zh" and i > 0 and toks[i - 1].text == "的" and text.startswith(ZH_CLAIM_AFTER_DE):
        return True
    if text in PRONOUNS[lang] and i + 1 < len(toks) and not worry:
        return toks[i + 1].text.lower() in AUXILIARIES[lang]
    return False


def _is_suggestion(toks: list[Token], i: int, lang: str) -> bool:
    """A negator that asks rather than denies: "Can't you…?", 为什么不找家人借一下？"""
    last = next((t.text for t in reversed(toks) if not t.is_space), "")
    if not last.endswith(("?", "？")):
        return False
    before = [t.text.lower() for t in toks[max(i - 2, 0):i]]
    if lang == "en":
        return i <= 2 and (not before or before[0] in SUGGESTION_LEAD["en"])
    return any(word in SUGGESTION_LEAD["zh"] for word in before) or \
        any(toks[i].text.startswith(w) for w in ("何不", "不如"))


def _jiu_means_regarding(toks: list[Token], i: int) -> bool:
    """就此事, 就该笔欠款: 就 as "about", not "then"."""
    text = toks[i].text
    rest = text[text.index("就") + 1:] or (toks[i + 1].text if i + 1 < len(toks) else "")
    return rest.startswith(("此", "该", "这", "本", "上述", "相关", "您的", "贵"))


def _mark_negation(toks: list[Token], lang: str) -> None:
    active, count, limit, conditional, worry = False, 0, MAX_SCOPE, False, False
    for i, tok in enumerate(toks):
        text = tok.text.lower()
        if tok.text in CLAUSE_PUNCT or tok.is_space or "\n" in tok.text:
            active, conditional = False, False
            continue
        if text in CONDITIONALS[lang] if lang == "en" else text.startswith(CONDITIONALS["zh"]):
            conditional = True
        if active and _ends_scope(toks, i, lang, worry):
            active = False
        if active:
            tok._.negated = True
            worry = worry or text in WORRY
            count += 1
            if count >= limit:
                active = False
        if is_negator(tok, lang, toks, i) and not _is_suggestion(toks, i, lang):
            active, count, worry = True, 0, False
            limit = CONDITION_SCOPE if conditional else MAX_SCOPE


PASSIVE_AUX = {"is", "are", "was", "were", "will", "would", "has", "have", "had", "be", "being",
               "been", "can", "could", "may", "might", "shall", "should", "must", "'s", "'re",
               "'ll", "wo", "ca", "do", "does", "did"}


def negated_after(doc: Doc, end: int) -> bool:
    """English negation after the words: "a CCJ is not being sought", "your employer will
    not be contacted" (auxiliaries, a negator, then a passive)."""
    if doc.lang_ != "en":
        return False
    i = end
    while i < len(doc) and i - end < 3 and doc[i].lower_ in PASSIVE_AUX:
        i += 1
    if i == end or i + 1 >= len(doc) or doc[i].lower_ not in ("not", "n't", "never"):
        return False
    after = doc[i + 1].lower_
    return after in ("be", "being", "been") or after.endswith(("ed", "en", "ght", "wn"))


def detect_language(text: str) -> str:
    """`zh` when the text is mostly Han characters, else `en`."""
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if han and han * 3 >= latin else "en"


def pipeline(lang: str, model: str | None = None) -> Language:
    """The pipeline for a language: a trained one if configured and installed, else blank."""
    key = (lang, model)
    if key in _pipelines:
        return _pipelines[key]
    import spacy

    _register()
    if model:
        nlp = spacy.load(model)
    elif lang not in LANGUAGES:  # no tokenizer or lemmas of ours: never a crash (ja needs
        nlp = spacy.blank("xx")   # SudachiPy, ko MeCab); the run reports the language
    elif lang == "zh":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    else:
        nlp = spacy.blank(lang)
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    if not ({"parser", "senter", "sentencizer"} & set(nlp.pipe_names)):
        nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_END})
    nlp.add_pipe("scriptcheck_context", last=True)
    _pipelines[key] = nlp
    return nlp


def chunks(text: str, size: int | None = None) -> list[str]:
    """`text` in pieces of at most `size` (CHUNK) characters, cut after a sentence end (or a
    line break) in the second half of each piece where there is one."""
    size = size or CHUNK
    pieces = []
    start = 0
    while len(text) - start > size:
        window = text[start + size // 2: start + size]
        cut = max(window.rfind(end) for end in SENTENCE_END)
        stop = start + size // 2 + cut + 1 if cut >= 0 else start + size
        pieces.append(text[start:stop])
        start = stop
    pieces.append(text[start:])
    return pieces


def parse(texts: list[str], lang: str, model: str | None = None) -> list[Doc]:
    """One Doc per text. Long texts go through the pipeline in sentence-sized pieces that are
    joined again, so spaCy's max_length (E088) never refuses a script."""
    from spacy.tokens import Doc

    nlp = pipeline(lang, model)
    pieces, owners = [], []
    for i, text in enumerate(texts):
        for piece in chunks(text):
            pieces.append(piece)
            owners.append(i)
    parts: list[list[Doc]] = [[] for _ in texts]
    for owner, doc in zip(owners, nlp.pipe(pieces)):
        parts[owner].append(doc)
    return [docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)
            for docs in parts]
