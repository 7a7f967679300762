package web

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// TestAPIListCursors pages /api/v1/rcas and /api/v1/incidents with the next
// cursor: every record once, summaries (no sections), and a changed cursor
// is a 400 naming the field.
func TestAPIListCursors(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 5 {
		inc := e.incident(fmt.Sprintf("Outage %d", i))
		r := e.rca(fmt.Sprintf("Outage %d", i), "standard", inc.ID)
		ids = append(ids, r.ID)
	}
	type summaryList struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
		Next  string           `json:"next"`
	}
	seen := map[string]int{}
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("cursor paging does not end")
		}
		var l summaryList
		e.must("author", "GET", "/api/v1/rcas?limit=2&cursor="+url.QueryEscape(cursor), nil, 200, &l)
		if l.Total != 5 {
			t.Fatalf("total %d, want 5", l.Total)
		}
		for _, it := range l.Items {
			seen[it["id"].(string)]++
			if _, ok := it["sections"]; ok {
				t.Fatalf("a list item carries sections: %v", it)
			}
		}
		if l.Next == "" {
			break
		}
		cursor = l.Next
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Fatalf("RCA %s listed %d times over the cursor pages", id, seen[id])
		}
	}

	var first summaryList
	e.must("author", "GET", "/api/v1/rcas?limit=1", nil, 200, &first)
	for name, p := range map[string]string{
		"changed":        "/api/v1/rcas?limit=1&cursor=" + url.QueryEscape(first.Next[:len(first.Next)-1]+"x"),
		"garbage":        "/api/v1/rcas?cursor=abc",
		"other filter":   "/api/v1/rcas?limit=1&state=draft&cursor=" + url.QueryEscape(first.Next),
		"incident list":  "/api/v1/incidents?limit=1&cursor=" + url.QueryEscape(first.Next),
		"incident wrong": "/api/v1/incidents?cursor=zzz.yyy",
	} {
		t.Run(name, func(t *testing.T) {
			w := e.as("author", "GET", p, nil)
			if w.Code != 400 {
				t.Fatalf("status %d, want 400: %s", w.Code, w.Body)
			}
			ae := decodeErr(t, w)
			if ae.Error.Code != "bad_cursor" || ae.Error.Field != "cursor" || ae.Error.Message == "" {
				t.Fatalf("error: %s", w.Body)
			}
		})
	}
	if w := e.as("author", "GET", "/api/v1/rcas?q=outage&sort=best", nil); w.Code != 400 {
		t.Fatalf("unknown sort: status %d", w.Code)
	}

	var incs summaryList
	e.must("viewer", "GET", "/api/v1/incidents?limit=3", nil, 200, &incs)
	if incs.Total != 5 || len(incs.Items) != 3 || incs.Next == "" {
		t.Fatalf("incident page: %+v", incs)
	}
	if _, ok := incs.Items[0]["updates"]; ok {
		t.Fatal("an incident list item carries its updates")
	}
	e.must("viewer", "GET", "/api/v1/incidents?limit=3&cursor="+url.QueryEscape(incs.Next), nil, 200, &incs)
	if len(incs.Items) != 2 || incs.Next != "" {
		t.Fatalf("last incident page: %d items, next %q", len(incs.Items), incs.Next)
	}
}

// TestAPISearchAudience: a viewer's search neither matches nor shows
// internal text; an author's does, with a highlighted snippet.
func TestAPISearchAudience(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Queue backlog", "standard")
	ctx := t.Context()
	got, err := e.st.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	got.Section("summary").Body = "Messages waited in the queue for an hour."
	got.Section("root_cause").Body = "The broker password zebracorn expired."
	got.Section("root_cause").Visibility = domain.Internal
	if err := e.st.UpdateRCA(ctx, &got, e.users["author"].ID, "test"); err != nil {
		t.Fatal(err)
	}
	var l struct {
		Items []store.RCASummary `json:"items"`
		Total int                `json:"total"`
	}
	e.must("viewer", "GET", "/api/v1/rcas?q=zebracorn", nil, 200, &l)
	if l.Total != 0 || len(l.Items) != 0 {
		t.Fatalf("a viewer found internal text: %+v", l.Items)
	}
	e.must("author", "GET", "/api/v1/rcas?q=zebracorn", nil, 200, &l)
	if l.Total != 1 || !strings.Contains(l.Items[0].Snippet, store.SnippetOpen+"zebracorn"+store.SnippetClose) {
		t.Fatalf("author search: %+v", l.Items)
	}
	e.must("viewer", "GET", "/api/v1/rcas?q=queue", nil, 200, &l)
	if l.Total != 1 || strings.Contains(l.Items[0].Snippet, "zebracorn") || !strings.Contains(l.Items[0].Snippet, store.SnippetOpen) {
		t.Fatalf("viewer search: %+v", l.Items)
	}
}

// TestDashboardCursorPagesAndSnippets: the dashboard pages with a cursor
// link, keeps old offset links working and marks the search match,
// escaped.
func TestDashboardCursorPagesAndSnippets(t *testing.T) {
	e := newUIEnv(t)
	for i := range 27 {
		e.rca(fmt.Sprintf("Dashboard outage %02d", i))
	}
	c := e.as(domain.RoleAuthor)
	first := c.get("/", 200)
	next := regexp.MustCompile(`href="([^"]*cursor=[^"]*)" rel="next"`).FindStringSubmatch(first.body)
	if next == nil {
		t.Fatalf("no cursor next link on the dashboard")
	}
	second := c.get(html.UnescapeString(next[1]), 200)
	mustContain(t, second.body, "Dashboard outage 00", "Dashboard outage 01")
	mustNotContain(t, second.body, "Dashboard outage 26")
	old := c.get("/?offset=25", 200)
	mustContain(t, old.body, "Dashboard outage 00")
	c.get("/?cursor=tampered", 400)

	r := e.rca("Cache <b>stampede</b>")
	got := e.getRCA(r.ID)
	got.Section("summary").Body = "The <script>cache</script> stampede took the API down."
	if err := e.st.UpdateRCA(t.Context(), &got, "u", "test"); err != nil {
		t.Fatal(err)
	}
	found := c.get("/?q=stampede", 200)
	mustContain(t, found.body, "<mark>stampede</mark>", "&lt;script&gt;")
	mustNotContain(t, found.body, "<script>cache")
}
