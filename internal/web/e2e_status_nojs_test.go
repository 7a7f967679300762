package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/demo"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// The public status page must read well with JavaScript switched off: it is
// where customers look during an outage, often from locked-down browsers.
func TestE2EStatusPageWithoutJavaScript(t *testing.T) {
	exe := findChromium(t)
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	sum, err := demo.Seed(context.Background(), st, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	published, err := st.GetRCA(context.Background(), sum.RCAIDs[domain.TemplatePartner])
	if err != nil || published.State != domain.StatePublished || len(published.IncidentIDs) == 0 {
		t.Fatalf("demo's partner RCA is not a published, linked RCA: %v %s", err, published.State)
	}
	srv, err := New(Config{Version: "e2e", StatusPageName: "Acme Status"}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	// A page whose only job is to run a script: the positive control.
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><title>before</title><p id=p>static</p><script>document.title="after";document.getElementById("p").textContent="scripted"</script>`))
	}))
	t.Cleanup(control.Close)

	browser := startBrowser(t, exe)
	ctx := tab(t, browser)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable scripts: %v", err)
	}
	failureShots(t, ts.URL, map[string]context.Context{"status-nojs": ctx})

	do(t, ctx, "open the control page", chromedp.Navigate(control.URL))
	if got := eval[string](t, ctx, `document.getElementById("p").textContent`); got != "static" {
		t.Fatalf("scripts still run (control page says %q): the test would prove nothing", got)
	}

	type pageCheck struct {
		Styled    bool     `json:"styled"`
		Overflow  bool     `json:"overflow"`
		Hidden    []string `json:"hidden"`
		Text      string   `json:"text"`
		Headings  int      `json:"headings"`
		LinkCount int      `json:"links"`
	}
	// check measures what a reader sees: the stylesheet applied (not the
	// browser's serif default), no sideways scrolling, every heading, list
	// item and paragraph with a visible size.
	const check = `(() => {
		const body = document.body;
		const hidden = [];
		for (const el of document.querySelectorAll("h1,h2,h3,li,p,a")) {
			const r = el.getBoundingClientRect();
			if (el.textContent.trim() && (r.width === 0 || r.height === 0)) hidden.push(el.tagName + ":" + el.textContent.trim().slice(0, 40));
		}
		return {
			styled: !getComputedStyle(body).fontFamily.toLowerCase().startsWith("times"),
			overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
			hidden: hidden,
			text: body.innerText,
			headings: document.querySelectorAll("h1,h2,h3").length,
			links: document.querySelectorAll("a[href]").length,
		};
	})()`

	for _, width := range []int64{1280, 390} {
		do(t, ctx, "set the window size", chromedp.EmulateViewport(width, 800))
		do(t, ctx, "open /status in German", chromedp.Navigate(ts.URL+"/status?lang=de"), chromedp.WaitVisible(chromedp.CSS("h1")))
		pc := eval[pageCheck](t, ctx, check)
		if !pc.Styled || pc.Overflow || len(pc.Hidden) > 0 {
			t.Errorf("/status at %dpx without JavaScript: styled %v, overflow %v, hidden %v", width, pc.Styled, pc.Overflow, pc.Hidden)
		}
		for _, want := range []string{"Acme Status", "Komponenten", "Templates API", "Gelöst"} {
			if !strings.Contains(pc.Text, want) {
				t.Errorf("/status at %dpx lacks %q", width, want)
			}
		}
		if pc.Headings < 3 || pc.LinkCount < 3 {
			t.Errorf("/status at %dpx: %d headings, %d links", width, pc.Headings, pc.LinkCount)
		}

		do(t, ctx, "open an incident page", chromedp.Navigate(ts.URL+"/status/incidents/"+published.IncidentIDs[0]+"?lang=en"), chromedp.WaitVisible(chromedp.CSS("h1")))
		pc = eval[pageCheck](t, ctx, check)
		if !pc.Styled || pc.Overflow || len(pc.Hidden) > 0 {
			t.Errorf("incident page at %dpx without JavaScript: styled %v, overflow %v, hidden %v", width, pc.Styled, pc.Overflow, pc.Hidden)
		}
		if !strings.Contains(pc.Text, "Resolved") || !strings.Contains(pc.Text, published.Title) {
			t.Errorf("incident page at %dpx lacks the updates or the published RCA %q:\n%s", width, published.Title, pc.Text)
		}
	}
}
