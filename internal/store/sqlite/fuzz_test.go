package sqlite

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// FuzzRCAQuery checks that any text search is answered without error and
// finds exactly the RCAs whose searchable text (title, sections, services,
// tags, …) holds the query's words in a row, as whole words, ignoring case
// and accents; a query without words (only symbols) is a
// plain substring. SQL wildcards, FTS5 syntax and quotes are plain text.
func FuzzRCAQuery(f *testing.F) {
	s := openTemp(f)
	ctx := f.Context()
	tpl, _ := domain.BuiltinTemplate("standard")
	texts := []string{
		"100% of requests failed_fast; O'Brien's \"fix\"",
		"Zeitüberschreitung beim Zustellen 🚨 [a-z]* .+ ^$",
		"Überlast im RZ – `SELECT * FROM rcas; --` \\ %_",
		"plain words only",
	}
	var all []domain.RCA
	for i, text := range texts {
		r := domain.NewRCA("RCA "+string([]rune(text)[:5]), tpl, "en", nil, "u", time.Now())
		r.Sections[i%len(r.Sections)].Body = text
		r.Tags = []string{"tag" + text[len(text)-2:]}
		if err := s.CreateRCA(ctx, &r, "u"); err != nil {
			f.Fatal(err)
		}
		all = append(all, r)
	}
	for _, seed := range []string{"%", "_", "'", "\"", "100%", "failed_fast", "ÜBERLAST", "🚨", "[a-z]*", ".+", "^$", "\\", "--", "' OR 1=1 --", "", "  ", "rca", "\x00", "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got, total, err := s.ListRCAs(ctx, store.RCAFilter{Query: q, Page: store.Page{Limit: 500}})
		if err != nil {
			t.Fatalf("ListRCAs(%q): %v", q, err)
		}
		want := map[string]bool{}
		for _, r := range all {
			if searchMatches(&r, strings.TrimSpace(q)) {
				want[r.ID] = true
			}
		}
		if total != len(want) || len(got) != len(want) {
			t.Fatalf("ListRCAs(%q): %d found (total %d), want %d", q, len(got), total, len(want))
		}
		for _, r := range got {
			if !want[r.ID] {
				t.Fatalf("ListRCAs(%q) found %q, which does not contain it", q, r.Title)
			}
		}
	})
}

// FuzzAuditAction checks the audit log's action filter: a plain prefix match,
// counted in characters, with no wildcards.
func FuzzAuditAction(f *testing.F) {
	s := openTemp(f)
	ctx := f.Context()
	actions := []string{"rca.create", "rca.state", "rcax.other", "user.signin", "user.signin_failed", "ü.änderung", "100%.done", "a_b"}
	for _, a := range actions {
		if err := s.AppendAudit(ctx, &domain.AuditEvent{Actor: "u", Action: a}); err != nil {
			f.Fatal(err)
		}
	}
	for _, seed := range []string{"rca.", "rca", "rca_", "%", "_", "ü", "ü.", "ä", "100%", "a_", "a%", "user.signin", "\xc3"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, prefix string) {
		got, total, err := s.ListAudit(ctx, store.AuditFilter{Action: prefix})
		if err != nil {
			t.Fatalf("ListAudit(%q): %v", prefix, err)
		}
		want := 0
		for _, a := range actions {
			if strings.HasPrefix(a, prefix) {
				want++
			}
		}
		if total != want || len(got) != want {
			t.Fatalf("ListAudit(%q): %d found (total %d), want %d", prefix, len(got), total, want)
		}
		for _, e := range got {
			if !strings.HasPrefix(e.Action, prefix) {
				t.Fatalf("ListAudit(%q) found %q", prefix, e.Action)
			}
		}
	})
}

// FuzzIncidentQuery checks the incident title search the same way.
func FuzzIncidentQuery(f *testing.F) {
	s := openTemp(f)
	ctx := f.Context()
	titles := []string{"CDN latency in EU", "100% packet loss_fra", "Überlast – O'Brien's \"DB\"", "[ok] .* ^$ \\"}
	for i, title := range titles {
		in := domain.Incident{Title: title, StartedAt: time.Now().Add(time.Duration(i) * time.Minute)}
		in.Normalize()
		if err := s.CreateIncident(ctx, &in); err != nil {
			f.Fatal(err)
		}
	}
	for _, seed := range []string{"cdn", "%", "_", "'", "überlast", "ÜBERLAST", ".*", "\\", "", "\xff", "loss_"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got, total, err := s.ListIncidents(ctx, store.IncidentFilter{Query: q, Page: store.Page{Limit: 500}})
		if err != nil {
			t.Fatalf("ListIncidents(%q): %v", q, err)
		}
		needle := strings.ToLower(strings.TrimSpace(q))
		want := 0
		for _, title := range titles {
			if strings.Contains(strings.ToLower(title), needle) {
				want++
			}
		}
		if total != want || len(got) != want {
			t.Fatalf("ListIncidents(%q): %d found (total %d), want %d", q, len(got), total, want)
		}
	})
}

// searchMatches is the search oracle: the model FuzzRCAQuery holds the FTS5
// search to.
func searchMatches(r *domain.RCA, q string) bool {
	title, body := searchRow(r, domain.Internal)
	text := title + "\n" + body
	if q == "" {
		return true
	}
	qw := words(q)
	if len(qw) == 0 {
		return strings.Contains(text, q)
	}
	for _, part := range []string{title, body} {
		tw := words(part)
		for i := 0; i+len(qw) <= len(tw); i++ {
			ok := true
			for j, w := range qw {
				ok = ok && tw[i+j] == w
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// words splits like the unicode61 tokenizer: letters and digits, lowercased,
// accents removed.
func words(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(norm.NFD.String(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	}) {
		w = strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) {
				return -1
			}
			return unicode.ToLower(r)
		}, w)
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}
