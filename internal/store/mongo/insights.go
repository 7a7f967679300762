package mongo

// Area "insights" (issue 14). MongoDB computes the insights from a
// projection: the few fields of each RCA the metrics model needs (timeline
// instants and kinds, linked incident ids, services, factors, action-item
// states) and the start and resolution of the linked incidents, summed in
// Go by domain.InsightTally.Add. Nothing derived is stored, so an incident
// changed later can never leave stale figures behind, and the peer needs no
// aggregation operators it may lack. Measured in the report's benchmark.

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// insightRCADoc is the projection of an RCA the insights read.
type insightRCADoc struct {
	ID          string    `bson:"_id"`
	IncidentIDs []string  `bson:"incident_ids"`
	Services    []string  `bson:"affected_services"`
	Factors     []string  `bson:"contributing_factors"`
	CreatedAt   time.Time `bson:"created_at"`
	Timeline    []struct {
		At        time.Time `bson:"at"`
		Kind      string    `bson:"kind"`
		Precision string    `bson:"precision"`
	} `bson:"timeline"`
	ActionItems []struct {
		State  string     `bson:"state"`
		Due    *time.Time `bson:"due"`
		DoneAt *time.Time `bson:"done_at"`
	} `bson:"action_items"`
}

var insightProjection = bson.D{
	{Key: "incident_ids", Value: 1}, {Key: "affected_services", Value: 1}, {Key: "contributing_factors", Value: 1},
	{Key: "created_at", Value: 1}, {Key: "timeline.at", Value: 1}, {Key: "timeline.kind", Value: 1},
	{Key: "timeline.precision", Value: 1}, {Key: "action_items.state", Value: 1}, {Key: "action_items.due", Value: 1},
	{Key: "action_items.done_at", Value: 1},
}

func (d insightRCADoc) rca() domain.RCA {
	r := domain.RCA{ID: d.ID, IncidentIDs: d.IncidentIDs, AffectedServices: d.Services,
		ContributingFactors: d.Factors, CreatedAt: d.CreatedAt}
	for _, e := range d.Timeline {
		r.Timeline = append(r.Timeline, domain.TimelineEntry{At: e.At, Kind: domain.TimelineKind(e.Kind),
			Precision: domain.TimePrecision(e.Precision)})
	}
	for _, a := range d.ActionItems {
		r.ActionItems = append(r.ActionItems, domain.ActionItem{State: domain.ActionState(a.State), Due: docDate(a.Due), DoneAt: a.DoneAt})
	}
	return r
}

// Insights sums the window over every RCA (of the service) and its linked incidents.
func (s *Store) Insights(ctx context.Context, w domain.InsightWindow) (domain.InsightTally, error) {
	t := domain.NewInsightTally(w)
	if len(w.Bounds) < 2 {
		return t, nil
	}
	filter := bson.D{}
	if w.Service != "" {
		filter = bson.D{{Key: "affected_services", Value: w.Service}}
	}
	var docs []insightRCADoc
	cur, err := s.c(colRCAs).Find(ctx, filter, options.Find().SetProjection(insightProjection))
	if err != nil {
		return t, wrap("insights: rcas", err)
	}
	if err := cur.All(ctx, &docs); err != nil {
		return t, wrap("insights: rcas", err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.IncidentIDs...)
	}
	incidents := map[string]domain.Incident{}
	const chunk = 1000
	for start := 0; start < len(ids); start += chunk {
		var got []struct {
			ID         string     `bson:"_id"`
			StartedAt  time.Time  `bson:"started_at"`
			ResolvedAt *time.Time `bson:"resolved_at"`
		}
		cur, err := s.c(colIncidents).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids[start:min(start+chunk, len(ids))]}}}},
			options.Find().SetProjection(bson.D{{Key: "started_at", Value: 1}, {Key: "resolved_at", Value: 1}}))
		if err != nil {
			return t, wrap("insights: incidents", err)
		}
		if err := cur.All(ctx, &got); err != nil {
			return t, wrap("insights: incidents", err)
		}
		for _, in := range got {
			incidents[in.ID] = domain.Incident{ID: in.ID, StartedAt: in.StartedAt, ResolvedAt: in.ResolvedAt}
		}
	}
	var linked []domain.Incident
	for _, d := range docs {
		r := d.rca()
		linked = linked[:0]
		for _, id := range r.IncidentIDs {
			if in, ok := incidents[id]; ok {
				linked = append(linked, in)
			}
		}
		t.Add(w, domain.InsightFactsOf(&r, linked))
	}
	return t, nil
}
