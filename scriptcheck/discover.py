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


def find_files(paths: list[str], exclude: list[str] | None = None) -> list[tuple[str, str, bool]]:
    """(file, its root, named explicitly) for every template under `paths`, in a stable order.

    A folder on the command line is the root of the templates under it (the base for
    include names); a file's root is its own folder.
    """
    exclude = exclude or []
    found: list[tuple[str, str, bool]] = []
    seen: set[str] = set()
    for given in paths:
        if os.path.isdir(given):
            root = os.path.normpath(given)
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and not _excluded(os.path.join(folder, d), exclude))
                for name in sorted(files):
                    path = os.path.normpath(os.path.join(folder, name))
                    if is_template(name) and not _excluded(path, exclude) and path not in seen:
                        seen.add(path)
                        found.append((path, root, False))
        else:
            path = os.path.normpath(given)
            if path not in seen:
                seen.add(path)
                found.append((path, os.path.dirname(path) or ".", True))
    return found


def is_partial_by_name(path: str, root: str, extra: list[str] | None = None) -> bool:
    """`_*.j2`, files under partials/ includes/ macros/ layouts/, and configured globs."""
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    parts = rel.split("/")
    if parts[-1].startswith("_") or PARTIAL_FOLDERS & set(parts[:-1]):
        return True
    return any(fnmatch(rel, g) or fnmatch(path.replace(os.sep, "/"), g) for g in extra or [])
