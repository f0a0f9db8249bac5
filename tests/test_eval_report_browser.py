"""report.html in a real browser: headless Chromium renders it, takes a screenshot, logs no console errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from evals.report_html import render_html
from tests.eval_fixtures import CANDIDATE_TEXTS
from tests.test_eval_compare import _comparison

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian chromium is not installed here"
)
def test_report_renders_in_headless_chromium_without_console_errors(tmp_path: Path) -> None:
    assert CHROMIUM, "CI installs Debian's chromium (scripts/setup.sh dev)"
    page = tmp_path / "report.html"
    page.write_text(render_html(_comparison(CANDIDATE_TEXTS)), encoding="utf-8")
    shot = tmp_path / "report.png"
    result = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,2400",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 20_000  # a real page, not a blank one
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
