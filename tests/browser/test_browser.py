"""In headless Chromium: the report's highlights render, selecting one shows its explanation,
a filter hides findings; in the workbench (served on 127.0.0.1), pasting a threatening
sentence shows its finding and fixing it clears it."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

import chrome

REASON = chrome.why_not()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"no browser: {REASON}")
ROOT = Path(__file__).parent.parent.parent
SCRIPT = ROOT / "scripts" / "training" / "zh_m3_call_threats.zh.j2"


@pytest.fixture(scope="module")
def driver():
    d = chrome.start()
    yield d
    d.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from conftest import invoke

    out = tmp_path_factory.mktemp("report") / "report.html"
    code, _ = invoke("check", SCRIPT, "--format", "html", "-o", out)
    assert code == 1
    return out


def wait(driver, condition, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d))


def by_css(driver, css):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, css)


def test_highlights_render_in_severity_colours(driver, report):
    driver.get(report.as_uri())
    marks = by_css(driver, "mark.error")
    assert marks and all(m.is_displayed() for m in marks)
    colour = marks[0].value_of_css_property("background-color")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    threat = [m for m in marks if "抓走" in m.text]
    assert threat, [m.text for m in marks]


def test_selecting_a_highlight_shows_its_explanation(driver, report):
    driver.get(report.as_uri())
    mark = next(m for m in by_css(driver, "mark.error") if "抓走" in m.text)
    card_id = mark.get_attribute("data-f").split()[0]
    card = by_css(driver, f"li#{card_id}")[0]
    assert not card.find_element("css selector", ".detail").is_displayed()
    mark.click()
    wait(driver, lambda d: card.find_element("css selector", ".detail").is_displayed())
    assert card.get_attribute("data-rule") == "CN-ARREST-THREAT"
    assert "为什么" in card.text and "依据" in card.text and "第六十八条" in card.text
    assert card.find_element("css selector", ".instead").is_displayed()


def test_a_filter_hides_findings(driver, report):
    driver.get(report.as_uri())
    errors = by_css(driver, "li.finding[data-severity=error]")
    others = by_css(driver, "li.finding:not([data-severity=error])")
    assert errors and others
    by_css(driver, ".filters input[name=severity][value=error]")[0].click()
    wait(driver, lambda d: not any(li.is_displayed() for li in errors))
    assert all(li.is_displayed() for li in others)
    assert not by_css(driver, "mark.error")
    by_css(driver, ".filters input[name=severity][value=error]")[0].click()
    wait(driver, lambda d: all(li.is_displayed() for li in errors))


@pytest.fixture(scope="module")
def workbench(tmp_path_factory):
    import shutil

    from werkzeug.serving import make_server

    from scriptcheck.serve import Workbench, create_app

    root = tmp_path_factory.mktemp("bench")
    shutil.copytree(ROOT / "scripts" / "partials", root / "partials")
    server = make_server("127.0.0.1", 0, create_app(Workbench(str(root))), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def paste(driver, text):
    """Put text in the draft box as a paste does, and let the page hear it."""
    driver.execute_script(
        "var box = document.getElementById('draft'); box.value = arguments[0];"
        "box.dispatchEvent(new Event('input', {bubbles: true}));", text)


def test_workbench_shows_a_pasted_threat_and_clears_it_when_fixed(driver, workbench):
    driver.get(workbench)
    threat = "您好，我是示例银行信用卡中心的工作人员。再不还钱，公安马上就会把您抓走。"
    paste(driver, threat)
    wait(driver, lambda d: by_css(d, "#result li.finding[data-rule=CN-ARREST-THREAT]"))
    assert by_css(driver, "#result li.finding[data-rule=CN-ARREST-THREAT] a[href='rule/CN-ARREST-THREAT']")
    mark = next(m for m in by_css(driver, "#result mark.error") if "公安" in m.text)
    mark.click()
    card = by_css(driver, "#result li.finding[data-rule=CN-ARREST-THREAT]")[0]
    wait(driver, lambda d: card.find_element("css selector", ".instead").is_displayed())
    paste(driver, "您好，我是示例银行信用卡中心的工作人员。如持续逾期，我行将依法依约处理。")
    wait(driver, lambda d: by_css(d, "#result li.finding") and
         not by_css(d, "#result li.finding[data-rule=CN-ARREST-THREAT]"))
    assert not [m for m in by_css(driver, "#result mark") if "公安" in m.text]


def test_printing_shows_every_path_and_every_explanation(driver, report):
    import base64

    driver.get(report.as_uri())
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    assert base64.b64decode(pdf["data"]).startswith(b"%PDF")
    paths = by_css(driver, "details.paths")
    assert paths and all(d.get_attribute("open") is not None for d in paths)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        details = by_css(driver, "li.finding .detail")
        assert details and all(d.is_displayed() for d in details)
        assert not any(f.is_displayed() for f in by_css(driver, ".filters"))
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
