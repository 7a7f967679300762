package app

import (
	"context"
	"io"
	"strconv"

	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/statuspage/importer"
)

// ImportStatuspage imports a Statuspage v2 incidents.json or summary.json.
// Authors bring incidents only (matched to components that exist); creating
// components, which shows on the public page, needs ImportComponents
// (admins). source names where the document came from, for the audit log.
func (s *Service) ImportStatuspage(ctx context.Context, a policy.Actor, doc io.Reader, source string) (importer.Result, error) {
	if err := policy.Can(a, policy.ImportIncidents, nil); err != nil {
		return importer.Result{}, err
	}
	opt := importer.Options{IncidentsOnly: policy.Can(a, policy.ImportComponents, nil) != nil}
	res, err := importer.Import(ctx, s.st, doc, opt)
	if res.Created+res.Updated+res.ComponentsCreated > 0 {
		s.changed()
	}
	if err != nil {
		return res, err
	}
	s.audit(ctx, a.UserID, "import.statuspage", "import:statuspage", map[string]string{
		"source": source, "created": strconv.Itoa(res.Created), "updated": strconv.Itoa(res.Updated),
		"unchanged": strconv.Itoa(res.Unchanged), "components_created": strconv.Itoa(res.ComponentsCreated),
		"incidents_only": strconv.FormatBool(opt.IncidentsOnly),
	})
	return res, nil
}
