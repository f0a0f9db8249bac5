"""Eval runs over time, as a user runs them: `eval run --record` (against the loopback upstream), `eval
history`, `eval baseline pin`, `eval compare --base-run pinned:...`; repeats give per-case pass rates and
list the cases whose verdict flips; a run that never finished is reported as incomplete."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from evals.cases import load_cases
from evals.history import start
from service.store import open_store
from tests.conftest import REMOTE_MODEL, ROOT
from tests.fake_upstream import DEFAULT_REPLY, FakeUpstream

CASES = "telecom-outage-status,saas-data-loss-status"
INVENTED = DEFAULT_REPLY.replace("We will publish a full report by 26 March.", "Everyone gets $500 by 30 April.")


def flip_on_odd_seeds(request: dict[str, Any]) -> str:
    """Sample 1 of each case invents a figure: its verdict flips across repeats."""
    return INVENTED if request.get("seed", 0) % 2 else DEFAULT_REPLY


def trustdraft(upstream: FakeUpstream, database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TRUSTDRAFT_DATABASE_PATH": str(database),
        "TRUSTDRAFT_DEFAULT_MODEL": REMOTE_MODEL,
        "TRUSTDRAFT_API_BASE": upstream.base_url,
        "TRUSTDRAFT_MODEL_API_KEY": "sk-loopback",
        "TRUSTDRAFT_LOAD_LOCAL_MODEL": "false",
    }
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def test_recorded_runs_history_baseline_and_compare(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    with FakeUpstream(reply=flip_on_odd_seeds) as upstream:
        ran = trustdraft(upstream, database, "eval", "run", "--prompts", "production", "--cases", CASES,
                         "--repeat", "3", "--no-cache", "--record", "--label", "nightly", "--out", str(tmp_path / "run"))
        assert ran.returncode == 0, ran.stderr[-2000:]
        start(open_store(f"sqlite:///{database}"), model=REMOTE_MODEL, prompts=["production"], config={},
              label="nightly", commit=None)  # a run that died half way: started, never finished
        listed = trustdraft(upstream, database, "eval", "history", "--label", "nightly", "--json")
        runs = json.loads(listed.stdout)
        assert [r["status"] for r in runs] == ["incomplete", "finished"]
        finished = runs[1]
        production = finished["prompts"]["production"]
        assert 0 < production["pass_rate"] < 1 and production["unstable"] >= 1 and finished["commit"]
        pinned = trustdraft(upstream, database, "eval", "baseline", "pin", finished["id"])
        assert pinned.returncode == 0 and "reactive" in pinned.stdout
        assert trustdraft(upstream, database, "eval", "baseline", "pin", runs[0]["id"]).returncode == 2
        compared = trustdraft(upstream, database, "eval", "compare", "--base-run", "pinned:reactive",
                              "--candidate-run", finished["id"], "--out", str(tmp_path / "compare"))
        assert compared.returncode == 0, compared.stderr[-2000:]
        assert "2 cases paired over their samples (6 baseline and 6 candidate drafts)" in (tmp_path / "compare" / "report.md").read_text()
        assert trustdraft(upstream, database, "eval", "history", "--prompt", "proactive", "--json").stdout.strip() == "[]"
    store = open_store(f"sqlite:///{database}")
    with store.reading() as conn:
        from service.store.eval_runs import get_run

        summary = get_run(conn, finished["id"]).summary  # type: ignore[union-attr]
    per_case = summary["prompts"]["production"]["case_pass_rates"]
    assert per_case["telecom-outage-status"] == 0.6667  # samples 0 and 2 pass, sample 1 invents a figure
    assert "telecom-outage-status" in summary["prompts"]["production"]["unstable"]
    assert summary["prompts"]["production"]["cost"]["priced"] in (True, False)


def judge_or_draft(request: dict[str, Any]) -> str:
    """The judge's prompt gets a JSON verdict (every criterion it asks about passes); drafts get the reply."""
    system = str(request["messages"][0]["content"])
    if "strict communications lead" not in system:
        return DEFAULT_REPLY
    asked = re.findall(r"^- (\w+):", str(request["messages"][-1]["content"]), flags=re.M)
    return json.dumps({name: {"pass": True, "reason": "fine"} for name in asked})


def test_the_judges_calls_are_counted_apart_and_case_hashes_stored(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    with FakeUpstream(reply=judge_or_draft) as upstream:
        for label, extra in (("plain", []), ("judged", ["--judge", REMOTE_MODEL])):
            ran = trustdraft(upstream, database, "eval", "run", "--prompts", "production", "--cases", CASES,
                             "--no-cache", "--record", "--label", label, "--out", str(tmp_path / label), *extra)
            assert ran.returncode == 0, ran.stderr[-2000:]
        judge_calls = sum("strict communications lead" in json.dumps(r.body) for r in upstream.requests)
        runs = {r["label"]: r for r in json.loads(trustdraft(upstream, database, "eval", "history", "--json").stdout)}
    store = open_store(f"sqlite:///{database}")
    with store.reading() as conn:
        from service.store.eval_runs import get_run, run_records

        plain, judged = (get_run(conn, runs[label]["id"]).summary["prompts"]["production"]  # type: ignore[union-attr]
                         for label in ("plain", "judged"))
        summary = get_run(conn, runs["judged"]["id"]).summary  # type: ignore[union-attr]
        records = run_records(conn, runs["judged"]["id"])
    assert judge_calls == 2 and plain["judge"] is None
    judge = judged["judge"]
    assert judge["calls"] == 2 and judge["errors"] == 0 and judge["model"] == REMOTE_MODEL
    assert judge["prompt_tokens"] > 0 and judge["completion_tokens"] > 0
    # the drafts' own tokens are the same with or without the judge: its calls are not mixed in
    assert (judged["prompt_tokens"], judged["completion_tokens"]) == (plain["prompt_tokens"], plain["completion_tokens"])
    assert runs["judged"]["prompts"]["production"]["judge_cost_usd"] == judge["cost"]["usd"]
    assert all(r["judge"]["verdicts"] and all(r["judge"]["verdicts"].values()) for r in records)
    expected = {case.id: case.content_hash() for case in load_cases(CASES)}
    assert summary["case_hashes"] == expected and all(len(h) == 64 for h in expected.values())
