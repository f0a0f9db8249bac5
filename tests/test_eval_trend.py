"""Trends over recorded runs, as a user gets them: three `eval run --record` runs against the loopback upstream
(a good reply, one that invents a figure on odd seeds, one that always invents it), then `eval trend` and
`eval compare --base-run ... --candidate-run ...` write the trend into report.md and report.html."""

from __future__ import annotations

import json
import re
from pathlib import Path

from evals.history import start
from service.store import open_store
from tests.conftest import REMOTE_MODEL
from tests.fake_upstream import DEFAULT_REPLY, FakeUpstream
from tests.test_eval_history import CASES, INVENTED, flip_on_odd_seeds, trustdraft

REPLIES = {"good": lambda request: DEFAULT_REPLY, "flaky": flip_on_odd_seeds, "bad": lambda request: INVENTED}


def record_runs(tmp_path: Path, database: Path) -> list[str]:
    """One recorded run per reply, oldest first; their ids from `eval history`."""
    for name, reply in REPLIES.items():
        with FakeUpstream(reply=reply) as upstream:
            ran = trustdraft(upstream, database, "eval", "run", "--prompts", "production", "--cases", CASES,
                             "--repeat", "2", "--no-cache", "--record", "--label", name, "--out", str(tmp_path / name))
            assert ran.returncode == 0, ran.stderr[-2000:]
    with FakeUpstream() as upstream:
        listed = json.loads(trustdraft(upstream, database, "eval", "history", "--json").stdout)
    return [run["id"] for run in reversed(listed)]


def test_trend_and_compare_report_over_recorded_runs(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    good, flaky, bad = record_runs(tmp_path, database)
    start(open_store(f"sqlite:///{database}"), model=REMOTE_MODEL, prompts=["production"], config={}, label="died",
          commit=None)  # started, never finished: not a point of the trend
    with FakeUpstream() as upstream:
        shown = trustdraft(upstream, database, "eval", "trend", "--prompt", "reactive", "--last", "20",
                           "--out", str(tmp_path / "trend"))
        assert shown.returncode == 0, shown.stderr[-2000:]
        history = {r["id"]: r for r in json.loads(trustdraft(upstream, database, "eval", "history", "--json").stdout)}
        latest_two = trustdraft(upstream, database, "eval", "trend", "--prompt", "production", "--last", "2",
                                "--out", str(tmp_path / "trend2"))
        compared = trustdraft(upstream, database, "eval", "compare", "--base-run", good, "--candidate-run", bad,
                              "--min-case-pass-rate", "0.5", "--out", str(tmp_path / "compare"))
    runs = json.loads((tmp_path / "trend" / "trend.json").read_text())["runs"]
    assert [r["run_id"] for r in runs] == [good, flaky, bad]  # oldest first; the unfinished run is left out
    for point in runs:  # every case is reactive: the reactive version's figures are the run's
        assert point["pass_rate"] == history[point["run_id"]]["prompts"]["production"]["pass_rate"]
        assert point["versions"] and point["versions"][0].startswith("reactive@") and point["drafts"] == 4
    # the good reply is faithful to one of the two cases; the flaky one only on its even sample; the bad never
    assert [r["criteria"]["faithfulness"] for r in runs] == [0.5, 0.25, 0.0]
    assert [r["pass_rate"] for r in runs] == [0.5, 0.25, 0.0] and [r["unstable"] for r in runs] == [0, 1, 0]
    assert runs[0]["latency_p95_ms"] >= runs[0]["latency_p50_ms"] > 0

    markdown = (tmp_path / "trend" / "trend.md").read_text()
    assert all(f"| `{run_id}` |" in markdown for run_id in (good, flaky, bad))
    html = (tmp_path / "trend" / "trend.html").read_text()
    assert "<script" not in html and "http" not in html.replace('xmlns="http', "")
    first_chart = html.split("<svg")[1]
    assert first_chart.count("<circle") == 6  # pass rate and mean score, three runs each
    assert "faithfulness" in html and html.count("<svg") == 3 + len(runs[0]["criteria"])

    assert latest_two.returncode == 0
    assert [r["run_id"] for r in json.loads((tmp_path / "trend2" / "trend.json").read_text())["runs"]] == [flaky, bad]

    assert compared.returncode == 1  # the case the good reply passed now fails on both samples (the other never passed)
    report = (tmp_path / "compare" / "report.md").read_text()
    assert "2 case(s) pass less often than the required 50%" in report and "telecom-outage-status (0% of 2)" in report
    assert "#### Cases over repeats" in report
    assert "#### Trend: `production` over its last 3 recorded run(s)" in report
    assert re.search(rf"\| `{bad}` \| .* \| bad \| reactive@\w+ \| 4 \| 0% \|", report)
    assert 'id="trend"' in (tmp_path / "compare" / "report.html").read_text()


def test_trend_of_a_prompt_never_recorded_says_so(tmp_path: Path) -> None:
    with FakeUpstream() as upstream:
        shown = trustdraft(upstream, tmp_path / "db.sqlite3", "eval", "trend", "--prompt", "proactive",
                           "--out", str(tmp_path / "trend"))
    assert shown.returncode == 0 and "No finished recorded run drafted it" in shown.stdout
    assert json.loads((tmp_path / "trend" / "trend.json").read_text()) == {"prompt": "proactive", "runs": []}
