package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// statuspageIncidents maps the RCA's incidents to the target page's incident
// ids: the target's own map first, then incidents imported from that page.
func statuspageIncidents(t domain.Target, ids []string, incidents map[string]domain.Incident) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		sid := t.IncidentMap[id]
		if sid == "" {
			if in, ok := incidents[id]; ok && in.Source != nil && in.Source.System == "statuspage" &&
				(in.Source.PageID == "" || in.Source.PageID == t.PageID) {
				sid = in.Source.ID
			}
		}
		if sid != "" && !seen[sid] {
			seen[sid] = true
			out = append(out, sid)
		}
	}
	return out
}

// sendStatuspage writes the postmortem of every mapped incident and
// publishes it (or reverts it, for rca.unpublished). Each PUT is
// idempotent, so a retry after a partial success repeats them safely.
func (w *Worker) sendStatuspage(ctx context.Context, t domain.Target, d domain.Delivery, ids []string, incidents map[string]domain.Incident, rep Report) (string, int, error) {
	sids := statuspageIncidents(t, ids, incidents)
	if len(sids) == 0 {
		return "", 0, permanent(fmt.Sprintf("none of the RCA's incidents maps to an incident on Statuspage page %s: set the target's incident map or import the incidents from that page", t.PageID))
	}
	base := strings.TrimRight(t.URL, "/")
	if base == "" {
		base = DefaultStatuspageAPI
	}
	header := http.Header{"Authorization": {"OAuth " + t.Secret}}
	client := w.client(t.AllowPrivate)
	var summary []string
	status := 0
	for _, sid := range sids {
		pm := base + "/v1/pages/" + url.PathEscape(t.PageID) + "/incidents/" + url.PathEscape(sid) + "/postmortem"
		type step struct {
			url  string
			body any
		}
		var steps []step
		if d.Event == EventUnpublished {
			steps = []step{{pm + "/revert", map[string]any{}}}
		} else {
			notify := d.Event == EventPublished
			steps = []step{
				{pm, map[string]any{"postmortem": map[string]any{"body_draft": rep.Markdown}}},
				{pm + "/publish", map[string]any{"postmortem": map[string]any{
					"notify_subscribers": notify && t.NotifySubscribers,
					"notify_twitter":     notify && t.NotifyTwitter,
				}}},
			}
		}
		for _, s := range steps {
			body, err := json.Marshal(s.body)
			if err != nil {
				return strings.Join(summary, "; "), 0, permanent("encode request: " + err.Error())
			}
			if err := w.limiter.Wait(ctx, t.Secret); err != nil {
				return strings.Join(summary, "; "), 0, &sendError{Reason: "stopped: " + err.Error()}
			}
			summary = append(summary, fmt.Sprintf("PUT %s (%d bytes)", s.url, len(body)))
			st, err := do(ctx, client, http.MethodPut, s.url, header, body)
			status = st
			if err != nil {
				return strings.Join(summary, "; "), st, err
			}
		}
	}
	return strings.Join(summary, "; "), status, nil
}
