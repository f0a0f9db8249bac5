"""The prompt registry: versioned prompt files, labels, content hashes and sandboxed rendering.

Layout: prompts/<id>/<version>.yaml, prompts/labels.yaml ({id: {label: version}}), and
prompts/prompts.lock ({"id@version": sha256}) which freezes released versions.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from service.errors import PromptNotFound, PromptRenderError
from service.facts import Strategy

LOCK_FILE = "prompts.lock"
LABELS_FILE = "labels.yaml"
DEFAULT_LABEL = "production"
_VERSION = re.compile(r"^v\d+$")
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")

_jinja = ImmutableSandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
)


class ModelDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int = Field(default=600, ge=16, le=8192)


class SectionsSpec(BaseModel):
    """What a sectioned prompt adds: one instruction per section of the content plan (the plan itself is chosen
    in code, service/drafting/sections/), a user template to rewrite a section that failed its checks, and a
    user template that asks for every section in one call answered as JSON (providers with structured output)."""

    model_config = ConfigDict(extra="forbid")

    instructions: dict[str, str] = Field(min_length=1, description="Section name -> instruction template.")
    rewrite: str = Field(min_length=1, description="User template: rewrite one section, given `draft` and `feedback`.")
    together: str = Field(min_length=1, description="User template: every section at once, from `parts`.")


class PromptFile(BaseModel):
    """The schema of one prompt version file."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID.pattern)
    version: str = Field(pattern=_VERSION.pattern)
    strategy: Strategy | None = Field(default=None, description="None for helper prompts (revise, judge).")
    description: str = Field(min_length=1)
    changelog: str = Field(min_length=1, description="One line: what changed from the previous version.")
    parameters: ModelDefaults = Field(default_factory=ModelDefaults)
    variables: list[str] = Field(description="Every variable the templates may use, all required.")
    system: str = Field(min_length=1)
    user: str = Field(min_length=1)
    sections: SectionsSpec | None = Field(
        default=None, description="Present for a sectioned prompt: the model writes the draft section by section."
    )

    def templates(self) -> dict[str, str]:
        """Every template in the file by name: system, user, and for a sectioned prompt rewrite, together and
        one `section:<name>` per instruction."""
        found = {"system": self.system, "user": self.user}
        if self.sections is not None:
            found |= {"rewrite": self.sections.rewrite, "together": self.sections.together}
            found |= {f"section:{name}": text for name, text in self.sections.instructions.items()}
        return found

    @model_validator(mode="after")
    def _templates_use_declared_variables(self) -> PromptFile:
        for part in self.templates().values():
            used = meta.find_undeclared_variables(_jinja.parse(part))
            undeclared = sorted(used - set(self.variables))
            if undeclared:
                raise ValueError(f"template uses undeclared variables: {', '.join(undeclared)}")
        return self


@dataclass(frozen=True)
class PromptVersion:
    """A loaded, hashed prompt version, ready to render."""

    spec: PromptFile
    sha256: str
    path: Path
    _compiled: dict[str, Any] = field(repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def sectioned(self) -> bool:
        return self.spec.sections is not None

    def render(self, variables: dict[str, Any], user: str = "user") -> list[dict[str, str]]:
        """Render the system message and a user message (`user`, or a sectioned prompt's `rewrite` or
        `together`); every variable the two use must be given."""
        return [
            {"role": "system", "content": self.render_template("system", variables)},
            {"role": "user", "content": self.render_template(user, variables)},
        ]

    def render_template(self, name: str, variables: dict[str, Any]) -> str:
        """One template of the file, by name (see PromptFile.templates); a missing variable is an error."""
        template, used = self._compiled[name]
        missing = sorted(used - variables.keys())
        if missing:
            raise PromptRenderError(f"{self.ref} needs variables that were not given: {', '.join(missing)}")
        try:
            return str(template.render(variables)).strip()
        except TemplateError as exc:
            raise PromptRenderError(f"{self.ref} could not be rendered: {exc}") from exc


class PromptLoadError(Exception):
    """A prompt file, the labels or the lock is malformed; the service refuses to start."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_version(path: Path) -> PromptVersion:
    try:
        spec = PromptFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError, TemplateError) as exc:
        raise PromptLoadError(f"{path}: {exc}") from exc
    if path.stem != spec.version or path.parent.name != spec.id:
        raise PromptLoadError(f"{path}: id/version must match the folder and file name")
    compiled = {
        name: (_jinja.from_string(text), meta.find_undeclared_variables(_jinja.parse(text)))
        for name, text in spec.templates().items()
    }
    return PromptVersion(spec=spec, sha256=sha256_of(path), path=path, _compiled=compiled)


def _version_key(version: str) -> int:
    return int(version[1:])


class PromptRegistry:
    """All prompt versions under one folder, with labels. Immutable once loaded."""

    def __init__(
        self, root: Path, versions: dict[str, dict[str, PromptVersion]], labels: dict[str, dict[str, str]]
    ):
        self.root = root
        self._versions = versions
        self._labels = labels

    @classmethod
    def load(cls, root: Path) -> PromptRegistry:
        if not root.is_dir():
            raise PromptLoadError(f"prompts folder not found: {root}")
        versions: dict[str, dict[str, PromptVersion]] = {}
        for path in sorted(root.glob("*/v*.yaml")):
            loaded = load_version(path)
            versions.setdefault(loaded.id, {})[loaded.version] = loaded
        labels = _load_labels(root / LABELS_FILE, versions)
        return cls(root, versions, labels)

    def ids(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, prompt_id: str) -> list[PromptVersion]:
        if prompt_id not in self._versions:
            raise PromptNotFound(f"unknown prompt id {prompt_id!r}; known: {', '.join(self.ids())}")
        return sorted(self._versions[prompt_id].values(), key=lambda v: _version_key(v.version))

    def labels(self, prompt_id: str) -> dict[str, str]:
        return dict(self._labels.get(prompt_id, {}))

    def resolve(self, reference: str | None, *, default_id: str) -> PromptVersion:
        """Resolve `id@version`, `id@label`, a bare version or label, or None (the production label). A label
        may point into another family (`candidate: reactive-sections@v1`): the version it names is returned."""
        prompt_id, _, selector = (reference or "").rpartition("@")
        prompt_id = prompt_id or default_id
        selector = selector or DEFAULT_LABEL
        known = {v.version: v for v in self.versions(prompt_id)}
        target = selector if _VERSION.match(selector) else self._labels.get(prompt_id, {}).get(selector)
        if target is None:
            raise PromptNotFound(
                f"prompt {prompt_id!r} has no label {selector!r}; labels: "
                f"{', '.join(sorted(self.labels(prompt_id))) or 'none'}"
            )
        if "@" in target:  # a label into another family names a version there, never another label
            return self.resolve(target, default_id=prompt_id)
        if target not in known:
            raise PromptNotFound(
                f"prompt {prompt_id!r} has no version {target!r}; versions: {', '.join(known)}"
            )
        return known[target]

    def all_versions(self) -> list[PromptVersion]:
        return [v for pid in self.ids() for v in self.versions(pid)]


def _load_labels(path: Path, versions: dict[str, dict[str, PromptVersion]]) -> dict[str, dict[str, str]]:
    """Labels per prompt id: each names a version of that id (`v3`) or of another id (`reactive-sections@v1`)."""
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise PromptLoadError(f"{path}: expected a mapping of prompt id to labels")
    labels: dict[str, dict[str, str]] = {}
    for prompt_id, mapping in raw.items():
        if not isinstance(mapping, dict):
            raise PromptLoadError(f"{path}: labels of {prompt_id!r} must be a mapping")
        for label, target in mapping.items():
            target_id, _, version = str(target).rpartition("@")
            if version not in versions.get(target_id or prompt_id, {}):
                raise PromptLoadError(f"{path}: label {prompt_id}@{label} points to missing version {target!r}")
        labels[prompt_id] = {str(k): str(v) for k, v in mapping.items()}
    return labels


# --- the lock: released versions are immutable ---


def read_lock(root: Path) -> dict[str, str]:
    path = root / LOCK_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


@dataclass(frozen=True)
class LockProblem:
    """One way the prompt files disagree with the lock."""

    class Kind(StrEnum):
        changed = "changed"  # a released file was edited
        missing = "missing"  # a released file is gone
        unreleased = "unreleased"  # a new version not yet in the lock

    kind: Kind
    ref: str
    message: str


def lock_mismatches(registry: PromptRegistry) -> list[LockProblem]:
    """Problems with the lock: changed released files, missing released files, unreleased files."""
    locked = read_lock(registry.root)
    present = {v.ref: v.sha256 for v in registry.all_versions()}
    kind = LockProblem.Kind
    problems = [
        LockProblem(
            kind.changed,
            ref,
            f"{ref}: released file changed (locked {sha[:12]}, now {present[ref][:12]}); add a new version",
        )
        for ref, sha in locked.items()
        if ref in present and present[ref] != sha
    ]
    problems += [
        LockProblem(kind.missing, ref, f"{ref}: released version is missing from prompts/")
        for ref in locked
        if ref not in present
    ]
    problems += [
        LockProblem(kind.unreleased, ref, f"{ref}: not in {LOCK_FILE}; run `trustdraft prompts lock` to release it")
        for ref in present
        if ref not in locked
    ]
    return problems


def write_lock(registry: PromptRegistry) -> list[str]:
    """Add unreleased versions to the lock. Never rewrites a released hash; returns the refs added."""
    locked = read_lock(registry.root)
    added = [v.ref for v in registry.all_versions() if v.ref not in locked]
    for version in registry.all_versions():
        locked.setdefault(version.ref, version.sha256)
    text = json.dumps(dict(sorted(locked.items())), indent=2) + "\n"
    (registry.root / LOCK_FILE).write_text(text, encoding="utf-8")
    return added
