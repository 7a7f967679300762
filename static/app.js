// Hindsight UI behaviour: autosave with conflict merge and an offline draft,
// the server-rendered Markdown preview, and small form helpers. Plain JS, no
// dependencies; every page works without it (forms post normally).
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";

  // Forms or buttons with data-confirm ask before submitting (deletes, restores).
  document.addEventListener("submit", function (ev) {
    var q = (ev.submitter && ev.submitter.dataset.confirm) || ev.target.dataset.confirm;
    if (q && !window.confirm(q)) {
      ev.preventDefault();
    }
  });

  // A form that came back with errors: move focus to the summary so screen
  // readers announce it and keyboard users start there.
  var formErrors = document.getElementById("form-errors");
  if (formErrors) { formErrors.focus(); }

  // Auto-submitting selects (filters, sort order) for keyboard users keep a button too.
  Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });

  // Forms with data-autosave (header facts, timeline entries, action items)
  // save themselves when a field is left after a change. The server answers
  // a good save with a redirect and a bad one with the form and its errors
  // (422): then the state asks the user to press Save and see them.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), function (form) {
    var out = form.querySelector(".form-state");
    var timer = null;
    function show(s) {
      if (!out) { return; }
      out.dataset.state = s;
      out.textContent = out.dataset["label" + s.charAt(0).toUpperCase() + s.slice(1)] || "";
    }
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        show("saving");
        fetch(form.action, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf },
          body: new URLSearchParams(new FormData(form)).toString()
        }).then(function (res) { show(res.ok ? "saved" : (res.status >= 500 ? "offline" : "error")); })
          .catch(function () { show("offline"); });
      }, 300);
    });
  });

  var editor = document.getElementById("section-editor");
  if (!editor) { return; }

  var textarea = document.getElementById("section-body");
  if (textarea.readOnly) { return; } // the RCA is locked in its state: nothing to save
  var visibility = document.getElementById("section-visibility");
  var state = document.getElementById("save-state");
  var preview = document.getElementById("section-preview");
  var conflictBox = document.getElementById("conflict");
  var rcaID = editor.dataset.rca;
  var key = editor.dataset.section;
  var revision = parseInt(editor.dataset.revision, 10) || 0;
  var apiURL = editor.dataset.api;
  var previewURL = editor.dataset.preview;
  var draftKey = "hindsight:draft:" + rcaID + ":" + key;
  var lastSaved = textarea.value;
  var lastVisibility = visibility ? visibility.value : "";
  var idleTimer = null, previewTimer = null, retryTimer = null;
  var saving = false, inConflict = false;
  var IDLE_MS = parseInt(editor.dataset.idle, 10) || 2000;

  function setState(s) {
    state.dataset.state = s;
    state.textContent = state.dataset["label" + s.charAt(0).toUpperCase() + s.slice(1)] || s;
    editor.dataset.saveState = s;
  }

  function dirty() {
    return textarea.value !== lastSaved || (visibility && visibility.value !== lastVisibility);
  }

  function keepDraft() {
    try {
      localStorage.setItem(draftKey, JSON.stringify({ body: textarea.value, visibility: visibility ? visibility.value : "", base: revision, at: Date.now() }));
    } catch (e) { /* storage full or disabled: nothing more we can do */ }
  }

  function dropDraft() {
    try { localStorage.removeItem(draftKey); } catch (e) { /* ignore */ }
  }

  function sectionOf(rca) {
    if (!rca || !rca.sections) { return null; }
    for (var i = 0; i < rca.sections.length; i++) {
      if (rca.sections[i].key === key) { return rca.sections[i]; }
    }
    return null;
  }

  function save() {
    if (inConflict) { return; }
    if (saving) { return; } // the running save checks dirty() when it ends
    if (!dirty()) { dropDraft(); setState("saved"); return; } // nothing the server lacks
    saving = true;
    setState("saving");
    var body = textarea.value;
    var vis = visibility ? visibility.value : "";
    keepDraft();
    fetch(apiURL, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ body: body, visibility: vis, base_revision: revision })
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { res: res, data: data }; });
    }).then(function (r) {
      saving = false;
      if (r.res.ok) {
        var s = sectionOf(r.data);
        revision = s ? s.revision : (r.data.revision || revision + 1);
        editor.dataset.revision = String(revision);
        lastSaved = body;
        lastVisibility = vis;
        dropDraft();
        if (dirty()) { save(); return; }
        setState("saved");
        refreshChecks();
        return;
      }
      if (r.res.status === 409) {
        var cur = r.data && r.data.error ? sectionOf(r.data.error.current) : null;
        showConflict(cur);
        return;
      }
      if (r.res.status >= 500 || r.res.status === 0) { offline(); return; }
      setState("error");
    }).catch(function () {
      saving = false;
      offline();
    });
  }

  // After a save the server's quality checks and section marks may have
  // changed: fetch this page again and swap in the checklist and the list.
  function refreshChecks() {
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["checklist", "section-nav", "checks-summary", "progress"].forEach(function (id) {
          var fresh = doc.getElementById(id), old = document.getElementById(id);
          if (fresh && old) { old.innerHTML = fresh.innerHTML; }
        });
        // The section's own findings ("required and still empty") go when
        // the server no longer reports them.
        var findings = document.getElementById("section-findings");
        if (findings && !doc.getElementById("section-findings")) { findings.remove(); }
      })
      .catch(function () { /* the next save tries again */ });
  }

  function offline() {
    keepDraft();
    setState("offline");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(save, 3000);
  }

  function showConflict(cur) {
    inConflict = true;
    setState("conflict");
    var theirs = cur ? cur.body : "";
    conflictBox.hidden = false;
    document.getElementById("conflict-theirs").textContent = theirs;
    document.getElementById("conflict-mine").textContent = textarea.value;
    var merged = document.getElementById("conflict-merged");
    merged.value = textarea.value === theirs ? theirs : theirs + "\n\n" + textarea.value;
    conflictBox.dataset.revision = cur ? String(cur.revision) : String(revision);
    conflictBox.dataset.theirs = theirs;
    keepDraft();
    conflictBox.querySelector("h2").focus();
  }

  function resolveConflict(text) {
    revision = parseInt(conflictBox.dataset.revision, 10) || revision;
    editor.dataset.revision = String(revision);
    lastSaved = conflictBox.dataset.theirs || "";
    textarea.value = text;
    conflictBox.hidden = true;
    inConflict = false;
    save();
    schedulePreview();
    textarea.focus();
  }

  if (conflictBox) {
    document.getElementById("conflict-use-merged").addEventListener("click", function () {
      resolveConflict(document.getElementById("conflict-merged").value);
    });
    document.getElementById("conflict-use-mine").addEventListener("click", function () {
      resolveConflict(document.getElementById("conflict-mine").textContent);
    });
    document.getElementById("conflict-use-theirs").addEventListener("click", function () {
      resolveConflict(conflictBox.dataset.theirs || "");
    });
  }

  function schedule() {
    if (inConflict) { return; }
    keepDraft();
    if (state.dataset.state !== "offline") { setState(dirty() ? "unsaved" : "saved"); }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(save, IDLE_MS);
  }

  function renderPreview() {
    if (!preview) { return; }
    var form = new URLSearchParams();
    form.set("body", textarea.value);
    fetch(previewURL, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf },
      body: form.toString()
    }).then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) { if (html !== null) { preview.innerHTML = html; } })
      .catch(function () { /* offline: keep the last preview */ });
  }

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(renderPreview, 400);
  }

  textarea.addEventListener("input", function () { schedule(); schedulePreview(); });
  textarea.addEventListener("blur", function () { clearTimeout(idleTimer); save(); });
  if (visibility) { visibility.addEventListener("change", function () { clearTimeout(idleTimer); save(); }); }
  window.addEventListener("online", function () { if (state.dataset.state === "offline") { save(); } });
  window.addEventListener("beforeunload", function (ev) {
    if (dirty() || inConflict) { keepDraft(); ev.preventDefault(); ev.returnValue = ""; }
  });

  // The editor saves by itself; the form's save button stays for users without JS.
  var fallback = document.getElementById("section-save");
  if (fallback) {
    editor.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(idleTimer); save(); });
  }

  // A draft kept while the server was unreachable wins over the page's text
  // and is saved now; a stale base revision turns into the conflict view.
  try {
    var kept = JSON.parse(localStorage.getItem(draftKey) || "null");
    if (kept && typeof kept.body === "string") {
      if (kept.body === textarea.value) {
        dropDraft();
      } else {
        textarea.value = kept.body;
        if (visibility && kept.visibility) { visibility.value = kept.visibility; }
        revision = kept.base || revision;
        document.getElementById("draft-restored").hidden = false;
        save();
        schedulePreview();
      }
    }
  } catch (e) { /* a broken draft is ignored */ }
  if (state.dataset.state === "") { setState("saved"); }
})();
