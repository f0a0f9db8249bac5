"""The review workflow over the store: drafts come in, reviewers edit and decide, approved drafts are
published. Decisions are compare-and-set on the draft's lock version, so of two racing approvals exactly
one wins and the other gets 409. The store is synchronous; every call here runs it in a worker thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import anyio

from service import errors
from service.facts import Facts
from service.review import records
from service.review.acceptance import acceptance_stats
from service.review.publishing import Publisher
from service.review.rules import (
    AFTER,
    Actor,
    Decision,
    State,
    check_decision,
    override_reasons,
    require_open,
    require_role,
)
from service.review.schemas import (
    AcceptanceStats,
    DraftPage,
    EventList,
    EventOut,
    ReviewRequest,
    RevisionRequest,
    StoredDraft,
)
from service.review.texts import edit_distance, graded_text, word_diff
from service.rubric import RubricResult, grade
from service.schemas import DraftRequest, DraftResponse
from service.settings import Role, Settings
from service.store import Store
from service.store import drafts as repo
from service.store.models import DraftRow, RevisionRow, utcnow
from service.store.stats import acceptance, purge_before

T = TypeVar("T")
log = logging.getLogger("trustdraft.review")


@dataclass(frozen=True)
class Edit:
    """A reviewer's text, graded, as the next revision."""

    number: int
    text: str
    subject: str | None
    headline: str | None
    checks: RubricResult
    diff: list[dict[str, Any]]
    edit_distance: float


@dataclass(frozen=True)
class Snapshot:
    row: DraftRow
    original: RevisionRow
    current: RevisionRow


Grader = Callable[..., RubricResult]  # grade()'s signature; the app passes the one that also checks injection


class ReviewDesk:
    def __init__(
        self, store: Store, settings: Settings, publisher: Publisher | None = None, grader: Grader = grade
    ) -> None:
        self.store = store
        self.settings = settings
        self.publisher = publisher
        self.grader = grader  # edits are graded as drafts are: injected instructions followed never pass

    # --- drafts come in -------------------------------------------------------------------------------

    async def record(
        self,
        drafted: list[tuple[DraftRequest, DraftResponse, Facts]],
        actor: Actor,
        request_id: str | None,
        pack_id: str | None = None,
    ) -> None:
        """Store drafts as returned (all of a pack in one transaction); raises StorageUnavailable."""
        rows = [
            records.new_draft(request, response, facts=facts, actor=actor.id, request_id=request_id, pack_id=pack_id)
            for request, response, facts in drafted
        ]
        await self._run(self._insert, rows, quick=True)

    def _insert(self, rows: list[repo.NewDraft]) -> None:
        with self.store.writing() as conn:
            for row in rows:
                repo.insert_draft(conn, row)

    # --- reading ----------------------------------------------------------------------------------------

    async def get(self, draft_id: str) -> StoredDraft:
        return await self._run(self._get, draft_id)

    def _get(self, draft_id: str) -> StoredDraft:
        with self.store.reading() as conn:
            row = _found(repo.get_draft(conn, draft_id), draft_id)
            return records.stored_draft(row, list(repo.revisions_of(conn, draft_id)), list(repo.reviews_of(conn, draft_id)))

    async def page(self, where: repo.DraftFilter, limit: int, cursor: str | None) -> DraftPage:
        if cursor is not None:
            try:
                repo.decode_cursor(cursor)
            except ValueError as exc:
                raise errors.InvalidRequest(f"cursor: {exc}") from exc
        def read() -> DraftPage:
            with self.store.reading() as conn:
                rows, following = repo.list_drafts(conn, where, limit=limit, cursor=cursor)
                return DraftPage(drafts=[records.summary(r) for r in rows], next_cursor=following)

        return await self._run(read)

    async def events(self, draft_id: str) -> EventList:
        def trail() -> EventList:
            with self.store.reading() as conn:
                _found(repo.get_draft(conn, draft_id), draft_id)
                found = repo.events_of(conn, draft_id)
                return EventList(
                    draft_id=draft_id,
                    events=[EventOut(id=e.id, kind=e.kind, actor=e.actor, at=repo.as_utc(e.at), detail=e.detail) for e in found],
                )

        return await self._run(trail)

    # --- edits and decisions ----------------------------------------------------------------------------

    async def review(self, draft_id: str, body: ReviewRequest, actor: Actor) -> StoredDraft:
        stored = await self._run(self._review, draft_id, body, actor)
        if stored.state is State.approved and self.publisher is not None:
            self.publisher.schedule(draft_id, stored.channel.value, actor.id)
        return stored

    def _review(self, draft_id: str, body: ReviewRequest, actor: Actor) -> StoredDraft:
        snap = self._snapshot(draft_id)
        require_open(State(snap.row.state), "reviewed")
        check_decision(actor, body.decision, snap.row.created_by, allow_self_approval=self.settings.allow_self_approval)
        edit = self._edit(snap, body.text, body.subject, body.headline)
        number = edit.number if edit else snap.current.number
        checks = edit.checks if edit else self._checks_of(snap, snap.current)
        distance = edit.edit_distance if edit else snap.current.edit_distance
        reasons = self._override_reasons(snap, number, checks) if body.decision is Decision.approve else []
        if reasons and not body.override:
            raise errors.OverrideRequired(
                "approving this text needs `override: true`: " + "; ".join(reasons), reasons=reasons
            )
        values = _decided(body.decision, number, distance)
        criteria = {k.value: v for k, v in body.criteria.items()}
        with self.store.writing() as conn:
            if not repo.compare_and_set(conn, draft_id, snap.row.lock_version, **values):
                raise errors.Conflict("the draft changed while you reviewed it (another decision or edit came first)")
            if edit:
                self._add(conn, draft_id, edit, actor)
            repo.add_review(conn, draft_id, revision=number, decision=body.decision.value, author=actor.id,
                            criteria=criteria, comment=body.comment, override=bool(reasons) and body.override)
            detail = {"decision": body.decision.value, "revision": number, "criteria": criteria}
            repo.append_event(conn, draft_id, "reviewed", actor.id, detail)
            if body.decision is Decision.approve:
                publishes = self.publisher is not None and self.publisher.has(snap.row.channel)
                repo.append_event(conn, draft_id, "approved", actor.id,
                                  {"revision": number, "override": reasons if body.override else [],
                                   "publish": publishes})
        return self._get(draft_id)

    async def revise(self, draft_id: str, body: RevisionRequest, actor: Actor) -> StoredDraft:
        return await self._run(self._revise, draft_id, body, actor)

    def _revise(self, draft_id: str, body: RevisionRequest, actor: Actor) -> StoredDraft:
        snap = self._snapshot(draft_id)
        require_open(State(snap.row.state), "edited")
        edit = self._edit(snap, body.text, body.subject, body.headline)
        if edit is None:  # the same text again: nothing to store
            return self._get(draft_id)
        with self.store.writing() as conn:
            values = {"state": State.in_review.value, "current_revision": edit.number}
            if not repo.compare_and_set(conn, draft_id, snap.row.lock_version, **values):
                raise errors.Conflict("the draft changed while you edited it (another decision or edit came first)")
            self._add(conn, draft_id, edit, actor, comment=body.comment)
        return self._get(draft_id)

    def _snapshot(self, draft_id: str) -> Snapshot:
        with self.store.reading() as conn:
            row = _found(repo.get_draft(conn, draft_id), draft_id)
            original = repo.revision(conn, draft_id, 0)
            current = repo.revision(conn, draft_id, row.current_revision)
        if original is None or current is None or row.purged_at is not None or current.text is None:
            raise errors.Conflict("the draft's text was purged (retention); it can no longer be reviewed")
        return Snapshot(row, original, current)

    def _edit(self, snap: Snapshot, text: str | None, subject: str | None, headline: str | None) -> Edit | None:
        """The next revision when the reviewer changed anything, graded; None when nothing changed."""
        current = snap.current
        body = text if text is not None else current.text or ""
        subject = subject if subject is not None else current.subject
        headline = headline if headline is not None else current.headline
        if (body, subject, headline) == (current.text, current.subject, current.headline):
            return None
        channel = snap.row.channel
        before = graded_text(channel, snap.original.text or "", snap.original.subject, snap.original.headline)
        after = graded_text(channel, body, subject, headline)
        diff = word_diff(before, after)
        number = snap.row.current_revision + 1
        return Edit(number, body, subject, headline, self._grade(snap.row, after), diff, edit_distance(diff))

    def _add(self, conn: Any, draft_id: str, edit: Edit, actor: Actor, comment: str | None = None) -> None:
        repo.add_revision(conn, draft_id, edit.number, author=actor.id, text=edit.text, subject=edit.subject,
                          headline=edit.headline, checks=edit.checks.model_dump(mode="json"), diff=edit.diff,
                          edit_distance=edit.edit_distance)

    def _grade(self, row: DraftRow, text: str) -> RubricResult:
        return self.grader(text, Facts.model_validate(row.facts), row.strategy, row.channel,
                           threshold=self.settings.pass_threshold, earlier=records.earlier_of(row))

    def _checks_of(self, snap: Snapshot, revision: RevisionRow) -> RubricResult:
        """A revision's checks; a draft asked for without checks is graded now, before anyone approves it."""
        found = records.checks_of(revision)
        if found is not None:
            return found
        return self._grade(snap.row, graded_text(snap.row.channel, revision.text or "", revision.subject, revision.headline))

    def _override_reasons(self, snap: Snapshot, number: int, checks: RubricResult) -> list[str]:
        # The model's own text carries the drafting door's injection report; an edit is graded again, and its
        # checks block it when it follows injected text (or is not a message at all).
        followed = number == 0 and bool(snap.row.injection_followed)
        return override_reasons(len(checks.unsupported), followed, checks.blocked)

    # --- publishing and retention ----------------------------------------------------------------------

    async def publish(self, draft_id: str, actor: Actor) -> StoredDraft:
        """Publish an approved draft again (after a publish failed); 409 unless it is approved."""
        require_role(actor, Role.reviewer, "publishing")
        stored = await self.get(draft_id)
        if stored.state is not State.approved:
            raise errors.Conflict(f"the draft is {stored.state}: only an approved draft is published")
        if self.publisher is None or not self.publisher.has(stored.channel.value):
            raise errors.Conflict(f"no webhook is configured for {stored.channel.value}")
        await self.publisher.publish(draft_id, actor.id)
        return await self.get(draft_id)

    async def purge(self, older_than_days: int) -> int:
        cutoff = datetime.now(UTC) - timedelta(days=older_than_days)

        def purge() -> int:
            with self.store.writing() as conn:
                return purge_before(conn, cutoff)

        return await self._run(purge)

    async def acceptance(self, prompt: str | None, model: str | None, since: datetime | None) -> AcceptanceStats:
        def figures() -> AcceptanceStats:
            with self.store.reading() as conn:
                return acceptance_stats(acceptance(conn, prompt=prompt, model=model, since=since))

        return await self._run(figures)

    async def _run(self, work: Callable[..., T], *args: Any, quick: bool = False) -> T:
        """Run store work in a worker thread; `quick` work on SQLite (a local file, well under a millisecond)
        runs on the event loop instead: under load, handing a thread the GIL back and forth for each
        statement costs far more than the write itself (measured in bench/bench_storage.py)."""
        try:
            if quick and self.store.sqlite:
                return work(*args)
            return await anyio.to_thread.run_sync(work, *args)
        except errors.TrustdraftError:
            raise
        except Exception as exc:  # the database is down, full or locked for too long
            log.exception("review store failed")
            raise errors.StorageUnavailable(f"the review store failed: {type(exc).__name__}") from exc


def _found(row: DraftRow | None, draft_id: str) -> DraftRow:
    if row is None:
        raise errors.NotFound(f"no draft {draft_id}")
    return row


def _decided(decision: Decision, number: int, distance: float) -> dict[str, Any]:
    """The draft's new columns after a decision: state, the revision decided on, and the outcome figures."""
    values: dict[str, Any] = {"state": AFTER[decision].value, "current_revision": number}
    if decision is Decision.approve:
        values.update(outcome="edited" if distance > 0 else "accepted", edit_distance=distance, decided_at=utcnow())
    elif decision is Decision.reject:
        values.update(outcome="rejected", decided_at=utcnow())
    return values
