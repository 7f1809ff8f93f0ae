"""JUnit XML, for CI systems that show test reports: one test case per checked file, which
fails with one failure per finding at or above warning."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..model import Finding


def render(report: dict, findings: list[Finding], sources: dict) -> str:
    by_file: dict[str, list[Finding]] = {f["path"]: [] for f in report["files"]}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    suite = ET.Element("testsuite", name="scriptcheck", tests=str(len(by_file)))
    failures = 0
    for path, found in by_file.items():
        case = ET.SubElement(suite, "testcase", classname="scriptcheck", name=path)
        counted = [f for f in found if f.severity in ("error", "warning")]
        if counted:
            failures += 1
            failure = ET.SubElement(case, "failure", message=f"{len(counted)} finding(s)",
                                    type="scriptcheck")
            failure.text = "\n".join(
                f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} [{f.category}] {f.message}"
                for f in counted)
    suite.set("failures", str(failures))
    root = ET.Element("testsuites")
    root.append(suite)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
