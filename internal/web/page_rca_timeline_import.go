package web

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Importing incident updates into the timeline (area "ui"): the author
// ticks the updates to bring in. Each imported entry gets an id made from
// the incident and the update, so an update is never imported twice, even
// after its entry was edited.

// importedEntryID is the id of the timeline entry made from one incident
// start ("start") or update (its status) at a time.
func importedEntryID(incidentID string, at time.Time, what string) string {
	sum := sha256.Sum256([]byte(incidentID + "\x00" + at.UTC().Format(time.RFC3339Nano) + "\x00" + what))
	return hex.EncodeToString(sum[:16])
}

// importRow is one incident update offered for import.
type importRow struct {
	ID, Incident, When, Kind, Text string
	Already                        bool
}

// importCandidates lists what the linked incidents could add to the
// timeline, marking what is in it already.
func importCandidates(r domain.RCA, incidents []domain.Incident, loc *uiLocale) []importRow {
	var rows []importRow
	for _, in := range incidents {
		fresh := map[string]bool{}
		for _, e := range timelineFromIncident(in, r.Timeline) {
			fresh[e.ID] = true
		}
		for _, e := range timelineFromIncident(in, nil) {
			rows = append(rows, importRow{ID: e.ID, Incident: in.Title, When: loc.DateTime(e.At), Kind: string(e.Kind), Text: e.Text, Already: !fresh[e.ID]})
		}
	}
	return rows
}

// pickEntries keeps the entries whose ids were ticked; none ticked keeps all
// (the one-button import of a page without the list).
func pickEntries(entries []domain.TimelineEntry, ticked []string) []domain.TimelineEntry {
	if len(ticked) == 0 {
		return entries
	}
	want := map[string]bool{}
	for _, id := range ticked {
		want[id] = true
	}
	var out []domain.TimelineEntry
	for _, e := range entries {
		if want[e.ID] {
			out = append(out, e)
		}
	}
	return out
}
