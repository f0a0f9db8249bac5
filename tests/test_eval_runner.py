"""The eval runner against the loopback upstream: results, cache, resume, errors, the CLI."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals.results import load_results
from evals.runner import RECORDS_FILE, RunConfig, Runner, eval_drafter
from tests.conftest import ROOT, remote_settings
from tests.fake_upstream import FakeUpstream, Fault

CASES = "telecom-outage-email,meal-kit-price-social,factory-list-blog"


def run(upstream: FakeUpstream, tmp_path: Path, **overrides: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "prompts": ["production", "candidate"],
        "out": tmp_path / "run",
        "cases": CASES,
        "cache_dir": tmp_path / "cache",
    }
    values.update(overrides)
    config = RunConfig(**values)  # type: ignore[arg-type]
    drafter = asyncio.run(eval_drafter(remote_settings(upstream), config.cache_dir))
    return asyncio.run(Runner(drafter, config).run())


def test_every_case_is_drafted_with_every_version_and_graded(upstream: FakeUpstream, tmp_path: Path) -> None:
    results = run(upstream, tmp_path, prompts=["reactive@v1", "production", "preemptive@v1"])
    assert upstream.calls == 5 and len(results.records) == 5  # a version applies to its own strategy only
    assert results.versions() == ["reactive@v1", "production", "preemptive@v1"]
    first = results.records[0]
    assert first.checks is not None and first.prompt.sha256 and first.usage.total_tokens > 0
    assert {r.version_ref for r in results.records} == {
        "reactive@v1",
        "reactive@v3",
        "preemptive@v1",
        "preemptive@v3",
        "proactive@v3",
    }
    on_disk = load_results(tmp_path / "run" / "results.json")
    assert on_disk.model_dump() == results.model_dump()


def test_the_same_prompt_under_two_references_is_drafted_once_per_reference(
    upstream: FakeUpstream, tmp_path: Path
) -> None:
    results = run(upstream, tmp_path, prompts=["production", "reactive@production"])
    assert len(results.records) == 4 and results.versions() == ["production", "reactive@production"]
    assert upstream.calls == 3  # the reactive case's two records share one model output


def test_a_follow_up_and_the_case_it_follows_get_a_record_each(
    upstream: FakeUpstream, tmp_path: Path
) -> None:
    # a sectioned prompt's section requests leave the earlier messages out, so both cases send the same ones
    cases = ["telecom-outage-status", "telecom-outage-followup-status"]
    for _ in range(2):  # the second run resumes from the first's records
        results = run(upstream, tmp_path, prompts=["candidate"], cases=",".join(cases))
        by_case = {r.case_id: r for r in results.records}
        assert sorted(by_case) == sorted(cases) and len(results.records) == 2
        followed, follow_up = by_case[cases[0]].checks, by_case[cases[1]].checks
        assert followed is not None and follow_up is not None
        assert by_case[cases[0]].key == by_case[cases[1]].key
        assert "commitments_kept" in {c.criterion for c in follow_up.criteria}
        assert "commitments_kept" not in {c.criterion for c in followed.criteria}


def test_a_warm_cache_makes_no_model_calls(upstream: FakeUpstream, tmp_path: Path) -> None:
    first = run(upstream, tmp_path)  # production (one shot) and candidate (sectioned: a call per section)
    calls = upstream.calls
    again = run(upstream, tmp_path, out=tmp_path / "second")
    assert calls > 6 and upstream.calls == calls and all(r.cached for r in again.records)
    assert [r.text for r in again.records] == [r.text for r in first.records]
    assert [r.sections for r in again.records] == [r.sections for r in first.records]


def test_a_different_seed_or_model_is_a_different_cache_entry(upstream: FakeUpstream, tmp_path: Path) -> None:
    run(upstream, tmp_path)
    calls = upstream.calls
    run(upstream, tmp_path, out=tmp_path / "seeded", seed=5)
    assert upstream.calls == 2 * calls


def test_an_interrupted_run_resumes_without_redrafting(upstream: FakeUpstream, tmp_path: Path) -> None:
    run(upstream, tmp_path, prompts=["production"], cache_dir=None)
    records = (tmp_path / "run" / RECORDS_FILE).read_text().splitlines()
    (tmp_path / "run" / RECORDS_FILE).write_text("\n".join(records[:2]) + '\n{"cut off half-way')
    upstream.reset()
    results = run(upstream, tmp_path, prompts=["production"], cache_dir=None)
    assert upstream.calls == 1 and len(results.records) == 3


def test_a_failing_draft_is_recorded_and_the_run_goes_on(upstream: FakeUpstream, tmp_path: Path) -> None:
    upstream.script(Fault("status", 400))
    results = run(upstream, tmp_path, prompts=["production"], cache_dir=None)
    errors = [r for r in results.records if r.error]
    assert len(errors) == 1 and "rejected" in errors[0].error and len(results.records) == 3
    upstream.reset()
    retried = run(upstream, tmp_path, prompts=["production"], cache_dir=None)
    assert upstream.calls == 1 and not any(r.error for r in retried.records)


def test_an_unknown_prompt_version_fails_before_any_model_call(
    upstream: FakeUpstream, tmp_path: Path
) -> None:
    with pytest.raises(Exception, match="v9"):
        run(upstream, tmp_path, prompts=["reactive@v9"])
    assert upstream.calls == 0


def test_the_cli_runs_and_compares_with_the_gate(upstream: FakeUpstream, tmp_path: Path) -> None:
    env = {
        "PATH": str(Path(sys.executable).parent),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "TRUSTDRAFT_DEFAULT_MODEL": "openai/fake",
        "TRUSTDRAFT_API_BASE": upstream.base_url,
        "TRUSTDRAFT_MODEL_API_KEY": "sk-test",
        "TRUSTDRAFT_LOAD_LOCAL_MODEL": "false",
    }
    cli = [sys.executable, "-c", "from service.cli import main; main()", "eval"]
    ran = subprocess.run(
        [*cli, "run", "--cases", CASES, "--out", str(tmp_path / "r"), "--cache", str(tmp_path / "c")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    compared = subprocess.run(
        [
            *cli,
            "compare",
            str(tmp_path / "r" / "results.json"),
            "--base",
            "production",
            "--candidate",
            "candidate",
            "--out",
            str(tmp_path / "cmp"),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert compared.returncode == 0, compared.stderr
    assert "Verdict: pass" in compared.stdout
    summary = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    assert summary["gate_passed"] and summary["base"] == "production"
    bad = subprocess.run(
        [*cli, "compare", str(tmp_path / "r" / "results.json")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and "several prompts" in bad.stderr
