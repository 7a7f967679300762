// In-place forms (flow). A form with data-inplace="#some-id" is sent with
// fetch instead of loading a page: the server answers as it would anyway
// (a redirect to the page, or the page with what failed), and only the
// element with that id is taken from the answer, together with the
// elements marked data-refresh and the flash message. Without JavaScript
// the same forms post and redirect as usual.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.URLSearchParams) {
    return;
  }

  // revisions: the section revisions the editor shows ("key:rev,…"), so a
  // submit from the editor acts on the text its author sees.
  function revisions() {
    var out = [];
    document.querySelectorAll("form[data-section][data-revision]").forEach(function (f) {
      out.push(f.dataset.section + ":" + f.dataset.revision);
    });
    return out.join(",");
  }

  function swapFlash(doc) {
    var main = document.querySelector("main");
    var old = main && main.querySelector(":scope > .flash[role=status]");
    if (old) {
      old.remove();
    }
    var fresh = doc.querySelector("main > .flash[role=status]");
    if (main && fresh) {
      main.insertBefore(document.importNode(fresh, true), main.firstChild);
    }
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (ev.defaultPrevented || !(form instanceof HTMLFormElement) || !form.dataset.inplace || form.method.toLowerCase() !== "post") {
      return;
    }
    var sel = form.dataset.inplace;
    var rev = form.querySelector("input[name=revisions]");
    if (rev) {
      rev.value = revisions();
    }
    var body = new URLSearchParams(new FormData(form));
    if (ev.submitter && ev.submitter.name) {
      body.append(ev.submitter.name, ev.submitter.value);
    }
    ev.preventDefault();
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "text/html" }
    }).then(function (res) {
      return res.text().then(function (html) { return { res: res, html: html }; });
    }).then(function (r) {
      var doc = new DOMParser().parseFromString(r.html, "text/html");
      var fresh = doc.querySelector(sel);
      var cur = document.querySelector(sel);
      if (!fresh || !cur) {
        location.assign(r.res.url || form.action); // not a page we know: show it
        return;
      }
      // The editor after a move that locks the text (approve, archive):
      // load it again read-only rather than keep editable fields.
      var doc0 = document.getElementById("doc"), doc1 = doc.getElementById("doc");
      if (doc0 && doc1 && doc0.hasAttribute("data-editable") && !doc1.hasAttribute("data-editable")) {
        location.reload();
        return;
      }
      cur.replaceWith(document.importNode(fresh, true));
      document.querySelectorAll("[data-refresh][id]").forEach(function (el) {
        var n = doc.getElementById(el.id);
        if (n) {
          el.replaceWith(document.importNode(n, true));
        }
      });
      swapFlash(doc);
      var now = document.querySelector(sel);
      var focus = now.querySelector("[role=alert]") || document.querySelector("main > .flash[role=status]") || now;
      if (!focus.hasAttribute("tabindex")) {
        focus.setAttribute("tabindex", "-1");
      }
      focus.focus();
      document.dispatchEvent(new CustomEvent("hindsight:inplace", { detail: { selector: sel, status: r.res.status } }));
    }).catch(function () {
      // The network failed: post the form the ordinary way.
      buttons.forEach(function (b) { b.disabled = false; });
      form.removeAttribute("data-inplace");
      if (form.requestSubmit) {
        form.requestSubmit(ev.submitter || undefined);
      } else {
        form.submit();
      }
    });
  });
})();
