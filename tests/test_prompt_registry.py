"""The prompt registry: versions, labels, the hash lock, strict rendering."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from service.errors import PromptNotFound, PromptRenderError
from service.prompts import LockProblem, PromptLoadError, PromptRegistry, lock_mismatches, write_lock
from service.settings import Settings

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
VARIABLES = ["facts_block", "organization", "strategy", "channel", "audience", "max_words", "spokesperson"]


def _prompt(version: str, **extra: object) -> dict[str, object]:
    spec: dict[str, object] = {
        "id": "reactive",
        "version": version,
        "strategy": "reactive",
        "description": "d",
        "changelog": "c",
        "variables": ["name"],
        "system": "You help {{ name }}.",
        "user": "Write for {{ name }}.",
    }
    spec.update(extra)
    return spec


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts" / "reactive"
    folder.mkdir(parents=True)
    for version in ("v1", "v2", "v10"):
        (folder / f"{version}.yaml").write_text(yaml.safe_dump(_prompt(version)))
    (tmp_path / "prompts" / "labels.yaml").write_text(
        yaml.safe_dump({"reactive": {"production": "v1", "candidate": "v2"}})
    )
    return tmp_path / "prompts"


def test_resolves_versions_labels_and_the_production_default(root: Path) -> None:
    registry = PromptRegistry.load(root)
    assert [v.version for v in registry.versions("reactive")] == ["v1", "v2", "v10"]
    assert registry.resolve(None, default_id="reactive").version == "v1"
    assert registry.resolve("candidate", default_id="reactive").version == "v2"
    assert registry.resolve("reactive@v10", default_id="proactive").version == "v10"
    assert registry.resolve("reactive@candidate", default_id="reactive").version == "v2"


@pytest.mark.parametrize("reference", ["reactive@v9", "reactive@nightly", "nope@v1", "v3"])
def test_unknown_references_say_what_exists(root: Path, reference: str) -> None:
    with pytest.raises(PromptNotFound) as caught:
        PromptRegistry.load(root).resolve(reference, default_id="reactive")
    assert any(word in caught.value.detail for word in ("versions:", "labels:", "known:"))


def test_a_missing_variable_is_an_error_never_an_empty_string(root: Path) -> None:
    version = PromptRegistry.load(root).resolve("v1", default_id="reactive")
    assert version.render({"name": "Ada"})[1]["content"] == "Write for Ada."
    with pytest.raises(PromptRenderError, match="name"):
        version.render({})


def test_templates_may_only_use_declared_variables(root: Path) -> None:
    (root / "reactive" / "v3.yaml").write_text(yaml.safe_dump(_prompt("v3", user="{{ secret }}")))
    with pytest.raises(PromptLoadError, match="undeclared variables: secret"):
        PromptRegistry.load(root)


def test_unknown_fields_and_mismatched_file_names_are_rejected(root: Path) -> None:
    (root / "reactive" / "v4.yaml").write_text(yaml.safe_dump(_prompt("v4", temperature=1)))
    with pytest.raises(PromptLoadError, match="temperature"):
        PromptRegistry.load(root)
    (root / "reactive" / "v4.yaml").write_text(yaml.safe_dump(_prompt("v5")))
    with pytest.raises(PromptLoadError, match="must match"):
        PromptRegistry.load(root)


def test_a_label_pointing_nowhere_stops_the_load(root: Path) -> None:
    (root / "labels.yaml").write_text(yaml.safe_dump({"reactive": {"production": "v7"}}))
    with pytest.raises(PromptLoadError, match="missing version"):
        PromptRegistry.load(root)


def test_rendering_is_sandboxed(root: Path) -> None:
    evil = "{{ name.__class__.__mro__[1].__subclasses__() }}"
    (root / "reactive" / "v3.yaml").write_text(yaml.safe_dump(_prompt("v3", user=evil)))
    version = PromptRegistry.load(root).resolve("v3", default_id="reactive")
    with pytest.raises(PromptRenderError):
        version.render({"name": "x"})


def test_the_lock_catches_a_changed_released_file(root: Path) -> None:
    registry = PromptRegistry.load(root)
    assert all(p.kind is LockProblem.Kind.unreleased and "not in prompts.lock" in p.message for p in lock_mismatches(registry))
    assert write_lock(registry) == ["reactive@v1", "reactive@v2", "reactive@v10"]
    assert lock_mismatches(PromptRegistry.load(root)) == []
    path = root / "reactive" / "v1.yaml"
    path.write_text(path.read_text().replace("You help", "You assist"))
    problems = lock_mismatches(PromptRegistry.load(root))
    assert len(problems) == 1 and problems[0].message.startswith("reactive@v1: released file changed")
    write_lock(PromptRegistry.load(root))  # never rewrites a released hash
    assert lock_mismatches(PromptRegistry.load(root)) == problems


def test_shipped_prompts_match_the_lock() -> None:
    """Released prompt files are immutable: change a prompt by adding a version, then `trustdraft prompts lock`."""
    assert lock_mismatches(PromptRegistry.load(PROMPTS)) == []


def test_shipped_prompts_cover_every_strategy_and_render_for_every_channel() -> None:
    registry = PromptRegistry.load(Settings().prompts_dir)
    for strategy in ("reactive", "preemptive", "proactive"):
        for version in registry.versions(strategy):
            follow_ups = ["history_block"] if version.version >= "v3" else []
            assert version.spec.strategy == strategy and version.spec.variables == [*VARIABLES, *follow_ups]
            for channel in (
                "email",
                "status_page",
                "social_post",
                "press_statement",
                "internal_memo",
                "blog_post",
            ):
                values = dict.fromkeys(VARIABLES, "x") | {"channel": channel, "max_words": 50, "history_block": ""}
                system, user = version.render(values)
                assert "<incident_facts>" in system["content"]  # the system part names the data block
                # the block itself opens the user message (v1-v3) or closes the system message (v4 on)
                assert user["content"].startswith("x") or system["content"].endswith("x")
