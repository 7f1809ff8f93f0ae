"""Text that no script says is never checked: a partial nobody includes, a macro nobody
calls. The run says so (`info`) instead of passing over it in silence."""
from __future__ import annotations

import os

from . import discover
from .notices import Notice
from .template import Loader, Script


def notices(files: list[tuple[str, str, bool]], analysed: list[Script], checked: set[str],
            loader: Loader, partial_globs: list[str]) -> list[Notice]:
    """`checked`: normalised paths of every file checked as a script or through one."""
    found = []
    for path, root, explicit in files:
        if not explicit and os.path.normpath(path) not in checked and \
                discover.is_partial_by_name(path, root, partial_globs):
            found.append(Notice("unused-partial", "info", "unused-partial", path))
    called = set().union(*(s.called for s in analysed))
    for path in sorted(checked):
        for name, line in loader.macros(path) or []:
            if f"{path}:{name}" not in called:
                found.append(Notice("unused-macro", "info", "unused-macro", path, line,
                                    {"name": name}))
    return found
