package statuspage

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/markdown"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Links     []atomLink `xml:"link"`
	Content   atomText   `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// feed is /status/feed.atom: the 50 newest incidents, each with its
// updates (newest first) as HTML content. Labels are in the language named
// by ?lang= (feed readers send no Accept-Language worth trusting), else the
// page's default.
func (s *Site) feed(r *http.Request, lang string) (*cached, error) {
	c, err := s.load(r.Context(), loadSpec{newest: 50, unresolved: true})
	if err != nil {
		return nil, err
	}
	l := s.cat.Localizer(lang) // checked by serve: ?lang= or the default
	base := c.BaseURL
	f := atomFeed{
		Lang:    lang,
		ID:      base + "/status",
		Title:   l.T("status.feed.title", map[string]any{"Value": s.cfg.Name}),
		Updated: atomTime(c.Page.UpdatedAt),
		Links:   []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/status/feed.atom"}, {Rel: "alternate", Type: "text/html", Href: base + "/status"}},
		Author:  atomAuthor{Name: s.cfg.Name},
	}
	for _, in := range c.Incidents {
		v := c.V2Incident(in)
		var b strings.Builder
		ups := oldestFirst(in.Updates)
		for i := len(ups) - 1; i >= 0; i-- {
			u := ups[i]
			fmt.Fprintf(&b, "<p><strong>%s</strong> – %s</p>%s", html.EscapeString(enumLabel(l, "enum.update_status.", string(u.Status))),
				html.EscapeString(l.DateTime(u.At, s.loc)), markdown.ToHTML(u.Body))
		}
		if len(c.PublishedRCAs(in)) > 0 {
			fmt.Fprintf(&b, `<p><a href="%s">%s</a></p>`, html.EscapeString(v.Shortlink), html.EscapeString(l.T("status.incident.rca")))
		}
		f.Entries = append(f.Entries, atomEntry{
			ID: v.Shortlink, Title: in.Title, Updated: atomTime(v.UpdatedAt), Published: atomTime(in.StartedAt),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: v.Shortlink}},
			Content: atomText{Type: "html", Body: b.String()},
		})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("statuspage: encode feed: %w", err)
	}
	return &cached{status: http.StatusOK, body: buf.Bytes(), ctype: "application/atom+xml; charset=utf-8"}, nil
}

func atomTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}
