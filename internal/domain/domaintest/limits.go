// Package domaintest builds domain values for tests and benchmarks in other
// packages: an RCA at every document limit (area "hygiene", issue 10
// finding 2). Only test code imports it.
package domaintest

import (
	"fmt"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// translationTags are 20 distinct BCP 47 tags.
var translationTags = []string{"de", "fr", "es", "pt-BR", "it", "nl", "pl", "sv", "da", "fi",
	"nb", "cs", "sk", "hu", "ro", "el", "tr", "ja", "ko", "zh-Hans"}

// paragraph is Markdown with the constructs the renderers handle: emphasis,
// code, links, a list and a table, about 1 KiB.
const paragraph = "Between 09:26 and 10:13 UTC the **Templates API** answered _some_ partner requests with " +
	"errors; the `render-worker` pool was exhausted after a [configuration change](https://example.com/change/42) " +
	"was rolled out without its companion component. Über 3 % der Anfragen schlugen fehl.\n\n" +
	"- detection took four minutes\n- mitigation rolled the release back\n- 1. nested item\n\n" +
	"| region | errors | p99 |\n| --- | --- | --- |\n| eu-west | 1,204 | 9.1 s |\n| us-east | 311 | 4.2 s |\n\n" +
	"> Customers saw HTTP 503 for template rendering.\n\n```\nkubectl rollout undo deploy/render-worker\n```\n\n"

// RCAAtLimits is a valid draft RCA at every limit at once: a title of
// domain.MaxTitleRunes characters, domain.MaxSections sections,
// domain.MaxTimelineEntries timeline entries, domain.MaxActionItems action
// items, domain.MaxTranslations translations, and section bodies that fill
// the text up to domain.MaxRCATextBytes (less slack bytes).
func RCAAtLimits(now time.Time, slack int) domain.RCA {
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	title := strings.Repeat("Überlast ", domain.MaxTitleRunes/9) // 9 runes each
	title += strings.Repeat("x", domain.MaxTitleRunes-len([]rune(title)))
	r := domain.NewRCA(title, tpl, "en", []string{"inc-1", "inc-2"}, "u-author", now)
	r.Sections = r.Sections[:0]
	for i := range domain.MaxSections {
		r.Sections = append(r.Sections, domain.Section{
			Key: fmt.Sprintf("s%03d", i), Title: fmt.Sprintf("Section %d: Ursachenanalyse", i+1),
			Visibility: domain.External, Revision: 1,
		})
	}
	r.Translations = map[string]domain.RCATranslation{}
	r.Sections[0].Translations = map[string]domain.SectionTranslation{}
	for _, tag := range translationTags[:domain.MaxTranslations] {
		r.Translations[tag] = domain.RCATranslation{Title: "Teilweiser Ausfall " + tag}
		r.Sections[0].Translations[tag] = domain.SectionTranslation{Title: "Zusammenfassung " + tag, Body: "Kurz: " + tag}
	}
	kinds := []domain.TimelineKind{domain.KindImpactStart, domain.KindDetected, domain.KindEscalated,
		domain.KindIdentified, domain.KindMitigated, domain.KindResolved, domain.KindRecurred, domain.KindNote}
	for i := range domain.MaxTimelineEntries {
		r.Timeline = append(r.Timeline, domain.TimelineEntry{
			ID: fmt.Sprintf("t%05d", i), At: now.Add(time.Duration(i) * time.Minute), Kind: kinds[i%len(kinds)],
			Text:       fmt.Sprintf("Entry %d: on-call saw **error rate** at %d %% on `render-worker`; paged the database team.", i, i%100),
			Visibility: domain.External,
		})
	}
	states := []domain.ActionState{domain.ActionOpen, domain.ActionInProgress, domain.ActionDone, domain.ActionWontDo}
	for i := range domain.MaxActionItems {
		r.ActionItems = append(r.ActionItems, domain.ActionItem{
			ID: fmt.Sprintf("a%04d", i), Title: fmt.Sprintf("Add a release check for configuration component %d", i),
			Owner: "team-platform", State: states[i%len(states)],
			TrackerURL: fmt.Sprintf("https://tracker.example.com/PLAT-%d", i), Visibility: domain.External,
		})
	}
	r.Normalize()
	// Fill the section bodies evenly up to the text limit.
	room := domain.MaxRCATextBytes - slack - r.TextBytes()
	per := room / domain.MaxSections
	for i := range r.Sections {
		n := per
		if i == len(r.Sections)-1 {
			n = room - per*(domain.MaxSections-1)
		}
		r.Sections[i].Body = fill(n)
	}
	return r
}

// fill is Markdown of exactly n bytes made of whole paragraphs and ASCII padding.
func fill(n int) string {
	var b strings.Builder
	for b.Len()+len(paragraph) <= n {
		b.WriteString(paragraph)
	}
	b.WriteString(strings.Repeat("z", n-b.Len()))
	return b.String()
}
