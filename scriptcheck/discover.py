"""Which files to check: folders are searched for templates; partials are told apart."""
from __future__ import annotations

import os
from fnmatch import fnmatch

from .template import TEMPLATE_SUFFIXES

PARTIAL_FOLDERS = {"partials", "includes", "macros", "layouts"}


def is_template(name: str) -> bool:
    return name.endswith(TEMPLATE_SUFFIXES)


def _excluded(path: str, exclude: list[str]) -> bool:
    norm = path.replace(os.sep, "/")
    return any(fnmatch(norm, g) or fnmatch(os.path.basename(norm), g) or
               fnmatch(norm, f"*/{g}") or fnmatch(norm, f"{g}/*") or fnmatch(norm, f"*/{g}/*")
               for g in exclude)


def find_files(paths: list[str], exclude: list[str] | None = None,
               unreadable: list[tuple[str, str]] | None = None) -> list[tuple[str, str, bool]]:
    """(file, its root, named explicitly) for every template under `paths`, in a stable order.

    A folder on the command line is the root of the templates under it (the base for
    include names); a file's root is its own folder. Symlinked folders are followed, each
    real folder once (a link back up the tree is not a loop); folders and files that
    cannot be listed are added to `unreadable` as (path, reason), never skipped in silence.
    """
    exclude = exclude or []
    found: list[tuple[str, str, bool]] = []
    seen: set[str] = set()
    for given in paths:
        if os.path.isdir(given):
            root = os.path.normpath(given)
            for path in _walk(root, exclude, unreadable):
                if path not in seen:
                    seen.add(path)
                    found.append((path, root, False))
        else:
            path = os.path.normpath(given)
            if path not in seen:
                seen.add(path)
                found.append((path, os.path.dirname(path) or ".", True))
    return found


def _walk(root: str, exclude: list[str], unreadable: list[tuple[str, str]] | None):
    visited: set[str] = set()

    def failed(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append((os.path.normpath(error.filename or root),
                               error.strerror or str(error)))

    for folder, dirs, files in os.walk(root, onerror=failed, followlinks=True):
        real = os.path.realpath(folder)
        if real in visited:  # a symlink loop, or a second link to a folder already read
            dirs[:] = []
            continue
        visited.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not _excluded(os.path.join(folder, d), exclude))
        for name in sorted(files):
            path = os.path.normpath(os.path.join(folder, name))
            if is_template(name) and not _excluded(path, exclude):
                yield path  # one that cannot be read is a template-error when it is read


def is_partial_by_name(path: str, root: str, extra: list[str] | None = None) -> bool:
    """`_*.j2`, files under partials/ includes/ macros/ layouts/, and configured globs."""
    rel = _relative(path, root).replace(os.sep, "/")
    parts = rel.split("/")
    if parts[-1].startswith("_") or PARTIAL_FOLDERS & set(parts[:-1]):
        return True
    return any(fnmatch(rel, g) or fnmatch(path.replace(os.sep, "/"), g) for g in extra or [])


def _relative(path: str, root: str) -> str:
    """`os.path.relpath(path, root)` for normalised paths; a file found under `root` is its
    tail, without making both absolute again (once per file, twice a run)."""
    if root not in (".", os.sep) and path.startswith(root + os.sep):
        return path[len(root) + 1:]
    return os.path.relpath(path, root)
