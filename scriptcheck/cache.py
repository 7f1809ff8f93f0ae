"""A cache of findings by content: a script whose text, partials, packs and options are all
unchanged is not checked again, and when nothing changed the NLP pipelines are never built.

The key hashes what a script's findings depend on, never how its path was spelt: the
versions of scriptcheck (and a digest of its own files), spaCy and jieba, the packs' and the configuration's bytes, the
options, the script's metadata and template problems, and the text of the script and of every
file it uses, each named by its path relative to the script (so `scripts`, `./scripts` and an
absolute path share entries, and so do `check scripts/cn` and `check scripts`). Findings are
stored with their file as an index into that list and get the current spelling back on read.

Entries are files of two JSON lines, a head (the key and the digest of the body) and the
body (the findings), written atomically (a temporary file renamed over the entry), so two
runs writing at once leave one whole entry. An entry is checked on read: a damaged, emptied,
truncated or hand-edited one (its digest no longer matches) is a miss, never a crash and
never a silent loss of findings.
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import fields
from pathlib import Path

from . import __version__
from .bundle import Bundle
from .model import Finding
from .store import code_digest, digest as _digest, sha256, version as _version

FORMAT = 3
_TEXT = {"rule", "category", "severity", "message", "excerpt"}
_INT = {"line", "column", "end_line", "end_column"}
_OPTIONAL = {"suggestion", "variant"}
_STR_OR_NONE = {str, type(None)}
_FIELDS = {f.name for f in fields(Finding)}


def _read(path: str | None) -> bytes:
    try:
        return Path(path).read_bytes() if path else b""
    except OSError:
        return b""


@functools.lru_cache(maxsize=None)
def _real(path: str) -> str:
    """`os.path.realpath`, resolving each folder once (a file that is a link is resolved whole)."""
    folder, name = os.path.split(path)
    if not folder or name in ("", ".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    return os.path.join(_real(folder), name)


def _relative(path: str, home: str) -> str:
    """`os.path.relpath` of two real (absolute, normalised) paths, without making them
    absolute and normal again."""
    if os.name != "posix":
        return os.path.relpath(path, home)
    start, target = [p for p in home.split("/") if p], [p for p in path.split("/") if p]
    common = len(os.path.commonprefix([start, target]))
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


class Cache:
    bundle = Bundle()   # entry files only, unless the run gives its bundle

    def __init__(self, folder: str, packs: list, options, settings: tuple = (),
                 config_path: str | None = None, bundle: Bundle | None = None) -> None:
        self.folder = Path(folder)
        self.bundle = bundle or Bundle()
        parts = [f"format {FORMAT}", __version__, code_digest(), _version("spacy"),
                 _version("jieba"), _version("spacy-lookups-data")]
        parts += [sha256(_read(pack.path)) for pack in packs]
        parts.append(sha256(_read(config_path)))
        parts.append(repr(sorted(vars(options).items(), key=lambda kv: kv[0])))
        parts.append(repr(settings))
        self.salt = _digest(*parts)

    @staticmethod
    def files(script) -> list[str]:
        """The script, then the files it uses, in an order that does not depend on spelling."""
        return [script.source.path, *sorted(script.uses, key=_real)]

    def key(self, script, texts: dict[str, str], meta: dict | None = None) -> str:
        files = self.files(script)
        home = os.path.dirname(_real(files[0]))
        parts = [self.salt, json.dumps(meta, sort_keys=True, default=str, ensure_ascii=False)]
        parts += [f"{p.line}:{p.message}" for p in script.problems]
        for path in files:
            parts += [_relative(_real(path), home), texts.get(path, "")]
        return _digest(*parts)

    def _entry(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], f"{key}.json")

    def get(self, key: str, files: list[str]) -> tuple[list[Finding], int] | None:
        """The findings and variant count stored under `key`, or None for a miss."""
        try:
            data = self.bundle.read(self._entry(key))
            if data is None:
                return None
            head, text = data.decode("utf-8").split("\n", 1)
            if json.loads(head) != {"key": key, "digest": _digest(text)}:
                return None
            body = json.loads(text)
            findings = [_finding(item, files) for item in body["findings"]]
            variants = body["variants"]
            if type(variants) is not int or variants < 0:
                return None
            return findings, variants
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None

    def put(self, key: str, files: list[str], findings: list[Finding], variants: int) -> None:
        """Store an entry; a cache that cannot be written is only a slower next run."""
        index = {path: i for i, path in enumerate(files)}
        items = []
        for f in findings:
            if f.path not in index:
                return  # a finding outside the files the key covers: not safe to reuse
            items.append({**f.to_json(), "path": index[f.path],
                          "fix": list(f.fix) if f.fix else None})
        body = json.dumps({"variants": variants, "findings": items}, ensure_ascii=False)
        text = json.dumps({"key": key, "digest": _digest(body)}) + "\n" + body
        self.bundle.write(self._entry(key), text.encode("utf-8", "surrogatepass"))


def _finding(item: dict, files: list[str]) -> Finding:
    """A stored finding, refusing anything of the wrong shape or type."""
    if item.keys() != _FIELDS:
        raise KeyError("fields")
    field_of = item.__getitem__   # the checks in C (map), not a generator per field
    numbers = list(map(field_of, _INT))
    if set(map(type, map(field_of, _TEXT))) != {str} or set(map(type, numbers)) != {int} or \
            min(numbers) < 1 or not set(map(type, map(field_of, _OPTIONAL))) <= _STR_OR_NONE:
        raise TypeError("field types")
    citations, fix, where = item["citations"], item["fix"], item["path"]
    if type(where) is not int or where < 0 or type(citations) is not list or \
            not set(map(type, citations)) <= {str}:
        raise TypeError("path or citations")
    if fix is not None and not (len(fix) == 3 and type(fix[0]) is int and type(fix[1]) is int
                                and type(fix[2]) is str):
        raise TypeError("fix")
    return Finding(**{**item, "path": files[where], "citations": list(citations),
                      "fix": tuple(fix) if fix else None})
