"""Validated rule packs cached by content, so a run whose packs did not change neither
re-reads nor re-validates them, and never imports spaCy to check their token patterns.

An entry is found by the pack names or paths asked for, scriptcheck's code and the versions
of what validation uses (spaCy, PyYAML, regex). It holds the built packs and what they were
built from: the file each name or path led to and the sha256 of every pack file read. A hit
asks again where each name leads and re-hashes each file, so an edited, added or replaced
pack is a miss; it is then loaded (a broken pack still stops the run with `file:line:
message`) and the entry rewritten. Only packs that loaded without error are stored.
"""
from __future__ import annotations

from pathlib import Path

from . import packs, store

FORMAT = 1
ALLOWED = store.PLAIN | {("scriptcheck.packs", name)
                         for name in ("Pack", "Rule", "Example", "LineDict", "LineList")}


def load_all(specs: list[str], folder: str | None) -> list[packs.Pack]:
    """`packs.load_all`, through the cache in `folder` when there is one."""
    if not folder:
        return packs.load_all(specs)
    parts = [f"packs {FORMAT}", store.code_digest(), repr(specs),
             *(store.version(d) for d in ("spacy", "pyyaml", "regex"))]
    key = store.digest(*parts)
    entry = Path(folder) / "packs" / f"{key}.pickle"
    stored = store.unseal(store.read(entry), key, ALLOWED)
    if _whole(stored) and _current(*stored[:2]):
        return stored[2]
    loading = packs.Loading()
    loaded = packs.load_all(specs, loading)
    store.write(entry, store.seal(key, (sorted(loading.located.items()),
                                        sorted(loading.files.items()), loaded)))
    return loaded


def _current(located: list[tuple[str, str]], files: list[tuple[str, str]]) -> bool:
    """Whether every name still leads to the same file and every file has the same bytes."""
    try:
        return all(packs.locate(spec) == path for spec, path in located) and \
            all(store.sha256(Path(path).read_bytes()) == digest for path, digest in files)
    except (OSError, packs.PackError):
        return False


def _whole(stored: object) -> bool:
    """Whether an unsealed entry has the shape `load_all` gives it; any other is a miss."""
    return type(stored) is tuple and len(stored) == 3 and \
        all(type(part) is list for part in stored) and \
        all(type(pair) is tuple and len(pair) == 2 and all(type(v) is str for v in pair)
            for part in stored[:2] for pair in part) and \
        all(isinstance(pack, packs.Pack) for pack in stored[2])
