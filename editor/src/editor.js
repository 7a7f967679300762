// Hindsight's document editor: every section of an RCA on one page, each a
// CodeMirror 6 Markdown editor with a toolbar, the usual shortcuts, the
// server's own preview, autosave per section, a draft in localStorage that
// survives a reload or an outage, and a merge view (theirs, yours, the base)
// when another author saved the same section first. Without JavaScript the
// page is a set of plain forms; this file only enhances them.
//
// Size matters more than features here (the editor's JS and CSS have a
// budget): no Lezer parser, no @codemirror/language, no merge package. The
// Markdown marks are coloured by a regular-expression decorator, lists
// continue on Enter with a small command, and the merge view is our own.
import { EditorView, keymap, drawSelection, highlightActiveLine, MatchDecorator, Decoration, ViewPlugin } from "@codemirror/view";
import { EditorState, EditorSelection } from "@codemirror/state";
import { history, historyKeymap, standardKeymap } from "@codemirror/commands";
import { startCollab, commentOnSelection } from "./collab.js"; // area collab

const csrfMeta = document.querySelector('meta[name="csrf-token"]');
const csrf = csrfMeta ? csrfMeta.content : "";
const doc = document.getElementById("doc");
// CodeMirror adds its base theme as a <style> element; the page's CSP lets
// it in by this response's nonce (and nothing else inline).
const nonceMeta = document.querySelector('meta[name="style-nonce"]');
const styleNonce = EditorView.cspNonce.of(nonceMeta ? nonceMeta.content : "");

// markMarkdown colours the Markdown a writer types: headings, strong and
// emphasised text, inline code, links, quotes and list marks.
const markRules = [
  [/^#{1,6} .*/, "tok-heading"],
  [/^\s*(?:[-*+]|\d+[.)]) /, "tok-mark"],
  [/^\s*>.*/, "tok-quote"],
  [/\*\*[^*\n]+\*\*|__[^_\n]+__/, "tok-strong"],
  [/(?<![*\w])\*[^*\s][^*\n]*\*(?!\*)|(?<![_\w])_[^_\s][^_\n]*_(?!\w)/, "tok-em"],
  [/`[^`\n]+`/, "tok-code"],
  [/\[[^\]\n]*\]\([^)\s]*\)/, "tok-link"],
];
const markAll = new RegExp(markRules.map((r) => "(" + r[0].source + ")").join("|"), "gm");
const marks = markRules.map((r) => Decoration.mark({ class: r[1] }));
const markDecorator = new MatchDecorator({
  regexp: markAll,
  decoration: (m) => marks[m.slice(1).findIndex((g) => g !== undefined)],
});
const markMarkdown = ViewPlugin.define((view) => ({
  decorations: markDecorator.createDeco(view),
  update(u) { this.decorations = markDecorator.updateDeco(u, this.decorations); },
}), { decorations: (v) => v.decorations });

// continueList starts the next list item (or quote line) on Enter, and ends
// the list when Enter is pressed on an empty item.
function continueList(view) {
  const { state } = view;
  const r = state.selection.main;
  if (!r.empty) { return false; }
  const line = state.doc.lineAt(r.head);
  const m = /^(\s*)(?:([-*+]) |(\d+)([.)]) |(>) ?)/.exec(line.text);
  if (!m || r.head < line.from + m[0].length) { return false; }
  if (line.text.trim() === m[0].trim()) {
    view.dispatch({ changes: { from: line.from, to: line.to, insert: "" }, userEvent: "delete" });
    return true;
  }
  const mark = m[2] || m[5] || (parseInt(m[3], 10) + 1) + m[4];
  const ins = "\n" + m[1] + mark + " ";
  view.dispatch(state.update(state.replaceSelection(ins), { scrollIntoView: true, userEvent: "input" }));
  return true;
}

// ---- Markdown formatting commands -------------------------------------

// wrap surrounds each selection with before/after, or removes them when the
// selection is already wrapped; an empty selection gets a placeholder word.
function wrap(before, after, word) {
  return (view) => {
    const { state } = view;
    const tr = state.changeByRange((r) => {
      const outer = state.sliceDoc(r.from - before.length, r.from) === before && state.sliceDoc(r.to, r.to + after.length) === after;
      if (outer) {
        return {
          changes: [{ from: r.from - before.length, to: r.from }, { from: r.to, to: r.to + after.length }],
          range: EditorSelection.range(r.from - before.length, r.to - before.length),
        };
      }
      const text = r.empty ? word : state.sliceDoc(r.from, r.to);
      return {
        changes: { from: r.from, to: r.to, insert: before + text + after },
        range: EditorSelection.range(r.from + before.length, r.from + before.length + text.length),
      };
    });
    view.dispatch(state.update(tr, { scrollIntoView: true, userEvent: "input.format" }));
    view.focus();
    return true;
  };
}

// prefixLines toggles a line prefix (list, numbered list, quote) on every
// line the selection touches.
function prefixLines(make, match) {
  return (view) => {
    const { state } = view;
    const lines = [];
    for (const r of state.selection.ranges) {
      for (let pos = r.from; pos <= r.to;) {
        const line = state.doc.lineAt(pos);
        if (!lines.some((l) => l.number === line.number)) { lines.push(line); }
        pos = line.to + 1;
      }
    }
    const all = lines.every((l) => match.test(l.text));
    const changes = lines.map((l, i) => {
      if (all) {
        const m = l.text.match(match);
        return { from: l.from, to: l.from + m[0].length };
      }
      return { from: l.from, insert: make(i) };
    });
    const set = state.changes(changes);
    // Keep the caret after an inserted mark, where the writer goes on typing.
    view.dispatch({ changes: set, selection: state.selection.map(set, 1), scrollIntoView: true, userEvent: "input.format" });
    view.focus();
    return true;
  };
}

function insertBlock(text) {
  return (view) => {
    const { state } = view;
    const r = state.selection.main;
    const line = state.doc.lineAt(r.to);
    const pre = line.length ? "\n\n" : (line.number > 1 && state.doc.line(line.number - 1).length ? "\n" : "");
    const at = line.length ? line.to : line.from;
    view.dispatch({ changes: { from: at, insert: pre + text + "\n" }, selection: { anchor: at + pre.length + 2 }, scrollIntoView: true, userEvent: "input.format" });
    view.focus();
    return true;
  };
}

function link(word) {
  return (view) => {
    const { state } = view;
    const tr = state.changeByRange((r) => {
      const text = r.empty ? word : state.sliceDoc(r.from, r.to);
      const ins = "[" + text + "](https://)";
      const urlAt = r.from + text.length + 3;
      return { changes: { from: r.from, to: r.to, insert: ins }, range: EditorSelection.range(urlAt, urlAt + 8) };
    });
    view.dispatch(state.update(tr, { scrollIntoView: true, userEvent: "input.format" }));
    view.focus();
    return true;
  };
}

function code(view) {
  const r = view.state.selection.main;
  if (view.state.sliceDoc(r.from, r.to).includes("\n")) {
    return wrap("```\n", "\n```", "")(view);
  }
  return wrap("`", "`", "code")(view);
}

function commands(labels) {
  return {
    bold: wrap("**", "**", labels.bold),
    italic: wrap("_", "_", labels.italic),
    list: prefixLines(() => "- ", /^\s*[-*+] /),
    numbered: prefixLines((i) => (i + 1) + ". ", /^\s*\d+[.)] /),
    quote: prefixLines(() => "> ", /^\s*> ?/),
    link: link(labels.linkText),
    code,
    table: insertBlock(labels.table),
  };
}

function formatKeymap(cmd) {
  return [
    { key: "Mod-b", run: cmd.bold },
    { key: "Mod-i", run: cmd.italic },
    { key: "Mod-k", run: cmd.link },
    { key: "Mod-e", run: cmd.code },
    { key: "Mod-Shift-7", run: cmd.numbered },
    { key: "Mod-Shift-8", run: cmd.list },
    { key: "Mod-Shift-9", run: cmd.quote },
  ];
}

// ---- Saving ------------------------------------------------------------

const order = ["saved", "unsaved", "saving", "offline", "error", "conflict"];

function label(state) {
  return doc.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)] || state;
}

const sections = [];
let uploads = 0; // numbers the placeholders of images being uploaded

// showDocState shows the worst state of any section in the page header.
function showDocState() {
  let worst = "saved";
  for (const s of sections) {
    if (order.indexOf(s.state) > order.indexOf(worst)) { worst = s.state; }
  }
  const out = document.getElementById("doc-state");
  out.dataset.state = worst;
  out.textContent = label(worst);
  doc.dataset.saveState = worst;
}

function storageKey(key) {
  return "hindsight:draft:" + doc.dataset.rca + ":" + key;
}

function readDraft(key) {
  try { return JSON.parse(localStorage.getItem(storageKey(key)) || "null"); } catch (e) { return null; }
}

class Section {
  constructor(form, labels, cmd) {
    this.form = form;
    this.key = form.dataset.section;
    this.api = form.dataset.api;
    this.revision = parseInt(form.dataset.revision, 10) || 0;
    this.textarea = form.querySelector("textarea");
    this.base = this.textarea.value; // the text the server holds at this.revision
    this.visibility = form.querySelector("select[name=visibility]");
    this.baseVisibility = this.visibility ? this.visibility.value : "";
    this.out = form.closest("section").querySelector(".doc-section-head .save-state");
    this.preview = form.querySelector(".doc-preview");
    this.merge = form.querySelector(".merge");
    this.state = "saved";
    this.timer = null;
    this.retry = null;
    this.saving = false;
    this.mergeView = null;
    this.idle = parseInt(doc.dataset.idle, 10) || 2000;

    const editable = doc.hasAttribute("data-editable");
    this.holder = document.createElement("div");
    this.holder.className = "doc-cm";
    this.textarea.after(this.holder);
    this.textarea.hidden = true;
    this.view = new EditorView({
      parent: this.holder,
      state: EditorState.create({
        doc: this.textarea.value,
        extensions: [
          styleNonce, history(), drawSelection(), highlightActiveLine(),
          markMarkdown,
          EditorView.lineWrapping,
          EditorState.readOnly.of(!editable), EditorView.editable.of(editable),
          EditorView.contentAttributes.of({ "aria-label": this.textarea.labels[0] ? this.textarea.labels[0].textContent : this.key, "aria-multiline": "true", lang: document.documentElement.lang }),
          keymap.of([...formatKeymap(cmd), { key: "Enter", run: continueList }, ...standardKeymap, ...historyKeymap]),
          EditorView.updateListener.of((u) => { if (u.docChanged) { this.changed(); } }),
          EditorView.domEventHandlers({
            blur: () => { this.flush(); },
            // images (issue 15): drop or paste a PNG, JPEG or GIF to upload it
            drop: (ev, view) => editable && this.images(ev.dataTransfer, view, view.posAtCoords({ x: ev.clientX, y: ev.clientY }), ev),
            paste: (ev, view) => editable && this.images(ev.clipboardData, view, null, ev),
          }),
        ],
      }),
    });
    this.view.dom.id = "cm-" + this.key;
    // The label of the hidden textarea now names the editor.
    const lbl = form.querySelector('label[for="' + this.textarea.id + '"]');
    if (lbl) { lbl.addEventListener("click", () => this.view.focus()); }

    const bar = form.querySelector(".md-toolbar");
    if (bar && editable) {
      bar.hidden = false;
      bar.addEventListener("click", (ev) => {
        const b = ev.target.closest("button[data-md]");
        if (!b) { return; }
        if (b.dataset.md === "preview") { this.togglePreview(b); return; }
        cmd[b.dataset.md](this.view);
      });
    }
    const save = form.querySelector(".doc-save");
    if (save) { save.hidden = true; }
    form.addEventListener("submit", (ev) => { ev.preventDefault(); this.flush(); });
    if (this.visibility) { this.visibility.addEventListener("change", () => { this.changed(); this.flush(); }); }
    if (this.merge) {
      this.merge.querySelector('[data-merge="save"]').addEventListener("click", () => this.resolve(this.mergeView.state.doc.toString()));
      this.merge.querySelector('[data-merge="theirs"]').addEventListener("click", () => this.resolve(this.merge.dataset.theirs, true));
    }
  }

  text() { return this.view.state.doc.toString(); }
  vis() { return this.visibility ? this.visibility.value : ""; }
  dirty() { return this.text() !== this.base || this.vis() !== this.baseVisibility; }

  show(state) {
    this.state = state;
    this.form.dataset.saveState = state;
    if (this.out) {
      this.out.dataset.state = state;
      this.out.textContent = state === "saved" ? "" : label(state);
    }
    showDocState();
  }

  setText(text) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
  }

  keepDraft() {
    try {
      localStorage.setItem(storageKey(this.key), JSON.stringify({ body: this.text(), visibility: this.vis(), base: this.revision, baseBody: this.base, at: Date.now() }));
    } catch (e) { /* storage full or off: the server copy is all we have */ }
  }

  dropDraft() {
    try { localStorage.removeItem(storageKey(this.key)); } catch (e) { /* ignore */ }
  }

  changed() {
    this.textarea.value = this.text();
    if (this.state === "conflict") { return; }
    if (this.dirty()) { this.keepDraft(); } else { this.dropDraft(); }
    if (this.state !== "offline" && this.state !== "saving") { this.show(this.dirty() ? "unsaved" : "saved"); }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), this.idle);
    if (this.preview && !this.preview.hidden) { this.renderPreview(); }
  }

  flush() {
    clearTimeout(this.timer);
    this.save();
  }

  setRevision(rev) {
    this.revision = rev;
    this.form.dataset.revision = String(rev);
    this.form.querySelector("input[name=base_revision]").value = String(rev);
  }

  async save() {
    if (this.state === "conflict" || this.saving) { return; }
    if (!this.dirty()) { this.dropDraft(); this.show("saved"); return; }
    this.saving = true;
    this.show("saving");
    const body = this.text();
    const vis = this.vis();
    this.keepDraft();
    let res, data;
    try {
      res = await fetch(this.api, {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ body, visibility: vis, base_revision: this.revision }),
      });
      data = await res.json().catch(() => ({}));
    } catch (e) {
      this.saving = false;
      this.offline();
      return;
    }
    this.saving = false;
    if (res.ok) {
      const s = (data.sections || []).find((x) => x.key === this.key);
      this.setRevision(s ? s.revision : this.revision + 1);
      this.base = body;
      this.baseVisibility = vis;
      if (this.dirty()) { this.keepDraft(); this.save(); return; }
      this.dropDraft();
      this.show("saved");
      refreshSide();
      return;
    }
    if (res.status === 409) {
      const cur = data.error && data.error.current_section;
      this.openMerge(this.base, cur ? cur.body : "", body, cur ? cur.revision : this.revision);
      return;
    }
    if (res.status >= 500) { this.offline(); return; }
    this.show("error");
  }

  offline() {
    this.keepDraft();
    this.show("offline");
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.save(), 5000);
  }

  // openMerge shows the other author's saved text beside the user's and
  // keeps the user's text in the draft until a merged version is saved.
  openMerge(base, theirs, yours, theirsRevision) {
    clearTimeout(this.timer);
    this.show("conflict");
    this.keepDraft();
    this.merge.hidden = false;
    this.merge.dataset.theirs = theirs;
    this.merge.dataset.revision = String(theirsRevision);
    this.merge.querySelector(".merge-base pre").textContent = base;
    this.merge.querySelector(".merge-theirs").textContent = theirs;
    this.holder.hidden = true;
    const host = this.merge.querySelector(".merge-yours");
    host.textContent = "";
    this.mergeView = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: yours,
        extensions: [styleNonce, EditorView.lineWrapping, markMarkdown, history(), keymap.of([{ key: "Enter", run: continueList }, ...standardKeymap, ...historyKeymap]),
          EditorView.contentAttributes.of({ "aria-label": host.dataset.label || "", "aria-multiline": "true" })],
      }),
    });
    this.merge.querySelector("h3").focus();
  }

  resolve(text, takeTheirs) {
    const theirs = this.merge.dataset.theirs || "";
    this.setRevision(parseInt(this.merge.dataset.revision, 10) || this.revision);
    this.base = theirs;
    this.merge.hidden = true;
    this.holder.hidden = false;
    if (this.mergeView) { this.mergeView.destroy(); this.mergeView = null; }
    this.state = "saved";
    this.setText(text);
    if (takeTheirs) { this.dropDraft(); this.show("saved"); } else { this.flush(); }
    this.view.focus();
  }

  togglePreview(button) {
    const on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", on ? "true" : "false");
    this.preview.hidden = !on;
    this.holder.hidden = on;
    if (on) { this.renderPreview(); }
  }

  // images uploads the image files of a drop or paste (others are left to
  // CodeMirror) and puts each one's Markdown where it landed, a placeholder
  // standing in while it uploads.
  images(data, view, pos, ev) {
    const files = data ? Array.from(data.files || []).filter((f) => /^image\/(png|jpeg|gif)$/.test(f.type)) : [];
    if (!files.length || !doc.dataset.attachments) { return false; }
    ev.preventDefault();
    for (const f of files) { this.upload(view, f, pos == null ? view.state.selection.main.head : pos); }
    return true;
  }

  async upload(view, file, pos) {
    const mark = "![" + (doc.dataset.labelUploading || "…") + " " + (++uploads) + "]()";
    view.dispatch({ changes: { from: pos, insert: mark }, userEvent: "input" });
    const body = new FormData();
    body.append("file", file, file.name || "image");
    let text = "", msg = "";
    try {
      const res = await fetch(doc.dataset.attachments, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json", "X-CSRF-Token": csrf }, body });
      const out = await res.json();
      if (res.ok) { text = out.markdown; } else { msg = out.error && out.error.message; }
    } catch (e) { msg = ""; }
    const at = view.state.doc.toString().indexOf(mark);
    if (at >= 0) { view.dispatch({ changes: { from: at, to: at + mark.length, insert: text }, userEvent: "input" }); }
    if (!text && this.out) {
      this.out.dataset.state = "error";
      this.out.textContent = (doc.dataset.labelImageFailed || "") + (msg ? " " + msg : "");
    }
  }

  async renderPreview() {
    const form = new URLSearchParams();
    form.set("body", this.text());
    try {
      const res = await fetch(doc.dataset.preview, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf },
        body: form.toString(),
      });
      // The preview endpoint answers HTML made by the server's one
      // Markdown-to-HTML function (goldmark, then bluemonday).
      if (res.ok) { this.preview.innerHTML = await res.text(); }
    } catch (e) { /* offline: keep the last preview */ }
  }

  // restore applies a draft kept in this browser: on the same revision it
  // simply continues; if the server moved on meanwhile it opens the merge.
  restore() {
    const d = readDraft(this.key);
    if (!d || typeof d.body !== "string") { return false; }
    if (d.body === this.base) { this.dropDraft(); return false; }
    if (this.visibility && d.visibility) { this.visibility.value = d.visibility; }
    if (d.base === this.revision || d.baseBody === this.base) {
      this.setText(d.body);
      this.flush();
    } else {
      this.openMerge(d.baseBody || "", this.base, d.body, this.revision);
    }
    return true;
  }
}

// refreshSide swaps in the server's fresh section marks and quality checks
// after a save, so a filled section no longer says "required, still empty".
async function refreshSide() {
  try {
    const res = await fetch(location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } });
    if (!res.ok) { return; }
    const fresh = new DOMParser().parseFromString(await res.text(), "text/html");
    const side = fresh.querySelector(".doc-side"), old = document.querySelector(".doc-side");
    if (side && old) {
      const open = old.querySelector("details.doc-checks").open;
      old.innerHTML = side.innerHTML;
      old.querySelector("details.doc-checks").open = open;
    }
    for (const s of sections) {
      const sel = "#s-" + CSS.escape(s.key) + " .doc-section-head .badge.required";
      const was = document.querySelector(sel);
      if (was && !fresh.querySelector(sel)) { was.remove(); }
    }
  } catch (e) { /* the next save tries again */ }
}

if (doc) {
  const labels = {
    bold: doc.dataset.wordBold || "bold",
    italic: doc.dataset.wordItalic || "italic",
    linkText: doc.dataset.wordLink || "link",
    table: doc.dataset.table || "| | |\n| --- | --- |\n| | |",
  };
  const cmd = commands(labels);
  cmd.comment = commentOnSelection; // area collab: the toolbar's Comment
  for (const form of doc.querySelectorAll("form.doc-form")) {
    sections.push(new Section(form, labels, cmd));
  }
  let restored = false;
  if (doc.hasAttribute("data-editable")) {
    for (const s of sections) { restored = s.restore() || restored; }
  }
  if (restored) { document.getElementById("doc-restored").hidden = false; }
  showDocState();
  startCollab(doc, sections); // area collab: co-authors, comments, timeline grid
  window.addEventListener("online", () => { for (const s of sections) { if (s.state === "offline") { s.flush(); } } });
  window.addEventListener("beforeunload", (ev) => {
    if (sections.some((s) => s.dirty() || s.state === "conflict")) {
      for (const s of sections) { if (s.dirty()) { s.keepDraft(); } }
      ev.preventDefault();
      ev.returnValue = "";
    }
  });
  // How long after the navigation started the editors were usable; the
  // browser test reports it (measured, not asserted).
  doc.dataset.readyMs = String(Math.round(performance.now()));
  doc.dataset.ready = "true";
}
