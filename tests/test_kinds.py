"""Each rule kind and each `unless` exception fires and stays quiet, on zh and en text."""
from __future__ import annotations

import textwrap

import pytest

from conftest import engine_findings

from scriptcheck import nlp
from scriptcheck.engine import Engine, Options
from scriptcheck.packs import parse_pack, read_yaml
from scriptcheck.template import Loader, build


def make_pack(rules_yaml: str, lang: str = "zh") -> list:
    text = textwrap.dedent(f"""\
        name: t-{lang}
        locale: [{lang}]
        references: {{R: {{title: Test reference, article: "1"}}}}
        rules:
        """) + textwrap.indent(textwrap.dedent(rules_yaml), "  ")
    return [parse_pack(read_yaml("t.yaml", text), "t.yaml")]


def fire(rules_yaml: str, text: str, lang: str = "zh", **meta) -> list:
    """Findings of a one-off pack on one text (run as a whole script)."""
    return engine_findings(make_pack(rules_yaml, lang), text, lang, **meta)


FORBID_ZH = """
- id: X-ZH
  kind: forbid
  category: threat-arrest-or-criminal
  severity: error
  message: {zh: 威胁}
  match:
    - phrases: [坐牢]
    - near: {a: [公安], b: [抓], within: 5}
"""


@pytest.mark.parametrize("text, fires", [
    ("再不还你就等着坐牢吧。", True),
    ("不还钱的话，就让公安来抓你。", True),        # the negator is in the condition, not the threat
    ("我们不会让您坐牢。", False),                  # negated
    ("（如客户说：“你们是要让我坐牢吗？”）", False),  # quoted customer speech
    ("公安机关依法办案，与本次还款提醒无关，请您放心。", False),  # 公安 without 抓
])
def test_forbid_zh_phrase_proximity_negation_quotes(text, fires):
    assert bool(fire(FORBID_ZH, text)) is fires


FORBID_EN = """
- id: X-EN
  kind: forbid
  category: threat-arrest-or-criminal
  severity: error
  message: {en: threat}
  match:
    - phrases: [arrest]
    - tokens: [[{LEMMA: send}, {LOWER: you}, {LOWER: to}, {LOWER: jail}]]
    - exact: [LAW OFFICES]
    - regex: ["(?i)\\\\bsheriff'?s office\\\\b"]
"""


@pytest.mark.parametrize("text, fires", [
    ("You will be ARRESTED tomorrow.", True),       # lemma + case: arrested -> arrest
    ("They arrest people who don't pay.", True),
    ("We will send you to jail.", True),             # token pattern with LEMMA
    ("We sent you to jail once.", True),
    ("LAW OFFICES OF SMITH", True),                  # exact, case-sensitive
    ("law offices are closed", False),
    ("This is the County Sheriff's Office.", True),  # regex
    ("You will not be arrested.", False),            # negation
    ('[If the consumer asks: "Will I be arrested?"]', False),  # stage direction + quote
])
def test_forbid_en_lemma_tokens_exact_regex(text, fires):
    assert bool(fire(FORBID_EN, text, "en")) is fires


UNLESS = """
- id: X-UNLESS
  kind: forbid
  category: false-legal-consequence
  severity: error
  message: {{zh: 夸大后果, en: overstated}}
  match:
    - phrases: [{phrase}]
  unless:
    negated: {negated}
    question: true
    preceded_by: [{before}]
    followed_by: [{after}]
    near: {{phrases: [{near}], within: 3}}
"""


@pytest.mark.parametrize("lang, phrase, before, after, near, text, fires", [
    ("zh", "起诉", "依法", "的权利", "合同约定", "明天就起诉您。", True),
    ("zh", "起诉", "依法", "的权利", "合同约定", "我们会依法起诉。", False),          # preceded_by
    ("zh", "起诉", "依法", "的权利", "合同约定", "银行保留起诉的权利。", False),      # followed_by
    ("zh", "起诉", "依法", "的权利", "合同约定", "按合同约定可起诉。", False),        # near
    ("zh", "起诉", "依法", "的权利", "合同约定", "您是想让我们起诉吗？", False),      # question
    ("en", "sue", "may lawfully", "if permitted", "contract", "We will sue you.", True),
    ("en", "sue", "may lawfully", "if permitted", "contract", "We may lawfully sue.", False),
    ("en", "sue", "may lawfully", "if permitted", "contract", "We may sue if permitted.", False),
    ("en", "sue", "may lawfully", "if permitted", "contract", "The contract lets us sue.", False),
    ("en", "sue", "may lawfully", "if permitted", "contract", "Do you want us to sue?", False),
])
def test_each_unless_exception(lang, phrase, before, after, near, text, fires):
    rules = UNLESS.format(phrase=phrase, before=before, after=after, near=near, negated="true")
    assert bool(fire(rules, text, lang)) is fires


def test_negated_false_keeps_negated_matches():
    rules = UNLESS.format(phrase="上门", before="无", after="无", near="无", negated="false")
    assert fire(rules, "我们不会上门。")
    rules = UNLESS.format(phrase="上门", before="无", after="无", near="无", negated="true")
    assert not fire(rules, "我们不会上门。")


PREFER = """
- id: X-NI
  kind: prefer
  category: impolite-address
  severity: warning
  message: {zh: 请称您}
  replace:
    - {instead_of: 你, use: 您, regex: "你(?!们)"}
  fix: true
"""


def test_prefer_fires_with_fix_and_skips_quotes_and_plural():
    found = fire(PREFER, "你好，你们的客服说“你再等一下”。")
    assert [(f.column, f.fix[2]) for f in found] == [(1, "您")]
    assert not fire(PREFER, "您好，请问您方便吗？")


REQUIRE = """
- id: X-ID
  kind: require
  category: missing-identity-disclosure
  severity: error
  message: {{zh: 未表明身份, en: no identity}}
  match:
    - phrases: [{phrase}]
  scope: {scope}
"""


def test_require_missing_on_one_branch_names_it_once():
    rules = REQUIRE.format(phrase="信用卡中心", scope="whole")
    text = "{% if inbound %}您好。{% else %}我是示例银行信用卡中心的客服。{% endif %}请您尽快还款。"
    found = fire(rules, text)
    assert len(found) == 1
    assert found[0].variant == "inbound" and found[0].line == 1 and found[0].column == 1
    assert "inbound" in found[0].message
    assert not fire(rules, "我是示例银行信用卡中心的客服。{% if a %}甲{% endif %}")


def test_require_scope_first_sentences():
    rules = REQUIRE.format(phrase="attempt to collect a debt", scope="{sentences: 2}")
    late = "Hello. How are you? Fine. This is an attempt to collect a debt."
    early = "Hello. This is an attempt to collect a debt. Bye."
    assert fire(rules, late, "en") and not fire(rules, early, "en")


def test_require_does_not_accept_the_customers_words():
    rules = REQUIRE.format(phrase="信用卡中心", scope="whole")
    assert fire(rules, "（如客户说：“你们是信用卡中心吗？”）您好。")


def test_require_before_order():
    rules = REQUIRE.format(phrase="信用卡中心", scope="whole") + \
        "  before:\n    - regex: ['欠款']\n"
    assert fire(rules, "您欠款三千元。我是信用卡中心的客服。")
    assert not fire(rules, "我是信用卡中心的客服。您欠款三千元。")


VARIABLES = """
- id: X-VARS
  kind: variables
  category: third-party-disclosure
  severity: error
  message: {en: debt details to a third party}
  forbid: ["amount*", "*.balance"]
  require: ["agency.name|creditor.name"]
"""


def test_variables_forbid_and_require():
    found = fire(VARIABLES, "Hi, this is {{ agency.name }}. He owes {{ amount_due }}.", "en")
    assert [(f.line, f.column, f.excerpt) for f in found] == [(1, 40, "{{ amount_due }}")]
    missing = fire(VARIABLES, "Hi {% if x %}{{ agency.name }}{% endif %}, call us back.", "en")
    assert [f.variant for f in missing] == ["not (x)"]


METRIC = """
- id: X-METRIC
  kind: metric
  category: x-style
  severity: info
  message: {{zh: 太长, en: too long}}
  measure: {measure}
  max: {max}
{extra}"""


@pytest.mark.parametrize("lang, measure, limit, extra, text, fires", [
    ("zh", "sms_segments", 1, "", "您" * 70, False),
    ("zh", "sms_segments", 1, "", "您" * 71, True),       # UCS-2: 70 per single SMS
    ("en", "sms_segments", 1, "", "a" * 160, False),      # GSM-7: 160
    ("en", "sms_segments", 1, "", "a" * 161, True),
    ("zh", "characters", 10, "", "您好" * 6, True),
    ("en", "sentence_length", 5, "", "Please call us back today. Thanks.", False),
    ("en", "sentence_length", 5, "", "Please call us back today or tomorrow. Thanks.", True),
    ("zh", "exclamations", 1, "", "您好！请还款！", True),
    ("zh", "exclamations", 1, "", "您好！请还款。", False),
    ("zh", "matches", 1, "match: [{phrases: [马上]}]", "马上还，马上！", True),
    ("zh", "matches", 1, "match: [{phrases: [马上]}]", "请您马上处理。", False),
])
def test_metric_measures(lang, measure, limit, extra, text, fires):
    rules = METRIC.format(measure=measure, max=limit, extra="  " + extra + "\n" if extra else "")
    assert bool(fire(rules, text, lang)) is fires


META = """
- id: X-META
  kind: meta
  category: inconvenient-time
  severity: error
  message: {zh: 时段违规}
  key: contact_window
  within: "08:00-22:00"
- id: X-ATTEMPTS
  kind: meta
  category: harassment-frequency
  severity: error
  message: {zh: 频率过高}
  key: attempts_per_day
  max: 3
"""


def test_meta_points_at_the_key_line():
    text = "{# ---\nlocale: zh-CN\ncontact_window: \"21:00-23:30\"\nattempts_per_day: 10\n--- #}\n您好。"
    loader = Loader([])
    script = build(loader.load_text(text), loader)
    engine = Engine(make_pack(META), Options())
    unit, _ = engine.prepare(script, {**script.meta.values})
    engine.parse([unit])
    found = {f.rule: (f.line, f.column) for f in engine.findings(unit)}
    assert found == {"X-META": (3, 1), "X-ATTEMPTS": (4, 1)}
    assert not fire(META, "您好。", contact_window="09:00-20:00", attempts_per_day=2)
    assert fire(META, "您好。", contact_window="21:00-06:00")   # across midnight


WHEN = """
- id: X-WHEN
  kind: forbid
  category: third-party-disclosure
  severity: error
  message: {zh: 向第三方透露欠款}
  when: {audience: third_party, channel: [call, sms]}
  match:
    - phrases: [欠款]
"""


def test_when_conditions_on_front_matter():
    assert fire(WHEN, "他欠款三千元。", audience="third_party", channel="sms")
    assert not fire(WHEN, "您欠款三千元。", audience="debtor")
    assert not fire(WHEN, "他欠款三千元。", audience="third_party", channel="letter")


def test_chinese_is_segmented_by_jieba_and_phrases_cross_tokens():
    doc = nlp.parse(["再不还钱就让公安上门抓你"], "zh")[0]
    words = [t.text for t in doc]
    assert "公安" in words and "上门" in words          # real segmentation, not characters
    rules = FORBID_ZH.replace("[坐牢]", "[安上门抓]")   # a phrase spanning three jieba tokens
    assert fire(rules, "再不还钱就让公安上门抓你。")


def test_english_lemmatizer_is_the_lookup_one():
    doc = nlp.parse(["He was arrested and his wages garnished."], "en")[0]
    assert [t._.lem for t in doc][2:3] == ["arrest"]
    assert "lemmatizer" in nlp.pipeline("en").pipe_names


def test_sentences_split_on_chinese_punctuation():
    doc = nlp.parse(["您好！请问是王先生吗？我是客服。"], "zh")[0]
    # full-width punctuation reads as half-width (positions map back to the text as written)
    assert [s.text for s in doc.sents] == ["您好!", "请问是王先生吗?", "我是客服。"]


def test_an_opening_bracket_begins_the_next_sentence():
    doc = nlp.parse(["\n【示例银行】您好。我们不会上门。（如客户说：“好”）"], "zh")[0]
    assert [s.text for s in doc.sents][1:] == ["【示例银行】您好。", "我们不会上门。", "(如客户说:“好”)"]


def test_trained_pipeline_is_used_when_configured(monkeypatch):
    """A configured model name goes to spacy.load; our components are added to it."""
    import spacy

    loaded = []

    def fake_load(name):
        loaded.append(name)
        return spacy.blank("en")

    monkeypatch.setattr(spacy, "load", fake_load)
    pipe = nlp.pipeline("en", "en_core_web_sm")
    assert loaded == ["en_core_web_sm"]
    assert {"sentencizer", "scriptcheck_context"} <= set(pipe.pipe_names)
    nlp._pipelines.pop(("en", "en_core_web_sm"))


def test_overlapping_hits_of_one_rule_are_one_finding():
    rules = """
- id: X-BORROW
  kind: forbid
  category: pressure-borrow-to-repay
  severity: error
  message: {en: borrow}
  match:
    - phrases: [borrow it, borrow it from your family]
    - regex: ["(?i)from your family"]
"""
    found = fire(rules, "Borrow it from your family.", "en")
    assert [(f.column, f.end_column) for f in found] == [(1, 27)]


@pytest.mark.parametrize("lang, text, word, negated", [
    ("en", "We won't ask your family or friends to pay.", "friends", True),  # "or" in a phrase
    ("en", "If this isn't sorted by Friday the police will be round.", "police", False),
    ("en", "We will not hesitate to take you to court.", "court", False),
    ("en", "Can't you borrow it from your mum?", "borrow", False),          # a suggestion
    ("en", "Why not ask your family to pay?", "family", False),
    ("en", "We will not contact your employer.", "employer", True),
    ("zh", "如果不还钱公安会来抓你。", "抓", False),                          # the condition only
    ("zh", "为什么不找家人借一下？", "借", False),
    ("zh", "我们不会联系您的家人。", "家人", True),
    ("zh", "您看能不能先帮他垫上？", "垫", False),                            # A-not-A question
    ("zh", "要不要我们帮你宣传一下？", "宣传", False),
    ("zh", "可不可以今天还？", "今天", False),
    ("zh", "我们不会再就此事反复联系您。", "反复", True),                   # 就 = "about"
    ("zh", "信用卡透支不还是要负刑事责任的。", "刑事责任", False),          # 不|还是
    ("zh", "未回复的将被视为恶意透支处理。", "恶意透支", False),            # 未…的 + claim
    ("zh", "您不用担心我们会去您家里。", "家里", True),                      # reassurance
    ("en", "Don't worry that we will call your employer.", "employer", True),
])
def test_negation_scope(lang, text, word, negated):
    doc = nlp.parse([text], lang)[0]
    marks = {t.text: t._.negated for t in doc}
    assert marks[word] is negated, [(t.text, t._.negated) for t in doc]


def test_near_hit_is_negated_when_either_part_is():
    rules = """
- id: X-NEAR
  kind: forbid
  category: false-legal-consequence
  severity: error
  message: {en: charging order threat}
  match:
    - near: {a: [charging order], b: [will], within: 6}
"""
    assert fire(rules, "We will apply for a charging order.", "en")
    assert not fire(rules, "We will not apply for a charging order.", "en")


def test_an_excluded_long_hit_does_not_hide_a_shorter_valid_one():
    rules = """
- id: X-LONG
  kind: forbid
  category: pressure-borrow-to-repay
  severity: error
  message: {en: borrow}
  match:
    - regex: ['borrow" it from your mum']
    - phrases: [from your mum]
"""
    # the long hit starts inside a quotation and is excluded; the short one, outside it, is not
    found = fire(rules, 'He said "you could borrow" it from your mum.', "en")
    assert [f.excerpt for f in found] == ["from your mum"]


def test_a_pattern_that_takes_whitespace_is_reported_at_its_words():
    rules = """
- id: X-WS
  kind: forbid
  category: false-attorney
  severity: error
  message: {zh: 冒充律所}
  match:
    - regex: ['\\s*律师事务所\\s*']
"""
    found = fire(rules, "您好。\n\n示例律师事务所\n")
    assert [(f.line, f.column, f.excerpt) for f in found] == [(3, 3, "律师事务所")]


PREFER_EN = """
- id: X-EN-PREFER
  kind: prefer
  category: impolite-address
  severity: warning
  message: {en: say it politely}
  replace:
    - {instead_of: you must, use: please}
  fix: true
"""


def test_prefer_en_matches_words_and_offers_the_fix():
    found = fire(PREFER_EN, "You must call us today.", "en")
    assert [(f.column, f.excerpt, f.fix[2]) for f in found] == [(1, "You must", "please")]
    assert not fire(PREFER_EN, "Please call us today.", "en")
    assert not fire(PREFER_EN, '[If the customer says: "You must be joking."]', "en")


VARIABLES_ZH = """
- id: X-ZH-VARS
  kind: variables
  category: privacy-leak
  severity: error
  message: {zh: 短信中出现完整卡号}
  forbid: ["card.number", "*.id_number"]
  require: ["bank.name|agency.name"]
"""


def test_variables_zh():
    found = fire(VARIABLES_ZH, "【{{ bank.name }}】您的卡{{ card.number }}已逾期。")
    assert [(f.line, f.column) for f in found] == [(1, 21)]
    assert not fire(VARIABLES_ZH, "【{{ bank.name }}】您尾号{{ card.last4 }}的卡已逾期。")
    missing = fire(VARIABLES_ZH, "您尾号{{ card.last4 }}的卡已逾期。")
    assert [f.line for f in missing] == [1]


META_EN = """
- id: X-EN-HOURS
  kind: meta
  category: inconvenient-time
  severity: error
  message: {en: outside 8 a.m. to 9 p.m.}
  key: contact_window
  within: "08:00-21:00"
- id: X-EN-STAGE
  kind: meta
  category: x-stage
  severity: info
  message: {en: stage not allowed}
  key: stage
  forbid: [legal]
"""


def test_meta_en_window_and_forbidden_values():
    found = fire(META_EN, "Hello.", "en", contact_window="07:00-22:00", stage="Legal")
    assert sorted(f.rule for f in found) == ["X-EN-HOURS", "X-EN-STAGE"]
    assert not fire(META_EN, "Hello.", "en", contact_window="08:00-21:00", stage="placement")


@pytest.mark.parametrize("text, fires", [
    ('Reply "unsubscribe" to stop these emails.', True),        # a quoted keyword is not speech
    ("If the customer asks 'Will I be arrested?', say no.", False),  # single quotes: speech
    ("The customer's arrest is what we'll ask for.", True),      # apostrophes are not quotes
])
def test_quotation_marks_speech_not_terms(text, fires):
    rules = FORBID_EN.replace("[arrest]", "[arrest, unsubscribe]")
    assert bool(fire(rules, text, "en")) is fires


@pytest.mark.parametrize("text, fires", [
    ("A County Court Judgment is being sought.", True),
    ("A County Court Judgment is not being sought.", False),
    ("Your employer will not be contacted.", False),
    ("The bailiffs will not stop until you pay.", True),
])
def test_english_negation_after_the_words(text, fires):
    rules = FORBID_EN.replace("[arrest]", "[county court judgment, employer, bailiffs]")
    assert bool(fire(rules, text, "en")) is fires


def test_half_width_brackets_are_a_signature_in_chinese():
    doc = nlp.parse(["[示例银行]您尾号1234的信用卡已逾期。"], "zh")[0]
    assert not any(t._.quoted for t in doc)
    doc = nlp.parse(["[If the consumer asks:] Hello."], "en")[0]
    assert doc[1]._.quoted


def test_require_can_be_met_by_a_slot():
    rules = """
- id: X-AGENCY
  kind: require
  category: missing-identity-disclosure
  severity: error
  message: {en: the agency is not named}
  match:
    - slots: ["agency.name", "agency.*_name"]
    - phrases: [this is example recovery]
"""
    assert not fire(rules, "Hi, {{ agent.name }} with {{ agency.name }} here.", "en")
    assert not fire(rules, "This is Example Recovery.", "en")
    found = fire(rules, "Hi, {{ agent.name }} here.{% if x %} From {{ agency.legal_name }}.{% endif %}",
                 "en")
    assert [f.variant for f in found] == ["not (x)"]


def test_a_scare_quoted_label_is_the_speakers_own_word():
    rules = FORBID_ZH.replace("[坐牢]", "[赖账鬼]")
    assert fire(rules, "你就是个“赖账鬼”。")
    assert not fire(rules, "（如客户说：“你们凭什么说我是赖账鬼？”）")
