"""How cache entries are kept on disk: written whole, sealed with their key and a digest, and
read back only into the classes the reader names.

Every cache (findings, analysed scripts, validated packs) writes through `write`: a temporary
file renamed over the entry, so two runs writing at once leave one whole entry. Pickled
entries (`seal`/`unseal`) start with a line holding their key and the sha256 of the rest; a
damaged, truncated or hand-edited entry is a miss. They are unpickled by a reader that refuses
every global outside an allow-list, so an entry can only rebuild scriptcheck's own data
classes, never call a function: a planted entry gives, at worst, a miss.
"""
from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import re
import sys
import tempfile
from pathlib import Path

from . import __version__

_PACKAGE = Path(__file__).resolve().parent
_CODE: list[str] = []


def write(entry: Path, data: bytes) -> None:
    """Write an entry atomically; a cache that cannot be written is only a slower next run."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, entry)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError:
        pass


@functools.cache
def version(dist: str) -> str:
    """A distribution's version, for cache keys, without importing it: from the name of its
    `name-version.dist-info` folder, the first on `sys.path` as `importlib.metadata` looks
    (reading and parsing the metadata file costs a run answered by the cache ~25 ms), else
    from its metadata (an egg, an unusual install)."""
    wanted = _normal(dist)
    for folder in sys.path:
        for entry in _listing(folder or "."):
            if entry.endswith(".dist-info"):
                name, _, found = entry[:-len(".dist-info")].partition("-")
                if found and _normal(name) == wanted:
                    return found
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def _listing(folder: str) -> tuple[str, ...]:
    try:
        return tuple(os.listdir(folder))
    except OSError:
        return ()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(*parts: str) -> str:
    """One key of several strings (each ended by a NUL, so ("ab", "c") != ("a", "bc"))."""
    found = hashlib.sha256()
    for part in parts:
        found.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return found.hexdigest()


def code_digest() -> str:
    """The version and a digest of scriptcheck's own files (code and language data), so an
    edited checkout never reads entries that older code wrote."""
    if not _CODE:
        digest = hashlib.sha256(__version__.encode())
        for path in sorted(_PACKAGE.rglob("*")):
            if path.suffix in (".py", ".yaml", ".txt") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def seal(key: str, value: object) -> bytes:
    """An entry: `key digest\n` then the pickled value."""
    body = dumps(value)
    return f"{key} {sha256(body)}\n".encode() + body


def unseal(data: bytes | None, key: str, allowed: frozenset[tuple[str, str]]) -> object | None:
    """The value of an entry written by `seal` under `key`, or None when it is missing,
    damaged, written under another key, or names a class outside `allowed`."""
    if not data:
        return None
    head, _, body = data.partition(b"\n")
    if head != f"{key} {sha256(body)}".encode():
        return None
    try:
        return loads(body, allowed)
    except Exception:  # noqa: BLE001 - any entry that does not read back whole is a miss
        return None


def dumps(value: object, shared: dict[str, object] | None = None) -> bytes:
    """A pickle of `value` in which the objects of `shared` are stored by their name only."""
    names = {id(obj): name for name, obj in (shared or {}).items()}
    buffer = io.BytesIO()
    writer = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    writer.persistent_id = lambda obj: names.get(id(obj))
    writer.dump(value)
    return buffer.getvalue()


def loads(body: bytes, allowed: frozenset[tuple[str, str]],
          shared: dict[str, object] | None = None) -> object:
    """What `dumps` stored, with the same `shared` objects; an error for a class outside
    `allowed` or a name `shared` does not have."""
    return _Reader(io.BytesIO(body), allowed, shared or {}).load()


def read(entry: Path) -> bytes | None:
    try:
        return entry.read_bytes()
    except OSError:
        return None


class _Reader(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, allowed: frozenset[tuple[str, str]],
                 shared: dict[str, object]) -> None:
        super().__init__(file)
        self.allowed, self.shared = allowed, shared

    def persistent_load(self, name: str) -> object:
        if type(name) is not str or name not in self.shared:
            raise pickle.UnpicklingError(f"no shared object {name!r}")
        return self.shared[name]

    def find_class(self, module: str, name: str):
        if (module, name) not in self.allowed:
            raise pickle.UnpicklingError(f"{module}.{name} is not stored in a cache entry")
        return super().find_class(module, name)


# classes any entry may hold besides its own: the values YAML front matter can produce
PLAIN = frozenset({("datetime", "date"), ("datetime", "datetime"), ("datetime", "timezone"),
                   ("datetime", "timedelta")})
