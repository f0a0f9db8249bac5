"""report.html in a real browser: headless Chromium renders it, takes a screenshot, logs no console errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from evals.report_html import render_html, render_trend_html
from evals.trend import Trend, TrendPoint
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


def _trend() -> Trend:
    """Twelve runs of a prompt whose faithfulness slips and recovers, its cost and latency drifting."""
    points = [
        TrendPoint(run_id=f"run{k:02d}", started_at=f"2026-03-{k + 1:02d}T02:00+00:00", label="nightly", commit="abc",
                   versions=["reactive@v3"], drafts=44, pass_rate=0.5 + 0.03 * (k % 5), mean_score=0.7 + 0.01 * k,
                   criteria={"faithfulness": 0.9 - 0.05 * (k % 4), "sincerity": 0.8}, cost_usd=0.01 * (k + 1),
                   priced=True, latency_p50_ms=900 + 10 * k, latency_p95_ms=2000 - 20 * k, unstable=k % 3,
                   judge_cost_usd=0.004)
        for k in range(12)
    ]
    return Trend("reactive", points)


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian chromium is not installed here"
)
@pytest.mark.parametrize("name", ["report", "trend", "report-with-trend"])
def test_report_renders_in_headless_chromium_without_console_errors(tmp_path: Path, name: str) -> None:
    assert CHROMIUM, "CI installs Debian's chromium (scripts/setup.sh dev)"
    page = tmp_path / "report.html"
    html = {
        "report": lambda: render_html(_comparison(CANDIDATE_TEXTS)),
        "trend": lambda: render_trend_html(_trend()),
        "report-with-trend": lambda: render_html(_comparison(CANDIDATE_TEXTS), _trend()),
    }[name]()
    page.write_text(html, encoding="utf-8")
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
