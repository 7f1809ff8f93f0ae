"""Analysed scripts cached by content, so a re-check of unchanged scripts lexes and parses
nothing.

An entry is found by the script's path (as the run spells it, normalised), the sha256 of its
bytes and the settings analysis reads (scriptcheck's code, Jinja's and YAML's versions, the
block options, the declared encoding, the limits). It holds the analysed `Script` (its tree
pickled apart and unpickled only when used, see `Stored`), the text, the macros and the
comments of every file it loaded (`Loader.knowledge`), and what the analysis depended on besides the
script's bytes: the sha256 of every other file it loaded, and each template name it resolved
with what it found (or that it found nothing). A hit re-hashes those files and asks the loader
again for those names, so an edited partial, a partial that appeared earlier on the search path
or one that disappeared makes the entry a miss; the script is then analysed and the entry
rewritten.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from . import store
from .bundle import Bundle
from .model import SourceFile
from .template import Loader, Script, TemplateProblem, read_bytes

FORMAT = 2
ALLOWED = store.PLAIN | {("scriptcheck.template", "TemplateProblem"),
                         ("scriptcheck.frontmatter", "Meta"), ("scriptcheck.notices", "Notice")} \
    | {("scriptcheck.model", name) for name in ("SourceFile", "Span", "Text", "Slot", "Seq",
                                                 "Branch", "Choice", "Loop")}


class Analyses:
    """Analysis through a cache folder (none: every file is analysed anew): `lookup` a script,
    else analyse it `fresh`; one per run (it remembers what it hashed)."""

    def __init__(self, folder: str | None, loader: Loader, settings: tuple,
                 bundle: Bundle | None = None) -> None:
        self.folder = Path(folder) / "analysis" if folder else None
        self.loader = loader
        self.bundle = bundle or Bundle()
        self._told: set[str] = set()   # files and entries `handover` has told of already
        self.salt = "" if folder is None else store.digest(
            f"analysis {FORMAT}", store.code_digest(), repr(settings),
            *(store.version(d) for d in ("jinja2", "pyyaml", "charset-normalizer")))
        self._digests: dict[str, str | None] = {}
        self._found: dict[tuple[str, str], str | None] = {}

    def lookup(self, path: str) -> Script | None:
        """The script from the cache, or None when it must be analysed."""
        found = self._entry_of(os.path.normpath(path))
        if found is None:
            return None
        stored = store.unseal(self.bundle.read(found[0]), found[1], ALLOWED)
        if _whole(stored) and self._current(stored[0]):
            _, kept, tree, knowledge = stored
            self.loader.learn(knowledge)
            return Stored.of(kept, tree, _texts(kept["source"], knowledge))
        return None

    def _entry_of(self, path: str) -> tuple[str, str, str] | None:
        """(entry file, key, digest of the file) of a path, None when it is not cached."""
        if self.folder is None:
            return None
        digest = self._digest(path)
        if digest is None:
            return None
        key = store.digest(self.salt, path, digest)
        return os.path.join(self.folder, key[:2], f"{key}.pickle"), key, digest

    def fresh(self, path: str) -> Script:
        """The script tree of one file analysed anew, and written to the cache."""
        path = os.path.normpath(path)
        found = self._entry_of(path)
        if found is None:
            return _analyze(path, self.loader)
        entry, key, digest = found
        self.loader.watch = []
        try:
            script = _analyze(path, self.loader)
            watched = self.loader.watch
        finally:
            self.loader.watch = None
        value = self._entry(path, digest, script, watched)
        if value is not None:
            self.bundle.write(entry, store.seal(key, value))
        return script

    def handover(self) -> tuple[dict, dict]:
        """What this process learnt since it last said (an analysing worker's, for the run's
        own process): what the loader knows of each file it read, and the entries written."""
        files = [p for p in self.loader.parsed() if p not in self._told]
        entries = {k: v for k, v in self.bundle.used.items() if k not in self._told}
        self._told.update(files, entries)
        return self.loader.knowledge(files), entries

    def take(self, handed: tuple[dict, dict]) -> None:
        """Learn what a worker's `handover` said."""
        knowledge, entries = handed
        self.loader.learn(knowledge)
        self._told.update(knowledge, entries)
        self.bundle.used.update(entries)

    def _digest(self, path: str) -> str | None:
        """sha256 of a file's bytes (once per run), None when it cannot be read whole."""
        if path not in self._digests:
            try:
                self._digests[path] = store.sha256(read_bytes(path, self.loader.limits))
            except (OSError, TemplateProblem):
                self._digests[path] = None
        return self._digests[path]

    def _current(self, depends: tuple) -> bool:
        """Whether every file the entry read is unchanged and every name resolves as it did."""
        for item in depends:
            if item[0] == "load":
                _, path, digest = item
                if self._digest(path) != digest:
                    return False
            else:
                _, name, folder, found = item
                if (name, folder) not in self._found:
                    self._found[(name, folder)] = self.loader.resolve_in(name, folder)
                if self._found[(name, folder)] != found:
                    return False
        return True

    def _entry(self, path: str, digest: str, script: Script, watched: list[tuple]
               ) -> tuple | None:
        """What is stored for a script, or None when it must not be: a crash, a file that
        could not be read whole, or a script that changed while it was read."""
        if any(p.key == "internal-error" for p in script.problems):
            return None
        depends: set[tuple] = set()
        loaded = []
        for item in watched:
            if item[0] == "resolve":
                depends.add(item)
                continue
            name = item[1]
            read = self.loader.digests.get(name)
            if read is None or (name == path and read != digest):
                return None
            depends.add(("load", name, read))
            loaded.append(name)
        knowledge = self.loader.knowledge(loaded)
        kept = {name: getattr(script, name) for name in _KEPT}
        tree = store.dumps(script.tree, _texts(script.source, knowledge))
        return tuple(sorted(depends, key=repr)), kept, tree, knowledge


class Stored(Script):
    """An analysed script from the cache whose tree is unpickled when first asked for: the
    findings of an unchanged script come from the findings cache, so a re-check seldom walks
    a tree (the HTML report, a script without a locale, a changed pack do)."""

    @classmethod
    def of(cls, kept: dict, tree: bytes, texts: dict[str, SourceFile]) -> "Stored":
        script = cls.__new__(cls)
        script.__dict__.update(kept, _tree=(tree, texts))
        return script

    def __getattr__(self, name: str):
        if name != "tree" or "_tree" not in self.__dict__:
            raise AttributeError(name)
        tree, texts = self.__dict__.pop("_tree")
        self.tree = store.loads(tree, ALLOWED, texts)
        return self.tree


def _analyze(path: str, loader: Loader) -> Script:
    """A file analysed anew: only now is Jinja imported."""
    from .jinjaparse import analyze

    return analyze(path, loader)


_KEPT = [f.name for f in dataclasses.fields(Script) if f.name != "tree"]


def _texts(source: SourceFile, knowledge: dict[str, tuple]) -> dict[str, SourceFile]:
    """The files a tree's spans point into, by path: stored once, beside the tree."""
    return {source.path: source, **{name: known[0] for name, known in knowledge.items()
                                    if known[0] is not None}}


def _whole(stored: object) -> bool:
    """Whether an unsealed entry has the shape `_entry` gives it (one written by another
    program, or by hand, under the right key and digest, is a miss, not a crash)."""
    if type(stored) is not tuple or len(stored) != 4:
        return False
    depends, kept, tree, knowledge = stored
    return type(depends) is tuple and type(kept) is dict and list(kept) == _KEPT and \
        isinstance(kept["source"], SourceFile) and type(tree) is bytes and \
        type(knowledge) is dict and \
        all(type(known) is tuple and len(known) == 3 for known in knowledge.values()) and \
        all(type(item) is tuple and len(item) in (3, 4)
            and len(item) == {"load": 3, "resolve": 4}.get(item[0])
            and all(v is None or type(v) is str for v in item) for item in depends)
