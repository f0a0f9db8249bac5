"""POST /v1/drafts/pack: one fact set, several channels, drafts checked against each other."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from service.app import create_app
from tests.conftest import example_facts, remote_settings
from tests.fake_upstream import DEFAULT_REPLY, FakeUpstream

CHANNELS = ["status_page", "email", "social_post", "internal_memo"]
BODY: dict[str, Any] = {"strategy": "reactive", "channels": CHANNELS, "facts": example_facts("telecom-outage")}
CREDIT = " Every affected customer gets a credit of two days of service on the next bill."


def _channel_of(request: dict[str, Any]) -> str:
    user = str(request["messages"][-1]["content"])
    return next(c for c in CHANNELS if f"Write a {c.replace('_', ' ')}" in user)


def _post(upstream: FakeUpstream, body: dict[str, Any] = BODY) -> Any:
    with TestClient(create_app(remote_settings(upstream))) as client:
        return client.post("/v1/drafts/pack", json=body)


def test_a_pack_returns_one_graded_draft_per_channel_in_order(upstream: FakeUpstream) -> None:
    upstream.reply = lambda request: DEFAULT_REPLY + CREDIT
    pack = _post(upstream).json()
    assert [d["channel"] for d in pack["drafts"]] == CHANNELS and upstream.calls == 4
    assert all(d["checks"]["criteria"] for d in pack["drafts"])
    assert pack["consistency"] == {"consistent": True, "issues": []}


def test_a_remedy_left_out_of_one_channel_is_flagged(upstream: FakeUpstream) -> None:
    upstream.reply = lambda request: DEFAULT_REPLY + ("" if _channel_of(request) == "status_page" else CREDIT)
    issues = _post(upstream).json()["consistency"]["issues"]
    remedy = next(i for i in issues if i["kind"] == "remedy")
    assert remedy["channels"] == ["status_page"] and "email" in remedy["detail"]


def test_a_claim_one_channel_invents_is_flagged(upstream: FakeUpstream) -> None:
    invented = " Every customer also gets a $50 refund."
    upstream.reply = lambda request: DEFAULT_REPLY + CREDIT + (invented if _channel_of(request) == "email" else "")
    consistency = _post(upstream).json()["consistency"]
    claim = next(i for i in consistency["issues"] if i["kind"] == "unsupported_claim")
    assert not consistency["consistent"] and claim["channels"] == ["email"] and "$50" in claim["detail"]


def test_the_memo_tells_staff_what_to_say_and_what_not_to_promise(upstream: FakeUpstream) -> None:
    _post(upstream)
    memo = next(r.body for r in upstream.requests if _channel_of(r.body) == "internal_memo")
    assert "what to tell customers, and what not to promise" in memo["messages"][-1]["content"]


def test_repeated_channels_and_bad_prompts_fail_before_any_model_call(upstream: FakeUpstream) -> None:
    repeated = _post(upstream, {**BODY, "channels": ["email", "email"]})
    assert repeated.status_code == 422 and repeated.json()["errors"][0]["field"] == "channels"
    unknown = _post(upstream, {**BODY, "prompt": "reactive@v9"})
    assert unknown.status_code == 422 and upstream.calls == 0


def test_a_draft_that_copies_the_facts_block_is_flagged_and_never_passes(upstream: FakeUpstream) -> None:
    def reply(request: dict[str, Any]) -> str:
        if _channel_of(request) != "internal_memo":
            return DEFAULT_REPLY + CREDIT
        sent = str(request["messages"][-1]["content"])
        return sent[sent.index("<incident_facts>") : sent.index("</incident_facts>") + len("</incident_facts>")]

    upstream.reply = reply
    pack = _post(upstream).json()
    memo = next(d for d in pack["drafts"] if d["channel"] == "internal_memo")
    assert not memo["checks"]["passed"] and "facts block" in memo["checks"]["blocked"]
    copied = next(i for i in pack["consistency"]["issues"] if i["kind"] == "not_a_message")
    assert copied["channels"] == ["internal_memo"] and not pack["consistency"]["consistent"]
