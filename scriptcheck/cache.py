"""A cache of findings by content: a script whose text, partials, packs and options are all
unchanged is not checked again, and when nothing changed the NLP pipelines are never built.

The key hashes everything a script's findings depend on: scriptcheck's version, the pack
files, the options, and the path and text of the script and of every file it uses. Entries
are small JSON files written atomically; a damaged entry is a miss, never an error.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from . import __version__
from .model import Finding


class Cache:
    def __init__(self, folder: str, packs: list, options, settings: tuple = ()) -> None:
        self.folder = Path(folder)
        digest = hashlib.sha256(__version__.encode())
        for pack in packs:
            digest.update(pack.path.encode())
            digest.update(Path(pack.path).read_bytes())
        digest.update(repr(sorted(vars(options).items(), key=lambda kv: kv[0])).encode())
        digest.update(repr(settings).encode())
        self.salt = digest.hexdigest()

    def key(self, script, texts: dict[str, str]) -> str:
        digest = hashlib.sha256(self.salt.encode())
        for path in sorted({script.source.path, *script.uses}):
            digest.update(path.encode() + b"\0" + texts.get(path, "").encode() + b"\0")
        return digest.hexdigest()

    def get(self, key: str) -> tuple[list[Finding], int] | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            findings = []
            for item in data["findings"]:
                fix = item.pop("fix", None)
                findings.append(Finding(**item, fix=tuple(fix) if fix else None))
            return findings, int(data["variants"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, findings: list[Finding], variants: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"variants": variants,
                "findings": [{**f.to_json(), "fix": list(f.fix) if f.fix else None}
                             for f in findings]}
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, self.folder / f"{key}.json")
