"""A run's cache entries kept together in one file, so that the same run repeated reads one
file instead of two per script (a thousand scripts: two thousand opens and reads).

The bundle holds each entry's bytes exactly as they are on disk, sealed, under the entry's
path; the caches read an entry from it and check it exactly as they check one read from its
own file (its key, its digest, its shape, what it depended on). A bundle is a shortcut, never
a source of truth: one that is missing, damaged or of the wrong shape is empty, an entry it
lacks is read from its file, and an entry it holds that fails its checks is a miss (the
script is analysed or checked again and the entry written anew). It is written, atomically,
at the end of a run whose entries differ from those it read, and holds only the entries
that run used, so it does not grow with the history of the repository. It is named by what
the run was asked (paths, mode, settings, configuration file, packs, options), not by
scriptcheck's code: a new version of scriptcheck replaces the bundle rather than adding one
(its entries, under keys the new code does not ask for, are simply not used).
"""
from __future__ import annotations

from pathlib import Path

from . import store

FORMAT = 1


class Bundle:
    """Entries by path (a string, as the caches spell it): from the bundle file named by
    `parts` in `folder`, else from their own files. `Bundle()` (no folder) reads and writes
    entry files only."""

    def __init__(self, folder: str | None = None, parts: tuple = ()) -> None:
        self.path: Path | None = None
        self.held: dict[str, bytes] = {}
        self.used: dict[str, bytes] = {}
        if folder:
            name = store.digest(repr((FORMAT, *parts)))
            self.path = Path(folder) / "runs" / f"{name}.bundle"
            self.held = _entries(store.read(self.path), name)
            self.name = name

    def read(self, entry: str) -> bytes | None:
        """An entry's bytes (None when it is missing or cannot be read)."""
        data = self.held.get(entry)
        if data is None:
            data = store.read(Path(entry))
        if data is not None and self.path is not None:
            self.used[entry] = data
        return data

    def write(self, entry: str, data: bytes) -> None:
        store.write(Path(entry), data)
        if self.path is not None:
            self.used[entry] = data

    def save(self) -> None:
        """Write the bundle when this run used other entries than it held."""
        if self.path is not None and self.used != self.held:
            store.write(self.path, f"{self.name}\n".encode() + store.dumps(self.used))


def _entries(data: bytes | None, name: str) -> dict[str, bytes]:
    """The entries of a bundle; {} for one missing, damaged, of another name or of the wrong
    shape. The bundle itself carries no digest (each entry has its own, checked when it is
    used: hashing the whole file again would cost a cached run ~15 ms), and it is read by the
    reader that refuses every class, so damaged or planted bytes are, at worst, no bundle."""
    head, _, body = (data or b"").partition(b"\n")
    if head != name.encode():
        return {}
    try:
        held = store.loads(body, frozenset())
    except Exception:  # noqa: BLE001 - any bundle that does not read back whole is none
        return {}
    if type(held) is not dict or \
            not all(type(k) is str and type(v) is bytes for k, v in held.items()):
        return {}
    return held
