"""The bilingual HTML in a real browser: headless Chromium at 375 px and 1280 px per seed.

A harness page (test-only, never part of the output) loads each output in `srcdoc` iframes
of both widths and writes measurements into its DOM, which `--dump-dom` returns: no
horizontal scrolling, cells of a row side by side on a desktop and stacked on a phone.
Screenshots are written next to the measurements for a person to look at.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_writers_formats import bad_bilingual

from gba_docs.model import BilingualDocument, Diagnostic, Origin
from gba_docs.writers import write_html

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="phone" style="width:375px;height:700px;border:0;display:block" srcdoc="{doc}"></iframe>
<iframe id="desktop" style="width:1280px;height:700px;border:0;display:block" srcdoc="{doc}"></iframe>
<pre id="result">pending</pre>
<script>
function measure(id) {{
  const doc = document.getElementById(id).contentDocument;
  const root = doc.documentElement;
  const rows = [];
  for (const row of doc.querySelectorAll("section.row")) {{
    const cells = [...row.querySelectorAll(":scope > .cell")].map(c => c.getBoundingClientRect());
    if (cells.length > 1) rows.push(cells.map(r => [Math.round(r.left), Math.round(r.top),
                                                    Math.round(r.right)]));
  }}
  let widest = 0;
  for (const el of doc.body.querySelectorAll("*")) {{
    widest = Math.max(widest, Math.ceil(el.getBoundingClientRect().right));
  }}
  return {{scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest: widest,
           rows: rows, scripts: doc.scripts.length}};
}}
window.addEventListener("load", () => {{
  document.getElementById("result").textContent =
    JSON.stringify({{phone: measure("phone"), desktop: measure("desktop")}});
}});
</script></body></html>"""


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium is needed for the HTML rendering test: install it "
                "(Debian/Ubuntu: apt-get install -y chromium) and run the tests again")


def _run_all(jobs: list[list[str]], profiles: Path, timeout: int = 120) -> list[str]:
    """Run several headless Chromium commands at once (each with its own profile folder)."""
    procs = []
    for i, args in enumerate(jobs):
        profile = profiles / f"chromium-profile-{i}"
        base = [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}"]
        procs.append(subprocess.Popen(base + args, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, err[-2000:]
        outputs.append(out)
    return outputs


def seed_bilingual(path: Path) -> BilingualDocument:
    """A seed read and converted for real; English filled with long text so layout is tested."""
    from gba_docs.pipeline import build_bilingual, read_path

    bi = build_bilingual(read_path(path), scripts=["zh-Hans", "zh-Hant-HK"])
    for i, unit in enumerate(bi.units):
        if unit.kind in ("rule", "raw") or i % 7 == 6:
            continue  # every seventh unit stays untranslated on purpose
        repeats = max(1, len(unit.zh.get("zh-Hans", "")) // 12)
        unit.en = " ".join(["Greater Bay Area innovation"] * repeats)
        if i == 3:
            unit.en += " https://example.org/" + "averyveryverylongunbrokenpath" * 8
            unit.qa = [Diagnostic(code="qa-number", message="number 2025 not found in English")]
        unit.status = "translated"
        unit.origin = Origin(kind="engine", engine="test:copy", model_version="1")
    return bi


def _measure(bi: BilingualDocument, tmp: Path, name: str) -> dict:
    page = write_html(bi)
    out = tmp / f"{name}.html"
    out.write_text(page, encoding="utf-8")
    harness = tmp / f"{name}.harness.html"
    harness.write_text(HARNESS.format(doc=html.escape(page, quote=True)), encoding="utf-8")
    shots = [tmp / f"{name}-{width}.png" for width in (375, 1280)]
    dom, *_ = _run_all([
        ["--window-size=1400,1600", "--virtual-time-budget=10000", "--dump-dom",
         harness.as_uri()],
        *([f"--window-size={w},2000", f"--screenshot={shot}", out.as_uri()]
          for w, shot in zip((375, 1280), shots)),
    ], tmp)
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.DOTALL)
    assert match and match.group(1) != "pending", dom[-1500:]
    result = json.loads(html.unescape(match.group(1)))
    for shot in shots:
        assert shot.stat().st_size > 5000
    return result


def _check(result: dict) -> None:
    phone, desktop = result["phone"], result["desktop"]
    for view in (phone, desktop):
        assert view["scrollWidth"] <= view["clientWidth"], view
        assert view["widest"] <= view["clientWidth"] + 1, view
        assert view["scripts"] == 0
    assert desktop["rows"], "no bilingual rows rendered"
    for cells in desktop["rows"]:
        tops = {top for _, top, _ in cells}
        lefts = [left for left, _, _ in cells]
        assert len(tops) == 1, cells  # side by side, aligned
        assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), cells
    for cells in phone["rows"]:
        lefts = {left for left, _, _ in cells}
        tops = [top for _, top, _ in cells]
        assert len(lefts) == 1, cells  # stacked
        assert tops == sorted(tops) and len(set(tops)) == len(tops), cells


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_html_fits_phone_and_desktop(seed: Path, tmp_path: Path) -> None:
    _check(_measure(seed_bilingual(seed), tmp_path, seed.stem))


@pytest.mark.slow
def test_hostile_document_renders_without_running_anything(tmp_path: Path) -> None:
    result = _measure(bad_bilingual(), tmp_path, "bad")
    _check(result)
