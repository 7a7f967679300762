package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestAuditPage: admins see the audit log with filters and pages; nobody
// else does.
func TestAuditPage(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	admin, author := e.users[domain.RoleAdmin], e.users[domain.RoleAuthor]
	// Thirty old events by the author, then the sign-ins of this test.
	old := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	for i := range 30 {
		ev := domain.AuditEvent{ID: domain.NewID(), At: old.Add(time.Duration(i) * time.Minute), Actor: author.ID,
			Action: "rca.export", Target: fmt.Sprintf("rca:r%02d", i), IP: "203.0.113.9", Detail: map[string]string{"format": "pdf", "lang": "de"}}
		if err := e.st.AppendAudit(ctx, &ev); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("roles", func(t *testing.T) {
		anon := e.client()
		r := anon.get("/admin/audit", http.StatusSeeOther)
		if !strings.HasPrefix(r.header.Get("Location"), "/signin?next=") {
			t.Fatalf("anonymous: redirected to %q", r.header.Get("Location"))
		}
		for _, role := range []domain.Role{domain.RoleViewer, domain.RoleAuthor, domain.RoleReviewer} {
			body := e.as(role).get("/admin/audit", http.StatusForbidden).body
			mustNotContain(t, body, "203.0.113.9")
		}
	})

	c := e.as(domain.RoleAdmin)
	t.Run("newest first, with who, what, when, where", func(t *testing.T) {
		body := c.get("/admin/audit", http.StatusOK).body
		mustContain(t, body, "Audit log", `<code>user.signin</code>`, admin.Name, `href="/admin/audit" aria-current="page"`)
		if strings.Index(body, "user.signin") > strings.Index(body, "rca.export") {
			t.Error("older events shown before newer ones")
		}
		mustContain(t, body, `rel="next"`, "Page 1 of 2")
		// area "ui": actions are worded for the reader, the code stays beside them.
		mustContain(t, body, "Signed in<br><code>user.signin</code>", "RCA exported<br><code>rca.export</code>")
		de := c.get("/admin/audit?lang=de", http.StatusOK).body
		mustContain(t, de, "Angemeldet<br><code>user.signin</code>", "RCA exportiert<br><code>rca.export</code>")
		c.get("/admin/audit?lang=en", http.StatusOK) // ?lang= is remembered: back to English
	})

	t.Run("filter by actor and action, paged", func(t *testing.T) {
		q := url.Values{"actor": {author.ID}, "action": {"rca."}}
		body := c.get("/admin/audit?"+q.Encode(), http.StatusOK).body
		mustContain(t, body, `<a href="/rcas/r29">rca:r29</a>`, "format: pdf; lang: de", "203.0.113.9", "Page 1 of 2")
		mustNotContain(t, body, "<code>user.signin</code>", "rca:r04")
		q.Set("offset", "25")
		body = c.get("/admin/audit?"+q.Encode(), http.StatusOK).body
		mustContain(t, body, "rca:r04", "rca:r00", "Page 2 of 2", `rel="prev"`)
		mustNotContain(t, body, "rca:r05<")
	})

	t.Run("since a day", func(t *testing.T) {
		body := c.get("/admin/audit?since="+time.Now().UTC().Format("2006-01-02"), http.StatusOK).body
		mustContain(t, body, "<code>user.signin</code>")
		mustNotContain(t, body, "<code>rca.export</code>")
		body = c.get("/admin/audit?since=2020-01-01&action=rca.export", http.StatusOK).body
		mustContain(t, body, "rca:r29")
	})

	t.Run("nothing matches", func(t *testing.T) {
		body := c.get("/admin/audit?action=target.", http.StatusOK).body
		mustContain(t, body, "No events match these filters.")
	})

	t.Run("bad filters are explained, not a crash", func(t *testing.T) {
		for _, q := range []string{"since=yesterday", "since=2025-13-40", "action=" + url.QueryEscape("<script>"), "action=" + strings.Repeat("a", 80)} {
			body := c.get("/admin/audit?"+q, http.StatusUnprocessableEntity).body
			mustContain(t, body, `class="flash error"`)
			mustNotContain(t, body, "<script>")
		}
	})

	t.Run("German", func(t *testing.T) {
		c.lang = "de"
		defer func() { c.lang = "" }()
		body := c.get("/admin/audit?lang=de", http.StatusOK).body
		mustContain(t, body, "Prüfprotokoll", "Wer", "Seit (Tag)")
	})
}

func TestAuditTargetURLAndDetail(t *testing.T) {
	for target, want := range map[string]string{
		"rca:abc": "/rcas/abc", "incident:i1": "/incidents/i1", "user:u1": "/admin/users",
		"token:t1": "", "email:x@example.com": "", "rca:": "", "rca:a/b": "", "nonsense": "",
	} {
		if got := auditTargetURL(target); got != want {
			t.Errorf("auditTargetURL(%q) = %q, want %q", target, got, want)
		}
	}
	if got := auditDetail(map[string]string{"to": "approved", "from": "in_review"}); got != "from: in_review; to: approved" {
		t.Errorf("auditDetail = %q", got)
	}
	if got := auditDetail(nil); got != "" {
		t.Errorf("auditDetail(nil) = %q", got)
	}
}

// TestAuditPageNamesTargets: the audit log names the RCA, incident and user
// an event was about, not their ids (area collab, issue 12).
func TestAuditPageNamesTargets(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	author := e.users[domain.RoleAuthor]
	r := e.rca("Checkout outage of March")
	in := e.incident("Payments degraded")
	for _, target := range []string{"rca:" + r.ID, "incident:" + in.ID, "user:" + author.ID, "rca:gone-rca"} {
		ev := domain.AuditEvent{ID: domain.NewID(), At: time.Now().UTC(), Actor: author.ID, Action: "rca.export", Target: target}
		if err := e.st.AppendAudit(ctx, &ev); err != nil {
			t.Fatal(err)
		}
	}
	body := e.as(domain.RoleAdmin).get("/admin/audit?action=rca.export", http.StatusOK).body
	mustContain(t, body, ">Checkout outage of March</a>", ">Payments degraded</a>", ">"+author.Name+"</a>", ">rca:gone-rca</a>")
	mustNotContain(t, body, ">rca:"+r.ID+"<", ">user:"+author.ID+"<")
}
