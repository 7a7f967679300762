package statuspage

import "time"

// The types below are Statuspage's public v2 API documents, with its own field
// names, so widgets and monitors written for Statuspage read ours unchanged.

// V2Page is the "page" object every v2 document starts with.
type V2Page struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	TimeZone  string    `json:"time_zone"`
	UpdatedAt time.Time `json:"updated_at"`
}

// V2Status is the page's overall state.
type V2Status struct {
	// Indicator is none, minor, major or critical (or maintenance, as Statuspage does).
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

// V2Component is one component, or a group of components (Group true, with
// the ids of its members in Components).
type V2Component struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Status             string    `json:"status"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Position           int       `json:"position"`
	Description        *string   `json:"description"`
	Showcase           bool      `json:"showcase"`
	StartDate          *string   `json:"start_date"`
	GroupID            *string   `json:"group_id"`
	PageID             string    `json:"page_id"`
	Group              bool      `json:"group"`
	OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
	Components         []string  `json:"components,omitempty"`
}

// V2AffectedComponent is a component change carried by an incident update.
type V2AffectedComponent struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

// V2IncidentUpdate is one message of an incident.
type V2IncidentUpdate struct {
	ID                   string                `json:"id"`
	Status               string                `json:"status"`
	Body                 string                `json:"body"`
	IncidentID           string                `json:"incident_id"`
	CreatedAt            time.Time             `json:"created_at"`
	UpdatedAt            time.Time             `json:"updated_at"`
	DisplayAt            time.Time             `json:"display_at"`
	AffectedComponents   []V2AffectedComponent `json:"affected_components"`
	DeliverNotifications bool                  `json:"deliver_notifications"`
	CustomTweet          *string               `json:"custom_tweet"`
	TweetID              *string               `json:"tweet_id"`
}

// V2Incident is one incident with its updates, newest first.
type V2Incident struct {
	ID              string             `json:"id"`
	Name            string             `json:"name"`
	Status          string             `json:"status"`
	CreatedAt       time.Time          `json:"created_at"`
	UpdatedAt       time.Time          `json:"updated_at"`
	MonitoringAt    *time.Time         `json:"monitoring_at"`
	ResolvedAt      *time.Time         `json:"resolved_at"`
	Impact          string             `json:"impact"`
	Shortlink       string             `json:"shortlink"`
	StartedAt       time.Time          `json:"started_at"`
	PageID          string             `json:"page_id"`
	IncidentUpdates []V2IncidentUpdate `json:"incident_updates"`
	Components      []V2Component      `json:"components"`
}

// V2Summary is summary.json.
type V2Summary struct {
	Page                  V2Page        `json:"page"`
	Components            []V2Component `json:"components"`
	Incidents             []V2Incident  `json:"incidents"`
	ScheduledMaintenances []V2Incident  `json:"scheduled_maintenances"`
	Status                V2Status      `json:"status"`
}

// V2StatusDoc is status.json.
type V2StatusDoc struct {
	Page   V2Page   `json:"page"`
	Status V2Status `json:"status"`
}

// V2ComponentsDoc is components.json.
type V2ComponentsDoc struct {
	Page       V2Page        `json:"page"`
	Components []V2Component `json:"components"`
}

// V2IncidentsDoc is incidents.json and incidents/unresolved.json.
type V2IncidentsDoc struct {
	Page      V2Page       `json:"page"`
	Incidents []V2Incident `json:"incidents"`
}

// Statuspage's incident status once a postmortem is published.
const statusPostmortem = "postmortem"
