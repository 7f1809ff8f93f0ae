"""What the engine owns for every rule: term sets, frames, named exceptions, applies_if,
normalisation (Traditional, full width, spacing) and the language data (sentences, clauses,
negation, rhetorical negation, reported speech)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import engine_findings

from scriptcheck import packs as packs_mod
from scriptcheck.packs import PackError

HEAD = {"zh": "locale: [zh]", "en": "locale: [en]"}


def write_pack(folder: Path, name: str, body: str, lang: str = "zh") -> str:
    path = folder / f"{name}.yaml"
    head, sep, rules = body.partition("rules:")   # the rules come indented as rule() makes them
    indent = head.split("\n")[-1]
    rules = rules.replace("\n" + indent, "\n", 1) if not indent.strip() else rules
    text = f"name: {name}\n{HEAD[lang]}\n" + textwrap.dedent(head).rstrip(" ") + sep + rules
    path.write_text(text, encoding="utf-8")
    return str(path)


def findings(pack_paths, text: str, lang: str = "zh", **meta):
    loaded = packs_mod.load_all(pack_paths if isinstance(pack_paths, list) else [pack_paths])
    return sorted(engine_findings(loaded, text, lang, **meta),
                  key=lambda f: (f.line, f.column, f.rule))


def rule(rule_id: str, match: str, extra: str = "", category: str = "threat-home-visit") -> str:
    """A forbid rule, indented as an item of `rules:`."""
    lines = [f"- id: {rule_id}", "  kind: forbid", f"  category: {category}",
             "  severity: error", "  message: {zh: 测试, en: test}", "  match:"]
    lines += ["    " + line for line in textwrap.dedent(match).strip().splitlines()]
    lines += ["  " + line for line in textwrap.dedent(extra).strip().splitlines()]
    return "".join(f"  {line}\n" for line in lines)


# --- term sets ---------------------------------------------------------------------------------


def test_a_term_added_once_reaches_every_rule_that_uses_it(tmp_path):
    def pack(visit_words: str) -> str:
        return write_pack(tmp_path, "p", f"""\
            terms:
              VISIT: [{visit_words}]
              WE: [我们, 我方]
            rules:
            """ + rule("R-PHRASE", "- phrases: [VISIT]")
            + rule("R-FRAME", "- frame: [WE, VISIT]")
            + rule("R-NEAR", "- near: {a: [WE], b: [VISIT], within: 4}"))

    text = "我们明天登门拜访。"
    assert findings(pack("上门, 到家"), text) == []
    fired = {f.rule for f in findings(pack("上门, 到家, 登门"), text)}
    assert fired == {"R-PHRASE", "R-FRAME", "R-NEAR"}


def test_sets_include_sets_and_extend_inherited_ones(tmp_path):
    base = write_pack(tmp_path, "voc", """\
        terms:
          POLICE: [公安, 警察]
        rules: []
        """)
    path = write_pack(tmp_path, "p", f"""\
        extends: [{base}]
        terms:
          POLICE: [POLICE, 阿sir]
          AUTHORITY: [POLICE, 法院]
        rules:
        """ + rule("R", "- phrases: [AUTHORITY]", category="impersonation-authority"))
    loaded = packs_mod.load_all([path])
    assert loaded[0].terms["AUTHORITY"] == ["公安", "警察", "阿sir", "法院"]
    assert loaded[1].terms["POLICE"] == ["公安", "警察"]   # the base pack keeps its own set
    assert [f.excerpt for f in findings(path, "阿Sir说法院会来。")] == ["阿Sir说法院"]


@pytest.mark.parametrize("body, line, message", [
    ("terms:\n  POLICE: [公安]\nrules:\n" + rule("R", "- phrases: [POLCE]"), 12,
     "unknown term set 'POLCE' (did you mean 'POLICE'?)"),
    ("terms:\n  A_SET: [B_SET]\n  B_SET: [A_SET]\nrules: []\n", 4, "include each other"),
    ("terms:\n  POLICE: [POLICE, 阿sir]\nrules: []\n", 4, "names itself"),
    ("terms:\n  police: [公安]\nrules: []\n", 4, "unknown key 'police'"),
    ("exceptions:\n  advice: {preceded_by: [可以]}\nrules:\n"
     + rule("R", "- phrases: [上门]", "unless: [advise]"), 13,
     "unknown exception 'advise' (did you mean 'advice'?)"),
])
def test_pack_errors_name_the_line(tmp_path, body, line, message):
    path = write_pack(tmp_path, "p", body)
    with pytest.raises(PackError) as err:
        packs_mod.load_all([path])
    assert message in err.value.message
    assert err.value.line == line


# --- frames -------------------------------------------------------------------------------------

FRAMES = """\
terms:
  WE: [我们, 我方]
  VISIT: [上门, 登门]
  TARGET: [你家, 您家, 单位]
rules:
""" + rule("F-ORDER", "- frame: [WE, VISIT]") \
    + rule("F-ANY", "- frame: {parts: [VISIT, TARGET], order: any}") \
    + rule("F-SENT", "- frame: {parts: [WE, VISIT], scope: sentence, within: 3}")


@pytest.mark.parametrize("text, fired", [
    ("我们明天上门。", {"F-ORDER", "F-SENT"}),                 # in order, one clause
    ("上门的是我们。", set()),                                  # wrong order; no TARGET
    ("明天到你家上门。", {"F-ANY"}),                             # any order
    ("我们，明天上门。", {"F-SENT"}),                            # across a comma: sentence only
    ("我们已经多次提醒您按时还款并且明天上门。", {"F-ORDER"}),    # over `within` for F-SENT
    ("我们不会上门。", set()),                                  # a negated part
    ("谁说我们不会上门？", {"F-ORDER", "F-SENT"}),                # rhetorical: the threat stands
    ("（如客户说：“你们是不是要来我家上门？我们害怕。”）", set()),   # quoted speech
    ("客户问：你们会上门吗？", set()),                           # reported speech
    ("我们会处理。\n\n上门的事另说。", set()),                    # a blank line ends the sentence
])
def test_frames(tmp_path, text, fired):
    path = write_pack(tmp_path, "p", FRAMES)
    assert {f.rule for f in findings(path, text)} == fired


def test_an_optional_part_widens_the_hit(tmp_path):
    path = write_pack(tmp_path, "p", """\
        terms:
          WE: [我们]
          VISIT: [上门]
        rules:
        """ + rule("R", "- frame: [{any: [明天], optional: true}, WE, VISIT]"))
    assert [f.excerpt for f in findings(path, "明天我们上门。")] == ["明天我们上门"]
    assert [f.excerpt for f in findings(path, "我们上门。")] == ["我们上门"]


def test_english_frames_negation_and_rhetoric(tmp_path):
    path = write_pack(tmp_path, "p", """\
        terms:
          CONTACT: [call, contact, tell]
          EMPLOYER: [employer, boss]
        rules:
        """ + rule("E", "- frame: [CONTACT, EMPLOYER]",
                   category="contact-third-party-pressure"), "en")
    assert findings(path, "We will call your employer today.", "en")
    assert not findings(path, "We will not call your employer.", "en")
    assert findings(path, "Don't think we won't call your employer.", "en")
    assert findings(path, "Don’t think we won’t call your boss.", "en")   # curly apostrophes
    assert not findings(path, 'If the customer asks "will you call my employer", say no.', "en")


# --- near and the one-finding-per-sentence merge --------------------------------------------


@pytest.mark.parametrize("gap, fires", [(0, True), (2, True), (3, False)])
def test_near_within_is_a_token_distance(tmp_path, gap, fires):
    path = write_pack(tmp_path, "p", "rules:\n" + rule(
        "N", "- near: {a: [police], b: [arrest], within: 2}", category="threat-arrest-or-criminal"),
        "en")
    text = "The police " + "very " * gap + "arrest people."
    assert bool(findings(path, text, "en")) is fires


def test_one_finding_per_sentence_spanning_its_hits(tmp_path):
    path = write_pack(tmp_path, "p", "rules:\n" + rule("M", "- phrases: [坐牢, 拘留]",
                                                       category="threat-arrest-or-criminal"))
    one = findings(path, "你要坐牢，还要拘留。")
    assert [(f.column, f.end_column, f.excerpt) for f in one] == [(3, 10, "坐牢，还要拘留")]
    two = findings(path, "你要坐牢。还要拘留。")
    assert [(f.column, f.excerpt) for f in two] == [(3, "坐牢"), (8, "拘留")]


# --- normalisation --------------------------------------------------------------------------


NORMAL = "rules:\n" + rule("T", "- phrases: [后果自负, 上门催收]", category="threat-violence")


@pytest.mark.parametrize("text, column, excerpt", [
    ("不还钱后果自负。", 4, "后果自负"),
    ("不還錢後果自負。", 4, "後果自負"),          # Traditional, reported as written
    ("ＶＩＰ客户，后　果　自负。", 7, "后　果　自负"),   # full width, spaced out
    ("明天 上门 催收。", 4, "上门 催收"),
])
def test_normalised_text_reports_original_positions(tmp_path, text, column, excerpt):
    path = write_pack(tmp_path, "p", NORMAL)
    found = findings(path, text)
    assert [(f.line, f.column, f.excerpt) for f in found] == [(1, column, excerpt)]


def test_fullwidth_phrases_and_patterns_read_as_halfwidth(tmp_path):
    path = write_pack(tmp_path, "p", "rules:\n" + rule(
        "W", "- phrases: [微信转账]\n- regex: ['（私人）账户']", category="payment-to-private-account"))
    assert [f.excerpt for f in findings(path, "请用微信转账到(私人)账户。")] == \
        ["微信转账到(私人)账户"]


# --- named exceptions and applies_if ------------------------------------------------------


def test_named_exceptions_and_in_sentence(tmp_path):
    path = write_pack(tmp_path, "p", """\
        exceptions:
          advice: {preceded_by: [可以, 有权]}
          impostor: {in_sentence: [冒充, 诈骗]}
        rules:
        """ + rule("X", "- phrases: [报警]", "unless: [advice, impostor, {question: true}]",
                   category="threat-arrest-or-criminal"))
    assert findings(path, "我们马上报警。")
    assert not findings(path, "您可以直接报警。")
    assert not findings(path, "遇到冒充客服的电话请报警。")
    assert not findings(path, "要不要我们报警？")


def test_applies_if_says_or_lacks(tmp_path):
    path = write_pack(tmp_path, "p", textwrap.dedent("""\
        rules:
          - id: NEEDS-NAME
            kind: require
            category: missing-identity-disclosure
            severity: error
            message: {en: name yourself}
            applies_if:
              - says: [{phrases: [debt, balance]}]
              - lacks: [{phrases: [ABC Recovery]}]
            match: [{phrases: [debt collector]}]
        """), "en")
    compliant = "This is Jane from ABC Recovery. Please call us back at 555-0100."
    assert findings(path, compliant, "en") == []
    assert [f.rule for f in findings(path, "This is Jane. Please call us back.", "en")] == \
        ["NEEDS-NAME"]
    assert [f.rule for f in findings(path, compliant + " It is about your debt.", "en")] == \
        ["NEEDS-NAME"]
    assert findings(path, compliant + " We are a debt collector; this is about a debt.", "en") == []


def test_frame_parts_may_be_patterns(tmp_path):
    path = write_pack(tmp_path, "p", "rules:\n" + rule(
        "FEE", "- frame: [{regex: ['\\d+(\\.\\d+)?元']}, 手续费]", category="misleading-amount-or-fee"))
    assert [f.excerpt for f in findings(path, "另收300元手续费。")] == ["300元手续费"]
    assert findings(path, "不收手续费。") == []
    bad = write_pack(tmp_path, "q", "rules:\n" + rule("FEE", "- frame: [{regex: ['(元']}, 费]"))
    with pytest.raises(PackError) as err:
        packs_mod.load_all([bad])
    assert err.value.line == 10 and "bad regular expression" in err.value.message


def test_suggestions_and_reported_speech_cues():
    from scriptcheck import nlp

    doc = nlp.parse(["你不会找你哥借吗？我们不会找你家人。"], "zh")[0]
    assert "".join(t.text for t in doc if t._.negated) == "找你家人"   # a suggestion; a denial
    doc = nlp.parse(["持卡人说：你们会来我家吗？"], "zh")[0]
    assert all(t._.quoted for t in doc if t.text == "来")
    assert nlp.parse(["請登入帳戶轉帳"], "zh")[0].text == "请登入账户转账"


def test_names_match_as_written_and_exact_forms(tmp_path):
    path = write_pack(tmp_path, "p", "rules:\n" + rule(
        "SUE", "- phrases: [sued, '=seized']", category="false-legal-consequence"), "en")
    assert findings(path, "You will be sued.", "en")
    assert findings(path, "We will sue you.", "en")            # any form of the lemma
    assert not findings(path, "Hi, this is Sue from the bank.", "en")   # a name
    assert findings(path, "Your car will be seized.", "en")
    assert not findings(path, "Seize this chance to settle.", "en")      # =seized: that form only


def test_time_words_end_a_condition_and_dont_make_me_insists():
    from scriptcheck import nlp

    doc = nlp.parse(["If the balance isn't cleared today, we will sue. "
                     "Don't make me call the cops on you."], "en")[0]
    assert [t.text for t in doc if t._.negated] == ["cleared"]


def test_inherited_sets_read_the_packs_own_view(tmp_path):
    base = write_pack(tmp_path, "voc", """\
        terms:
          EMPLOYER: [单位]
          THIRD_PARTY: [EMPLOYER, 邻居]
        rules: []
        """)
    path = write_pack(tmp_path, "p", f"""\
        extends: [{base}]
        terms:
          EMPLOYER: [EMPLOYER, 老板]
        rules: []
        """)
    child, parent = packs_mod.load_all([path])
    assert child.terms["THIRD_PARTY"] == ["单位", "老板", "邻居"]   # sees the pack's EMPLOYER
    assert parent.terms["THIRD_PARTY"] == ["单位", "邻居"]


def test_a_frame_tries_another_pairing_when_one_is_negated(tmp_path):
    path = write_pack(tmp_path, "p", """\
        terms:
          PARTY: [occupier, tenant]
          ACTION: [pay, court]
        rules:
        """ + rule("F", "- frame: {parts: [PARTY, ACTION], scope: sentence}",
                   category="false-legal-consequence"), "en")
    assert findings(path, "If the occupier does not pay, we will take court action.", "en")
    assert not findings(path, "The occupier will not pay and will not go to court.", "en")


def test_a_phrase_that_starts_with_a_negator_is_not_negated_by_it(tmp_path):
    path = write_pack(tmp_path, "p", "rules:\n" + rule(
        "B", "- phrases: [never get credit again, 永远不能贷款]", category="false-legal-consequence"))
    assert findings(path, "你这辈子永远不能贷款了。")
    en = write_pack(tmp_path, "q", "rules:\n" + rule(
        "B", "- phrases: [never get credit again]", category="false-legal-consequence"), "en")
    assert findings(en, "You will never get credit again.", "en")
    assert not findings(en, '(If the customer says: "I will never get credit again?")', "en")


def test_questions_that_assert_and_whole_text_frames(tmp_path):
    from scriptcheck import nlp

    doc = nlp.parse(["您儿子明年不是要考事业编吗？"], "zh")[0]
    assert not any(t._.negated for t in doc)
    path = write_pack(tmp_path, "p", """\
        terms:
          RELAY: [请代为转达, 请转告]
          DEBT: [欠款, 逾期]
        rules:
        """ + rule("T", "- frame: {parts: [RELAY, DEBT], order: any, scope: text}",
                   category="third-party-disclosure"))
    assert findings(path, "如您不是本人，请代为转达。\n他的欠款已逾期三个月。")
    assert not findings(path, "如您不是本人，请代为转达。\n请他回电。")


def test_jieba_reads_its_own_dictionary_without_pkg_resources():
    """The Chinese pipeline imports jieba without pkg_resources (a quarter of a second): jieba
    then opens its dictionary from its own folder and segments exactly as it does with it."""
    import subprocess
    import sys

    code = textwrap.dedent("""
        import sys
        {first}
        from scriptcheck import nlp
        doc = nlp.parse(["我们的信用卡中心会依法处理，失信被执行人名单。"], "zh")[0]
        import jieba
        print("pkg_resources" in sys.modules, jieba.dt.dictionary is None,
              "|".join(t.text for t in doc))
    """)
    without, with_it = (subprocess.run([sys.executable, "-c", code.format(first=first)],
                                       capture_output=True, text=True, check=True).stdout.split()
                        for first in ("", "import pkg_resources"))
    assert without[:2] == ["False", "True"] and with_it[:2] == ["True", "True"]
    assert without[2] == with_it[2] and "|信用卡|" in without[2]
