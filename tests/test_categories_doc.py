"""docs/categories.md documents every category a rule can have."""
from __future__ import annotations

from pathlib import Path

from scriptcheck import packs
from scriptcheck.categories import CATEGORIES, NAMES_ZH

DOC = (Path(__file__).parent.parent / "docs" / "categories.md").read_text(encoding="utf-8")


def test_every_category_and_every_house_category_is_documented():
    used = {r.category for p in packs.load_all(packs.builtin_names()) for r in p.rules}
    for category in set(CATEGORIES) | used:
        assert f"| `{category}` |" in DOC, category


def test_every_category_has_a_chinese_name():
    assert set(NAMES_ZH) == set(CATEGORIES)


def test_no_internal_file_names_for_readers():
    for name in ("law-cn.md", "law-us-uk.md", "DESIGN.md", "[WEAK]", "/work/"):
        assert name not in DOC
