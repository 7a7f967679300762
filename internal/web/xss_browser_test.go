package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/hostile"
)

// The XSS test in a real browser: the hostile corpus (internal/testdata/
// hostile) goes into every field an author controls, and every page that
// shows those fields is loaded in Chromium with hooks that record any script
// that runs:
//
//   - an init script (Page.addScriptToEvaluateOnNewDocument, in every frame)
//     replaces xss, alert, confirm, prompt and print with recorders that
//     push to window.__xss and log "XSSFIRED" to the console;
//   - console calls (Runtime.consoleAPICalled) and JavaScript dialogs
//     (Page.javascriptDialogOpening) are recorded too;
//   - the page's Content-Security-Policy is bypassed (Page.setBypassCSP), so
//     the test proves the escaping and sanitizing, not only the CSP;
//   - after load, a DOM audit lists live markup made from the corpus that a
//     click would run: event-handler attributes, javascript:/vbscript:/data:
//     URLs, srcdoc, script, iframe, object, embed, base, meta refresh.
//
// Positive controls prove each hook records what it should.

// xssHook is installed in every frame before any of its scripts run.
const xssHook = `(() => {
  window.__xss = window.__xss || [];
  const rec = (how) => function (arg) {
    window.__xss.push(how + ':' + String(arg));
    console.log('XSSFIRED ' + how + ' ' + String(arg));
  };
  window.xss = rec('xss');
  if (location.pathname.endsWith('/control-dialog')) return; // the dialog control needs the real alert
  for (const f of ['alert', 'confirm', 'prompt', 'print']) window[f] = rec(f);
})();`

// xssAudit lists live markup carrying a corpus token (tokenPrefix).
const xssAudit = `((prefix) => {
  const bad = [];
  const docs = [document];
  for (const f of document.querySelectorAll('iframe, frame')) {
    try { if (f.contentDocument) docs.push(f.contentDocument); } catch (e) {}
  }
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'ping', 'content'];
  const danger = /^(javascript|vbscript|data):/i;
  const dangerTags = ['script', 'iframe', 'frame', 'object', 'embed', 'base', 'meta', 'style', 'link', 'applet'];
  for (const d of docs) for (const el of d.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    // The element's own markup: its attributes, and the text of a script or style.
    let own = Array.from(el.attributes, a => a.value).join(' ');
    if (tag === 'script' || tag === 'style') own += el.textContent;
    if (dangerTags.includes(tag) && own.includes(prefix)) {
      bad.push('live <' + tag + '>: ' + el.outerHTML.slice(0, 160));
      continue;
    }
    for (const a of el.attributes) {
      if (!a.value.includes(prefix)) continue;
      const n = a.name.toLowerCase();
      const v = a.value.replace(/[\u0000-\u0020]/g, '');
      if (n.startsWith('on') || n === 'srcdoc' ||
          (urlAttrs.includes(n) && (danger.test(v) || /url=\s*(javascript|vbscript|data):/i.test(v))) ||
          (n === 'style' && /(javascript|vbscript|expression\()/i.test(v))) {
        bad.push('<' + tag + ' ' + n + '="' + a.value.slice(0, 120) + '">');
      }
    }
  }
  return bad;
})`

const tokenPrefix = "hxq"

// xssRecorder collects what the hooks saw on one tab.
type xssRecorder struct {
	mu      sync.Mutex
	console []string
	dialogs []string
}

func (r *xssRecorder) take() (console, dialogs []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	console, dialogs = r.console, r.dialogs
	r.console, r.dialogs = nil, nil
	return console, dialogs
}

// hookTab installs the hooks on a tab and returns its recorder.
func hookTab(t *testing.T, ctx context.Context) *xssRecorder {
	t.Helper()
	rec := &xssRecorder{}
	dialogs := make(chan struct{}, 64)
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				var str string
				if a.Value != nil && json.Unmarshal(a.Value, &str) == nil {
					parts = append(parts, str)
				} else if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			if msg := strings.Join(parts, " "); strings.Contains(msg, "XSSFIRED") {
				rec.mu.Lock()
				rec.console = append(rec.console, msg)
				rec.mu.Unlock()
			}
		case *page.EventJavascriptDialogOpening:
			rec.mu.Lock()
			rec.dialogs = append(rec.dialogs, string(e.Type)+": "+e.Message)
			rec.mu.Unlock()
			select {
			case dialogs <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	// A dialog stops the page until it is answered; answer from outside the listener.
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-dialogs:
				c, cancel := context.WithTimeout(ctx, 5*time.Second)
				_, _ = chromedp.Call(c, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
				cancel()
			}
		}
	}()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(c, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: xssHook}); err != nil {
		t.Fatalf("add init script: %v", err)
	}
	if _, err := chromedp.Call(c, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("bypass CSP: %v", err)
	}
	return rec
}

// xssVisit loads url and returns everything the hooks recorded: script
// runs, console marks, dialogs and the DOM audit's findings.
func xssVisit(t *testing.T, ctx context.Context, rec *xssRecorder, url string) (ran, audit, shown []string) {
	t.Helper()
	rec.take()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	// Handlers of failed images, autofocus, toggles and timers fire just after load.
	time.Sleep(250 * time.Millisecond)
	inPage, err := chromedp.Run(c, chromedp.Evaluate[[]string](`(window.__xss || []).slice()`))
	if err != nil {
		t.Fatalf("read hook on %s: %v", url, err)
	}
	audit, err = chromedp.Run(c, chromedp.Evaluate[[]string](xssAudit+`(`+fmt.Sprintf("%q", tokenPrefix)+`)`))
	if err != nil {
		t.Fatalf("audit %s: %v", url, err)
	}
	shown, err = chromedp.Run(c, chromedp.Evaluate[[]string](`Array.from(new Set(document.documentElement.outerHTML.match(/`+tokenPrefix+`\d+z/g) || []))`))
	if err != nil {
		t.Fatalf("read tokens on %s: %v", url, err)
	}
	console, dialogs := rec.take()
	ran = append(ran, inPage...)
	for _, m := range console {
		ran = append(ran, "console: "+m)
	}
	for _, d := range dialogs {
		ran = append(ran, "dialog: "+d)
	}
	return ran, audit, shown
}

// TestXSSHooksPositiveControl proves that every hook records: scripts,
// handlers, a same-origin iframe, console marks, real dialogs, a page whose
// CSP forbids scripts, and the DOM audit.
func TestXSSHooksPositiveControl(t *testing.T) {
	exe := findChromium(t)
	browser := startBrowser(t, exe)
	ctx := tab(t, browser)
	rec := hookTab(t, ctx)
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/control":
			_, _ = fmt.Fprint(w, `<!doctype html><title>control</title>
<script>xss('control-script')</script>
<img src="/missing.png" onerror="alert('control-img')">
<svg onload="print('control-print'); confirm('control-confirm'); prompt('control-prompt')"></svg>
<iframe srcdoc="<script>parent.xss('control-frame'); xss('control-in-frame')</script>"></iframe>
<a href="javascript:xss('hxqcontrol-link')">link</a>
<p onclick="xss('hxqcontrol-handler')">p</p>`)
		case "/control-csp":
			w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'none'")
			_, _ = fmt.Fprint(w, `<!doctype html><title>csp</title><script>xss('control-csp')</script>`)
		case "/control-dialog":
			_, _ = fmt.Fprint(w, `<!doctype html><title>dialog</title><script>alert('control-dialog')</script>`)
		case "/clean":
			_, _ = fmt.Fprint(w, `<!doctype html><title>clean</title><p>&lt;script&gt;xss('hxqclean')&lt;/script&gt;</p>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer control.Close()

	ran, audit, _ := xssVisit(t, ctx, rec, control.URL+"/control")
	joined := strings.Join(ran, "\n")
	for _, want := range []string{"xss:control-script", "alert:control-img", "xss:control-frame", "console: XSSFIRED xss control-script",
		"print:control-print", "confirm:control-confirm", "prompt:control-prompt"} {
		if !strings.Contains(joined, want) {
			t.Errorf("control page: hooks missed %q; recorded:\n%s", want, joined)
		}
	}
	if !strings.Contains(joined, "control-in-frame") {
		t.Errorf("control page: the iframe's own hook (console) missed its call; recorded:\n%s", joined)
	}
	if a := strings.Join(audit, "\n"); !strings.Contains(a, "javascript:xss('hxqcontrol-link')") || !strings.Contains(a, "onclick") {
		t.Errorf("control page: the DOM audit missed the javascript: link or the handler:\n%s", a)
	}
	if ran, _, _ := xssVisit(t, ctx, rec, control.URL+"/control-csp"); !strings.Contains(strings.Join(ran, "\n"), "xss:control-csp") {
		t.Errorf("a page whose CSP forbids scripts ran nothing: the CSP bypass is off, so the test would rest on the CSP; recorded %v", ran)
	}
	if ran, _, _ := xssVisit(t, ctx, rec, control.URL+"/control-dialog"); !strings.Contains(strings.Join(ran, "\n"), "dialog: alert: control-dialog") {
		t.Errorf("a real alert dialog was not recorded: %v", ran)
	}
	if ran, audit, _ := xssVisit(t, ctx, rec, control.URL+"/clean"); len(ran) > 0 || len(audit) > 0 {
		t.Errorf("escaped text recorded as a run: %v %v", ran, audit)
	}
}

// xssFixture puts the corpus in every author-controlled field.
type xssFixture struct {
	tokens    map[string]string // token -> "field: payload"
	n         int
	rca       domain.RCA
	extraRCAs []domain.RCA
	incidents []domain.Incident
}

// token names one field and payload; payloads call xss(token).
func (f *xssFixture) token(field string, p hostile.Payload) string {
	f.n++
	tok := fmt.Sprintf("%s%dz", tokenPrefix, f.n)
	f.tokens[tok] = field + " / " + p.Name
	return tok
}

// line is payload p for a single-line field.
func (f *xssFixture) line(field string, p hostile.Payload) string { return p.Line(f.token(field, p)) }

// chunks packs every payload, on one line each, into strings of at most max
// bytes: a field that holds one string gets one chunk per object.
func (f *xssFixture) chunks(field string, max int) []string {
	var out []string
	cur := ""
	for _, p := range hostile.All() {
		s := f.line(field, p)
		if cur != "" && len(cur)+1+len(s) > max {
			out = append(out, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += s
	}
	return append(out, cur)
}

// body is the whole corpus as Markdown, one payload per block.
func (f *xssFixture) body(field string) string {
	var b strings.Builder
	for _, p := range hostile.All() {
		b.WriteString(p.With(f.token(field, p)))
		b.WriteString("\n\n")
	}
	return b.String()
}

func newXSSFixture(t *testing.T, e *e2eServer) *xssFixture {
	t.Helper()
	ctx := context.Background()
	st := e.st
	f := &xssFixture{tokens: map[string]string{}}
	payloads := hostile.All()
	now := time.Now().UTC().Truncate(time.Second)
	start := now.Add(-26 * time.Hour)

	// Users: hostile names, shown as authors, reviewers, commenters and in the users list.
	var people []domain.User
	for i, name := range f.chunks("user name", domain.MaxNameLen) {
		people = append(people, (&uiEnv{t: t, st: st}).addUser(fmt.Sprintf("hostile%d@example.com", i), name, domain.RoleAuthor))
	}
	// The signed-in admin's own name is hostile too (header, settings).
	admin := e.users[domain.RoleAdmin]
	admin.Name = f.line("admin name", payloads[2])
	if err := st.UpdateUser(ctx, &admin); err != nil {
		t.Fatal(err)
	}

	// Components: name, group and description.
	var comps []domain.Component
	names, groups, descs := f.chunks("component name", domain.MaxNameLen), f.chunks("component group", domain.MaxNameLen), f.chunks("component description", 2000)
	for i, name := range names {
		c := domain.Component{Name: name, Group: groups[i%len(groups)], Description: descs[i%len(descs)], Position: i,
			Status: domain.ComponentPartialOutage}
		if err := st.CreateComponent(ctx, &c); err != nil {
			t.Fatalf("component %q: %v", name, err)
		}
		comps = append(comps, c)
	}
	// Incidents: titles; every update body holds the whole corpus. One stays unresolved.
	for i, title := range f.chunks("incident title", domain.MaxTitleLen) {
		at := start.Add(time.Duration(i) * time.Minute)
		resolved := at.Add(2 * time.Hour)
		in := domain.Incident{Title: title, Impact: domain.ImpactMajor, Status: domain.StatusResolved, StartedAt: at, ResolvedAt: &resolved,
			Components: []domain.AffectedComponent{{ComponentID: comps[i%len(comps)].ID, Status: domain.ComponentPartialOutage}},
			Updates: []domain.IncidentUpdate{
				{Status: domain.UpdateInvestigating, Body: f.body("incident update"), At: at.Add(time.Minute)},
				{Status: domain.UpdateResolved, Body: f.line("incident update (short)", payloads[i%len(payloads)]), At: resolved},
			}}
		if i == 0 {
			in.Status, in.ResolvedAt = domain.StatusMonitoring, nil
			in.Updates = in.Updates[:1]
		}
		if err := st.CreateIncident(ctx, &in); err != nil {
			t.Fatalf("incident: %v", err)
		}
		f.incidents = append(f.incidents, in)
	}
	var incIDs []string
	for _, in := range f.incidents {
		incIDs = append(incIDs, in.ID)
	}

	// The main RCA: every field, every section and translation.
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	titles := f.chunks("rca title", domain.MaxTitleLen)
	r := domain.NewRCA(titles[0], tpl, "en", incIDs, people[0].ID, now)
	if err := st.CreateRCA(ctx, &r, people[0].ID); err != nil {
		t.Fatal(err)
	}
	fill := func(r *domain.RCA, round int) {
		r.Translations = map[string]domain.RCATranslation{"de": {Title: f.chunks("rca title de", domain.MaxTitleLen)[0]}}
		for i := range r.Sections {
			s := &r.Sections[i]
			s.Title = f.line("section title", payloads[(i+round)%len(payloads)])
			s.Body = f.body("section " + s.Key + " body")
			s.Translations = map[string]domain.SectionTranslation{
				"de": {Title: f.line("section title de", payloads[(i+3)%len(payloads)]), Body: f.body("section " + s.Key + " body de")},
				"fr": {Title: f.line("section title fr", payloads[(i+5)%len(payloads)]), Body: f.body("section " + s.Key + " body fr")},
			}
		}
		r.Timeline = nil
		r.ActionItems = nil
		r.Tags, r.AffectedServices = nil, nil
		trackers := []string{
			`https://tracker.example.com/"><script>xss('%s')</script>`,
			`https://tracker.example.com/?q='onmouseover='xss('%s')'`,
			`https://tracker.example.com/#"><img src=x onerror=xss('%s')>`,
		}
		for i, p := range payloads {
			vis := domain.External
			if i%2 == 1 {
				vis = domain.Internal
			}
			r.Timeline = append(r.Timeline, domain.TimelineEntry{
				At: start.Add(time.Duration(i) * time.Minute), Kind: domain.TimelineKinds[i%len(domain.TimelineKinds)],
				Text: p.With(f.token("timeline text", p)), Visibility: vis,
				Translations: map[string]string{"de": p.With(f.token("timeline text de", p))}})
			tr := trackers[i%len(trackers)]
			r.ActionItems = append(r.ActionItems, domain.ActionItem{
				Title: f.line("action title", p), Owner: f.line("action owner", p), State: domain.ActionStates[i%len(domain.ActionStates)],
				TrackerURL: fmt.Sprintf(tr, f.token("action tracker url", p)), Visibility: vis,
				Translations: map[string]string{"de": f.line("action title de", p)}})
			r.Tags = append(r.Tags, f.line("tag", p))
			r.AffectedServices = append(r.AffectedServices, f.line("affected service", p))
		}
		r.DurationOverride = f.line("duration override", payloads[round%len(payloads)])
		r.Authors = []string{people[0].ID, people[len(people)-1].ID}
		r.Reviewers = []string{people[1%len(people)].ID}
	}
	// Two rounds, so history and diff have hostile text on both sides.
	for round := range 2 {
		r, _ = st.GetRCA(ctx, r.ID)
		fill(&r, round)
		if round == 1 {
			r.State = domain.StatePublished
			r.PublishedAt = &now
		}
		if err := st.UpdateRCA(ctx, &r, people[round%len(people)].ID, f.line("revision note", payloads[round])); err != nil {
			t.Fatalf("update rca: %v", err)
		}
	}
	f.rca, _ = st.GetRCA(ctx, r.ID)
	// Comments: the corpus, on the RCA and on sections, by hostile-named users.
	for i, p := range payloads {
		key := ""
		if i%2 == 0 {
			key = f.rca.Sections[i%len(f.rca.Sections)].Key
		}
		c := domain.Comment{RCAID: r.ID, SectionKey: key, AuthorID: people[i%len(people)].ID,
			Body: p.With(f.token("comment", p)), CreatedAt: now}
		if err := st.AddComment(ctx, &c); err != nil {
			t.Fatalf("comment: %v", err)
		}
	}
	// More RCAs so every payload is some RCA's title (the dashboard lists them).
	for _, title := range titles[1:] {
		x := domain.NewRCA(title, tpl, "en", nil, people[0].ID, now)
		if err := st.CreateRCA(ctx, &x, people[0].ID); err != nil {
			t.Fatalf("extra rca: %v", err)
		}
		f.extraRCAs = append(f.extraRCAs, x)
	}
	return f
}

func TestXSSEveryPageInChromium(t *testing.T) {
	exe := findChromium(t)
	e := startE2EServer(t)
	f := newXSSFixture(t, e)
	browser := startBrowser(t, exe)
	ctx := tab(t, browser)
	rec := hookTab(t, ctx)
	signInBrowser(t, ctx, e.url, e.users[domain.RoleAdmin].Email)
	failureShots(t, e.url, map[string]context.Context{"admin": ctx})

	rid := f.rca.ID
	pages := []string{
		"/", "/?q=script", "/settings", "/admin/users", "/admin/components",
		"/rcas/" + rid, "/rcas/" + rid + "?lang=de", "/rcas/" + rid + "?lang=fr",
		"/rcas/" + rid + "/edit", "/rcas/" + rid + "/edit?lang=de",
		"/rcas/" + rid + "/history", fmt.Sprintf("/rcas/%s/diff?from=1&to=%d", rid, f.rca.Version),
		fmt.Sprintf("/rcas/%s/diff?from=2&to=%d", rid, f.rca.Version),
		"/incidents", "/incidents?status=monitoring",
		"/status", "/status?lang=de", "/status/history", "/status/feed.atom",
		"/api/v2/summary.json", "/api/v2/incidents.json",
	}
	for i, in := range f.incidents {
		pages = append(pages, "/incidents/"+in.ID, "/status/incidents/"+in.ID)
		if i < 2 { // the forms and the German page show the same fields
			pages = append(pages, "/incidents/"+in.ID+"/edit", "/status/incidents/"+in.ID+"?lang=de")
		}
	}
	for _, x := range f.extraRCAs {
		pages = append(pages, "/rcas/"+x.ID)
	}
	failures := map[string][]string{}
	seen := map[string]bool{} // fields whose hostile text some page showed
	visit := func(where, url string) {
		ran, audit, shown := xssVisit(t, ctx, rec, url)
		if len(shown) == 0 {
			failures[where] = append(failures[where], "shows no hostile text at all: the page proves nothing (an error page?)")
		}
		for _, tok := range shown {
			field, _, _ := strings.Cut(f.tokens[tok], " / ")
			seen[field] = true
		}
		for _, r := range ran {
			failures[where] = append(failures[where], "SCRIPT RAN: "+r+f.explain(r))
		}
		for _, a := range audit {
			failures[where] = append(failures[where], "LIVE MARKUP: "+a+f.explain(a))
		}
	}
	check := func(where string, ran, audit []string) {
		for _, r := range ran {
			failures[where] = append(failures[where], "SCRIPT RAN: "+r+f.explain(r))
		}
		for _, a := range audit {
			failures[where] = append(failures[where], "LIVE MARKUP: "+a+f.explain(a))
		}
	}
	for _, p := range pages {
		visit(p, e.url+p)
	}
	// A page that is really there: guard against testing an error page.
	if title := eval[string](t, ctx, `document.title`); title == "" {
		t.Errorf("last page has no title")
	}
	if n := eval[int](t, ctx, `document.body.innerText.length`); n < 100 {
		t.Errorf("last page is nearly empty (%d characters)", n)
	}

	// The HTML export, every language, both audiences: a self-contained file
	// opened from disk, as a partner would.
	dir := t.TempDir()
	var files []string
	for _, lang := range []string{"en", "de", "fr"} {
		for _, audience := range []string{"external", "internal"} {
			path := fmt.Sprintf("/api/v1/rcas/%s/export?format=html&lang=%s&audience=%s", rid, lang, audience)
			html := evalAwait[string](t, ctx, `fetch(`+fmt.Sprintf("%q", path)+`).then(r => r.ok ? r.text() : 'HTTP ' + r.status)`)
			if !strings.Contains(html, "<html") {
				t.Fatalf("export %s: %s", path, snippet(html))
			}
			file := filepath.Join(dir, fmt.Sprintf("rca-%s-%s.html", lang, audience))
			if err := os.WriteFile(file, []byte(html), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		}
	}
	for _, file := range files {
		visit("HTML export "+filepath.Base(file), "file://"+file)
	}
	// Back on the server for the preview.
	xssVisit(t, ctx, rec, e.url+"/rcas/"+rid+"/edit")

	// The editor's live preview: the author types the corpus, the editor's
	// script fetches the server's rendering and puts it in with innerHTML.
	// The published RCA is locked, so a draft's editor is used.
	xssVisit(t, ctx, rec, e.url+"/rcas/"+f.extraRCAs[0].ID+"/edit")
	typed := evalAwait[string](t, ctx, `(async () => {
		const ta = document.getElementById('section-body');
		const out = document.getElementById('section-preview');
		if (!ta || !out || ta.readOnly) return 'no editable editor';
		out.innerHTML = '';
		ta.value = `+fmt.Sprintf("%q", f.body("editor preview"))+`;
		ta.dispatchEvent(new Event('input', {bubbles: true}));
		for (let i = 0; i < 50 && !out.innerHTML.includes('`+tokenPrefix+`'); i++) await new Promise(res => setTimeout(res, 100));
		await new Promise(res => setTimeout(res, 400));
		return 'preview ' + out.innerHTML.length;
	})()`)
	if !strings.HasPrefix(typed, "preview ") || typed == "preview 0" {
		t.Errorf("the editor's preview did not render the typed text: %s", typed)
	}
	inPage := eval[[]string](t, ctx, `(window.__xss || []).slice()`)
	audit := eval[[]string](t, ctx, xssAudit+`(`+fmt.Sprintf("%q", tokenPrefix)+`)`)
	shown := eval[[]string](t, ctx, `Array.from(new Set(document.getElementById('section-preview').innerHTML.match(/`+tokenPrefix+`\d+z/g) || []))`)
	if len(shown) == 0 {
		t.Errorf("the editor's preview shows none of the typed corpus")
	}
	console, dialogs := rec.take()
	check("editor live preview", append(append(inPage, console...), dialogs...), audit)

	// Every kind of field was on some page, so each was really tested.
	for _, field := range []string{"user name", "admin name", "component name", "component group", "component description",
		"incident title", "incident update", "incident update (short)", "rca title", "rca title de", "section title", "section title de",
		"section title fr", "timeline text", "timeline text de", "action title", "action title de", "action owner", "action tracker url",
		"tag", "affected service", "comment", "section summary body", "section summary body de", "section summary body fr"} {
		if !seen[field] {
			t.Errorf("no page showed the hostile %s: that field was not tested", field)
		}
	}
	var unseen []string
	for _, what := range f.tokens {
		field, _, _ := strings.Cut(what, " / ")
		if !seen[field] && field != "editor preview" && !slices.Contains(unseen, field) {
			unseen = append(unseen, field)
		}
	}
	sort.Strings(unseen)
	t.Logf("fields no checked page shows (not tested): %v", unseen)
	var where []string
	for w := range failures {
		where = append(where, w)
	}
	sort.Strings(where)
	for _, w := range where {
		t.Errorf("%s:\n  %s", w, strings.Join(failures[w], "\n  "))
	}
	t.Logf("%d pages and %d exports checked; %d hostile field values", len(pages), 6, len(f.tokens))
}

// evalAwait evaluates an expression whose value is a promise.
func evalAwait[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", snippet(expr), err)
	}
	return v
}

// explain names the field and payload of the tokens in s.
func (f *xssFixture) explain(s string) string {
	var out []string
	for tok, what := range f.tokens {
		if strings.Contains(s, tok) { // tokens end in "z", so none is a prefix of another
			out = append(out, what)
		}
	}
	if len(out) == 0 {
		return ""
	}
	sort.Strings(out)
	return "  [from " + strings.Join(out, "; ") + "]"
}
