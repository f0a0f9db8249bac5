"""The store on both backends: migrations, a draft with its first events in one transaction, the audit
trail refusing UPDATE and DELETE in the database itself, pagination, retention."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.store import drafts as repo
from service.store import open_store
from service.store.direct import FixedInsert
from service.store.migrate import current_revision, head_revision
from service.store.stats import acceptance, purge_before


def _draft(number: int, at: datetime | None = None) -> repo.NewDraft:
    return repo.NewDraft(
        id=f"drf_{number:032x}",
        state="draft",
        strategy="reactive",
        channel="email",
        prompt_id="reactive",
        prompt_version="v3",
        prompt_sha256="0" * 64,
        model="openai/fake-model",
        created_by="key:abc",
        facts={"organization": "Acme", "summary": "An outage; write to jo@example.com"},
        request={"options": {}},
        response={"text": "We are sorry."},
        text="We are sorry.",
        checks={"score": 0.8, "passed": True, "unsupported": [], "criteria": [], "threshold": 0.7},
        created_at=at or datetime.now(UTC),
    )


def test_migrations_reach_head_and_are_idempotent(database_url: str) -> None:
    store = open_store(database_url)
    open_store(database_url).close()  # a second start migrates nothing and does not fail
    assert current_revision(store.engine) == head_revision(store.engine)
    store.close()


def test_a_draft_arrives_with_its_first_revision_and_events(database_url: str) -> None:
    store = open_store(database_url)
    with store.writing() as conn:
        repo.insert_draft(conn, _draft(1))
    with store.reading() as conn:
        assert [e.kind for e in repo.events_of(conn, _draft(1).id)] == ["created", "graded"]
        assert [r.number for r in repo.revisions_of(conn, _draft(1).id)] == [0]
    store.close()


def test_a_failed_transaction_leaves_nothing_half_written(database_url: str) -> None:
    store = open_store(database_url)
    with pytest.raises(RuntimeError), store.writing() as conn:
        repo.insert_draft(conn, _draft(2))
        raise RuntimeError("the process dies here")
    with store.reading() as conn:
        assert repo.get_draft(conn, _draft(2).id) is None
        assert list(repo.events_of(conn, _draft(2).id)) == []
    with store.writing() as conn:  # the next write starts clean (SQLite: on a fresh connection)
        repo.insert_draft(conn, _draft(2))
    with store.reading() as conn:
        assert [e.kind for e in repo.events_of(conn, _draft(2).id)] == ["created", "graded"]
    store.close()


@pytest.mark.parametrize("statement", ["UPDATE events SET kind = 'edited'", "DELETE FROM events"])
def test_the_database_refuses_to_edit_or_delete_events(database_url: str, statement: str) -> None:
    store = open_store(database_url)
    with store.writing() as conn:
        repo.insert_draft(conn, _draft(3))
    with pytest.raises(DBAPIError, match="append-only"), store.writing() as conn:
        conn.execute(text(statement))
    with store.reading() as conn:
        assert [e.kind for e in repo.events_of(conn, _draft(3).id)] == ["created", "graded"]
    store.close()


def test_pages_follow_the_cursor_newest_first_without_gaps(database_url: str) -> None:
    store = open_store(database_url)
    start = datetime(2025, 3, 12, 10, tzinfo=UTC)
    with store.writing() as conn:
        for number in range(7):  # two drafts share each second: the id breaks the tie
            repo.insert_draft(conn, _draft(10 + number, start + timedelta(seconds=number // 2)))
    seen, cursor = [], None
    while True:
        with store.reading() as conn:
            page, cursor = repo.list_drafts(conn, repo.DraftFilter(), limit=3, cursor=cursor)
        seen += [row.id for row in page]
        if cursor is None:
            break
    assert seen == [_draft(10 + n).id for n in (6, 5, 4, 3, 2, 1, 0)]
    with pytest.raises(ValueError):
        repo.decode_cursor("yesterday.drf_1")
    store.close()


def test_retention_purges_texts_and_facts_and_keeps_events_and_figures(database_url: str) -> None:
    store = open_store(database_url)
    old, new = _draft(20, datetime.now(UTC) - timedelta(days=40)), _draft(21)
    with store.writing() as conn:
        repo.insert_draft(conn, old)
        repo.insert_draft(conn, new)
        repo.compare_and_set(conn, old.id, 1, state="approved", outcome="edited", edit_distance=0.2,
                             decided_at=datetime.now(UTC))
    with store.writing() as conn:
        assert purge_before(conn, datetime.now(UTC) - timedelta(days=30)) == 1
    with store.reading() as conn:
        purged, kept = repo.get_draft(conn, old.id), repo.get_draft(conn, new.id)
        assert purged is not None and purged.facts is None and purged.response is None and purged.purged_at
        assert repo.revisions_of(conn, old.id)[0].text is None
        assert kept is not None and kept.facts is not None
        assert [e.kind for e in repo.events_of(conn, old.id)] == ["created", "graded"]
        assert acceptance(conn)[0].edited == 1
    store.close()


def test_eval_runs_recorded_before_the_prompt_index_are_indexed_by_its_migration(database_url: str) -> None:
    """Migration 0003 indexes the runs already stored: asked-for prompts, versions drafted, their prompt ids."""
    from sqlalchemy import insert

    from service.store import eval_runs
    from service.store.migrate import upgrade
    from service.store.models import EvalRunRow

    store = open_store(database_url, migrate=False)
    upgrade(store.engine, "0002")
    summary = {"prompt_versions": {"reactive@v3": "reactive@v3", "proactive@v2": "proactive@v2"}}
    with store.writing() as conn:
        for run_id, prompts, status in (("old1", ["production"], "finished"), ("old2", ["reactive@v2"], "running")):
            conn.execute(insert(EvalRunRow).values(
                id=run_id, started_at=datetime.now(UTC), status=status, model="m", prompts=prompts, config={},
                summary=summary if status == "finished" else None))
    upgrade(store.engine)
    with store.reading() as conn:
        def found(prompt: str) -> list[str]:
            return [run.id for run in eval_runs.history(conn, eval_runs.RunFilter(prompt=prompt))]

        assert found("production") == ["old1"] and found("proactive") == ["old1"] and found("reactive@v3") == ["old1"]
        assert found("reactive@v2") == ["old2"] and found("candidate") == []
    store.close()


def test_sqlite_stores_a_new_draft_exactly_as_sqlalchemy_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite a new draft's rows go through the driver (service/store/direct.py): the same rows, value for
    value and type for type, as `conn.execute` writes; with and without checks, non-ASCII text, None columns."""
    drafts = [
        _draft(40),
        replace(_draft(41), checks=None, subject="Betreff: Störung", headline=None, text="Wir bedauern — „sehr“.",
                facts={"summary": "ünïcode ✓", "n": 1.0}, score=None, passed=None, injection_followed=True,
                request_id=None, pack_id="pck_1", unsupported=2),
    ]
    stored = {}
    monkeypatch.setattr(repo, "utcnow", lambda: drafts[0].created_at)  # the revision's events' time
    for on_driver in (True, False):
        monkeypatch.setattr(FixedInsert, "on_driver", on_driver)
        database = tmp_path / f"{on_driver}.sqlite3"
        store = open_store(f"sqlite:///{database}")
        with store.writing() as conn:
            for draft in drafts:
                repo.insert_draft(conn, draft)
            repo.add_revision(conn, drafts[0].id, 1, author="key:rev", text="Edited.", subject=None, headline=None,
                              checks={"score": 0.5, "passed": False}, diff=[{"op": "="}], edit_distance=0.25,
                              at=drafts[0].created_at)
        store.close()
        with sqlite3.connect(database) as raw:
            stored[on_driver] = {
                table: [[(type(value).__name__, value) for value in row] for row in raw.execute(f"SELECT * FROM {table}")]
                for table in ("drafts", "revisions", "events")
            }
    assert stored[True] == stored[False]
    assert stored[True]["revisions"][0][-1] == ("str", "null")  # a JSON column's None is JSON null, as before
