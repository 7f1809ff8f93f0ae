"""How a rule's law is shown to people: a short form on one line (title and article) where
space is short, the full reference (summary, issuer, date, how sure we are of the text) in
`explain`, the HTML report and the workbench."""
from __future__ import annotations

from dataclasses import dataclass

from .packs import Rule

STATUS_TAGS = {
    "text-confirmed": {"zh": "原文已核实", "en": "text confirmed"},
    "secondary-source": {"zh": "据转载文本", "en": "secondary source"},
    "press-report": {"zh": "据新闻报道", "en": "reported in the press"},
    "unconfirmed": {"zh": "未经核实", "en": "unconfirmed"},
    "house-rule": {"zh": "内部规范", "en": "house rule"},
}


@dataclass
class Reference:
    id: str
    title: str
    article: str = ""
    summary: str = ""
    issuer: str = ""
    date: str = ""
    status: str = ""
    url: str = ""
    note: str = ""

    @property
    def short(self) -> str:
        """Title and article, on one line: 《商业银行信用卡业务监督管理办法》第六十八条."""
        return f"{self.title} {self.article}" if self.article else self.title

    def tag(self, lang: str) -> str:
        labels = STATUS_TAGS.get(self.status)
        return labels.get(lang, labels["en"]) if labels else ""


def references(rule: Rule) -> list[Reference]:
    out = []
    for ref_id in rule.citations:
        ref = {"title": ref_id, **rule.pack.references.get(ref_id, {})}
        out.append(Reference(ref_id, **{k: str(v) for k, v in ref.items()
                                        if k in Reference.__dataclass_fields__ and k != "id"}))
    return out


def full_text(ref: Reference, lang: str) -> str:
    """The full reference on one line, for `explain` and help texts."""
    head = ref.short + (f"（{ref.summary}）" if lang == "zh" and ref.summary else
                        f" ({ref.summary})" if ref.summary else "")
    tail = [x for x in (ref.issuer, ref.date) if x]
    tag = ref.tag(lang)
    note = (f"（{ref.note}）" if lang == "zh" else f" ({ref.note})") if ref.note else ""
    return head + (f"，{'，'.join(tail)}" if lang == "zh" and tail else
                   f", {', '.join(tail)}" if tail else "") + (f" [{tag}]" if tag else "") + note
