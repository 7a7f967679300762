package domain

// Audience is who reads an RCA: everyone signed in may read the external
// edition; the internal edition (internal sections, timeline entries and
// action items included) is for authors and above. internal/policy decides
// which one a caller gets.
type Audience string

// Audiences.
const (
	AudienceExternal Audience = "external"
	AudienceInternal Audience = "internal"
)

// Valid reports whether a is a known audience.
func (a Audience) Valid() bool { return a == AudienceExternal || a == AudienceInternal }

// Edition returns the RCA as audience a may read it. The internal edition is
// r itself; the external edition drops every internal section, timeline entry
// and action item, and the contributing factors, which are internal
// analysis (tmpl area); it is a copy: r is not changed.
func (r RCA) Edition(a Audience) RCA {
	if a == AudienceInternal {
		return r
	}
	out := r
	out.Sections = r.ExternalSections()
	if out.Sections == nil {
		out.Sections = []Section{}
	}
	out.Timeline = []TimelineEntry{}
	for _, e := range r.Timeline {
		if e.Visibility == External {
			out.Timeline = append(out.Timeline, e)
		}
	}
	out.ActionItems = []ActionItem{}
	for _, a := range r.ActionItems {
		if a.Visibility == External {
			out.ActionItems = append(out.ActionItems, a)
		}
	}
	out.ContributingFactors = []string{}
	return out
}

// SectionVisible reports whether audience a may read the section with key
// (and so comments on it); "" is the RCA as a whole, visible to everyone.
func (r RCA) SectionVisible(a Audience, key string) bool {
	if a == AudienceInternal || key == "" {
		return true
	}
	s := r.Section(key)
	return s != nil && s.Visibility == External
}
