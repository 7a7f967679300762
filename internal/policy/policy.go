// Package policy is Hindsight's one authorization decision: which actions an
// actor (a user, the role it acts with and the scope of the token it used)
// may take, on which RCA, and which edition of an RCA it may read. The API,
// the pages, the CLI and the service layer all ask here; nothing else
// compares roles.
package policy

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// ErrUnauthenticated: the action needs a signed-in actor and there is none.
var ErrUnauthenticated = errors.New("policy: not signed in")

// Denied is the error Can returns for a refused action. It wraps
// domain.ErrForbidden, so errors.Is(err, domain.ErrForbidden) holds.
type Denied struct {
	Action Action
	Reason string
}

func (d *Denied) Error() string { return fmt.Sprintf("policy: %s refused: %s", d.Action, d.Reason) }

// Unwrap makes errors.Is(err, domain.ErrForbidden) true.
func (d *Denied) Unwrap() error { return domain.ErrForbidden }

// Actor is who asks: a user with a role, through a browser session (Scope
// empty), an API token (Scope set), or the command line (System).
type Actor struct {
	UserID string
	Role   domain.Role
	Scope  domain.TokenScope // the token's scope; "" for a session or the system
	System bool              // the command line, acting on the data folder directly
}

// SystemActor is the command line: it may do everything, and the audit log
// names it "system".
func SystemActor() Actor {
	return Actor{UserID: "system", Role: domain.RoleAdmin, System: true}
}

// Anonymous reports whether nobody is signed in.
func (a Actor) Anonymous() bool { return a.UserID == "" && !a.System }

// EffectiveRole is the role the actor acts with: its user's role, capped by
// the token's scope (a read or write token of an admin acts as a reviewer).
func (a Actor) EffectiveRole() domain.Role {
	if a.Anonymous() {
		return ""
	}
	if a.Scope != "" && a.Scope != domain.ScopeAdmin && a.Role == domain.RoleAdmin {
		return domain.RoleReviewer
	}
	return a.Role
}

// Action is something an actor may want to do. Every route names one.
type Action string

// Actions. The rule table below gives each its role and whether it writes.
const (
	// Public and personal.
	Public       Action = "public"     // no sign-in: status page, sign-in, probes
	SelfRead     Action = "self.read"  // the caller's own profile, settings, tokens
	SelfWrite    Action = "self.write" // change them, mint or revoke an own token
	Preview      Action = "preview"    // render Markdown for the editor's preview
	TemplateRead Action = "template.read"

	// report2 area: the organisation's report header defaults (admins).
	ReportSettings Action = "report.settings"

	// Status-page components.
	ComponentRead   Action = "component.read"
	ComponentManage Action = "component.manage" // create, change (status included), delete

	// Incidents.
	IncidentRead   Action = "incident.read"
	IncidentWrite  Action = "incident.write" // create, change, add updates, link RCAs
	IncidentDelete Action = "incident.delete"

	// RCAs.
	RCARead           Action = "rca.read" // one RCA, its revisions, diffs, comments, report
	RCAList           Action = "rca.list"
	RCACreate         Action = "rca.create"
	RCAEdit           Action = "rca.edit" // replace, save a section, facts, timeline, actions, links
	RCAChangeTeam     Action = "rca.team" // change the authors or reviewers
	RCAComment        Action = "rca.comment"
	RCAState          Action = "rca.state" // a state change; the domain says which role each move needs
	RCAApprove        Action = "rca.approve"
	RCAPublish        Action = "rca.publish"
	RCAUnpublish      Action = "rca.unpublish"
	RCARestore        Action = "rca.restore"
	RCADelete         Action = "rca.delete"
	RCAExport         Action = "rca.export"
	RCAExportInternal Action = "rca.export.internal"
	RCADeliveries     Action = "rca.deliveries"

	// Import and administration.
	ImportIncidents  Action = "import.incidents"
	ImportComponents Action = "import.components" // an import that creates or changes components
	ImportURL        Action = "import.url"        // the server fetches the document
	UserManage       Action = "user.manage"
	AuditRead        Action = "audit.read"
	TargetManage     Action = "target.manage"

	// Custom templates and the contributing-factor taxonomy (tmpl area,
	// issue 14): everyone signed in reads (TemplateRead, FactorRead), admins
	// create, edit, retire, import.
	TemplateManage Action = "template.manage"
	FactorRead     Action = "factor.read"
	FactorManage   Action = "factor.manage"
	// InsightsRead: trends across RCAs (issue 14). They sum internal data
	// (action items, factors, every RCA whatever its state), so they need
	// the role that reads internal editions: authors and above.
	InsightsRead Action = "insights.read"
	// subs: see, export and remove status-page subscribers.
	SubscriberManage Action = "subscriber.manage"
)

// rule is what an action needs: a role (none for public actions) and
// whether it writes (read-scope tokens may not).
type rule struct {
	role  domain.Role
	write bool
}

var rules = map[Action]rule{
	Public:       {},
	SelfRead:     {role: domain.RoleViewer},
	SelfWrite:    {role: domain.RoleViewer, write: true},
	Preview:      {role: domain.RoleViewer, write: true},
	TemplateRead: {role: domain.RoleViewer},

	ReportSettings: {role: domain.RoleAdmin, write: true}, // report2 area

	ComponentRead:   {role: domain.RoleViewer},
	ComponentManage: {role: domain.RoleAdmin, write: true},

	IncidentRead:   {role: domain.RoleViewer},
	IncidentWrite:  {role: domain.RoleAuthor, write: true},
	IncidentDelete: {role: domain.RoleAdmin, write: true},

	RCARead:           {role: domain.RoleViewer},
	RCAList:           {role: domain.RoleViewer},
	RCACreate:         {role: domain.RoleAuthor, write: true},
	RCAEdit:           {role: domain.RoleAuthor, write: true},
	RCAChangeTeam:     {role: domain.RoleAuthor, write: true},
	RCAComment:        {role: domain.RoleAuthor, write: true},
	RCAState:          {role: domain.RoleAuthor, write: true},
	RCAApprove:        {role: domain.RoleReviewer, write: true},
	RCAPublish:        {role: domain.RoleReviewer, write: true},
	RCAUnpublish:      {role: domain.RoleReviewer, write: true},
	RCARestore:        {role: domain.RoleAuthor, write: true},
	RCADelete:         {role: domain.RoleAdmin, write: true},
	RCAExport:         {role: domain.RoleViewer},
	RCAExportInternal: {role: domain.RoleAuthor},
	RCADeliveries:     {role: domain.RoleAuthor},

	ImportIncidents:  {role: domain.RoleAuthor, write: true},
	ImportComponents: {role: domain.RoleAdmin, write: true},
	ImportURL:        {role: domain.RoleAdmin, write: true},
	UserManage:       {role: domain.RoleAdmin, write: true},
	AuditRead:        {role: domain.RoleAdmin},
	TargetManage:     {role: domain.RoleAdmin, write: true},

	// tmpl area (issue 14)
	TemplateManage:   {role: domain.RoleAdmin, write: true},
	FactorRead:       {role: domain.RoleViewer},
	FactorManage:     {role: domain.RoleAdmin, write: true},
	InsightsRead:     {role: domain.RoleAuthor},             // area insights
	SubscriberManage: {role: domain.RoleAdmin, write: true}, // subs
}

// Actions lists every action, for tests that walk them all.
func Actions() []Action {
	out := make([]Action, 0, len(rules))
	for a := range rules {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Known reports whether act has a rule.
func Known(act Action) bool {
	_, ok := rules[act]
	return ok
}

// Role is the weakest role act needs ("" for public actions).
func Role(act Action) domain.Role { return rules[act].role }

// Writes reports whether act changes something (read-scope tokens may not).
func Writes(act Action) bool { return rules[act].write }

// Can decides whether a may take act, on r when the action concerns one RCA
// (nil otherwise). It answers nil, ErrUnauthenticated, or a *Denied.
func Can(a Actor, act Action, r *domain.RCA) error {
	ru, ok := rules[act]
	if !ok {
		return &Denied{Action: act, Reason: "no rule for this action"}
	}
	if ru.role == "" {
		return nil
	}
	if a.Anonymous() {
		return ErrUnauthenticated
	}
	switch a.Scope {
	case "", domain.ScopeAdmin:
	case domain.ScopeWrite:
		if ru.role == domain.RoleAdmin {
			return &Denied{Action: act, Reason: "a write token cannot act as admin"}
		}
	case domain.ScopeRead:
		if ru.write || ru.role == domain.RoleAdmin {
			return &Denied{Action: act, Reason: "a read token cannot change anything"}
		}
	default:
		return &Denied{Action: act, Reason: "unknown token scope"}
	}
	role := a.EffectiveRole()
	if !role.Allows(ru.role) {
		return &Denied{Action: act, Reason: fmt.Sprintf("role %q is below %q", role, ru.role)}
	}
	if r == nil || a.System {
		return nil
	}
	switch act {
	case RCAChangeTeam:
		if a.UserID != r.CreatedBy && role != domain.RoleAdmin {
			return &Denied{Action: act, Reason: "only the RCA's owner or an admin changes its authors and reviewers"}
		}
	case RCAApprove:
		if Wrote(r, a.UserID) {
			return &Denied{Action: act, Reason: "an author cannot approve an RCA they wrote"}
		}
	}
	return nil
}

// Wrote reports whether user is one of r's writers: its creator or an author.
func Wrote(r *domain.RCA, user string) bool {
	return user != "" && (r.CreatedBy == user || slices.Contains(r.Authors, user))
}

// CanSetTeam decides a change of r's authors or reviewers to the given
// lists: nil when nothing changes, else Can(RCAChangeTeam) and no writer of
// the RCA among its reviewers through their own hand.
func CanSetTeam(a Actor, r *domain.RCA, authors, reviewers []string) error {
	if sameSet(authors, r.Authors) && sameSet(reviewers, r.Reviewers) {
		return nil
	}
	if err := Can(a, RCAChangeTeam, r); err != nil {
		return err
	}
	if !a.System && slices.Contains(reviewers, a.UserID) && !slices.Contains(r.Reviewers, a.UserID) &&
		(Wrote(r, a.UserID) || slices.Contains(authors, a.UserID)) {
		return &Denied{Action: RCAChangeTeam, Reason: "an author cannot make themselves a reviewer of their RCA"}
	}
	return nil
}

// Audience is the edition of r that a may read: authors and above read
// everything, viewers (and anyone less) the external edition only.
func Audience(a Actor, r *domain.RCA) domain.Audience {
	if a.System || a.EffectiveRole().Allows(domain.RoleAuthor) {
		return domain.AudienceInternal
	}
	return domain.AudienceExternal
}

func sameSet(a, b []string) bool {
	set := func(l []string) map[string]bool {
		m := make(map[string]bool, len(l))
		for _, v := range l {
			m[v] = true
		}
		return m
	}
	return maps.Equal(set(a), set(b))
}
