"""Read back an HTML report: which text each highlight covers, what each finding card and
banner says, and every reference to something outside the file."""
from __future__ import annotations

import re
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.marked: dict[str, str] = {}     # finding id -> the text highlighted for it
        self.cards: dict[str, dict] = {}     # finding id -> attributes and text of its card
        self.banners: dict[str, str] = {}    # finding id -> banner text
        self.external: list[str] = []
        self._open: list[tuple[str, list]] = []   # (tag, [collectors]) of open elements
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href", "action", "data", "poster"):
            if re.match(r"^\s*(https?:)?//", a.get(key) or "", re.I):
                self.external.append(f"<{tag} {key}={a[key]}>")
        if tag == "link" or (tag == "script" and a.get("src")):
            self.external.append(f"<{tag} {a}>")
        collectors = []
        if tag == "mark":
            collectors = [("mark", i) for i in (a.get("data-f") or "").split()]
        elif tag == "li" and "finding" in (a.get("class") or "").split():
            self.cards[a["id"]] = {**a, "text": ""}
            collectors = [("card", a["id"])]
        elif tag == "div" and "banner" in (a.get("class") or "").split():
            collectors = [("banner", a["data-f"])]
        if tag not in ("meta", "input", "br", "img", "link"):
            self._open.append((tag, collectors))

    def handle_endtag(self, tag):
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._open and self._open[-1][0] in ("style", "script"):
            if re.search(r"@import|url\(\s*['\"]?\s*(https?:)?//", data, re.I):
                self.external.append(data[:80])
            if self._open[-1][0] == "script" and re.search(r"https?://", data):
                self.external.append(data[:80])
        for _, collectors in self._open:
            for kind, key in collectors:
                if kind == "mark":
                    self.marked[key] = self.marked.get(key, "") + data
                elif kind == "card":
                    self.cards[key]["text"] += data
                else:
                    self.banners[key] = self.banners.get(key, "") + data
