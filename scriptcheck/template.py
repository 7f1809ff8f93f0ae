"""Template files: reading and decoding them, finding them by name (`Loader`), and what the
analysis of one is (`Script`).

The analysis itself, from Jinja's lexer and parser, is in `jinjaparse` and is imported when a
file must first be parsed: a run whose scripts all come from the cache imports no Jinja. Its
names (`analyze`, `build`, `make_environment`, `lex_and_parse`) are importable from here too.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import encoding as encoding_mod, frontmatter
from .limits import Limits
from .notices import Notice
from .model import Seq, SourceFile, Span

if TYPE_CHECKING:
    from jinja2 import Environment, nodes

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl")
_NEWLINES = re.compile(r"\r\n|\r")


class TemplateProblem(Exception):
    """A template that cannot be analysed: reported as a `template-error` finding."""

    def __init__(self, message: str, path: str, line: int = 1, key: str = "template-error",
                 values: dict | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.key = key              # message id (messages.py) the finding is written with
        self.values = values        # its values; None: {"detail": message}

    def __reduce__(self):
        """Pickled (the analysis cache) by its fields: BaseException would keep only the message."""
        return TemplateProblem, (self.message, self.path, self.line, self.key, self.values)


@dataclass(eq=False)
class Parsed:
    """One file, lexed and parsed once."""

    source: SourceFile
    ast: nodes.Template
    spans: dict[int, Span]          # id(TemplateData or output expression) -> source span
    conditions: dict[int, tuple[str, Span]]  # id(If) -> (condition source, tag span)
    comments: list[tuple[int, str]]  # (line, text) of every {# comment #}
    meta: frontmatter.Meta | None


@dataclass
class Script:
    """A checked file: its metadata and the tree of everything it says."""

    source: SourceFile
    meta: frontmatter.Meta
    tree: Seq
    uses: set[str] = field(default_factory=set)        # paths of partials it pulls in
    problems: list[TemplateProblem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)   # findings about the file itself
    called: set[str] = field(default_factory=set)      # "path:macro" of every macro it calls


def read_decoded(path: str, declared: str | None = None, limits: Limits | None = None
                 ) -> tuple[SourceFile, encoding_mod.Decoded]:
    """A template's text (newlines normalised) and how its bytes were read, or
    TemplateProblem when it is too large or cannot be decoded."""
    return decode(path, read_bytes(path, limits), declared)


def read_bytes(path: str, limits: Limits | None = None) -> bytes:
    """A template's bytes, or TemplateProblem when it is not a regular file or too large."""
    limits = limits or Limits()
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
        raise TemplateProblem("not a regular file", path, 1, "encoding-error",
                              {"detail": "not a regular file (a pipe, socket or device)"})
    size = info.st_size
    if size > limits.max_file_size:
        raise TemplateProblem(f"file is {size} bytes, over max-file-size", path, 1,
                              "limit-size", {"size": size, "limit": limits.max_file_size})
    with open(path, "rb") as fh:
        return fh.read(limits.max_file_size + 1)


def decode(path: str, data: bytes, declared: str | None = None
           ) -> tuple[SourceFile, encoding_mod.Decoded]:
    try:
        decoded = encoding_mod.decode(data, declared)
    except encoding_mod.EncodingProblem as exc:
        raise TemplateProblem(f"cannot read template: {exc.message}", path, exc.line,
                              "encoding-error", {"detail": exc.message}) from None
    return SourceFile(path, _NEWLINES.sub("\n", decoded.text)), decoded


def read_source(path: str, declared: str | None = None) -> SourceFile:
    return read_decoded(path, declared)[0]


@functools.lru_cache(maxsize=4096)
def _ancestors(folder: str) -> tuple[str, ...]:
    """`a/b/c` -> (a/b/c, a/b, a) (relative paths stay relative; stops at the current folder
    for relative paths and at the root for absolute ones). Remembered: every include name a
    cached run resolves again asks for the same few folders."""
    found = []
    folder = os.path.normpath(folder or ".")
    while True:
        found.append(folder)
        parent = os.path.dirname(folder)
        if folder in (".", "") or parent == folder:
            break
        folder = parent or "."
    return tuple(found)


class Loader:
    """Finds and parses templates once; names resolve against the search path, then the
    including file's own folder, as Jinja's FileSystemLoader would."""

    def __init__(self, search_paths: list[str], env: Environment | None = None,
                 encoding: str | None = None, limits: Limits | None = None,
                 blocks: tuple[bool, bool] = (False, False)):
        """`env`, or one made with `blocks` (trim_blocks, lstrip_blocks) when first needed."""
        self.search_paths = list(search_paths)
        self._env = env
        self.blocks = blocks
        self.encoding = encoding            # declared encoding of every template, if any
        self.limits = limits or Limits()
        self.decoded: dict[str, encoding_mod.Decoded] = {}
        self._cache: dict[str, Parsed | TemplateProblem] = {}
        self.digests: dict[str, str] = {}   # path -> sha256 of the bytes that were parsed
        # what is known of a file without parsing it (from the analysis cache, or from the
        # process that analysed it): path -> text, [(macro, line)], [(line, comment)]
        # (None: the file cannot be parsed)
        self.known_sources: dict[str, SourceFile | None] = {}
        self.known_macros: dict[str, list[tuple[str, int]] | None] = {}
        self.known_comments: dict[str, list[tuple[int, str]] | None] = {}
        # while an analysis is watched: ("load", path) and ("resolve", name, folder, found)
        self.watch: list[tuple] | None = None

    @property
    def env(self) -> Environment:
        """Jinja's environment, made when a file is first parsed."""
        if self._env is None:
            from .jinjaparse import make_environment

            self._env = make_environment(*self.blocks)
        return self._env

    def resolve(self, name: str, from_path: str) -> str | None:
        """The search path first; then the including file's folder and its parents up to
        the current folder, so one file checked on its own still finds its partials."""
        return self.resolve_in(name, os.path.dirname(from_path))

    def resolve_in(self, name: str, folder: str) -> str | None:
        """`resolve` from a file in `folder`."""
        found = next((candidate for base in [*self.search_paths, *_ancestors(folder)]
                      if os.path.isfile(candidate := os.path.normpath(os.path.join(base, name)))),
                     None)
        if self.watch is not None:
            self.watch.append(("resolve", name, folder, found))
        return found

    def load(self, path: str) -> Parsed:
        from . import jinjaparse

        key = os.path.normpath(path)
        if self.watch is not None:
            self.watch.append(("load", key))
        if key not in self._cache:
            try:
                data = read_bytes(key, self.limits)
                self.digests[key] = hashlib.sha256(data).hexdigest()
                source, self.decoded[key] = decode(key, data, self.encoding)
                self._cache[key] = jinjaparse.lex_and_parse(self.env, source,
                                                            self.limits.max_depth)
            except TemplateProblem as problem:
                self._cache[key] = problem
            except (OSError, UnicodeDecodeError, LookupError) as exc:
                self._cache[key] = TemplateProblem(f"cannot read template: {exc}", key, 1)
        found = self._cache[key]
        if isinstance(found, TemplateProblem):
            raise found
        return found

    def source(self, path: str) -> SourceFile | None:
        """The text of a template, or None when it cannot be read or parsed."""
        if path in self.known_sources:
            return self.known_sources[path]
        try:
            return self.load(path).source
        except TemplateProblem:
            return None

    def macros(self, path: str) -> list[tuple[str, int]] | None:
        """(name, line) of every macro a template defines, or None when it cannot be parsed."""
        if path in self.known_macros:
            return self.known_macros[path]
        try:
            parsed = self.load(path)
        except TemplateProblem:
            return None
        from jinja2 import nodes

        return [(m.name, m.lineno) for m in parsed.ast.find_all(nodes.Macro)]

    def comments(self, path: str) -> list[tuple[int, str]]:
        """(line, text) of every {# comment #} of a template ([] when it cannot be parsed)."""
        if path in self.known_comments:
            return self.known_comments[path] or []
        try:
            return self.load(path).comments
        except TemplateProblem:
            return []

    def knowledge(self, paths) -> dict[str, tuple]:
        """What another loader needs to know of these parsed files without parsing them:
        path -> (text, macros, comments), each None when the file cannot be parsed."""
        known = {}
        for path in paths:
            source = self.source(path)
            known[path] = (source, self.macros(path),
                           None if source is None else self.comments(path))
        return known

    def learn(self, knowledge: dict[str, tuple]) -> None:
        """Take what `knowledge` told (of files this loader has not parsed itself)."""
        for path, (source, macros, comments) in knowledge.items():
            self.known_sources.setdefault(path, source)
            self.known_macros.setdefault(path, macros)
            self.known_comments.setdefault(path, comments)

    def parsed(self) -> list[str]:
        """The paths this loader has read (parsed or not), in the order it first read them."""
        return list(self._cache)

    def load_text(self, text: str, path: str = "<example>") -> Parsed:
        """Parse template text that is not on disk (rule examples)."""
        from . import jinjaparse

        return jinjaparse.lex_and_parse(self.env, SourceFile(path, _NEWLINES.sub("\n", text)),
                                        self.limits.max_depth)

    def encoding_notices(self, paths) -> list[Notice]:
        """An `info` for each file whose encoding was a detector's guess."""
        return [Notice("encoding-guess", "info", "encoding-guess", path, 1,
                       {"encoding": self.decoded[path].encoding})
                for path in sorted(paths)
                if path in self.decoded and self.decoded[path].guessed]


_PARSE = {"analyze", "build", "make_environment", "lex_and_parse", "_dotted"}


def __getattr__(name: str) -> Any:
    """The names of the parse (`jinjaparse`), importable from here as before they moved; the
    import of Jinja happens when one is first asked for."""
    if name in _PARSE:
        from . import jinjaparse

        return getattr(jinjaparse, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
