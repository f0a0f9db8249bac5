// The review console: reads and writes through the JSON API only; every text is set with textContent.
"use strict";

const OPEN_STATES = ["draft", "in_review", "changes_requested"];
const $ = (id) => document.getElementById(id);
let current = null;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = sessionStorage.getItem("trustdraft-key");
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers() });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || body.title || response.statusText);
  return body;
}

function say(message, bad) {
  $("status").textContent = message;
  $("status").className = bad ? "bad" : "";
}

async function loadQueue() {
  const query = OPEN_STATES.map((s) => "state=" + s).join("&");
  const page = await api("/v1/drafts?" + query + "&limit=100");
  const list = $("queue");
  list.replaceChildren();
  for (const d of page.drafts) {
    const item = el("li");
    const link = el("a", `${d.channel} · ${d.strategy} · ${d.prompt.id}@${d.prompt.version}`);
    link.href = "#" + d.id;
    link.dataset.id = d.id;
    item.append(link, el("span", ` ${d.state} · score ${d.score ?? "–"}${d.unsupported ? " · " + d.unsupported + " unsupported" : ""}`, "meta"));
    list.append(item);
  }
  if (!page.drafts.length) list.append(el("li", "Nothing awaits review.", "meta"));
  say(`${page.drafts.length} draft(s) awaiting review`);
}

// Mark every span of `text` given as [start, end, title, kind]; overlapping spans: the first wins.
function marked(text, spans) {
  const out = document.createDocumentFragment();
  let position = 0;
  for (const [start, end, title, kind] of spans.sort((a, b) => a[0] - b[0])) {
    if (start < position) continue;
    out.append(document.createTextNode(text.slice(position, start)));
    const mark = el("mark", text.slice(start, end), kind);
    mark.title = title;
    out.append(mark);
    position = end;
  }
  out.append(document.createTextNode(text.slice(position)));
  return out;
}

function spansFor(text, checks) {
  const spans = [];
  if (!checks) return spans;
  for (const claim of checks.unsupported || []) {
    const at = text.indexOf(claim.text);
    if (at >= 0) spans.push([at, at + claim.text.length, `unsupported ${claim.kind}: ${claim.reason}`, "unsupported"]);
  }
  for (const c of checks.criteria) {
    for (const quote of c.evidence || []) {
      const q = quote.replace(/…$/, "");
      const at = q ? text.indexOf(q) : -1;
      if (at >= 0) spans.push([at, at + q.length, `${c.criterion}: ${c.reason}`, c.passed ? "evidence" : "failing"]);
    }
  }
  return spans;
}

function renderFacts(facts) {
  const dl = $("facts");
  dl.replaceChildren();
  if (!facts) { dl.append(el("dd", "Purged by retention.")); return; }
  for (const [key, value] of Object.entries(facts)) {
    dl.append(el("dt", key));
    if (Array.isArray(value)) {
      const ul = el("ul");
      for (const v of value) ul.append(el("li", typeof v === "object" ? Object.values(v).join(": ") : v));
      const dd = el("dd"); dd.append(ul); dl.append(dd);
    } else {
      dl.append(el("dd", typeof value === "object" ? Object.values(value).join(", ") : value));
    }
  }
}

function renderCriteria(checks, reviewed) {
  const body = $("criteria").querySelector("tbody");
  body.replaceChildren();
  if (!checks) return;
  for (const c of checks.criteria) {
    const row = el("tr", null, c.applicable ? (c.passed ? "pass" : "fail") : "na");
    row.append(el("td", c.criterion), el("td", c.applicable ? (c.passed ? "pass" : "FAIL") : "n/a"), el("td", c.score.toFixed(2)));
    const why = el("td", c.reason);
    for (const quote of c.evidence || []) why.append(el("q", quote));
    row.append(why);
    const view = el("td");
    for (const verdict of ["agree", "disagree"]) {
      const label = el("label", null, "inline");
      const input = el("input");
      input.type = "radio"; input.name = "v-" + c.criterion; input.value = verdict;
      input.dataset.criterion = c.criterion;
      if (reviewed[c.criterion] === verdict) input.checked = true;
      label.append(input, document.createTextNode(" " + verdict + " "));
      view.append(label);
    }
    row.append(view);
    body.append(row);
  }
  const claims = $("unsupported");
  claims.replaceChildren();
  for (const claim of checks.unsupported || []) claims.append(el("li", `${claim.kind}: “${claim.text}” – ${claim.reason}`));
  if (!(checks.unsupported || []).length) claims.append(el("li", "None found.", "meta"));
}

function renderExtras(draft) {
  const sections = $("sections"); sections.replaceChildren();
  for (const s of (draft && draft.sections) || []) {
    const box = el("div", null, "section");
    box.append(el("h4", s.name), el("p", s.text));
    if (s.fallback) box.append(el("p", "plain rendering of its facts: the model's text failed the section's checks", "meta"));
    else if (s.rewritten) box.append(el("p", "rewritten once: the model's first text failed the section's checks", "meta"));
    if (s.sources.length) box.append(el("p", "sources: " + s.sources.join("; "), "meta"));
    sections.append(box);
  }
  const candidates = $("candidates"); candidates.replaceChildren();
  if (draft && draft.candidates) {
    candidates.append(el("h3", "Candidates"));
    draft.candidates.forEach((c, i) => {
      const d = el("details", null, "candidate");
      d.append(el("summary", `#${i + 1} seed ${c.seed} · score ${c.checks.score.toFixed(2)} ${c.checks.passed ? "pass" : "fail"}`), el("p", c.text, "text"));
      candidates.append(d);
    });
  }
  const rounds = $("rounds"); rounds.replaceChildren();
  if (draft && draft.rounds) {
    rounds.append(el("h3", "Revision rounds"));
    for (const r of draft.rounds) {
      const d = el("details", null, "round");
      d.append(el("summary", `round ${r.round} · ${r.accepted ? "kept" : "not kept"} · score ${r.checks.score.toFixed(2)}`), el("pre", r.feedback), el("p", r.text, "text"));
      rounds.append(d);
    }
  }
}

function renderRevisions(revisions) {
  const list = $("revisions"); list.replaceChildren();
  for (const r of revisions) {
    const item = el("li", `by ${r.author} · ${r.created_at} · score ${r.checks ? r.checks.score.toFixed(2) : "–"} · ${Math.round(r.edit_distance * 100)}% words changed`);
    if (r.diff) {
      const diff = el("p", null, "diff");
      for (const op of r.diff) {
        if (op.op === "equal") diff.append(document.createTextNode(op.before + " "));
        if (op.op === "delete" || op.op === "replace") diff.append(el("del", op.before), document.createTextNode(" "));
        if (op.op === "insert" || op.op === "replace") diff.append(el("ins", op.after), document.createTextNode(" "));
      }
      item.append(diff);
    }
    list.append(item);
  }
}

async function show(id) {
  const [stored, trail] = await Promise.all([api("/v1/drafts/" + id), api(`/v1/drafts/${id}/events`)]);
  current = stored;
  const revision = stored.revisions[stored.current_revision] || stored.revisions[0];
  $("draft-pane").hidden = false;
  $("draft-meta").textContent = `${stored.channel} · ${stored.strategy} · ${stored.prompt.id}@${stored.prompt.version} · ${stored.model}`;
  $("state").textContent = `state: ${stored.state} · revision ${revision.number}`;
  $("state").dataset.state = stored.state;
  const heading = revision.subject || revision.headline || "";
  $("heading").textContent = heading;
  const text = revision.text || "";
  $("text").replaceChildren(marked(text, spansFor(text, revision.checks)));
  const warnings = $("warnings"); warnings.replaceChildren();
  for (const w of (stored.draft && stored.draft.warnings) || []) warnings.append(el("li", w));
  renderFacts(stored.facts);
  const last = stored.reviews.length ? stored.reviews[stored.reviews.length - 1].criteria : {};
  renderCriteria(revision.checks, last);
  renderExtras(stored.draft);
  renderRevisions(stored.revisions);
  $("edit-text").value = text;
  $("edit-heading").value = heading;
  $("heading-label").hidden = !["email", "press_statement", "blog_post"].includes(stored.channel);
  const events = $("events"); events.replaceChildren();
  for (const e of trail.events) events.append(el("li", `${e.at} · ${e.kind} · ${e.actor} · ${JSON.stringify(e.detail)}`));
  const open = OPEN_STATES.includes(stored.state);
  for (const b of document.querySelectorAll("#review-form button")) b.disabled = !open;
}

function edits() {
  const revision = current.revisions[current.current_revision];
  const body = {};
  const text = $("edit-text").value;
  if (text.trim() && text !== revision.text) body.text = text;
  const heading = $("edit-heading").value;
  const field = current.channel === "email" ? "subject" : "headline";
  if (!$("heading-label").hidden && heading.trim() && heading !== (revision[field] || "")) body[field] = heading;
  if ($("comment").value.trim()) body.comment = $("comment").value.trim();
  return body;
}

async function decide(decision) {
  const criteria = {};
  for (const input of document.querySelectorAll("#criteria input:checked")) criteria[input.dataset.criterion] = input.value;
  const body = { decision, criteria, ...edits() };
  if ($("override").checked) body.override = true;
  try {
    await api(`/v1/drafts/${current.id}/reviews`, { method: "POST", body: JSON.stringify(body) });
    say(`${decision.replace("_", " ")}: done`);
    await show(current.id);
    await loadQueue();
  } catch (error) {
    say(error.message, true);
  }
}

async function saveEdit() {
  const body = edits();
  if (!body.text && !body.subject && !body.headline) { say("Nothing changed.", true); return; }
  if (!body.text) body.text = current.revisions[current.current_revision].text;
  try {
    await api(`/v1/drafts/${current.id}/revisions`, { method: "POST", body: JSON.stringify(body) });
    say("edit saved and graded");
    await show(current.id);
  } catch (error) {
    say(error.message, true);
  }
}

function start() {
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem("trustdraft-key", $("api-key").value.trim());
    $("api-key").value = "";
    loadQueue().catch((e) => say(e.message, true));
  });
  $("queue").addEventListener("click", (event) => {
    const id = event.target.dataset && event.target.dataset.id;
    if (id) { event.preventDefault(); location.hash = id; }
  });
  window.addEventListener("hashchange", () => show(location.hash.slice(1)).catch((e) => say(e.message, true)));
  for (const b of document.querySelectorAll("[data-decision]")) b.addEventListener("click", () => decide(b.dataset.decision));
  $("save-edit").addEventListener("click", saveEdit);
  loadQueue().catch((e) => say(e.message, true));
  if (location.hash.length > 1) show(location.hash.slice(1)).catch((e) => say(e.message, true));
}

document.addEventListener("DOMContentLoaded", start);
