package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func TestParsePaste(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tr := func(k string) string { return k }
	rows := parsePaste("09:14 Alerts fired\n\n2024-09-25 13:10 – Rolled back\n13:12:30: Errors gone\nno time here\n10:00", "2024-09-24", berlin, tr)
	want := []struct {
		utc, text, problem string
	}{
		{"2024-09-24 07:14 UTC", "Alerts fired", ""},
		{"2024-09-25 11:10 UTC", "Rolled back", ""},
		{"2024-09-25 11:12 UTC", "Errors gone", ""}, // the date above carries on
		{"", "no time here", "ui.paste.no_time"},
		{"", "", "ui.paste.no_text"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %+v", rows)
	}
	for i, w := range want {
		if rows[i].UTC != w.utc || rows[i].Text != w.text || rows[i].Problem != w.problem {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], w)
		}
	}
	if got := parsePaste("09:14 Alerts fired", "", berlin, tr); got[0].Problem != "ui.paste.no_date" {
		t.Errorf("a time without any date: %+v", got[0])
	}
	if got := parsePaste("25:99 nope", "2024-09-24", berlin, tr); got[0].Problem != "ui.paste.bad_time" {
		t.Errorf("25:99: %+v", got[0])
	}
}

// TestTimelinePastePreviewThenSave: pasted lines are shown first and saved
// only when asked, in the chosen zone, without touching the user's zone.
func TestTimelinePastePreviewThenSave(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Queue backlog")
	c := e.as(domain.RoleAuthor)
	page := c.get("/rcas/"+rc.ID+"/edit?section=timeline", http.StatusOK)
	mustContain(t, page.body, `id="timeline-paste"`, `id="paste-lines"`)
	form := url.Values{"lines": {"09:14 Alerts fired\n09:40 Rolled back"}, "date": {"2026-03-04"}, "tz": {"Europe/Berlin"}, "do": {"preview"}}
	r := c.post("/rcas/"+rc.ID+"/timeline/paste", form, http.StatusOK)
	mustContain(t, r.body, `id="paste-preview"`, "2026-03-04 09:14", "2026-03-04 08:14 UTC", `id="paste-save"`, "Add to the timeline (2)")
	if n := len(e.getRCA(rc.ID).Timeline); n != 0 {
		t.Fatalf("the preview saved %d entries", n)
	}
	// A line that does not read blocks the save and is pointed at.
	bad := url.Values{"lines": {"09:14 Alerts fired\nsometime later"}, "date": {"2026-03-04"}, "tz": {"UTC"}, "do": {"save"}}
	r = c.post("/rcas/"+rc.ID+"/timeline/paste", bad, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "No time at the start of this line.")
	mustNotContain(t, r.body, `id="paste-save"`)
	if n := len(e.getRCA(rc.ID).Timeline); n != 0 {
		t.Fatalf("a bad paste saved %d entries", n)
	}
	form.Set("do", "save")
	r = c.post("/rcas/"+rc.ID+"/timeline/paste", form, http.StatusSeeOther)
	if got := location(t, r); got != "/rcas/"+rc.ID+"/edit?section=timeline&tz=Europe%2FBerlin#timeline-heading" {
		t.Errorf("redirect = %q", got)
	}
	got := e.getRCA(rc.ID)
	if len(got.Timeline) != 2 || !got.Timeline[0].At.Equal(time.Date(2026, 3, 4, 8, 14, 0, 0, time.UTC)) || got.Timeline[1].Text != "Rolled back" {
		t.Fatalf("timeline = %+v", got.Timeline)
	}
	if u, _ := e.st.GetUser(context.Background(), e.users[domain.RoleAuthor].ID); u.TimeZone != "" {
		t.Errorf("pasting changed the user's zone to %q", u.TimeZone)
	}
}
