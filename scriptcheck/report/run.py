"""What a run knows beyond its report and findings, for the formats that need it: the
enabled rules (SARIF's rule list), the findings of each checked script (JUnit's test
cases), timing, the failing severity and the exit code."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Finding


@dataclass
class RunInfo:
    rules: list = field(default_factory=list)                 # enabled packs.Rule objects
    by_script: dict[str, list[Finding]] | None = None         # checked script -> its findings
    seconds: dict[str, float] = field(default_factory=dict)   # checked script -> time
    elapsed: float | None = None                              # the whole run, in seconds
    cached: int = 0                                           # scripts answered by the cache
    fail_on: str = "warning"
    exit_code: int = 0
    root: str = "."                  # what SARIF URIs are relative to (the repository)
    statistics: bool = False         # text: counts per rule and category, not each finding
    quiet: bool = False              # text: findings only, no summary line

    def scripts(self, report: dict, findings: list[Finding]) -> dict[str, list[Finding]]:
        """Findings per checked script (partials are not scripts)."""
        if self.by_script is not None:
            return self.by_script
        by_file: dict[str, list[Finding]] = {f["path"]: [] for f in report["files"]}
        for f in findings:
            by_file.setdefault(f.path, []).append(f)
        return by_file
