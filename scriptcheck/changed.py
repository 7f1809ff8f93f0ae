"""Changed-files mode, for pull requests and pre-commit: check only the scripts that a change
can affect. The include graph decides, not file names: a script is affected when its own
text changed or any template it includes, extends or imports did, so editing a partial
checks exactly the scripts that use it. A changed rule pack or configuration file affects
every script; a deleted template affects every script that can no longer be analysed whole.
"""
from __future__ import annotations

import os
import subprocess


class ChangedError(Exception):
    pass


def _git(args: list[str], cwd: str = ".") -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=False)
    except OSError as exc:
        raise ChangedError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise ChangedError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def toplevel() -> str | None:
    """The root of the git work tree around the current folder, if there is one."""
    try:
        return _git(["rev-parse", "--show-toplevel"]).strip() or None
    except ChangedError:
        return None


def since(ref: str) -> list[str]:
    """Files changed since `ref` (from where the branch left it), committed or not, plus new
    untracked files; paths relative to the current folder."""
    top = _git(["rev-parse", "--show-toplevel"]).strip()
    try:
        base = _git(["merge-base", ref, "HEAD"]).strip()
    except ChangedError:
        base = ref
    names = _git(["diff", "--name-only", "--no-renames", "-z", base, "--"]).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name"],
                  cwd=top).split("\0")
    return sorted({os.path.relpath(os.path.join(top, n)) for n in names if n})


def affected(scripts: list, changed: list[str], always: list[str | None]) -> list:
    """The scripts that `changed` files can affect, in their given order.

    `always` names files whose change affects every script (the packs, the configuration).
    """
    real = {os.path.realpath(path) for path in changed}
    if real & {os.path.realpath(p) for p in always if p}:
        return list(scripts)
    deleted = any(not os.path.exists(path) for path in changed)
    return [s for s in scripts
            if real & {os.path.realpath(p) for p in (s.source.path, *s.uses)}
            or (deleted and s.problems)]
