"""Is a script covered at all? A locale no pipeline reads, or a locale and jurisdiction no
loaded pack applies to, would otherwise pass the gate having checked nothing."""
from __future__ import annotations

from .frontmatter import language
from .lang import known as known_languages
from .notices import Notice


def notices(script, meta: dict, packs: list) -> list[Notice]:
    lang = language(meta.get("locale"))
    locale, jurisdiction = meta.get("locale"), meta.get("jurisdiction")
    lines = script.meta.lines
    path = script.source.path
    found = []
    supported = known_languages()
    if lang not in supported:
        found.append(Notice("unsupported-language", "warning", "unsupported-language", path,
                            lines.get("locale", 1),
                            {"language": lang, "locale": locale}))
    if not any(p.applies_to(lang, jurisdiction) for p in packs):
        line = lines.get("jurisdiction", 1) if lang in supported else lines.get("locale", 1)
        found.append(Notice("no-pack", "warning", "no-pack", path, line,
                            {"locale": locale, "jurisdiction": jurisdiction or "none"}))
    return found
