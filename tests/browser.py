"""Shared helpers for browser tests: Debian's Chromium driven by Playwright, and axe-core checks.

Playwright cannot download its own browsers here, so tests drive /usr/bin/chromium.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(playwright):
    """Launch headless Chromium; call pytest.skip first if CHROMIUM does not exist."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def run_axe(page) -> list:
    """Run axe-core on the page as it is now and return its violations (empty when clean).

    A page with a Content-Security-Policy blocks the injected axe script: open it in a
    context made with browser.new_context(bypass_csp=True).
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=_axe_source())
    result = page.evaluate("async () => await axe.run()")
    return result["violations"]
