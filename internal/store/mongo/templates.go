package mongo

// Custom templates and contributing factors (area tmpl, issue 14): one
// document per key, replaced whole under a version check.

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

type templateDoc struct {
	Key          string                 `bson:"_id"`
	Name         string                 `bson:"name"`
	Description  string                 `bson:"description"`
	Sections     []sectionDefDoc        `bson:"sections"`
	HeaderFacts  []string               `bson:"header_facts,omitempty"`
	Contact      string                 `bson:"contact,omitempty"`
	Closing      string                 `bson:"closing,omitempty"`
	ShowFactors  bool                   `bson:"show_factors"`
	Retired      bool                   `bson:"retired"`
	Version      int64                  `bson:"version"`
	Translations map[string]nameTextDoc `bson:"translations,omitempty"`
	CreatedAt    time.Time              `bson:"created_at"`
	UpdatedAt    time.Time              `bson:"updated_at"`
}

type sectionDefDoc struct {
	Key          string                 `bson:"key"`
	Title        string                 `bson:"title"`
	Guidance     string                 `bson:"guidance"`
	Example      string                 `bson:"example,omitempty"`
	Required     bool                   `bson:"required"`
	Visibility   string                 `bson:"visibility"`
	Rules        []string               `bson:"rules,omitempty"`
	Translations map[string]nameTextDoc `bson:"translations,omitempty"`
}

// nameTextDoc is a translated name (or title) with its longer text
// (description or guidance).
type nameTextDoc struct {
	Name string `bson:"name"`
	Text string `bson:"text,omitempty"`
}

func toTemplateDoc(t *domain.Template) templateDoc {
	d := templateDoc{Key: t.Key, Name: t.Name, Description: t.Description, HeaderFacts: t.Header.Facts,
		Contact: t.Header.Contact, Closing: t.Header.Closing, ShowFactors: t.ShowFactors, Retired: t.Retired,
		Version: t.Version, CreatedAt: ms(t.CreatedAt), UpdatedAt: ms(t.UpdatedAt), Sections: []sectionDefDoc{}}
	if len(t.Translations) > 0 {
		d.Translations = map[string]nameTextDoc{}
		for k, v := range t.Translations {
			d.Translations[k] = nameTextDoc{Name: v.Name, Text: v.Description}
		}
	}
	for _, s := range t.Sections {
		sd := sectionDefDoc{Key: s.Key, Title: s.Title, Guidance: s.Guidance, Example: s.Example, Required: s.Required,
			Visibility: string(s.Visibility), Rules: s.Rules}
		if len(s.Translations) > 0 {
			sd.Translations = map[string]nameTextDoc{}
			for k, v := range s.Translations {
				sd.Translations[k] = nameTextDoc{Name: v.Title, Text: v.Guidance}
			}
		}
		d.Sections = append(d.Sections, sd)
	}
	return d
}

func (d templateDoc) domain() domain.Template {
	t := domain.Template{Key: d.Key, Name: d.Name, Description: d.Description, ShowFactors: d.ShowFactors,
		Header:  domain.HeaderDefaults{Facts: d.HeaderFacts, Contact: d.Contact, Closing: d.Closing},
		Retired: d.Retired, Version: d.Version, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
		Sections: make([]domain.SectionDef, 0, len(d.Sections))}
	if len(d.Translations) > 0 {
		t.Translations = map[string]domain.TemplateTranslation{}
		for k, v := range d.Translations {
			t.Translations[k] = domain.TemplateTranslation{Name: v.Name, Description: v.Text}
		}
	}
	for _, s := range d.Sections {
		sd := domain.SectionDef{Key: s.Key, Title: s.Title, Guidance: s.Guidance, Example: s.Example,
			Required: s.Required, Visibility: domain.Visibility(s.Visibility), Rules: s.Rules}
		if len(s.Translations) > 0 {
			sd.Translations = map[string]domain.SectionDefTranslation{}
			for k, v := range s.Translations {
				sd.Translations[k] = domain.SectionDefTranslation{Title: v.Name, Guidance: v.Text}
			}
		}
		t.Sections = append(t.Sections, sd)
	}
	return t
}

type factorDoc struct {
	Key          string                 `bson:"_id"`
	Name         string                 `bson:"name"`
	Description  string                 `bson:"description"`
	Translations map[string]nameTextDoc `bson:"translations,omitempty"`
	Retired      bool                   `bson:"retired"`
	BuiltIn      bool                   `bson:"built_in"`
	Version      int64                  `bson:"version"`
	CreatedAt    time.Time              `bson:"created_at"`
	UpdatedAt    time.Time              `bson:"updated_at"`
}

func toFactorDoc(f *domain.Factor) factorDoc {
	d := factorDoc{Key: f.Key, Name: f.Name, Description: f.Description, Retired: f.Retired, BuiltIn: f.BuiltIn,
		Version: f.Version, CreatedAt: ms(f.CreatedAt), UpdatedAt: ms(f.UpdatedAt)}
	if len(f.Translations) > 0 {
		d.Translations = map[string]nameTextDoc{}
		for k, v := range f.Translations {
			d.Translations[k] = nameTextDoc{Name: v.Name, Text: v.Description}
		}
	}
	return d
}

func (d factorDoc) domain() domain.Factor {
	f := domain.Factor{Key: d.Key, Name: d.Name, Description: d.Description, Retired: d.Retired, BuiltIn: d.BuiltIn,
		Version: d.Version, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
	if len(d.Translations) > 0 {
		f.Translations = map[string]domain.FactorTranslation{}
		for k, v := range d.Translations {
			f.Translations[k] = domain.FactorTranslation{Name: v.Name, Description: v.Text}
		}
	}
	return f
}

// replaceVersioned replaces the document key read at version with doc.
func replaceVersioned[D any](ctx context.Context, s *Store, col, op, key string, version int64, doc D) (D, error) {
	var got D
	err := s.c(col).FindOneAndReplace(ctx,
		bson.D{{Key: "_id", Value: key}, {Key: "version", Value: version}}, doc,
		options.FindOneAndReplace().SetReturnDocument(options.After),
	).Decode(&got)
	if err != nil {
		return got, s.casMiss(ctx, col, op, key, err)
	}
	return got, nil
}

// CreateTemplate stores a new custom template at version 1.
func (s *Store) CreateTemplate(ctx context.Context, t *domain.Template) error {
	n := *t
	n.Normalize()
	if err := n.Validate(); err != nil {
		return err
	}
	n.Version = 1
	stamp(&n.CreatedAt, &n.UpdatedAt, s.clock())
	d := toTemplateDoc(&n)
	if _, err := s.c(colTemplates).InsertOne(ctx, d); err != nil {
		return wrap("create template "+n.Key, err)
	}
	*t = d.domain()
	return nil
}

// GetTemplate loads a custom template by key.
func (s *Store) GetTemplate(ctx context.Context, key string) (domain.Template, error) {
	return findOne(ctx, s.c(colTemplates), "get template "+key, id(key), templateDoc.domain)
}

// ListTemplates lists every custom template by key, retired ones included.
func (s *Store) ListTemplates(ctx context.Context) ([]domain.Template, error) {
	return findAll(ctx, s.c(colTemplates), "list templates", bson.D{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}), templateDoc.domain)
}

// UpdateTemplate replaces a custom template read at t.Version.
func (s *Store) UpdateTemplate(ctx context.Context, t *domain.Template) error {
	n := *t
	n.Normalize()
	if err := n.Validate(); err != nil {
		return err
	}
	cur, err := s.GetTemplate(ctx, n.Key)
	if err != nil {
		return err
	}
	n.CreatedAt, n.UpdatedAt, n.Version = cur.CreatedAt, s.clock(), t.Version+1
	got, err := replaceVersioned(ctx, s, colTemplates, "update template "+n.Key, n.Key, t.Version, toTemplateDoc(&n))
	if err != nil {
		return err
	}
	*t = got.domain()
	return nil
}

// CreateFactor stores a new factor (custom, or an override of a built-in one) at version 1.
func (s *Store) CreateFactor(ctx context.Context, f *domain.Factor) error {
	n := *f
	if err := n.Validate(); err != nil {
		return err
	}
	n.Version = 1
	stamp(&n.CreatedAt, &n.UpdatedAt, s.clock())
	d := toFactorDoc(&n)
	if _, err := s.c(colFactors).InsertOne(ctx, d); err != nil {
		return wrap("create factor "+n.Key, err)
	}
	*f = d.domain()
	return nil
}

// GetFactor loads a stored factor by key.
func (s *Store) GetFactor(ctx context.Context, key string) (domain.Factor, error) {
	return findOne(ctx, s.c(colFactors), "get factor "+key, id(key), factorDoc.domain)
}

// ListFactors lists every stored factor by key.
func (s *Store) ListFactors(ctx context.Context) ([]domain.Factor, error) {
	return findAll(ctx, s.c(colFactors), "list factors", bson.D{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}), factorDoc.domain)
}

// UpdateFactor replaces a stored factor read at f.Version.
func (s *Store) UpdateFactor(ctx context.Context, f *domain.Factor) error {
	n := *f
	if err := n.Validate(); err != nil {
		return err
	}
	cur, err := s.GetFactor(ctx, n.Key)
	if err != nil {
		return err
	}
	n.CreatedAt, n.UpdatedAt, n.Version = cur.CreatedAt, s.clock(), f.Version+1
	got, err := replaceVersioned(ctx, s, colFactors, "update factor "+n.Key, n.Key, f.Version, toFactorDoc(&n))
	if err != nil {
		return err
	}
	*f = got.domain()
	return nil
}
