// Co-authors in the document editor (area collab, issue 12): who is in the
// document and which section each edits (server-sent events from
// /api/v1/rcas/{id}/events), other authors' saves applied without a reload
// (or the merge view when this tab has unsaved text there), comment
// threads posted and refreshed in place, and the timeline grid.
import { startTimeline } from "./timeline.js";

const csrfMeta = document.querySelector('meta[name="csrf-token"]');
const csrf = csrfMeta ? csrfMeta.content : "";

function clientID() {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return "tab-" + Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fill(pattern, values) {
  return pattern.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

function sectionTitle(key) {
  const h = document.getElementById("h-" + key);
  return h ? h.textContent.trim() : key;
}

// commentOnSelection is the toolbar's Comment command: the selected text
// becomes the quote of the section's new comment.
export function commentOnSelection(view) {
  const sec = view.dom.closest("section.doc-section");
  const form = sec && sec.querySelector(".comment-new");
  if (!form) { return false; }
  const r = view.state.selection.main;
  const quote = view.state.sliceDoc(r.from, r.to).trim();
  form.open = true;
  const q = form.querySelector("input[name=quote]");
  if (q && quote) { q.value = quote.slice(0, 2000); }
  form.querySelector("textarea").focus();
  return true;
}

// applyRemote shows another author's save of a section.
function applyRemote(s, ev, note) {
  if (ev.revision <= s.revision || s.saving) { return; }
  if (s.state === "conflict") { return; }
  if (s.dirty()) {
    s.openMerge(s.base, ev.body, s.text(), ev.revision);
  } else {
    s.base = ev.body;
    if (s.visibility && ev.visibility) { s.visibility.value = ev.visibility; s.baseVisibility = ev.visibility; }
    s.setRevision(ev.revision);
    s.setText(ev.body);
    s.show("saved");
  }
  const out = s.form.closest("section").querySelector(".co-note");
  if (out && ev.by_name) {
    out.textContent = fill(note, { name: ev.by_name });
    out.hidden = false;
  }
}

// refreshThreads swaps in the server's fresh comment threads, leaving a
// thread alone while someone types in it.
function refreshThreads(html) {
  const fresh = new DOMParser().parseFromString(html, "text/html");
  for (const old of document.querySelectorAll(".doc .threads")) {
    if (old.contains(document.activeElement) && document.activeElement.matches("textarea, input")) { continue; }
    const next = fresh.getElementById(old.id);
    if (next) { old.replaceWith(document.importNode(next, true)); }
  }
  const err = fresh.querySelector(".flash.error");
  return err ? err.textContent.trim() : "";
}

async function loadThreads() {
  try {
    const res = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (res.ok) { refreshThreads(await res.text()); }
  } catch (e) { /* the next event tries again */ }
}

function wireComments(doc) {
  doc.addEventListener("submit", async (ev) => {
    const form = ev.target;
    if (!form.closest(".threads")) { return; }
    ev.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    try {
      const res = await fetch(form.action, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf },
        body: new URLSearchParams(new FormData(form)).toString(),
      });
      if (res.ok) {
        const threads = form.closest(".threads");
        const id = threads.id;
        form.reset();
        if (document.activeElement) { document.activeElement.blur(); }
        const problem = refreshThreads(await res.text());
        const now = document.getElementById(id);
        if (problem && now) {
          const p = document.createElement("p");
          p.className = "flash error";
          p.setAttribute("role", "alert");
          p.textContent = problem;
          now.prepend(p);
        }
      }
    } catch (e) { /* offline: the form keeps its text */ }
    if (button) { button.disabled = false; }
  });
}

export function startCollab(doc, sections) {
  wireComments(doc);
  const grid = document.querySelector(".tl-editor");
  const timeline = grid ? startTimeline(grid) : null;
  const bar = document.getElementById("doc-presence");
  if (!bar || !window.EventSource || !doc.hasAttribute("data-editable")) { return; }
  const client = clientID();
  const api = bar.dataset.api;
  const list = bar.querySelector("ul");
  let focused = "", sent = "", timer = null;

  function sendFocus() {
    if (focused === sent) { return; }
    sent = focused;
    fetch(api + "/presence", {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ client, section: focused }),
    }).catch(() => { sent = ""; });
  }
  doc.addEventListener("focusin", (ev) => {
    const sec = ev.target.closest("section.doc-section");
    focused = sec ? sec.id.replace(/^s-/, "") : "";
    clearTimeout(timer);
    timer = setTimeout(sendFocus, 300);
  });

  const es = new EventSource(api + "/events?client=" + encodeURIComponent(client));
  es.addEventListener("presence", (e) => {
    const data = JSON.parse(e.data);
    list.textContent = "";
    const editing = {};
    for (const p of data.people) {
      if (p.client === client) { continue; }
      const li = document.createElement("li");
      li.dataset.user = p.user_id;
      li.textContent = p.section ? fill(bar.dataset.editing, { name: p.name, section: sectionTitle(p.section) }) : p.name;
      list.append(li);
      if (p.section) { (editing[p.section] = editing[p.section] || []).push(p.name); }
    }
    bar.hidden = list.children.length === 0;
    for (const sec of document.querySelectorAll("section.doc-section")) {
      const who = editing[sec.id.replace(/^s-/, "")];
      if (who) { sec.dataset.editing = who.join(", "); } else { delete sec.dataset.editing; }
    }
  });
  es.addEventListener("section", (e) => {
    const data = JSON.parse(e.data);
    const s = sections.find((x) => x.key === data.key);
    if (s) { applyRemote(s, data, bar.dataset.updated); }
  });
  es.addEventListener("comments", () => { loadThreads(); });
  es.addEventListener("rca", () => { if (timeline) { timeline.reload(); } });
}
