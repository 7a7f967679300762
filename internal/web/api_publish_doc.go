package web

import (
	"net/http"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/importer"
)

// statusOps describes the publish, import and target routes for openapi.json.
func statusOps() []apiOp {
	return []apiOp{
		{Method: http.MethodPost, Path: "/rcas/{id}/publish", Tag: "publishing", Role: domain.RoleReviewer,
			Summary: "Publish an approved RCA (or re-publish a published one) to the status page and every enabled target; subscribers are told once, again only with {\"notify\": true} (optional body)",
			Request: publishRequest{}, Response: app.Published{}},
		{Method: http.MethodPost, Path: "/rcas/{id}/unpublish", Tag: "publishing", Role: domain.RoleReviewer,
			Summary: "Take a published RCA back to draft and revert it on every target", Request: unpublishRequest{}, Response: app.Published{}},
		{Method: http.MethodGet, Path: "/rcas/{id}/deliveries", Tag: "publishing", Role: domain.RoleAuthor,
			Summary: "Deliveries of an RCA to publish targets, newest first", Response: struct {
				Items []domain.Delivery `json:"items"`
			}{}},
		{Method: http.MethodPost, Path: "/import/statuspage", Tag: "import", Role: domain.RoleAuthor,
			Summary: "Import a Statuspage v2 incidents.json or summary.json (the body), or fetch one from {\"url\"} (admins); idempotent by source ids",
			Request: importURLRequest{}, Response: importer.Result{}},
		{Method: http.MethodGet, Path: "/targets", Tag: "publishing", Role: domain.RoleAdmin, Summary: "List publish targets (secrets are never answered)",
			Response: struct {
				Items []targetView `json:"items"`
			}{}},
		{Method: http.MethodPost, Path: "/targets", Tag: "publishing", Role: domain.RoleAdmin, Summary: "Add a publish target (Statuspage or webhook)",
			Request: targetInput{}, Response: targetView{}, Status: http.StatusCreated},
		{Method: http.MethodGet, Path: "/targets/{id}", Tag: "publishing", Role: domain.RoleAdmin, Summary: "Read a publish target", Response: targetView{}},
		{Method: http.MethodPut, Path: "/targets/{id}", Tag: "publishing", Role: domain.RoleAdmin,
			Summary: "Replace a publish target; an empty secret keeps the stored one", Request: targetInput{}, Response: targetView{}},
		{Method: http.MethodDelete, Path: "/targets/{id}", Tag: "publishing", Role: domain.RoleAdmin, Summary: "Delete a publish target", Status: http.StatusNoContent},
		// subs
		{Method: http.MethodGet, Path: "/subscribers", Tag: "publishing", Role: domain.RoleAdmin,
			Summary: "List status-page subscribers (?format=csv or Accept: text/csv exports CSV); link tokens and secrets are never answered",
			Response: struct {
				Subscribers []subscriberRow `json:"subscribers"`
				MailEnabled bool            `json:"mail_enabled"`
			}{}},
		{Method: http.MethodPost, Path: "/subscribers", Tag: "publishing", Role: domain.RoleAdmin,
			Summary: "Add a webhook subscriber (signed like webhook targets; the secret is answered once)",
			Request: subscriberInput{}, Response: subscriberCreated{}, Status: http.StatusCreated},
		{Method: http.MethodDelete, Path: "/subscribers/{id}", Tag: "publishing", Role: domain.RoleAdmin, Summary: "Remove a subscriber for good", Status: http.StatusNoContent},
	}
}
