"""The workbench (Flask test client): a pasted threat is found and fixing it clears it, the
context picked applies, rule pages explain, and nothing is written unless a draft is saved."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="the workbench needs Flask (pip install -e '.[web]')")

from htmlparse import Page  # noqa: E402
from scriptcheck.serve import Workbench, create_app  # noqa: E402

ROOT = Path(__file__).parent.parent
THREAT = "您好，我是示例银行信用卡中心的工作人员。再不还钱，公安马上就会把您抓走。"
FIXED = "您好，我是示例银行信用卡中心的工作人员。如持续逾期，我行将依法依约处理。"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT / "scripts" / "cn", root / "cn")
    shutil.copytree(ROOT / "scripts" / "partials", root / "partials")
    return root


@pytest.fixture(scope="module")
def client(repo):
    return create_app(Workbench(str(repo))).test_client()


def snapshot(root: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def rules(response) -> list[str]:
    assert response.status_code == 200
    return [f["rule"] for f in response.get_json()["findings"]]


def test_pasted_threat_is_found_and_fixing_it_clears_it(client, repo):
    before = snapshot(repo)
    found = client.post("/api/check", json={"text": THREAT, "jurisdiction": "CN"})
    assert "CN-ARREST-THREAT" in rules(found)
    page = Page(found.get_json()["html"])
    fid = next(k for k, card in page.cards.items() if card["data-rule"] == "CN-ARREST-THREAT")
    assert page.marked[fid] and page.marked[fid] in THREAT and page.marked[fid].startswith("公安")
    assert "CN-ARREST-THREAT" not in rules(client.post("/api/check",
                                                       json={"text": FIXED, "jurisdiction": "CN"}))
    assert snapshot(repo) == before


def test_the_context_picked_applies(client):
    text = "您好，您的欠款已逾期，请尽快还款。"
    as_sms = rules(client.post("/api/check", json={"text": text, "jurisdiction": "CN",
                                                   "channel": "sms"}))
    as_call = rules(client.post("/api/check", json={"text": text, "jurisdiction": "CN",
                                                    "channel": "call"}))
    assert "CN-IDENTITY-SMS" in as_sms and "CN-IDENTITY-SMS" not in as_call


def test_repository_scripts_open_and_nothing_outside(client, repo):
    page = client.get("/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "cn/m1_call.zh.j2" in body and "partials/" not in body.split('id="open"')[1].split("</select>")[0]
    opened = client.get("/api/file?path=cn/m1_call.zh.j2").get_json()
    assert opened["text"] == (repo / "cn" / "m1_call.zh.j2").read_text(encoding="utf-8")
    assert client.get("/api/file?path=../../etc/passwd").status_code == 404
    assert client.get("/api/file?path=/etc/passwd").status_code == 404


def test_rule_page_explains_with_examples(client):
    page = client.get("/rule/CN-ARREST-THREAT")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "第六十八条" in body and "据转载文本" in body and "原文已核实" in body
    assert "违规示例" in body and "合规示例" in body
    assert client.get("/rule/NO-SUCH-RULE").status_code == 404


def test_a_draft_is_saved_only_when_asked_and_never_over_a_file(client, repo):
    before = snapshot(repo)
    saved = client.post("/api/save", json={"name": "new.zh.j2", "text": FIXED})
    assert saved.status_code == 200
    assert (repo / "drafts" / "new.zh.j2").read_text(encoding="utf-8") == FIXED
    again = client.post("/api/save", json={"name": "new.zh.j2", "text": THREAT})
    assert again.status_code == 400
    assert (repo / "drafts" / "new.zh.j2").read_text(encoding="utf-8") == FIXED
    assert client.post("/api/save", json={"name": "../cn/m1_call.zh.j2",
                                          "text": THREAT}).status_code == 400
    after = snapshot(repo)
    assert {p for p in after if p not in before} == {repo / "drafts" / "new.zh.j2"}
    assert all(after[p] == before[p] for p in before)


def test_serve_binds_to_localhost_by_default():
    from click.testing import CliRunner

    from scriptcheck import cli

    help_text = CliRunner().invoke(cli.main, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text
    host = next(p for p in cli.serve_cmd.params if p.name == "host")
    assert host.default == "127.0.0.1"
