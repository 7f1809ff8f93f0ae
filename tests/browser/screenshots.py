"""Take the README's screenshots of the HTML report and the workbench for the bundled
scripts/ (run from the repository root: python tests/browser/screenshots.py)."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent.parent.parent), str(Path(__file__).parent)]
import chrome  # noqa: E402

ROOT = Path(__file__).parent.parent.parent
DOCS = ROOT / "docs"
THREAT = """您好，我是示例银行信用卡中心的工作人员李娜，工号A1024。
您的信用卡已经逾期35天了，你今天必须还清。
再不还钱，公安马上就会把您抓走，我们也会通知您单位领导。
感谢您的接听，再见。
"""


def report(path: Path, lang: str) -> None:
    subprocess.run([sys.executable, "-m", "scriptcheck", "check", "scripts/", "--format", "html",
                    "--lang", lang, "-o", str(path)], cwd=ROOT, check=False)


def main() -> None:
    from werkzeug.serving import make_server

    from scriptcheck.serve import Workbench, create_app

    out = Path("/tmp/scriptcheck-shots")
    out.mkdir(exist_ok=True)
    report(out / "report-en.html", "en")
    report(out / "report-zh.html", "zh")
    driver = chrome.start(1280, 860)
    try:
        driver.get((out / "report-en.html").as_uri())
        driver.save_screenshot(str(DOCS / "report-overview.png"))
        driver.get((out / "report-zh.html").as_uri())
        article = driver.execute_script(
            "return [...document.querySelectorAll('article.file')].find("
            "a => a.dataset.path.endsWith('zh_m3_call_threats.zh.j2')).id")
        mark = driver.execute_script(
            f"return [...document.querySelectorAll('#{article} mark.error')].find("
            "m => m.textContent.includes('抓走'))")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)
        mark.click()
        time.sleep(0.8)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)
        time.sleep(0.3)
        driver.save_screenshot(str(DOCS / "report-script.png"))
        server = make_server("127.0.0.1", 0, create_app(Workbench(str(ROOT / "scripts"))))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        driver.get(f"http://127.0.0.1:{server.server_port}/")
        driver.execute_script(
            "document.querySelector('select[name=jurisdiction]').value = 'CN';"
            "document.querySelector('select[name=audience]').value = 'debtor';"
            "document.querySelector('select[name=channel]').value = 'call';"
            "var box = document.getElementById('draft'); box.value = arguments[0];"
            "box.dispatchEvent(new Event('input', {bubbles: true}));", THREAT)
        for _ in range(120):
            if driver.execute_script("return document.querySelectorAll('#result li.finding').length"):
                break
            time.sleep(0.25)
        driver.execute_script("[...document.querySelectorAll('#result mark.error')].find("
                              "m => m.textContent.includes('公安')).click(); window.scrollTo(0, 0);")
        time.sleep(0.5)
        driver.save_screenshot(str(DOCS / "workbench.png"))
        server.shutdown()
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
