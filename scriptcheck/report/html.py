"""One self-contained HTML file for trainers: an overview, every script as its template text
with each finding highlighted in place, the explanation of a finding on selecting it, what
the agent says on each path, and filters. No network: styles and script are inlined, fonts are
the system's own."""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from ..categories import CATEGORIES, name as category_name
from ..citations import Reference, references
from ..conditions import variant_in_words
from ..model import SEVERITIES, SEVERITY_RANK, Finding, SourceFile
from ..packs import Pack, Rule
from .spans import about_whole_script, language, offsets

WORDS = {
    "zh": {"title": "话术合规检查报告", "files": "已检查文件", "error": "错误", "warning": "警告",
           "info": "提示", "by_category": "按类别", "worst": "问题最多的文件", "file": "文件",
           "findings": "问题", "filters": "筛选", "severity": "严重程度", "category": "类别",
           "pack": "规则包", "why": "为什么", "law": "依据", "instead": "建议说法",
           "branch": "出现在", "line": "第 {line} 行", "paths": "各分支的完整话术（{n} 种情况）",
           "none": "没有发现问题。", "missing": "整篇话术缺少的内容",
           "select": "点击高亮的文字查看说明。", "generated": "由 scriptcheck {version} 生成",
           "text": "话术原文"},
    "en": {"title": "Call script compliance report", "files": "Files checked", "error": "Errors",
           "warning": "Warnings", "info": "Notes", "by_category": "By category",
           "worst": "Files with the most findings", "file": "File", "findings": "Findings",
           "filters": "Filters", "severity": "Severity", "category": "Category", "pack": "Pack",
           "why": "Why", "law": "The law", "instead": "Say instead", "branch": "Where",
           "line": "line {line}", "paths": "What the agent says on each path ({n} paths)",
           "none": "No findings.", "missing": "Missing from the whole script",
           "select": "Select a highlighted passage to see why.",
           "generated": "Made by scriptcheck {version}", "text": "Script text"},
}
SEVERITY_WORD = {"zh": {"error": "错误", "warning": "警告", "info": "提示"},
                 "en": {"error": "error", "warning": "warning", "info": "note"}}
OWN_PACK = "scriptcheck"
# template markup, greyed so that the words an agent says stand out (display only)
_MARKUP = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def asset(name: str) -> str:
    return resources.files("scriptcheck.report").joinpath("assets", name).read_text("utf-8")


@dataclass
class Item:
    """A finding as the page shows it: its id on the page and what explains it."""

    id: str
    finding: Finding
    pack: str = OWN_PACK
    rationale: str = ""
    refs: list[Reference] = field(default_factory=list)


def explain(findings: list[Finding], packs: list[Pack] | None, prefix: str = "f") -> list[Item]:
    rules: dict[str, Rule] = {r.id: r for p in packs or [] for r in p.rules}
    items = []
    for n, f in enumerate(findings, 1):
        rule = rules.get(f.rule)
        items.append(Item(f"{prefix}{n}", f, rule.pack.name if rule else OWN_PACK,
                          (rule.rationale or "").strip() if rule else "",
                          references(rule) if rule else []))
    return items


def page_language(items: list[Item], scripts_lang: list[str], lang: str | None) -> str:
    if lang in WORDS:
        return lang
    votes = Counter(scripts_lang or [language(i.finding) for i in items])
    return "zh" if votes and votes.most_common(1)[0][0] == "zh" else "en"


# --- one script ------------------------------------------------------------------------


def highlighted(source: SourceFile, items: list[Item]) -> str:
    """The template text with each finding's span in <mark>s that name the findings there."""
    spans = []
    for item in items:
        start, end = offsets(item.finding, source)
        if end > start:
            spans.append((start, end, item))
    markup = [m.span() for m in _MARKUP.finditer(source.text)]
    cuts = sorted({0, len(source.text), *(s for s, _, _ in spans), *(e for _, e, _ in spans),
                   *(s for s, _ in markup), *(e for _, e in markup)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        text = _e(source.text[a:b])
        if any(s <= a and b <= e for s, e in markup):
            text = f'<span class="tpl">{text}</span>'
        here = [item for s, e, item in spans if s <= a and b <= e]
        if not here:
            out.append(text)
            continue
        worst = max(here, key=lambda i: SEVERITY_RANK[i.finding.severity]).finding.severity
        ids = " ".join(i.id for i in here)
        out.append(f'<mark class="{worst}" data-f="{ids}">{text}</mark>')
    return '<pre class="src">' + "".join(out) + "</pre>"


def finding_card(item: Item, lang: str, show_path: bool = False) -> str:
    f, w = item.finding, WORDS[lang]
    where = (f"{_e(f.path)}:" if show_path else "") + w["line"].format(line=f.line)
    parts = [f'<li class="finding {f.severity}" id="{item.id}" data-severity="{f.severity}" '
             f'data-category="{_e(f.category)}" data-pack="{_e(item.pack)}" data-rule="{_e(f.rule)}">',
             '<div class="head">',
             f'<span class="sev">{SEVERITY_WORD[lang][f.severity]}</span>',
             f'<span class="message">{_e(f.message)}</span>',
             f'<div class="where">{where} · {_e(f.rule)}'
             f'<span class="tag" title="{_e(f.category)}: {_e(CATEGORIES.get(f.category, ""))}">'
             f'{_e(category_name(f.category, language(f)))}</span>'
             f'<span class="tag">{_e(item.pack)}</span></div></div>',
             '<dl class="detail">']
    if f.variant:
        parts.append(f'<dt>{w["branch"]}</dt><dd class="branch" title="{_e(f.variant)}">'
                     f'{_e(variant_in_words(f.variant, language(f)))}</dd>')
    if item.rationale:
        parts.append(f'<dt>{w["why"]}</dt><dd class="why">{_e(item.rationale)}</dd>')
    if item.refs or f.citations:
        parts.append(f'<dt>{w["law"]}</dt><dd><ul class="law">')
        for cite, ref in zip(f.citations, item.refs) if item.refs else \
                ((c, None) for c in f.citations):
            parts.append(f'<li><span class="citation">{_e(cite)}</span>')
            if ref is not None:
                if ref.summary:
                    parts.append(f'<span class="summary">（{_e(ref.summary)}）</span>' if lang == "zh"
                                 else f'<span class="summary"> ({_e(ref.summary)})</span>')
                meta = "，".join(x for x in (ref.issuer, ref.date) if x) if lang == "zh" else \
                    ", ".join(x for x in (ref.issuer, ref.date) if x)
                if meta:
                    parts.append(f'<span class="where"> {_e(meta)}</span>')
                if ref.status:
                    parts.append(f'<span class="tag status-{_e(ref.status)}">{_e(ref.tag(lang))}</span>')
            parts.append("</li>")
        parts.append("</ul></dd>")
    if f.suggestion:
        parts.append(f'<dt>{w["instead"]}</dt><dd class="instead">{_e(f.suggestion)}</dd>')
    parts.append("</dl></li>")
    return "".join(parts)


def banner(item: Item) -> str:
    f = item.finding
    return (f'<div class="banner {f.severity}" data-f="{item.id}">'
            f'<b>{_e(f.rule)}</b> {_e(f.message)}</div>')


def spoken_paths(spoken: list, lang: str) -> str:
    """Each variant's plain text under its path in words."""
    w = WORDS[lang]
    out = [f'<details class="paths"><summary>{w["paths"].format(n=len(spoken))}</summary>']
    for variant in spoken:
        said = "".join(f'<span class="slot" title="{{{{ {_e(expr)} }}}}">{_e(text)}</span>'
                       if expr else _e(text) for text, expr in variant.pieces)
        out.append(f'<div class="path"><div class="when">{_e(variant.words)}</div>'
                   f'<div class="said">{said}</div></div>')
    out.append("</details>")
    return "".join(out)


def script_view(source: SourceFile | None, items: list[Item], lang: str,
                spoken: list | None = None) -> str:
    """A script's banner of missing elements, its highlighted text, what it says on each path
    and its findings: the part the report and the workbench share."""
    w = WORDS[lang]
    whole = [i for i in items if source is None or about_whole_script(i.finding, source)
             or offsets(i.finding, source)[1] <= offsets(i.finding, source)[0]]
    in_place = [i for i in items if i not in whole]
    out = ['<div class="script-body"><div class="script-text">']
    if whole:
        out.append(f'<div class="banners" aria-label="{w["missing"]}">'
                   + "".join(banner(i) for i in whole) + "</div>")
    if source is not None:
        out.append(highlighted(source, in_place))
    if spoken and len(spoken) > 1:
        out.append(spoken_paths(spoken, lang))
    out.append("</div>")
    if items:
        out.append('<ol class="findings">' + "".join(finding_card(i, lang) for i in items)
                   + "</ol>")
    else:
        out.append(f'<p class="empty">{w["none"]}</p>')
    return "".join(out) + "</div>"


# --- the whole report --------------------------------------------------------------------


def _counts(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}


def _badges(findings: list[Finding], lang: str) -> str:
    return '<span class="counts">' + "".join(
        f'<span class="{s}">{n} {SEVERITY_WORD[lang][s]}</span>'
        for s, n in _counts(findings).items() if n) + "</span>"


def _overview(report: dict, by_file: dict[str, list[Item]], items: list[Item], lang: str) -> str:
    w, s = WORDS[lang], report["summary"]
    out = ['<section class="card overview-card"><div class="totals">',
           f'<div class="total files"><b>{s["files"]}</b>{w["files"]}</div>']
    out += [f'<div class="total {sev}"><b>{s[sev]}</b>{w[sev]}</div>' for sev in SEVERITIES]
    out.append('</div><div class="overview"><div>')
    out.append(f'<h3>{w["by_category"]}</h3><ul class="bars">')
    per_category: dict[str, Counter] = {}
    for item in items:
        per_category.setdefault(item.finding.category, Counter())[item.finding.severity] += 1
    top = max((sum(c.values()) for c in per_category.values()), default=1)
    for category, counts in sorted(per_category.items(), key=lambda kv: -sum(kv[1].values())):
        bars = "".join(f'<span class="{sev}" style="width:{100 * counts[sev] / top:.1f}%"></span>'
                       for sev in SEVERITIES if counts[sev])
        out.append(f'<li><span title="{_e(category)}: {_e(CATEGORIES.get(category, ""))}">'
                   f'{_e(category_name(category, lang))}</span>'
                   f'<span class="bar">{bars}</span><span>{sum(counts.values())}</span></li>')
    out.append(f'</ul></div><div><h3>{w["worst"]}</h3><table class="files"><tr><th>{w["file"]}</th>'
               + "".join(f'<th class="n">{w[sev]}</th>' for sev in SEVERITIES) + "</tr>")
    for n, (path, found) in enumerate(by_file.items(), 1):
        counts = _counts([i.finding for i in found])
        out.append(f'<tr><td><a href="#file-{n}">{_e(path)}</a></td>'
                   + "".join(f'<td class="n">{counts[sev] or ""}</td>' for sev in SEVERITIES)
                   + "</tr>")
    out.append("</table></div></div></section>")
    return "".join(out)


def _filters(items: list[Item], lang: str) -> str:
    w = WORDS[lang]
    groups = [("severity", w["severity"], [s for s in SEVERITIES
                                           if any(i.finding.severity == s for i in items)]),
              ("category", w["category"], sorted({i.finding.category for i in items})),
              ("pack", w["pack"], sorted({i.pack for i in items}))]
    out = [f'<section class="card filters no-print" aria-label="{w["filters"]}">']
    for name, title, values in groups:
        out.append(f"<fieldset><legend>{title}</legend>")
        for value in values:
            label = SEVERITY_WORD[lang][value] if name == "severity" else \
                category_name(value, lang) if name == "category" else value
            out.append(f'<label><input type="checkbox" name="{name}" value="{_e(value)}" '
                       f'checked> {_e(label)}</label>')
        out.append("</fieldset>")
    out.append(f'<p class="where">{w["select"]}</p></section>')
    return "".join(out)


def page(title: str, body: str, lang: str, extra_head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, '
            f'initial-scale=1"><title>{_e(title)}</title><style>{asset("report.css")}</style>'
            f'{extra_head}</head><body>{body}<script>{asset("report.js")}</script></body></html>\n')


def from_run(result, options, lang: str | None = None) -> str:
    """The report of a `check` run, with what each branching script says on each path."""
    from ..spoken import spoken as spoken_of

    said, languages = {}, {}
    for script in result.scripts:
        languages[script.source.path], said[script.source.path] = spoken_of(script, options)
    return render(result.report, result.findings, result.sources, packs=result.packs,
                  spoken=said, languages=languages, lang=lang)


def render(report: dict, findings: list[Finding], sources: dict, *, packs: list[Pack] | None = None,
           spoken: dict[str, list] | None = None, languages: dict[str, str] | None = None,
           lang: str | None = None) -> str:
    """The report. `spoken`: path -> each variant's text (for branching scripts);
    `languages`: path -> the script's language; `lang` overrides the page's language."""
    items = explain(findings, packs)
    lang = page_language(items, list((languages or {}).values()), lang)
    w = WORDS[lang]
    by_file: dict[str, list[Item]] = {f["path"]: [] for f in report["files"]}
    for item in items:
        by_file.setdefault(item.finding.path, []).append(item)
    by_file = dict(sorted(by_file.items(), key=lambda kv: (
        [-sum(1 for i in kv[1] if i.finding.severity == s) for s in SEVERITIES], kv[0])))
    body = [f'<header class="top"><h1>{w["title"]}</h1><p>'
            f'{_e(", ".join(p["name"] + " " + p["version"] for p in report["packs"]))}</p></header>',
            "<main>", _overview(report, by_file, items, lang), _filters(items, lang)]
    for n, (path, found) in enumerate(by_file.items(), 1):
        body.append(f'<article class="file" id="file-{n}" data-path="{_e(path)}"><header>'
                    f'<h2>{_e(path)}</h2>{_badges([i.finding for i in found], lang)}</header>')
        body.append(script_view(sources.get(path), found, lang, (spoken or {}).get(path)))
        body.append("</article>")
    body.append(f'<footer>{w["generated"].format(version=_e(report["tool"]["version"]))}</footer>'
                "</main>")
    return page(w["title"], "".join(body), lang)
