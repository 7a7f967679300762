// The timeline as a grid in the document editor (area collab, issue 12):
// rows are added, edited, moved (buttons or Alt+Up/Down) and deleted in
// place through /api/v1/rcas/{id}/timeline, one row at a time. An edit
// names the row as it was read; a row someone else changed meanwhile comes
// back as theirs (409), never overwritten.
const csrfMeta = document.querySelector('meta[name="csrf-token"]');
const csrf = csrfMeta ? csrfMeta.content : "";

function localIn(iso, zone) {
  try {
    const parts = {};
    for (const p of new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(iso))) {
      parts[p.type] = p.value;
    }
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
  } catch (e) {
    return iso.slice(0, 16);
  }
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  return { res, data };
}

export function startTimeline(root) {
  const api = root.dataset.api;
  const zone = root.dataset.zone || "UTC";
  const tbody = root.querySelector("tbody");
  const tpl = root.querySelector("template.tl-row");
  const status = root.querySelector(".tl-status");
  let rows = [];
  let busy = false;
  root.hidden = false;

  function say(text) { status.textContent = text; }

  function rowFor(e) {
    const tr = tpl.content.firstElementChild.cloneNode(true);
    tr.dataset.id = e.id || "";
    const local = tr.querySelector("[name=local]");
    if (e.id && !e.precision && e.at) { local.value = localIn(e.at, zone); }
    if (e.precision === "date") { local.type = "date"; local.value = e.date || ""; }
    tr.querySelector("[name=kind]").value = e.kind || "note";
    tr.querySelector("[name=text]").value = e.text || "";
    tr.querySelector("[name=visibility]").value = e.visibility || "external";
    tr.entry = e;
    return tr;
  }

  // render shows rows: a row whose entry did not change keeps its element
  // (and the focus, and what is typed in it); rows not yet saved stay last.
  function render(list) {
    rows = list;
    const act = document.activeElement;
    let target = act;
    const old = new Map();
    for (const tr of tbody.querySelectorAll("tr")) {
      if (tr.dataset.id) { old.set(tr.dataset.id, tr); }
    }
    let i = 0;
    for (const e of list) {
      let tr = old.get(e.id);
      old.delete(e.id);
      if (!tr || (JSON.stringify(tr.entry) !== JSON.stringify(e) && !tr.saving)) {
        const fresh = rowFor(e);
        if (tr) {
          if (tr.contains(act)) {
            target = fresh.querySelector(act.name ? "[name='" + act.name + "']" : (act.dataset.move ? "[data-move='" + act.dataset.move + "']" : "[data-delete]"));
          }
          tr.replaceWith(fresh);
        }
        tr = fresh;
      }
      if (tbody.children[i] !== tr) { tbody.insertBefore(tr, tbody.children[i] || null); }
      i++;
    }
    for (const tr of old.values()) { tr.remove(); }
    // Moving or redrawing a row takes the focus from it: give it back.
    if (target && target !== document.activeElement && tbody.contains(target)) { target.focus(); }
  }

  function bodyOf(tr) {
    const e = tr.entry || {};
    const local = tr.querySelector("[name=local]");
    const b = {
      kind: tr.querySelector("[name=kind]").value,
      text: tr.querySelector("[name=text]").value,
      visibility: tr.querySelector("[name=visibility]").value,
    };
    if (local.type === "date") {
      b.precision = local.value ? "date" : "none";
      if (local.value) { b.date = local.value; }
    } else if (local.value) {
      b.precision = "";
      b.local = local.value;
      b.zone = zone;
    } else {
      b.precision = "none";
    }
    if (e.id) { b.base = e; }
    return b;
  }

  // save stores one row; edits made while it is on its way follow as
  // another save of the same row, never as a second new row.
  async function save(tr) {
    if (tr.saving) { tr.again = true; return; }
    tr.saving = true;
    let last = null;
    try {
      do {
        tr.again = false;
        const b = bodyOf(tr);
        if (!tr.dataset.id && !b.text.trim()) { break; }
        tr.dataset.state = "saving";
        let ans;
        try {
          ans = tr.dataset.id ? await call("PUT", api + "/timeline/" + encodeURIComponent(tr.dataset.id), b) : await call("POST", api + "/timeline", b);
        } catch (e) {
          tr.dataset.state = "error";
          say(root.dataset.labelError);
          return;
        }
        const { res, data } = ans;
        if (res.status === 409 && data.error && data.error.current_entry) {
          const cur = data.error.current_entry;
          render(rows.map((x) => (x.id === cur.id ? cur : x)));
          say(root.dataset.labelConflict);
          return;
        }
        if (!res.ok) {
          tr.dataset.state = "error";
          say((data.error && data.error.problems && data.error.problems.map((p) => p.message || p.field).join(" ")) || (data.error && data.error.message) || root.dataset.labelError);
          return;
        }
        if (!tr.dataset.id && data.entry) { tr.dataset.id = data.entry.id; }
        tr.entry = (data.timeline || []).find((x) => x.id === tr.dataset.id) || tr.entry;
        delete tr.dataset.state;
        last = data.timeline;
      } while (tr.again);
    } finally {
      tr.saving = false;
    }
    if (last) {
      render(last);
      say(root.dataset.labelSaved);
    }
  }

  async function move(tr, by) {
    const ids = rows.map((x) => x.id);
    const i = ids.indexOf(tr.dataset.id), j = i + by;
    if (i < 0 || j < 0 || j >= ids.length) { return; }
    [ids[i], ids[j]] = [ids[j], ids[i]];
    try {
      const { res, data } = await call("PUT", api + "/timeline-order", { ids });
      if (res.ok) { render(data.timeline); say(root.dataset.labelMoved); return; }
      say((data.error && data.error.message) || root.dataset.labelError);
    } catch (e) {
      say(root.dataset.labelError + " " + e);
    }
  }

  async function remove(tr) {
    if (!tr.dataset.id) { tr.remove(); return; }
    const next = tr.nextElementSibling;
    const nextID = next ? next.dataset.id : null;
    const { res, data } = await call("DELETE", api + "/timeline/" + encodeURIComponent(tr.dataset.id));
    if (res.ok || res.status === 404) {
      if (res.ok) { render(data.timeline); }
      const row = nextID ? tbody.querySelector("tr[data-id='" + CSS.escape(nextID) + "']") : null;
      (row ? row.querySelector("[data-delete]") : root.querySelector("[data-add]")).focus();
      say(root.dataset.labelDeleted);
    }
  }

  tbody.addEventListener("change", (ev) => {
    const tr = ev.target.closest("tr");
    if (tr) { save(tr); }
  });
  tbody.addEventListener("click", (ev) => {
    const b = ev.target.closest("button");
    const tr = b && b.closest("tr");
    if (!tr) { return; }
    if (b.dataset.move) { move(tr, b.dataset.move === "up" ? -1 : 1); }
    if (b.hasAttribute("data-delete")) { remove(tr); }
  });
  tbody.addEventListener("keydown", (ev) => {
    if (!ev.altKey || (ev.key !== "ArrowUp" && ev.key !== "ArrowDown")) { return; }
    const tr = ev.target.closest("tr");
    if (tr && tr.dataset.id) { ev.preventDefault(); move(tr, ev.key === "ArrowUp" ? -1 : 1); }
  });
  root.querySelector("[data-add]").addEventListener("click", () => {
    const tr = rowFor({ precision: "", kind: "note", visibility: "external" });
    tbody.append(tr);
    tr.querySelector("[name=local]").focus();
  });

  async function reload() {
    if (busy) { return; }
    busy = true;
    try {
      const res = await fetch(api, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (res.ok) {
        const r = await res.json();
        render(r.timeline || []);
      }
    } catch (e) { /* offline: keep what is shown */ }
    busy = false;
  }
  reload();
  return { reload };
}
