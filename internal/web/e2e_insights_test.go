package web

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/demo"
)

// TestE2EInsights opens /insights in Chromium at desktop and phone width,
// light and dark, English and German: the page fits the viewport, the
// charts are drawn (an SVG with bars per chart), and axe-core finds no
// serious or critical violation. With HINDSIGHT_E2E_SHOTS set it saves
// insights-*.png there (docs/screenshots holds the committed ones).
func TestE2EInsights(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	// Two years of generated RCAs (factors, action items, recurring incidents).
	if _, err := demo.SeedBulk(context.Background(), srv.st, 160, 7, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	browser := startBrowser(t, exe)
	author := tab(t, browser)
	failureShots(t, srv.url, map[string]context.Context{"author": author})
	signInBrowser(t, author, srv.url, "author@example.com")
	shots := os.Getenv("HINDSIGHT_E2E_SHOTS")
	from := time.Now().AddDate(0, -23, 0).Format("2006-01") + "-01"
	for _, v := range []struct {
		name, lang, scheme string
		w, h               int64
	}{
		{"1280", "en", "light", 1280, 900},
		{"375", "en", "light", 375, 812},
		{"1280-dark", "en", "dark", 1280, 900},
		{"375-de-dark", "de", "dark", 375, 812},
		{"1280-fr", "fr", "light", 1280, 900},
	} {
		t.Run(v.name, func(t *testing.T) {
			do(t, author, "viewport, scheme", chromedp.EmulateViewport(v.w, v.h),
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
						Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v.scheme}}})
					return err
				}))
			path := "/insights?lang=" + v.lang + "&from=" + from
			do(t, author, "open", chromedp.Navigate(srv.url+path), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
			if over := eval[int](t, author, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
				t.Errorf("overflows the %dpx viewport by %dpx", v.w, over)
			}
			if n := eval[int](t, author, `document.querySelectorAll("svg.chart").length`); n != 4 {
				t.Errorf("%d charts, want 4", n)
			}
			if n := eval[int](t, author, `document.querySelectorAll("#chart-incidents rect.bar").length`); n != 24 {
				t.Errorf("%d month bars, want 24", n)
			}
			// Every chart's bars and line are visible against the page.
			fill := eval[string](t, author, `getComputedStyle(document.querySelector("#chart-incidents rect.bar")).fill`)
			bg := eval[string](t, author, `getComputedStyle(document.body).backgroundColor`)
			if fill == "" || fill == bg {
				t.Errorf("bar fill %q against background %q", fill, bg)
			}
			do(t, author, "load axe", chromedp.Evaluate[chromedp.Void](axeSource))
			c, cancel := context.WithTimeout(author, 60*time.Second)
			defer cancel()
			raw, err := chromedp.Run(c, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
				r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
				 .map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}))))`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("axe: %v", err)
			}
			var vs []axeViolation
			if err := json.Unmarshal([]byte(raw), &vs); err != nil {
				t.Fatalf("axe answer %q: %v", raw, err)
			}
			for _, x := range vs {
				t.Errorf("axe: %s (%s) at %s", x.ID, x.Help, strings.Join(x.Nodes, " | "))
			}
			if shots != "" {
				// Open the first data table so the picture shows one.
				do(t, author, "open a table", chromedp.Evaluate[chromedp.Void](`document.querySelector("#chart-incidents details").open = true`))
				shoot(t, author, filepath.Join(shots, "insights-"+v.name+".png"))
				if detail := os.Getenv("HINDSIGHT_E2E_SHOTS_DETAIL"); detail != "" {
					for _, id := range []string{"chart-incidents", "chart-mttr", "chart-factors"} {
						c, cancel := context.WithTimeout(author, 10*time.Second)
						png, err := chromedp.Run(c, chromedp.Screenshot(chromedp.CSS("#"+id+" svg")))
						cancel()
						if err == nil {
							_ = os.WriteFile(filepath.Join(detail, "insights-"+v.name+"-"+id+".png"), png, 0o644)
						}
					}
				}
			}
		})
	}
}
