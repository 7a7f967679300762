package mongo

// Action items across RCAs (area "actions", issue 14). The items live inside
// their RCA's document (one write, no transaction), each with a derived
// due_key; multikey indexes on the items' fields let the first $match of the
// list pick only RCAs holding a matching item, then the pipeline unwinds,
// matches the items themselves, sorts and cuts one page on the server.

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

const colClaims = "claims"

// actionIndexes are the multikey indexes of the action-item list.
func actionIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{colRCAs: {
		{Keys: bson.D{{Key: "action_items.due_key", Value: 1}}},
		{Keys: bson.D{{Key: "action_items.state", Value: 1}, {Key: "action_items.due_key", Value: 1}}},
		{Keys: bson.D{{Key: "action_items.owner_id", Value: 1}}},
		{Keys: bson.D{{Key: "action_items.owner", Value: 1}}},
		{Keys: bson.D{{Key: "action_items.tracker_url", Value: 1}}},
	}}
}

// itemConds are the conditions on one item, field names relative to it.
func itemConds(f store.ActionItemFilter) bson.D {
	var c bson.D
	if f.Audience == domain.External {
		c = append(c, bson.E{Key: "visibility", Value: string(domain.External)})
	}
	if len(f.States) > 0 {
		st := bson.A{}
		for _, s := range f.States {
			st = append(st, string(s))
		}
		c = append(c, bson.E{Key: "state", Value: bson.D{{Key: "$in", Value: st}}})
	}
	if f.OverdueBefore != nil {
		// With States as well, both must hold: $and keeps both "state" keys.
		c = append(c, bson.E{Key: "$and", Value: bson.A{
			bson.D{{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{string(domain.ActionOpen), string(domain.ActionInProgress)}}}}},
			bson.D{{Key: "due_key", Value: bson.D{{Key: "$lt", Value: f.OverdueBefore.String()}}}},
		}})
	}
	if f.Owner != "" {
		c = append(c, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "owner_id", Value: f.Owner}},
			bson.D{{Key: "owner", Value: f.Owner}, {Key: "owner_id", Value: ""}},
		}})
	}
	return c
}

// prefixed rewrites item conditions for the unwound document.
func prefixed(c bson.D) bson.D {
	out := make(bson.D, 0, len(c))
	for _, e := range c {
		switch e.Key {
		case "$and", "$or":
			list := bson.A{}
			for _, sub := range e.Value.(bson.A) {
				list = append(list, prefixed(sub.(bson.D)))
			}
			out = append(out, bson.E{Key: e.Key, Value: list})
		default:
			out = append(out, bson.E{Key: "action_items." + e.Key, Value: e.Value})
		}
	}
	return out
}

// actionProjection keeps what a row needs of an RCA document.
var actionProjection = bson.D{{Key: "title", Value: 1}, {Key: "slug", Value: 1}, {Key: "action_items", Value: 1}}

type actionRowDoc struct {
	ID         string        `bson:"_id"`
	Title      string        `bson:"title"`
	Slug       string        `bson:"slug"`
	ActionItem actionItemDoc `bson:"action_items"`
}

func (d actionRowDoc) row() store.ActionItemRow {
	a := d.ActionItem
	return store.ActionItemRow{RCAID: d.ID, RCATitle: d.Title, RCASlug: d.Slug, ID: a.ID, Title: a.Title, Owner: a.Owner,
		OwnerID: a.OwnerID, Due: docDate(a.Due), State: domain.ActionState(a.State), TrackerURL: a.TrackerURL,
		Visibility: domain.Visibility(a.Visibility), DoneAt: msPtr(a.DoneAt)}
}

// ListActionItems answers one page of the items matching f.
func (s *Store) ListActionItems(ctx context.Context, f store.ActionItemFilter) (store.ActionItemPage, error) {
	cur, err := store.DecodeActionCursor(f)
	if err != nil {
		return store.ActionItemPage{}, err
	}
	conds := itemConds(f)
	first := bson.D{{Key: "action_items.0", Value: bson.D{{Key: "$exists", Value: true}}}}
	if f.RCAID != "" {
		first = append(first, bson.E{Key: "_id", Value: f.RCAID})
	}
	// Each condition on its own multikey field: a superset of the RCAs
	// holding a matching item (FerretDB's $elemMatch lacks $in and $and);
	// the $match after $unwind is exact.
	first = append(first, prefixed(conds)...)
	key, dir, cmp := "action_items.due_key", 1, "$gt"
	switch f.SortOrder() {
	case store.SortDueDesc:
		dir, cmp = -1, "$lt"
	case store.SortTitle:
		key = "action_items.title"
	}
	second := prefixed(conds)
	if cur != nil {
		second = append(second, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: key, Value: bson.D{{Key: cmp, Value: cur.Key}}}},
			bson.D{{Key: key, Value: cur.Key}, {Key: "_id", Value: bson.D{{Key: cmp, Value: cur.RCAID}}}},
			bson.D{{Key: key, Value: cur.Key}, {Key: "_id", Value: cur.RCAID}, {Key: "action_items.id", Value: bson.D{{Key: cmp, Value: cur.ItemID}}}},
		}})
		if len(conds) > 0 {
			// Both $or must hold: the owner's and the cursor's.
			second = bson.D{{Key: "$and", Value: bson.A{prefixed(conds), bson.D{second[len(second)-1]}}}}
		}
	}
	limit := f.PageLimit()
	pipe := mongo.Pipeline{
		{{Key: "$match", Value: first}},
		{{Key: "$project", Value: actionProjection}},
		{{Key: "$unwind", Value: "$action_items"}},
	}
	if len(second) > 0 {
		pipe = append(pipe, bson.D{{Key: "$match", Value: second}})
	}
	pipe = append(pipe,
		bson.D{{Key: "$sort", Value: bson.D{{Key: key, Value: dir}, {Key: "_id", Value: dir}, {Key: "action_items.id", Value: dir}}}},
		bson.D{{Key: "$limit", Value: limit + 1}},
	)
	c, err := s.c(colRCAs).Aggregate(ctx, pipe)
	if err != nil {
		return store.ActionItemPage{}, wrap("list action items", err)
	}
	var docs []actionRowDoc
	if err := c.All(ctx, &docs); err != nil {
		return store.ActionItemPage{}, wrap("list action items", err)
	}
	if err := s.fillTitles(ctx, docs); err != nil {
		return store.ActionItemPage{}, err
	}
	out := store.ActionItemPage{Items: make([]store.ActionItemRow, 0, len(docs))}
	for _, d := range docs {
		out.Items = append(out.Items, d.row())
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.Next = store.EncodeActionCursor(f, out.Items[limit-1])
	}
	return out, nil
}

// ActionItemsByTracker lists the items linking url.
func (s *Store) ActionItemsByTracker(ctx context.Context, url string) ([]store.ActionItemRow, error) {
	out := []store.ActionItemRow{}
	if url == "" {
		return out, nil
	}
	pipe := mongo.Pipeline{
		{{Key: "$match", Value: bson.D{{Key: "action_items.tracker_url", Value: url}}}},
		{{Key: "$project", Value: actionProjection}},
		{{Key: "$unwind", Value: "$action_items"}},
		{{Key: "$match", Value: bson.D{{Key: "action_items.tracker_url", Value: url}}}},
		{{Key: "$sort", Value: bson.D{{Key: "_id", Value: 1}, {Key: "action_items.id", Value: 1}}}},
		{{Key: "$limit", Value: 100}},
	}
	c, err := s.c(colRCAs).Aggregate(ctx, pipe)
	if err != nil {
		return nil, wrap("action items by tracker", err)
	}
	var docs []actionRowDoc
	if err := c.All(ctx, &docs); err != nil {
		return nil, wrap("action items by tracker", err)
	}
	if err := s.fillTitles(ctx, docs); err != nil {
		return nil, err
	}
	for _, d := range docs {
		out = append(out, d.row())
	}
	return out, nil
}

// fillTitles sets the RCA title and slug of unwound rows from one indexed
// read: FerretDB's $unwind keeps only _id and the unwound field.
func (s *Store) fillTitles(ctx context.Context, docs []actionRowDoc) error {
	if len(docs) == 0 {
		return nil
	}
	ids := bson.A{}
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	type head struct {
		ID    string `bson:"_id"`
		Title string `bson:"title"`
		Slug  string `bson:"slug"`
	}
	heads, err := findAll(ctx, s.c(colRCAs), "action item rcas", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "title", Value: 1}, {Key: "slug", Value: 1}}), func(h head) head { return h })
	if err != nil {
		return err
	}
	by := make(map[string]head, len(heads))
	for _, h := range heads {
		by[h.ID] = h
	}
	for i := range docs {
		docs[i].Title, docs[i].Slug = by[docs[i].ID].Title, by[docs[i].ID].Slug
	}
	return nil
}

// Claim records (scope, key) once: the unique _id decides every race.
func (s *Store) Claim(ctx context.Context, scope, key string, now time.Time) error {
	_, err := s.c(colClaims).InsertOne(ctx, bson.D{{Key: "_id", Value: scope + "\n" + key}, {Key: "scope", Value: scope},
		{Key: "key", Value: key}, {Key: "at", Value: ms(now)}})
	return wrap("claim "+scope, err)
}

// Unclaim forgets a claim.
func (s *Store) Unclaim(ctx context.Context, scope, key string) error {
	_, err := s.c(colClaims).DeleteOne(ctx, bson.D{{Key: "_id", Value: scope + "\n" + key}})
	return wrap("unclaim "+scope, err)
}

// backfillDueKeys gives the action items of RCA documents written before
// the list existed their derived due_key (at start-up; a document written
// meanwhile by a newer writer has it already and is left alone).
func (s *Store) backfillDueKeys(ctx context.Context) error {
	filter := bson.D{{Key: "action_items.0", Value: bson.D{{Key: "$exists", Value: true}}},
		{Key: "action_items.due_key", Value: bson.D{{Key: "$exists", Value: false}}}}
	for {
		docs, err := findAll(ctx, s.c(colRCAs), "find rcas without due keys", filter, options.Find().SetLimit(200),
			func(d rcaDoc) rcaDoc { return d })
		if err != nil || len(docs) == 0 {
			return err
		}
		for _, d := range docs {
			r := d.domain()
			fresh := toRCADoc(&r)
			if _, err := s.c(colRCAs).UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "version", Value: d.Version}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "action_items", Value: fresh.ActionItems}}}}); err != nil {
				return wrap("backfill due keys", err)
			}
		}
		if len(docs) < 200 {
			return nil
		}
	}
}

// ListClaims pages through the claims by (scope, key): the _id is
// scope + "\n" + key, which sorts the same way.
func (s *Store) ListClaims(ctx context.Context, afterScope, afterKey string, limit int) ([]store.ClaimRecord, error) {
	type claimDoc struct {
		Scope string    `bson:"scope"`
		Key   string    `bson:"key"`
		At    time.Time `bson:"at"`
	}
	filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: afterScope + "\n" + afterKey}}}}
	return findAll(ctx, s.c(colClaims), "list claims", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(max(limit, 1))),
		func(d claimDoc) store.ClaimRecord {
			return store.ClaimRecord{Scope: d.Scope, Key: d.Key, At: d.At.UTC()}
		})
}
