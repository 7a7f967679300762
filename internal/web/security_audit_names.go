package web

// The audit log shows names, not ids (area collab, issue 12): a user
// target by the user's name, an RCA by its title, an incident by its title.

import (
	"context"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

// auditTargetNames answers a function that words a target ("rca:ID") by
// name; a target it cannot name (deleted, or of another kind) stays as it
// is. Each RCA and incident is read once per page.
func auditTargetNames(ctx context.Context, svc *app.Service, users map[string]string) func(string) string {
	seen := map[string]string{}
	system := policy.SystemActor()
	return func(target string) string {
		kind, id, ok := strings.Cut(target, ":")
		if !ok || id == "" {
			return target
		}
		if n, ok := seen[target]; ok {
			return n
		}
		name := ""
		switch kind {
		case "user":
			name = users[id]
		case "rca":
			if r, err := svc.GetRCA(ctx, system, id); err == nil {
				name = r.Title
			}
		case "incident":
			if in, err := svc.IncidentTitle(ctx, id); err == nil {
				name = in
			}
		}
		if name == "" {
			name = target
		}
		seen[target] = name
		return name
	}
}
