package domain

// Impact is how bad an incident was, in Statuspage's terms.
type Impact string

// Impacts.
const (
	ImpactNone     Impact = "none"
	ImpactMinor    Impact = "minor"
	ImpactMajor    Impact = "major"
	ImpactCritical Impact = "critical"
)

// Impacts lists every impact, least severe first.
var Impacts = []Impact{ImpactNone, ImpactMinor, ImpactMajor, ImpactCritical}

// Valid reports whether i is a known impact.
func (i Impact) Valid() bool { return oneOf(i, Impacts) }

// IncidentStatus is where an incident stands.
type IncidentStatus string

// Incident statuses.
const (
	StatusInvestigating IncidentStatus = "investigating"
	StatusIdentified    IncidentStatus = "identified"
	StatusMonitoring    IncidentStatus = "monitoring"
	StatusResolved      IncidentStatus = "resolved"
)

// IncidentStatuses lists every incident status in workflow order.
var IncidentStatuses = []IncidentStatus{StatusInvestigating, StatusIdentified, StatusMonitoring, StatusResolved}

// Valid reports whether s is a known incident status.
func (s IncidentStatus) Valid() bool { return oneOf(s, IncidentStatuses) }

// UpdateStatus is the label of one incident update. "update" is a progress
// note that leaves the incident's status as it was.
type UpdateStatus string

// Update statuses.
const (
	UpdateInvestigating UpdateStatus = "investigating"
	UpdateIdentified    UpdateStatus = "identified"
	UpdateProgress      UpdateStatus = "update"
	UpdateMonitoring    UpdateStatus = "monitoring"
	UpdateResolved      UpdateStatus = "resolved"
)

// UpdateStatuses lists every update status.
var UpdateStatuses = []UpdateStatus{UpdateInvestigating, UpdateIdentified, UpdateProgress, UpdateMonitoring, UpdateResolved}

// Valid reports whether s is a known update status.
func (s UpdateStatus) Valid() bool { return oneOf(s, UpdateStatuses) }

// ComponentStatus is the state of a status-page component.
type ComponentStatus string

// Component statuses, in Statuspage's terms.
const (
	ComponentOperational   ComponentStatus = "operational"
	ComponentDegraded      ComponentStatus = "degraded_performance"
	ComponentPartialOutage ComponentStatus = "partial_outage"
	ComponentMajorOutage   ComponentStatus = "major_outage"
	ComponentMaintenance   ComponentStatus = "under_maintenance"
)

// ComponentStatuses lists every component status, best first.
var ComponentStatuses = []ComponentStatus{ComponentOperational, ComponentMaintenance, ComponentDegraded, ComponentPartialOutage, ComponentMajorOutage}

// Valid reports whether s is a known component status.
func (s ComponentStatus) Valid() bool { return oneOf(s, ComponentStatuses) }

// Severity orders component statuses so the worst can be picked.
func (s ComponentStatus) Severity() int {
	for i, v := range ComponentStatuses {
		if v == s {
			return i
		}
	}
	return 0
}

// RCAState is where an RCA stands in its review workflow.
type RCAState string

// RCA states.
const (
	StateDraft     RCAState = "draft"
	StateInReview  RCAState = "in_review"
	StateApproved  RCAState = "approved"
	StatePublished RCAState = "published"
	StateArchived  RCAState = "archived"
)

// RCAStates lists every RCA state in workflow order.
var RCAStates = []RCAState{StateDraft, StateInReview, StateApproved, StatePublished, StateArchived}

// Valid reports whether s is a known RCA state.
func (s RCAState) Valid() bool { return oneOf(s, RCAStates) }

// Visibility says who may read a section, timeline entry or action item.
type Visibility string

// Visibilities.
const (
	External Visibility = "external"
	Internal Visibility = "internal"
)

// Visibilities lists both visibilities.
var Visibilities = []Visibility{External, Internal}

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool { return oneOf(v, Visibilities) }

// TimelineKind classifies a timeline entry; derived times come from the kinds.
type TimelineKind string

// Timeline kinds.
const (
	KindTrigger     TimelineKind = "trigger"
	KindImpactStart TimelineKind = "impact_start"
	KindDetected    TimelineKind = "detected"
	KindEscalated   TimelineKind = "escalated"
	KindIdentified  TimelineKind = "identified"
	KindMitigated   TimelineKind = "mitigated"
	KindResolved    TimelineKind = "resolved"
	KindRecurred    TimelineKind = "recurred"
	KindNote        TimelineKind = "note"
)

// TimelineKinds lists every timeline kind.
var TimelineKinds = []TimelineKind{KindTrigger, KindImpactStart, KindDetected, KindEscalated, KindIdentified, KindMitigated, KindResolved, KindRecurred, KindNote}

// Valid reports whether k is a known timeline kind.
func (k TimelineKind) Valid() bool { return oneOf(k, TimelineKinds) }

// ActionState is the progress of an action item.
type ActionState string

// Action item states.
const (
	ActionOpen       ActionState = "open"
	ActionInProgress ActionState = "in_progress"
	ActionDone       ActionState = "done"
	ActionWontDo     ActionState = "wont_do"
)

// ActionStates lists every action item state.
var ActionStates = []ActionState{ActionOpen, ActionInProgress, ActionDone, ActionWontDo}

// Valid reports whether s is a known action item state.
func (s ActionState) Valid() bool { return oneOf(s, ActionStates) }

// Severity is an RCA's severity level, SEV1 the worst.
type Severity string

// Severities.
const (
	SeverityNone Severity = ""
	Sev1         Severity = "sev1"
	Sev2         Severity = "sev2"
	Sev3         Severity = "sev3"
	Sev4         Severity = "sev4"
)

// Severities lists the set severities, worst first.
var Severities = []Severity{Sev1, Sev2, Sev3, Sev4}

// Valid reports whether s is empty (not set) or a known severity.
func (s Severity) Valid() bool { return s == SeverityNone || oneOf(s, Severities) }

// Role is what a user may do. Each role includes the ones before it.
type Role string

// Roles, weakest first.
const (
	RoleViewer   Role = "viewer"
	RoleAuthor   Role = "author"
	RoleReviewer Role = "reviewer"
	RoleAdmin    Role = "admin"
)

// Roles lists every role, weakest first.
var Roles = []Role{RoleViewer, RoleAuthor, RoleReviewer, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return oneOf(r, Roles) }

// Allows reports whether a user with role r may act as role need.
func (r Role) Allows(need Role) bool { return r.rank() >= need.rank() && r.Valid() }

func (r Role) rank() int {
	for i, v := range Roles {
		if v == r {
			return i
		}
	}
	return -1
}

func oneOf[T comparable](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}
