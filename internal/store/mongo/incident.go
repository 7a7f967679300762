package mongo

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// CreateIncident stores a new incident at version 1. An imported incident
// whose (source system, source id) is already stored is ErrDuplicate.
func (s *Store) CreateIncident(ctx context.Context, in *domain.Incident) error {
	next := cloneIncident(in)
	next.Normalize()
	if err := next.Validate(); err != nil {
		return err
	}
	if next.ID == "" {
		next.ID = domain.NewID()
	}
	next.Version = 1
	stamp(&next.CreatedAt, &next.UpdatedAt, s.clock())
	d := toIncidentDoc(&next)
	if err := checkDocSize("incident", d.ID, d); err != nil {
		return err
	}
	if _, err := s.c(colIncidents).InsertOne(ctx, d); err != nil {
		return wrap("create incident", err)
	}
	s.changed(ctx)
	links, err := s.linkedRCAs(ctx, d.ID)
	if err != nil {
		return err
	}
	*in = d.domain()
	in.RCAIDs = links[in.ID]
	return nil
}

// cloneIncident copies the lists Normalize sorts and fills in place, so a
// write never touches memory the caller may share with other copies.
func cloneIncident(in *domain.Incident) domain.Incident {
	c := *in
	c.Components = slices.Clone(in.Components)
	c.Updates = slices.Clone(in.Updates)
	c.RCAIDs = slices.Clone(in.RCAIDs)
	return c
}

// GetIncident loads one incident with the ids of the RCAs that link it.
func (s *Store) GetIncident(ctx context.Context, iid string) (domain.Incident, error) {
	return s.getIncident(ctx, "get incident "+iid, id(iid))
}

// GetIncidentBySource loads the incident imported from system with sourceID.
func (s *Store) GetIncidentBySource(ctx context.Context, system, sourceID string) (domain.Incident, error) {
	op := "get incident from " + system + " " + sourceID
	key := sourceKey(system, sourceID)
	if key == "" {
		return domain.Incident{}, fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
	}
	return s.getIncident(ctx, op, bson.D{{Key: "source_key", Value: key}})
}

func (s *Store) getIncident(ctx context.Context, op string, filter bson.D) (domain.Incident, error) {
	in, err := findOne(ctx, s.c(colIncidents), op, filter, incidentDoc.domain)
	if err != nil {
		return in, err
	}
	links, err := s.linkedRCAs(ctx, in.ID)
	if err != nil {
		return domain.Incident{}, err
	}
	in.RCAIDs = links[in.ID]
	return in, nil
}

// ListIncidents returns one page of incidents, newest started_at first, and
// how many match the filter.
func (s *Store) ListIncidents(ctx context.Context, f store.IncidentFilter) ([]domain.Incident, int, error) {
	filter, err := s.incidentFilter(ctx, f) // scalesql
	if err != nil {
		return nil, 0, err
	}
	total, err := s.c(colIncidents).CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, wrap("count incidents", err)
	}
	opts := page(options.Find().SetSort(bson.D{{Key: "started_at", Value: -1}, {Key: "_id", Value: -1}}), f.Page)
	out, err := findAll(ctx, s.c(colIncidents), "list incidents", filter, opts, incidentDoc.domain)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, len(out))
	for i, in := range out {
		ids[i] = in.ID
	}
	links, err := s.linkedRCAs(ctx, ids...)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		if l := links[out[i].ID]; l != nil {
			out[i].RCAIDs = l
		}
	}
	return out, int(total), nil
}

// UpdateIncident replaces an incident if in.Version is the stored version.
// RCAIDs is derived and never written.
func (s *Store) UpdateIncident(ctx context.Context, in *domain.Incident) error {
	next := cloneIncident(in)
	next.Normalize()
	if err := next.Validate(); err != nil {
		return err
	}
	next.Version = in.Version + 1
	next.UpdatedAt = s.clock()
	d := toIncidentDoc(&next)
	if err := checkDocSize("incident", d.ID, d); err != nil {
		return err
	}
	set := bson.D{
		{Key: "title", Value: d.Title}, {Key: "impact", Value: d.Impact}, {Key: "status", Value: d.Status},
		{Key: "started_at", Value: d.StartedAt}, {Key: "resolved_at", Value: d.ResolvedAt},
		{Key: "components", Value: d.Components}, {Key: "updates", Value: d.Updates}, {Key: "update_count", Value: d.UpdateCount},
		{Key: "version", Value: d.Version}, {Key: "updated_at", Value: d.UpdatedAt},
	}
	unset := bson.D{}
	if d.Source != nil {
		set = append(set, bson.E{Key: "source", Value: d.Source})
	} else {
		unset = append(unset, bson.E{Key: "source", Value: ""})
	}
	if d.SourceKey != "" {
		set = append(set, bson.E{Key: "source_key", Value: d.SourceKey})
	} else {
		unset = append(unset, bson.E{Key: "source_key", Value: ""})
	}
	update := bson.D{{Key: "$set", Value: set}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	var got incidentDoc
	err := s.c(colIncidents).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: in.ID}, {Key: "version", Value: in.Version}},
		update,
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&got)
	if err != nil {
		return s.casMiss(ctx, colIncidents, "update incident "+in.ID, in.ID, err)
	}
	s.changed(ctx)
	links, err := s.linkedRCAs(ctx, in.ID)
	if err != nil {
		return err
	}
	*in = got.domain()
	in.RCAIDs = links[in.ID]
	return nil
}

// DeleteIncident removes an incident. RCAs that link it keep the id (their
// authors see a dangling link rather than a silent change of their text).
func (s *Store) DeleteIncident(ctx context.Context, iid string) error {
	return s.deleteByID(ctx, colIncidents, "delete incident "+iid, iid)
}

// linkedRCAs returns, for each incident id, the ids of the RCAs whose
// incident_ids contain it, oldest RCA first. Every asked id has a non-nil
// entry.
func (s *Store) linkedRCAs(ctx context.Context, incidentIDs ...string) (map[string][]string, error) {
	out := make(map[string][]string, len(incidentIDs))
	for _, iid := range incidentIDs {
		out[iid] = []string{}
	}
	if len(incidentIDs) == 0 {
		return out, nil
	}
	var filter bson.D
	if len(incidentIDs) == 1 {
		filter = bson.D{{Key: "incident_ids", Value: incidentIDs[0]}}
	} else {
		filter = bson.D{{Key: "incident_ids", Value: bson.D{{Key: "$in", Value: incidentIDs}}}}
	}
	opts := options.Find().
		SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "incident_ids", Value: 1}}).
		SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}})
	type link struct {
		ID          string   `bson:"_id"`
		IncidentIDs []string `bson:"incident_ids"`
	}
	links, err := findAll(ctx, s.c(colRCAs), "find rcas linking incidents", filter, opts, func(l link) link { return l })
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		for _, iid := range l.IncidentIDs {
			if ids, ok := out[iid]; ok {
				out[iid] = append(ids, l.ID)
			}
		}
	}
	return out, nil
}
