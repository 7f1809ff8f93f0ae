"""No template code ever runs: server-side template injection payloads in templates, in
--context values, in front matter, under --fix and --diff and in `test-rules` examples never
create their marker file, and the run still reports as it would without them."""
from __future__ import annotations

import json

import pytest

from conftest import BAD_ZH, RULE_ARGS, ZH_FRONT, findings_of, run_cli


PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.system('touch MARK') }}",
    "{{ joiner.__init__.__globals__.os.popen('touch MARK').read() }}",
    "{{ namespace.__init__.__globals__.os.system('touch MARK') }}",
    "{{ lipsum.__globals__['os'].popen('touch MARK').read() }}",
    "{% set x = lipsum.__globals__ %}{{ x.os.system('touch MARK') }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{% if c.__name__ == "
    "'catch_warnings' %}{{ c()._module.__builtins__['__import__']('os').system('touch MARK') }}"
    "{% endif %}{% endfor %}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch MARK') }}",
    "{{ config.__class__.__init__.__globals__['os'].popen('touch MARK').read() }}",
    "{% macro m(x=cycler.__init__.__globals__.os.system('touch MARK')) %}{{ x }}{% endmacro %}"
    "{{ m() }}",
    "{% if cycler.__init__.__globals__.os.system('touch MARK') %}上门{% endif %}",
    "{{ ''|attr('__class__')|attr('__mro__') }}",
]



@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "template code ran"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_template_never_runs(tree, marker, payload):
    tree({"a.j2": BAD_ZH + payload.replace("MARK", str(marker)) + "\n"})
    code, out, _ = run_cli("check", "a.j2", "--format", "json", *RULE_ARGS)
    assert code == 1
    assert ("a.j2", 8, "T-ZH-HOME", "error") in findings_of(out)
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["include", "extends", "import"])
def test_computed_template_names_are_never_evaluated(tree, marker, tag):
    target = f"cycler.__init__.__globals__.os.system('touch {marker}')"
    line = f"{{% {tag} {target} %}}" if tag != "import" else f"{{% import {target} as m %}}"
    tree({"a.j2": BAD_ZH + line + "\n"})
    code, out, _ = run_cli("check", "a.j2", "--format", "json", *RULE_ARGS)
    assert code == 1 and ("a.j2", 9, "template-error", "error") in findings_of(out)
    assert not marker.exists()


def test_payloads_in_context_values_are_text_never_code(tree, marker):
    payload = f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}"
    root = tree({"a.j2": BAD_ZH + "{{ customer.name }}，{{ customer.title }}\n",
                 "ctx.yaml": json.dumps({"customer": {"name": payload,
                                                      "title": "{% set x = lipsum.__globals__ %}"}})})
    code, out, _ = run_cli("check", "a.j2", "--context", root / "ctx.yaml", "--format", "json",
                           *RULE_ARGS)
    assert code == 1 and findings_of(out) == [("a.j2", 8, "T-ZH-HOME", "error")]


def test_python_tags_in_context_yaml_are_refused(tree, marker):
    root = tree({"a.j2": BAD_ZH,
                 "ctx.yaml": f"customer: !!python/object/apply:os.system ['touch {marker}']\n"})
    code, _, err = run_cli("check", "a.j2", "--context", root / "ctx.yaml", *RULE_ARGS)
    assert code == 2 and "cannot read context" in err


def test_python_tags_in_front_matter_are_a_template_error(tree, marker):
    tree({"a.j2": "{# ---\nlocale: !!python/object/apply:os.system ['touch " + str(marker)
                  + "']\n--- #}\n明天我们就上门。\n"})
    code, out, _ = run_cli("check", "a.j2", "--format", "json", *RULE_ARGS)
    assert code == 1 and ("a.j2", 2, "template-error", "error") in findings_of(out)


def test_python_tags_in_a_rule_pack_are_a_pack_error(tree, marker):
    root = tree({"a.j2": BAD_ZH,
                 "p.yaml": f"name: p\nrules: !!python/object/apply:os.system ['touch {marker}']\n"})
    code, _, err = run_cli("check", "a.j2", "--rules", root / "p.yaml")
    assert code == 2 and f"{root / 'p.yaml'}:2:" in err


@pytest.mark.parametrize("payload", PAYLOADS[:5])
def test_fix_and_diff_leave_payloads_as_text(tree, marker, payload):
    payload = payload.replace("MARK", str(marker))
    root = tree({"a.j2": ZH_FRONT + "您好，信用卡中心。\n你好。" + payload + "\n"})
    code, out, _ = run_cli("check", "a.j2", "--diff", *RULE_ARGS)
    assert code == 1 and "+您好。" + payload in out
    code, _, _ = run_cli("check", "a.j2", "--fix", *RULE_ARGS)
    assert code == 1
    assert (root / "a.j2").read_text(encoding="utf-8") == \
        ZH_FRONT + "您好，信用卡中心。\n您好。" + payload + "\n"


def test_payloads_in_rule_examples_never_run(tree, marker):
    payload = f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}"
    root = tree({"p.yaml": f"""\
name: p
locale: [zh]
jurisdiction: [CN]
rules:
  - id: P-HOME
    kind: forbid
    category: threat-home-visit
    severity: error
    message: {{zh: 上门。}}
    match:
      - phrases: [上门]
    examples:
      bad:
        - "明天上门。{payload}"
      good:
        - "{payload}{{% set x = lipsum.__globals__ %}}您好。"
"""})
    code, out, _ = run_cli("test-rules", root / "p.yaml", "-v")
    assert code == 0, out
    assert "1 rule(s) pass, 0 fail" in out


def test_the_payloads_are_live_when_jinja_renders_them(tmp_path):
    """The marker checks above are meaningful: rendering (not analysing) the first payload
    with an ordinary Jinja environment does run it; Jinja's sandbox refuses it."""
    from jinja2 import Environment
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    live = tmp_path / "live"
    template = PAYLOADS[0].replace("MARK", str(live))
    Environment().from_string(template).render()
    assert live.exists()
    with pytest.raises(SecurityError):
        SandboxedEnvironment().from_string(template.replace("live", "sandboxed")).render()
    assert not (tmp_path / "sandboxed").exists()
