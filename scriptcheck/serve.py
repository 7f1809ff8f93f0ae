"""`scriptcheck serve`: a local web workbench for trainers. Open a script of the repository or
paste a draft, pick its context, and see the same highlighted view as the HTML report update
as you type. Bound to 127.0.0.1; it never writes to the repository unless the user saves a
draft, and then only a new file under drafts/."""
from __future__ import annotations

import os
import re
import threading

from . import discover, packs as packs_mod, suppress
from .config import Config
from .engine import Engine, Options, dedupe, effective_meta
from .citations import references
from .report import html as view
from .spoken import spoken
from .template import Loader, TemplateProblem, build, make_environment

CONTEXT_KEYS = {"jurisdiction": ["CN", "US", "UK"],
                "audience": ["debtor", "guarantor", "third_party"],
                "channel": ["call", "voicemail", "sms", "letter", "email", "chat"]}
CONTEXT_WORDS = {  # how the context choices read in each language
    "zh": {"jurisdiction": "法域", "audience": "对象", "channel": "渠道", "CN": "中国内地",
           "US": "美国", "UK": "英国", "debtor": "债务人本人", "guarantor": "担保人",
           "third_party": "第三人", "call": "电话", "voicemail": "语音留言", "sms": "短信",
           "letter": "信函", "email": "电子邮件", "chat": "在线聊天"},
    "en": {"jurisdiction": "Jurisdiction", "audience": "Speaking to", "channel": "Channel",
           "CN": "China (mainland)", "US": "United States", "UK": "United Kingdom",
           "debtor": "the debtor", "guarantor": "a guarantor", "third_party": "a third party",
           "call": "call", "voicemail": "voicemail", "sms": "SMS", "letter": "letter",
           "email": "email", "chat": "chat"},
}
DRAFTS = "drafts"
WORDS = {
    "zh": {"title": "话术工作台", "open": "打开仓库中的话术", "paste": "或在这里粘贴、编写话术草稿",
           "context": "情境", "from_script": "按话术设定", "save": "保存草稿", "name": "草稿文件名",
           "saved": "已保存到 {path}", "result": "检查结果", "rules": "规则说明",
           "about_rule": "规则说明"},
    "en": {"title": "Script workbench", "open": "Open a script of the repository",
           "paste": "or paste or write a draft here", "context": "Context",
           "from_script": "as the script says", "save": "Save draft", "name": "Draft file name",
           "saved": "Saved to {path}", "result": "Result", "rules": "Rules",
           "about_rule": "about this rule"},
}
WORKBENCH_JS = """
(function () {
  var box = document.getElementById("draft"), out = document.getElementById("result"), timer;
  function context() {
    var c = {text: box.value, path: box.dataset.path || ""};
    document.querySelectorAll("select.ctx").forEach(function (s) { if (s.value) { c[s.name] = s.value; } });
    return c;
  }
  function check() {
    fetch("api/check", {method: "POST", headers: {"Content-Type": "application/json"},
                        body: JSON.stringify(context())})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        out.innerHTML = data.html;
        out.querySelectorAll("li.finding .where").forEach(function (where) {
          var item = where.closest("li.finding"), link = document.createElement("a"), rule = item.dataset.rule;
          if (item.dataset.pack === "scriptcheck") { return; }   // the tool's own findings have no rule page
          link.href = "rule/" + rule; link.target = "_blank"; link.textContent = out.dataset.ruleWord;
          where.appendChild(document.createTextNode(" · ")); where.appendChild(link);
        });
      });
  }
  function later() { clearTimeout(timer); timer = setTimeout(check, 300); }
  box.addEventListener("input", later);
  document.querySelectorAll("select.ctx").forEach(function (s) { s.addEventListener("change", check); });
  document.getElementById("open").addEventListener("change", function () {
    var path = this.value; if (!path) { return; }
    fetch("api/file?path=" + encodeURIComponent(path)).then(function (r) { return r.json(); })
      .then(function (data) { box.value = data.text; box.dataset.path = path; check(); });
  });
  document.getElementById("save").addEventListener("click", function () {
    var name = document.getElementById("name").value;
    fetch("api/save", {method: "POST", headers: {"Content-Type": "application/json"},
                       body: JSON.stringify({name: name, text: box.value})})
      .then(function (r) { return r.json(); })
      .then(function (data) { document.getElementById("saved").textContent = data.message; });
  });
  window.scriptcheckCheck = check;
  if (box.value) { check(); }
})();
"""
WORKBENCH_CSS = """
.bench { display: grid; grid-template-columns: minmax(300px, 2fr) 3fr; gap: 18px; }
.bench .script-body { display: block; }
.bench .script-body > ol.findings { position: static; max-height: none; }
.bench textarea { width: 100%; min-height: 420px; font-size: 14px; line-height: 1.6; padding: 10px;
  border: 1px solid var(--line); border-radius: 8px; font-family: inherit; }
.bench select, .bench input[type=text] { font-size: 14px; padding: 4px; margin: 2px 6px 6px 0; }
.bench label { font-size: 13px; color: var(--muted); margin-right: 6px; }
.rules a { margin-right: 8px; font-size: 13px; }
@media (max-width: 900px) { .bench { grid-template-columns: 1fr; } }
"""


class Workbench:
    """Everything the pages need: the repository, the packs and one engine (built once)."""

    def __init__(self, root: str, pack_specs: list[str] | None = None, lang: str = "zh",
                 config: Config | None = None):
        self.root = os.path.abspath(root)
        self.config = config or Config()
        self.packs = packs_mod.load_all(pack_specs or self.config.rules or packs_mod.builtin_names())
        self.lang = lang if lang in WORDS else "en"
        self.options = Options(max_variants=self.config.max_variants, models=self.config.models,
                               defaults=self.config.defaults)
        self.loader = Loader([self.root, *self.config.template_paths],
                             make_environment(self.config.trim_blocks, self.config.lstrip_blocks))
        self.engine = Engine(self.packs, self.options, self.loader)
        self.lock = threading.Lock()   # one spaCy pipeline, one check at a time

    def scripts(self) -> list[str]:
        """Repository scripts, relative to the root (partials left out)."""
        found = discover.find_files([self.root], [])
        return sorted(os.path.relpath(path, self.root) for path, root, _ in found
                      if not discover.is_partial_by_name(path, root, self.config.partials))

    def inside(self, relative: str) -> str | None:
        """The absolute path of a file inside the repository, or None."""
        path = os.path.abspath(os.path.join(self.root, relative))
        return path if path.startswith(self.root + os.sep) and os.path.isfile(path) else None

    def check(self, text: str, path: str = "", context: dict | None = None) -> dict:
        """Findings and the highlighted view of a draft (never written anywhere)."""
        where = self.inside(path) if path else None
        name = where or os.path.join(self.root, "draft.j2")
        try:
            script = build(self.loader.load_text(text, name), self.loader)
        except TemplateProblem as problem:
            script = None
            error = problem
        with self.lock:
            if script is None:
                from .engine import problem_finding

                findings = [problem_finding(error, self.lang, {})]
                lang, said, source = self.lang, [], None
            else:
                meta = effective_meta(script, self.options)
                meta.update({k: v for k, v in (context or {}).items() if k in CONTEXT_KEYS and v})
                unit, notes = self.engine.prepare(script, meta)
                self.engine.parse([unit])
                findings = dedupe(suppress.apply(notes + self.engine.findings(unit), unit,
                                                 self.loader))
                lang, said = spoken(script, self.options, meta)
                source = script.source
        items = view.explain(findings, self.packs, prefix="w")
        own = [i for i in items if source is None or i.finding.path == source.path]
        elsewhere = [i for i in items if i not in own]
        fragment = view.script_view(source, own, lang, said)
        if elsewhere:
            fragment += '<ol class="findings">' + "".join(
                view.finding_card(i, lang, show_path=True) for i in elsewhere) + "</ol>"
        return {"html": fragment, "findings": [f.to_json() for f in findings]}

    def save(self, name: str, text: str) -> tuple[bool, str]:
        """Save a draft as a new file under drafts/ (never over an existing file)."""
        if not re.fullmatch(r"[\w\u4e00-\u9fff][\w.\u4e00-\u9fff-]{0,80}\.j2", name or ""):
            return False, "name must be a file name ending in .j2 (letters, digits, - _ .)"
        folder = os.path.join(self.root, DRAFTS)
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return False, f"{DRAFTS}/{name} exists already; choose another name"
        from .cli import write_atomic

        os.makedirs(folder, exist_ok=True)
        write_atomic(path, text)
        return True, WORDS[self.lang]["saved"].format(path=f"{DRAFTS}/{name}")

    # pages --------------------------------------------------------------------------
    def page(self, draft: str = "") -> str:
        w = WORDS[self.lang]
        options = "".join(f'<option value="{view._e(p)}">{view._e(p)}</option>'
                          for p in self.scripts())
        said = CONTEXT_WORDS[self.lang]
        selects = "".join(
            f'<label>{said[key]}</label><select class="ctx" name="{key}">'
            f'<option value="">{w["from_script"]}</option>'
            + "".join(f'<option value="{v}">{said[v]}</option>' for v in values) + "</select>"
            for key, values in CONTEXT_KEYS.items())
        rules = "".join(f'<a href="rule/{r.id}">{r.id}</a>' for p in self.packs for r in p.rules)
        body = (f'<header class="top"><h1>{w["title"]}</h1><p>{view._e(self.root)}</p></header>'
                f'<main><div class="bench"><section class="card">'
                f'<label for="open">{w["open"]}</label><br><select id="open"><option value="">—'
                f'</option>{options}</select><br><label>{w["context"]}</label><br>{selects}'
                f'<p><label for="draft">{w["paste"]}</label></p>'
                f'<textarea id="draft" spellcheck="false">{view._e(draft)}</textarea>'
                f'<p><input type="text" id="name" placeholder="{w["name"]}" value="draft.zh.j2">'
                f'<button id="save" type="button">{w["save"]}</button> <span id="saved"></span></p>'
                f'</section><section class="card"><h2>{w["result"]}</h2><div id="result" data-rule-word="{w["about_rule"]}"></div>'
                f'</section></div><section class="card rules"><h2>{w["rules"]}</h2>{rules}'
                f'</section></main><script>{WORKBENCH_JS}</script>')
        return view.page(w["title"], body, self.lang, f"<style>{WORKBENCH_CSS}</style>")

    def rule_page(self, rule_id: str) -> str | None:
        found = [r for p in self.packs for r in p.rules if r.id == rule_id.upper()]
        if not found:
            return None
        rule = found[0]
        lang = rule.pack.locale[0] if rule.pack.locale else "en"
        w, e = view.WORDS[lang], view._e
        refs = "".join(f'<li>{e(ref.short)}{"（" + e(ref.summary) + "）" if ref.summary else ""} '
                       f'<span class="where">{e(", ".join(x for x in (ref.issuer, ref.date) if x))}'
                       f'</span><span class="tag status-{e(ref.status)}">{e(ref.tag(lang))}</span></li>'
                       for ref in references(rule))

        def examples(title: str, items: list) -> str:
            return f"<h3>{title}</h3><ul>" + "".join(f"<li>{e(x.text.strip())}</li>"
                                                     for x in items) + "</ul>"
        body = (f'<header class="top"><h1>{e(rule.id)}</h1><p>{e(rule.pack.name)} · '
                f'{e(rule.category)} · {e(rule.severity)}</p></header><main><section class="card">'
                f'<h2>{e(rule.text(rule.message, lang))}</h2>'
                f'<h3>{w["why"]}</h3><p class="why">{e(rule.rationale or "")}</p>'
                f'<h3>{w["law"]}</h3><ul class="law">{refs}</ul>'
                f'<h3>{w["instead"]}</h3><p class="instead">{e(rule.text(rule.suggestion, lang) or "")}</p>'
                + examples("违规示例" if lang == "zh" else "Flagged", rule.bad)
                + examples("合规示例" if lang == "zh" else "Not flagged", rule.good)
                + '</section><p><a href="../">←</a></p></main>')
        return view.page(rule.id, body, lang)


def create_app(bench: Workbench):
    """The Flask application (Flask is the optional extra `web`)."""
    from flask import Flask, abort, jsonify, request

    app = Flask("scriptcheck")

    @app.get("/")
    def index():
        return bench.page()

    @app.post("/api/check")
    def api_check():
        data = request.get_json(force=True, silent=True) or {}
        return jsonify(bench.check(str(data.get("text", "")), str(data.get("path", "")),
                                   {k: str(data.get(k, "")) for k in CONTEXT_KEYS}))

    @app.get("/api/file")
    def api_file():
        path = bench.inside(request.args.get("path", ""))
        if path is None:
            abort(404)
        with open(path, encoding="utf-8") as fh:
            return jsonify({"path": os.path.relpath(path, bench.root), "text": fh.read()})

    @app.post("/api/save")
    def api_save():
        data = request.get_json(force=True, silent=True) or {}
        ok, message = bench.save(str(data.get("name", "")), str(data.get("text", "")))
        return jsonify({"ok": ok, "message": message}), (200 if ok else 400)

    @app.get("/rule/<rule_id>")
    def rule(rule_id):
        page = bench.rule_page(rule_id)
        if page is None:
            abort(404)
        return page

    return app
