"""JUnit XML, for CI systems that show test reports: one test case per checked script
(partials are checked through their scripts, so they are not test cases), failing with the
findings at or above --fail-on that the script reaches, its own or its partials'."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..findings import failing
from ..model import Finding
from .run import RunInfo


def _line(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} [{f.category}] {f.message}"


def render(report: dict, findings: list[Finding], sources: dict,
           run: RunInfo | None = None) -> str:
    run = run or RunInfo()
    by_script = run.scripts(report, findings)
    suite = ET.Element("testsuite", name="scriptcheck", tests=str(len(by_script)))
    failures = 0
    for path, found in by_script.items():
        case = ET.SubElement(suite, "testcase", classname="scriptcheck", name=path, file=path,
                             time=f"{run.seconds.get(path, 0.0):.3f}")
        counted = [f for f in found if failing([f], run.fail_on)]
        if counted:
            failures += 1
            failure = ET.SubElement(case, "failure", message=f"{len(counted)} finding(s)",
                                    type="scriptcheck")
            failure.text = "\n".join(_line(f) for f in counted)
        below = [f for f in found if f not in counted]
        if below:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in below)
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    total = run.elapsed if run.elapsed is not None else sum(run.seconds.values())
    suite.set("time", f"{total:.3f}")
    root = ET.Element("testsuites", tests=str(len(by_script)), failures=str(failures),
                      time=f"{total:.3f}")
    root.append(suite)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
