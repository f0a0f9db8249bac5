"""The review console in a real browser: Playwright drives Debian's chromium against the app served by
uvicorn on loopback. A reviewer opens the queue, reads a draft beside its facts with the rubric's evidence
and the unsupported claims marked, gives verdicts per criterion, edits, approves, and sees the audit trail.

UPDATE_SCREENSHOT=1 also writes docs/review-console.png (shown in the README)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.app import create_app
from tests.conftest import ROOT, example_facts, remote_settings
from tests.fake_upstream import DEFAULT_REPLY, FakeUpstream
from tests.servers import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
INVENTED = "Everyone affected gets a $500 credit by 30 April."
REPLY = DEFAULT_REPLY.replace("We will publish a full report by 26 March.", INVENTED)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian chromium is not installed here"
)


@pytest.fixture
def console(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    with FakeUpstream(reply=lambda request: REPLY) as upstream:
        settings = remote_settings(upstream, api_keys="d-key,reviewer:r-key", database_path=tmp_path / "db.sqlite3")
        with serving(create_app(settings)) as base:
            ids = []
            for channel in ("email", "status_page"):
                body = {"strategy": "reactive", "channel": channel, "facts": example_facts("telecom-outage")}
                ids.append(httpx.post(f"{base}/v1/drafts", json=body, headers={"X-API-Key": "d-key"}).json()["id"])
            yield base, ids


def test_a_reviewer_edits_and_approves_a_draft_in_the_console(console: tuple[str, list[str]], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert CHROMIUM, "CI installs Debian's chromium (scripts/setup.sh dev)"
    base, (email_id, _status_id) = console
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{base}/review")
        expect(page.locator("#status")).to_contain_text("API key")  # no key yet: the API said 401
        page.fill("#api-key", "r-key")
        page.click("#key-form button")
        expect(page.locator("#queue li")).to_have_count(2)
        page.click(f"#queue a[data-id='{email_id}']")
        expect(page.locator("#draft-pane")).to_be_visible()
        expect(page.locator("#facts")).to_contain_text("Northwind Mobile")
        expect(page.locator("#heading")).to_have_text("We are sorry: our outage on 12 March")
        expect(page.locator("#text mark.unsupported").first).to_contain_text("$500")
        assert page.locator("#text mark").count() >= 2  # evidence of the rubric's verdicts, too
        expect(page.locator("#criteria tbody tr")).to_have_count(12)
        expect(page.locator("#unsupported")).to_contain_text("$500")
        shot = tmp_path / "review-console.png"
        page.screenshot(path=str(shot), full_page=True)
        if os.environ.get("UPDATE_SCREENSHOT"):
            shutil.copy(shot, ROOT / "docs" / "review-console.png")
        page.check("input[name='v-ownership'][value='agree']")
        page.check("input[name='v-faithfulness'][value='agree']")
        page.click("button[data-decision='approve']")
        expect(page.locator("#status")).to_contain_text("override")  # the invented credit needs one
        page.fill("#edit-text", page.input_value("#edit-text").replace(" " + INVENTED, ""))
        page.click("button[data-decision='approve']")
        expect(page.locator("#state")).to_contain_text("approved")
        expect(page.locator("#events")).to_contain_text("approved")
        expect(page.locator("#revisions li")).to_have_count(2)
        expect(page.locator("#revisions del").first).to_contain_text("$500")
        expect(page.locator("#queue li")).to_have_count(1)
        browser.close()
    stored = httpx.get(f"{base}/v1/drafts/{email_id}", headers={"X-API-Key": "d-key"}).json()
    assert stored["state"] == "approved" and stored["outcome"] == "edited"
    assert stored["reviews"][-1]["criteria"] == {"ownership": "agree", "faithfulness": "agree"}
    assert INVENTED not in stored["revisions"][1]["text"]
    # The browser logs the two refusals the reviewer saw (no key yet: 401; no override: 409), nothing else.
    assert [p for p in problems if not any(f"status of {code}" in p for code in (401, 409))] == []


def test_the_console_shows_a_sectioned_drafts_sections_with_their_sources(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert CHROMIUM, "CI installs Debian's chromium (scripts/setup.sh dev)"
    with FakeUpstream(reply=lambda request: REPLY) as upstream:
        settings = remote_settings(upstream, api_keys="reviewer:r-key", database_path=tmp_path / "db.sqlite3")
        with serving(create_app(settings)) as base:
            body = {"strategy": "reactive", "channel": "email", "facts": example_facts("telecom-outage"),
                    "prompt": "reactive-sections@v1"}
            draft = httpx.post(f"{base}/v1/drafts", json=body, headers={"X-API-Key": "r-key"}).json()
            first = draft["sections"][0]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                page = browser.new_page()
                page.goto(f"{base}/review")
                page.fill("#api-key", "r-key")
                page.click("#key-form button")
                page.click(f"#queue a[data-id='{draft['id']}']")
                boxes = page.locator("#sections > *")
                expect(boxes).to_have_count(len(draft["sections"]))
                expect(boxes.first.locator("h4")).to_have_text(first["name"])
                expect(boxes.first).to_contain_text("sources: " + "; ".join(first["sources"]))
                if any(s["fallback"] for s in draft["sections"]):
                    expect(page.locator("#sections")).to_contain_text("plain rendering of its facts")
                browser.close()
