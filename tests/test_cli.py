"""The `trustdraft` command as a user runs it: a real process, real files, the embedded model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.prompts import PromptRegistry
from tests.conftest import EXAMPLES, ROOT

STRATEGY_OF = {
    "telecom-outage": "reactive",
    "payroll-underpayment": "preemptive",
    "price-increase": "preemptive",
    "factory-transparency": "proactive",
}


def trustdraft(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_every_example_has_a_strategy() -> None:
    assert sorted(STRATEGY_OF) == sorted(path.stem for path in EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_draft_works_on_every_shipped_example(example: Path) -> None:
    result = trustdraft(
        "draft",
        str(example),
        "--strategy",
        STRATEGY_OF[example.stem],
        "--channel",
        "status_page",
        "--max-words",
        "30",
        "--json",
        "--no-checks",
    )
    assert result.returncode == 0, result.stderr
    draft = json.loads(result.stdout)
    assert draft["model"] == "local/smollm2-135m-instruct" and draft["text"].strip()
    production = PromptRegistry.load(ROOT / "prompts").resolve(None, default_id=STRATEGY_OF[example.stem])
    assert (draft["prompt"]["id"], draft["prompt"]["version"]) == (production.id, production.version)


def test_prompts_lists_versions_and_labels() -> None:
    result = trustdraft("prompts")
    assert result.returncode == 0, result.stderr
    assert "reactive@v1" in result.stdout and "reactive@v3 [" in result.stdout and "production" in result.stdout


def test_bad_input_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text("organization: Acme\nsummary: ''\n")
    result = trustdraft("draft", str(facts), "--strategy", "reactive")
    assert result.returncode == 2 and "summary" in result.stderr and "Traceback" not in result.stderr
    unknown = trustdraft("draft", str(EXAMPLES[0]), "--strategy", "sideways")
    assert unknown.returncode == 2 and "strategy" in unknown.stderr
    bad_prompt = trustdraft(
        "draft", str(EXAMPLES[0]), "--strategy", "reactive", "--prompt", "reactive@v42", "--no-checks"
    )
    assert bad_prompt.returncode == 1 and "v42" in bad_prompt.stderr and "Traceback" not in bad_prompt.stderr
