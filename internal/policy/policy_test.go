package policy

import (
	"errors"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// want lists, per action, the weakest role allowed ("" public) and whether it
// writes. It is written out again on purpose: a change of the rule table must
// change this test too.
var want = map[Action]struct {
	role  domain.Role
	write bool
}{
	Public: {"", false}, SelfRead: {domain.RoleViewer, false}, SelfWrite: {domain.RoleViewer, true},
	Preview: {domain.RoleViewer, true}, TemplateRead: {domain.RoleViewer, false}, ReportSettings: {domain.RoleAdmin, true}, // report2 area
	ComponentRead: {domain.RoleViewer, false}, ComponentManage: {domain.RoleAdmin, true},
	IncidentRead: {domain.RoleViewer, false}, IncidentWrite: {domain.RoleAuthor, true}, IncidentDelete: {domain.RoleAdmin, true},
	RCARead: {domain.RoleViewer, false}, RCAList: {domain.RoleViewer, false}, RCACreate: {domain.RoleAuthor, true},
	RCAEdit: {domain.RoleAuthor, true}, RCAChangeTeam: {domain.RoleAuthor, true}, RCAComment: {domain.RoleAuthor, true},
	RCAState: {domain.RoleAuthor, true}, RCAApprove: {domain.RoleReviewer, true}, RCAPublish: {domain.RoleReviewer, true},
	RCAUnpublish: {domain.RoleReviewer, true}, RCARestore: {domain.RoleAuthor, true}, RCADelete: {domain.RoleAdmin, true},
	RCAExport: {domain.RoleViewer, false}, RCAExportInternal: {domain.RoleAuthor, false}, RCADeliveries: {domain.RoleAuthor, false},
	ImportIncidents: {domain.RoleAuthor, true}, ImportComponents: {domain.RoleAdmin, true}, ImportURL: {domain.RoleAdmin, true},
	UserManage: {domain.RoleAdmin, true}, AuditRead: {domain.RoleAdmin, false}, TargetManage: {domain.RoleAdmin, true},
	// tmpl area (issue 14)
	TemplateManage: {domain.RoleAdmin, true}, FactorRead: {domain.RoleViewer, false}, FactorManage: {domain.RoleAdmin, true},
	InsightsRead:     {domain.RoleAuthor, false}, // area insights
	SubscriberManage: {domain.RoleAdmin, true},   // subs
}

func TestEveryActionHasARule(t *testing.T) {
	if len(want) != len(Actions()) {
		t.Fatalf("test knows %d actions, policy %d", len(want), len(Actions()))
	}
	for _, act := range Actions() {
		w, ok := want[act]
		if !ok {
			t.Errorf("action %s: not in this test", act)
			continue
		}
		if Role(act) != w.role || Writes(act) != w.write {
			t.Errorf("action %s: role %q write %v, want %q %v", act, Role(act), Writes(act), w.role, w.write)
		}
	}
	if err := Can(Actor{UserID: "u", Role: domain.RoleAdmin}, Action("nope"), nil); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("unknown action: %v, want forbidden", err)
	}
}

// TestCanRoleByAction walks every role and token scope against every action
// (no RCA): allowed exactly when the effective role reaches the action's and
// the scope permits it.
func TestCanRoleByAction(t *testing.T) {
	scopes := []domain.TokenScope{"", domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin}
	for _, act := range Actions() {
		w := want[act]
		t.Run(string(act), func(t *testing.T) {
			err := Can(Actor{}, act, nil)
			if w.role == "" {
				if err != nil {
					t.Errorf("anonymous on public action: %v", err)
				}
			} else if !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("anonymous: %v, want ErrUnauthenticated", err)
			}
			for _, role := range domain.Roles {
				for _, sc := range scopes {
					a := Actor{UserID: "u1", Role: role, Scope: sc}
					eff := role
					if sc != "" && sc != domain.ScopeAdmin && role == domain.RoleAdmin {
						eff = domain.RoleReviewer
					}
					allowed := w.role == "" || eff.Allows(w.role)
					if sc == domain.ScopeRead && (w.write || w.role == domain.RoleAdmin) && w.role != "" {
						allowed = false
					}
					if sc == domain.ScopeWrite && w.role == domain.RoleAdmin {
						allowed = false
					}
					err := Can(a, act, nil)
					if allowed && err != nil {
						t.Errorf("%s/%q: refused: %v", role, sc, err)
					}
					if !allowed && !errors.Is(err, domain.ErrForbidden) {
						t.Errorf("%s/%q: %v, want forbidden", role, sc, err)
					}
				}
			}
			if err := Can(SystemActor(), act, nil); err != nil {
				t.Errorf("system: %v", err)
			}
		})
	}
}

func TestCanOnAnRCA(t *testing.T) {
	r := &domain.RCA{CreatedBy: "owner", Authors: []string{"owner", "coauthor"}, Reviewers: []string{"rev"}}
	cases := []struct {
		name string
		a    Actor
		act  Action
		ok   bool
	}{
		{"owner changes team", Actor{UserID: "owner", Role: domain.RoleAuthor}, RCAChangeTeam, true},
		{"co-author changes team", Actor{UserID: "coauthor", Role: domain.RoleReviewer}, RCAChangeTeam, false},
		{"other author changes team", Actor{UserID: "x", Role: domain.RoleAuthor}, RCAChangeTeam, false},
		{"admin changes team", Actor{UserID: "adm", Role: domain.RoleAdmin}, RCAChangeTeam, true},
		{"admin with write token changes team", Actor{UserID: "adm", Role: domain.RoleAdmin, Scope: domain.ScopeWrite}, RCAChangeTeam, false},
		{"reviewer approves", Actor{UserID: "rev", Role: domain.RoleReviewer}, RCAApprove, true},
		{"reviewer who co-wrote approves", Actor{UserID: "coauthor", Role: domain.RoleReviewer}, RCAApprove, false},
		{"admin owner approves", Actor{UserID: "owner", Role: domain.RoleAdmin}, RCAApprove, false},
		{"author approves", Actor{UserID: "y", Role: domain.RoleAuthor}, RCAApprove, false},
		{"system approves", SystemActor(), RCAApprove, true},
		{"viewer reads", Actor{UserID: "v", Role: domain.RoleViewer}, RCARead, true},
		{"viewer exports internal", Actor{UserID: "v", Role: domain.RoleViewer}, RCAExportInternal, false},
		// area insights: readers of internal data only
		{"viewer reads insights", Actor{UserID: "v", Role: domain.RoleViewer}, InsightsRead, false},
		{"author reads insights", Actor{UserID: "y", Role: domain.RoleAuthor}, InsightsRead, true},
		{"author with read token reads insights", Actor{UserID: "y", Role: domain.RoleAuthor, Scope: domain.ScopeRead}, InsightsRead, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Can(tc.a, tc.act, r)
			if tc.ok != (err == nil) {
				t.Errorf("Can = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestCanSetTeam(t *testing.T) {
	r := &domain.RCA{CreatedBy: "owner", Authors: []string{"owner", "co"}, Reviewers: []string{"rev"}}
	cases := []struct {
		name               string
		a                  Actor
		authors, reviewers []string
		ok                 bool
	}{
		{"unchanged by anyone", Actor{UserID: "co", Role: domain.RoleAuthor}, []string{"co", "owner"}, []string{"rev"}, true},
		{"co-author adds a reviewer", Actor{UserID: "co", Role: domain.RoleAuthor}, r.Authors, []string{"rev", "x"}, false},
		{"co-author adds an author", Actor{UserID: "co", Role: domain.RoleAuthor}, []string{"owner", "co", "z"}, r.Reviewers, false},
		{"owner adds a reviewer", Actor{UserID: "owner", Role: domain.RoleAuthor}, r.Authors, []string{"rev", "x"}, true},
		{"owner makes themselves reviewer", Actor{UserID: "owner", Role: domain.RoleReviewer}, r.Authors, []string{"rev", "owner"}, false},
		{"owner leaves authors to review", Actor{UserID: "owner", Role: domain.RoleReviewer}, []string{"co"}, []string{"rev", "owner"}, false},
		{"admin sets both", Actor{UserID: "adm", Role: domain.RoleAdmin}, []string{"a"}, []string{"b"}, true},
		{"admin makes themselves reviewer", Actor{UserID: "adm", Role: domain.RoleAdmin}, r.Authors, []string{"adm"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CanSetTeam(tc.a, r, tc.authors, tc.reviewers)
			if tc.ok != (err == nil) {
				t.Errorf("CanSetTeam = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestAudience(t *testing.T) {
	for _, tc := range []struct {
		a    Actor
		want domain.Audience
	}{
		{Actor{}, domain.AudienceExternal},
		{Actor{UserID: "v", Role: domain.RoleViewer}, domain.AudienceExternal},
		{Actor{UserID: "a", Role: domain.RoleAuthor}, domain.AudienceInternal},
		{Actor{UserID: "a", Role: domain.RoleAuthor, Scope: domain.ScopeRead}, domain.AudienceInternal},
		{Actor{UserID: "r", Role: domain.RoleReviewer}, domain.AudienceInternal},
		{Actor{UserID: "x", Role: domain.RoleAdmin, Scope: domain.ScopeRead}, domain.AudienceInternal},
		{SystemActor(), domain.AudienceInternal},
	} {
		if got := Audience(tc.a, nil); got != tc.want {
			t.Errorf("Audience(%+v) = %s, want %s", tc.a, got, tc.want)
		}
	}
}
