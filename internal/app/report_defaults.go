package app

// report2 area: the organisation's defaults for the export header (facts,
// issue date, document version, contact, status page link, closing),
// under the template's and an export's own options.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// SettingReportHeader is the setting that holds the organisation's header
// defaults as JSON (ReportHeaderSettings).
const SettingReportHeader = "report.header_defaults"

// ReportHeaderSettings are the organisation's header defaults with their
// version: a write names the version it read (1 before the first write).
type ReportHeaderSettings struct {
	Version int64 `json:"version"`
	domain.HeaderDefaults
}

// reportHeaderMu makes a version check and its write one step within this
// process.
var reportHeaderMu sync.Mutex

// ReportHeaderDefaults returns the organisation's header defaults. Admins
// only.
func (s *Service) ReportHeaderDefaults(ctx context.Context, a policy.Actor) (ReportHeaderSettings, error) {
	if err := policy.Can(a, policy.ReportSettings, nil); err != nil {
		return ReportHeaderSettings{}, err
	}
	return s.orgHeader(ctx)
}

// SetReportHeaderDefaults checks and stores the organisation's header
// defaults. Bad values are a *domain.ValidationError, a version other than
// the current one is store.ErrConflict; either changes nothing.
func (s *Service) SetReportHeaderDefaults(ctx context.Context, a policy.Actor, in ReportHeaderSettings) (ReportHeaderSettings, error) {
	if err := policy.Can(a, policy.ReportSettings, nil); err != nil {
		return ReportHeaderSettings{}, err
	}
	if err := report.CheckHeaderDefaults(&in.HeaderDefaults); err != nil {
		return ReportHeaderSettings{}, err
	}
	reportHeaderMu.Lock()
	defer reportHeaderMu.Unlock()
	cur, err := s.orgHeader(ctx)
	if err != nil {
		return ReportHeaderSettings{}, err
	}
	if in.Version != cur.Version {
		return ReportHeaderSettings{}, fmt.Errorf("%w: report header defaults are at version %d", store.ErrConflict, cur.Version)
	}
	in.Version = cur.Version + 1
	b, err := json.Marshal(in)
	if err != nil {
		return ReportHeaderSettings{}, err
	}
	if err := s.st.PutSetting(ctx, SettingReportHeader, b); err != nil {
		return ReportHeaderSettings{}, err
	}
	s.audit(ctx, a.UserID, "settings.report_header", "settings:"+SettingReportHeader, map[string]string{"version": fmt.Sprint(in.Version)})
	return in, nil
}

// orgHeader reads the organisation's header defaults (version 1 and none
// before the first write).
func (s *Service) orgHeader(ctx context.Context) (ReportHeaderSettings, error) {
	out := ReportHeaderSettings{Version: 1}
	b, err := s.st.GetSetting(ctx, SettingReportHeader)
	if errors.Is(err, store.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, fmt.Errorf("app: setting %s: %w", SettingReportHeader, err)
	}
	return out, nil
}
