"""A progress bar on standard error for long runs: only in a terminal, never when the output
is piped or in CI, and only once a run has taken long enough for one to help."""
from __future__ import annotations

import os
import sys
import time
from typing import TextIO

DELAY = 0.5   # seconds before a bar appears: short runs never flash one
WIDTH = 30


def wanted(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("CI")


class Progress:
    """Called with (scripts just done, scripts in the run)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = self.done = 0
        self.start = time.monotonic()
        self.shown = False
        self.enabled = wanted(self.stream)

    def __call__(self, count: int, total: int) -> None:
        self.done, self.total = self.done + count, total
        if not self.enabled or not total or time.monotonic() - self.start < DELAY:
            return
        filled = WIDTH * self.done // self.total
        self.stream.write(f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] "
                          f"{self.done}/{self.total} scripts")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * (WIDTH + 30) + "\r")
            self.stream.flush()
