"""Property-based: random templates from a small grammar (Chinese and English text, slots,
if/elif/else, for, includes of generated partials, macros, comments) never crash the run,
every finding lies inside its file with the excerpt that stands there, and --fix twice
changes nothing more than --fix once."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import MINI_PACKS
from scriptcheck import fixes, runner
from scriptcheck.config import Config
from scriptcheck.engine import Options

ZH = ["您好，我是信用卡中心的客服。", "明天我们就上门。", "你好。", "请你尽快还款。", "我们不会上门。",
      "“你再不还就坐牢”，客户这样说。", "逾期会影响征信。"]
EN = ["This is an attempt to collect a debt.", "You will be arrested.", "We will not arrest you.",
      "Please call us back.", "We may call your employer."]
SLOTS = ["{{ customer.name }}", "{{ amount_due }}", "{{ customer.id_number }}", "{{- x -}}"]
CONDITIONS = ["a", "days > 30", "not paid", "x == 'y'"]
NEWLINES = ["\n", "\r\n", "\r"]


def sentences(lang: str):
    return st.sampled_from(ZH if lang == "zh" else EN)


def body(lang: str, partials: list[str], depth: int = 0):
    """A sequence of template pieces; blocks nest up to three deep."""
    leaf = st.one_of(sentences(lang), st.sampled_from(SLOTS),
                     st.just("{# 注释 comment 上门 arrested #}"), st.sampled_from(["\n", " "]))
    if depth >= 3:
        return st.lists(leaf, max_size=4).map("".join)
    inner = body(lang, partials, depth + 1)
    blocks = [
        st.tuples(st.sampled_from(CONDITIONS), inner).map(
            lambda t: f"{{% if {t[0]} %}}{t[1]}{{% endif %}}"),
        st.tuples(st.sampled_from(CONDITIONS), inner, inner, inner).map(
            lambda t: f"{{% if {t[0]} %}}{t[1]}{{% elif b %}}{t[2]}{{% else %}}{t[3]}{{% endif %}}"),
        inner.map(lambda b: f"{{% for item in items %}}{b}{{% endfor %}}"),
        inner.map(lambda b: f"{{% call box() %}}{b}{{% endcall %}}"),
    ]
    if partials:
        blocks.append(st.sampled_from(partials).map(lambda p: f"{{% include '{p}' %}}"))
    return st.lists(st.one_of(leaf, *blocks), max_size=5).map("".join)


@st.composite
def repository(draw):
    """(files: name -> text, newline) of one script, its partials and a macro file."""
    lang = draw(st.sampled_from(["zh", "en"]))
    partial_names = [f"partials/p{i}.j2" for i in range(draw(st.integers(0, 2)))]
    files = {name: draw(body(lang, [])) + "\n" for name in partial_names}
    files["macros.j2"] = ("{% macro box() %}" + draw(sentences(lang)) + "{{ caller() }}"
                          "{% endmacro %}\n{% macro say(x) %}{{ x }}" + draw(sentences(lang))
                          + "{% endmacro %}\n")
    front = ("{# ---\nlocale: zh-CN\njurisdiction: CN\n--- #}\n" if lang == "zh" else
             "{# ---\nlocale: en-US\njurisdiction: US\ncollector: agency\n--- #}\n")
    files["s.j2"] = (front + "{% from 'macros.j2' import box, say %}" +
                     draw(body(lang, partial_names)) + "{{ say('" + draw(sentences(lang)) +
                     "') }}\n")
    return files, draw(st.sampled_from(NEWLINES))


def _offset(text: str, line: int, column: int) -> int:
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    assert 1 <= line <= len(starts), (line, len(starts))
    end_of_line = text.find("\n", starts[line - 1])
    end_of_line = len(text) if end_of_line < 0 else end_of_line
    assert 1 <= column <= end_of_line - starts[line - 1] + 1, (line, column)
    return starts[line - 1] + column - 1


def _check(folder: Path):
    return runner.run([str(folder)], Config(), Options(), MINI_PACKS)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repository())
def test_random_templates_never_crash_and_findings_point_into_their_files(repo):
    files, newline = repo
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(text.replace("\n", newline).encode("utf-8"))
        result = _check(folder)
        rules = {f.rule for f in result.findings}
        assert not rules & {"internal-error", "template-error"}, result.report["findings"]
        for f in result.findings:
            text = result.sources[f.path].text
            start = _offset(text, f.line, f.column)
            end = _offset(text, f.end_line, f.end_column)
            assert start <= end
            assert f.excerpt == text[start:end].split("\n")[0], (f.rule, f.excerpt)

        # --fix twice is --fix once
        planned = fixes.plan(result.findings, result.sources)
        assert not [p.problem for p in planned if p.problem]
        for p in planned:
            Path(p.target).write_bytes(p.data)
        once = {name: (folder / name).read_bytes() for name in files}
        again = fixes.plan(_check(folder).findings, _check(folder).sources)
        for p in again:
            Path(p.target).write_bytes(p.data)
        assert {name: (folder / name).read_bytes() for name in files} == once


PIECES = ["坐", "牢", "後果", "帳戶", "帐", " ", "　", "  ", "\u200b", "Ｗ", "１２", "，", "！", "a", "don’t",
          "Sue", "\n", "。", "ｘ", "｀"]


@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), st.sampled_from(["zh", "en"]))
@settings(max_examples=300, deadline=None)
def test_normalising_at_once_reads_as_normalising_each_character(text, lang):
    """The one-pass translation (taken when no character is dropped or joined) gives what the
    character-by-character reading gives, offsets included."""
    from scriptcheck import lang as languages

    data = languages.get(lang)
    simplified = languages._simplified(text) if data.normalise.get("traditional_to_simplified") \
        else text
    assert languages.normalise(text, data) == languages._by_character(simplified, data.normalise)
