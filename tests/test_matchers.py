"""The matching engine's shortcuts give the answers of the plain way of matching.

Each shortcut (one vocabulary scan per document, token patterns run only around the words
they need, regular expressions remembered per sentence, the per-document token table) is
checked here against the straightforward computation it replaces.
"""
from __future__ import annotations

import re

import pytest

from scriptcheck import lang as languages, matchers, nlp

EN_TEXT = ("Stop. Calm down and listen, mate! Dear Mr Smith, we wrote to you.\n\n"
           "Okay mate, calm down. Grow up. You should just grow up and pay.\n"
           "If you had spent less, calm down now.")
ZH_TEXT = "您好，这里是银行。你们不还钱，我们就去法院起诉你。\n\n不还钱后果自负！法院会找你家人。"


def _doc(text: str, lang: str):
    return nlp.parse([text], lang)[0]


@pytest.mark.parametrize("patterns", [
    [[{"IS_PUNCT": True}, {"LOWER": {"IN": ["calm", "settle"]}}, {"LOWER": "down"}]],
    [[{"IS_SENT_START": True, "LOWER": "grow"}, {"LOWER": "up"}],
     [{"LOWER": {"IN": ["just", "so"]}}, {"LOWER": "grow"}, {"LOWER": "up"},
      {"LOWER": {"IN": ["and", "."]}}]],
    [[{"LOWER": {"IN": ["okay", "listen"]}}, {"LOWER": "you", "OP": "?"},
      {"LOWER": {"IN": ["mate", "pal"]}}, {"IS_PUNCT": True}]],
    [[{"LOWER": "if"}, {"LOWER": "you"}, {"LOWER": "had", "OP": "?"}, {"LOWER": "spent"}]],
    [[{"LOWER": "calm"}, {"LOWER": "down", "OP": "+"}]],          # unbounded: the whole text
    [[{"IS_PUNCT": True}, {"IS_PUNCT": True}]],                    # no word needed
])
def test_token_patterns_around_their_words_find_what_the_whole_text_finds(patterns):
    from spacy.matcher import Matcher

    doc = _doc(EN_TEXT, "en")
    found = matchers.Tokens(patterns, nlp.pipeline("en")).find(doc)
    plain = Matcher(doc.vocab)
    plain.add("p", patterns)
    expected = sorted({(start, end) for _, start, end in plain(doc)})
    assert [(h.tok, h.tok_end) for h in found] == expected
    assert expected or patterns[0][0].get("IS_PUNCT")   # the cases above do match


def test_token_patterns_skip_a_document_without_their_words():
    doc = _doc("We will write to you about your account.", "en")
    tokens = matchers.Tokens([[{"LOWER": "calm"}, {"LOWER": "down"}]], nlp.pipeline("en"))
    assert tokens.find(doc) == []


@pytest.mark.parametrize("lang, text, phrases", [
    ("zh", ZH_TEXT, ["不还钱", "法院", "起诉", "你家人", "后果自负", "银行", "没有的词"]),
    ("en", EN_TEXT, ["calm down", "grow up", "write", "mate", "pay", "not here at all"]),
])
def test_phrases_registered_after_a_scan_are_still_found(lang, text, phrases):
    """A rule compiled after a document was scanned (a channel's rules first met later) gets
    the same hits as one compiled before."""
    pipe = nlp.pipeline(lang)
    doc = _doc(text, lang)
    early = matchers.Phrases(phrases[:2], lang, pipe)
    assert early.find(doc)                        # scanned now, with the early phrases only
    late = matchers.Phrases(phrases, lang, pipe)  # new phrases after the scan
    fresh = _doc(text, lang)                      # a document scanned with all of them
    assert late.find(doc) == late.find(fresh)
    assert late.said(doc) and late.said(fresh)
    assert {(h.start, h.end) for h in early.find(fresh)} <= {(h.start, h.end) for h in late.find(fresh)}
    absent = matchers.Phrases([phrases[-1]], lang, pipe)
    assert absent.find(doc) == () and not absent.said(doc)


def test_chinese_phrases_found_everywhere_they_occur_overlapping_included():
    doc = _doc("还钱还钱还钱，不还钱就不还钱。", "zh")
    phrases = matchers.Phrases(["还钱", "钱还", "不还钱"], "zh", nlp.pipeline("zh"))
    text = matchers.text_of(doc)
    expected = sorted((m.start(), m.start() + len(p)) for p in ("还钱", "钱还", "不还钱")
                      for m in re.finditer(f"(?={p})", text))
    assert [(h.start, h.end) for h in phrases.find(doc)] == expected


def test_regular_expressions_remembered_per_sentence_give_fresh_answers():
    regex = matchers.Regex([r"\d+\s*(?:元|块)"], "zh")
    texts = ["请今天还500元。明天再还200块。", "请今天还500元。后天还300元。"]
    for text in texts * 2:   # the second round comes from memory
        doc = _doc(text, "zh")
        got = [matchers.text_of(doc)[h.start:h.end] for h in regex.find(doc)]
        assert got == re.findall(r"\d+\s*(?:元|块)", text)
    assert len(regex.seen) == 3   # three different sentences were searched


@pytest.mark.parametrize("lang, text", [("en", EN_TEXT), ("zh", ZH_TEXT)])
def test_the_token_table_reads_what_spacy_says(lang, text):
    doc = _doc(text, lang)
    table = nlp.table(doc)
    assert table.text == doc.text
    assert table.sentences == [(s.start_char, s.text) for s in doc.sents]
    assert table.idx == [t.idx for t in doc]
    assert table.ends == [t.idx + len(t.text) for t in doc]
    assert table.lows == [t.lower_ for t in doc]
    sent_of = {t.i: n for n, s in enumerate(doc.sents) for t in s}
    assert table.sent == [sent_of[t.i] for t in doc]
    clause, count = [], 0       # a clause begins at a sentence start and after a clause end
    for t in doc:
        count += 1 if t.is_sent_start and t.i else 0
        clause.append(count)
        count += t.text in languages.get(lang).clause_ends or (t.is_space and "\n" in t.text)
    assert table.clause == clause and len(set(clause)) > len(set(table.sent))
    assert table.negated == [t._.negated for t in doc]
    assert table.quoted == [t._.quoted for t in doc]
    for char in range(len(table.text)):   # every character belongs to one token
        tok = matchers.token_of(doc, char)
        assert doc[tok].idx <= char < doc[tok].idx + len(doc[tok].text_with_ws)


_FRESH = iter(range(10**6))


def _alternatives(lang: str) -> list[dict]:
    """A rule's alternatives whose phrase lists no matcher has used before (each list has a
    word of its own), so that they are registered whenever this is called."""
    def new(*phrases: str) -> list[str]:
        return [*phrases, f"未见过的词{next(_FRESH)}" if lang == "zh" else f"unheardof{next(_FRESH)}"]

    if lang == "zh":
        return [{"phrases": new("法院")},
                {"frame": {"parts": [{"any": new("不还钱")}, {"any": new("起诉", "后果自负")}]}},
                {"frame": {"parts": [{"any": new("没有的词")}, {"any": new("法院")}]}},
                {"near": {"a": new("法院"), "b": new("家人"), "within": 4}},
                {"regex": ["后果自负"]}]
    return [{"phrases": new("calm down")},
            {"frame": {"parts": [{"any": new("grow up")}, {"any": new("pay")}],
                       "scope": "sentence"}},
            {"frame": {"parts": [{"any": new("not here at all")}, {"any": new("mate")}]}},
            {"near": {"a": new("mate"), "b": new("calm"), "within": 3}},
            {"tokens": [[{"LOWER": "grow"}, {"LOWER": "up"}]]}]


@pytest.mark.parametrize("lang, text", [("zh", ZH_TEXT), ("en", EN_TEXT)])
@pytest.mark.parametrize("late", [False, True])
def test_matchers_skipped_for_unsaid_phrases_lose_no_hit(lang, text, late):
    """`find_all` runs a matcher only when the phrase lists it needs are said, and finds what
    every matcher run on its own finds, whether the lists came before or after the scan."""
    pipe = nlp.pipeline(lang)
    doc = _doc(text, lang)
    if late:
        matchers.find_all(matchers.compile_match(_alternatives(lang), lang, pipe), doc)
    found = matchers.compile_match(_alternatives(lang), lang, pipe)   # registered now
    ran = []
    for m in found:
        m.find = (lambda real, m: lambda d: ran.append(m) or real(d))(m.find, m)
    gated = matchers.find_all(found, doc)
    assert ran == [found[k] for k in (0, 1, 3, 4)]     # not the frame whose words are unsaid
    plain = {(h.start, h.end, h.heads): h for m in found for h in m.find(doc)}
    kept: list = []
    for hit in sorted(plain.values(), key=lambda h: (h.start - h.end, h.start)):
        if not any(hit.overlaps(k) for k in kept):
            kept.append(hit)
    assert gated == sorted(kept, key=lambda h: h.start) and len(gated) >= 3
