package app

// Tracker follow-through (area "actions", issue 14): admins configure the
// trackers allowed to call POST /api/v1/hooks/tracker/{name}; a verified
// issue-closed delivery marks the action items linking that issue done,
// with the tracker as the actor in the revision and the audit log.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/tracker"
)

// ErrReplay: a tracker delivery id seen before (a replay or a redelivery of
// a handled delivery). Adapters answer 409.
var ErrReplay = errors.New("app: tracker delivery handled already")

// trackerHooksKey is the setting holding the hooks.
const trackerHooksKey = "tracker_hooks"

// hookDoc is a hook as stored: the secret included.
type hookDoc struct {
	domain.TrackerHook
	StoredSecret string `json:"secret"`
}

// hooksMu serializes the read-modify-write of the hooks setting within an
// instance; the version check refuses a write based on a stale read.
var hooksMu sync.Mutex

func (s *Service) loadHooks(ctx context.Context) ([]hookDoc, error) {
	b, err := s.st.GetSetting(ctx, trackerHooksKey)
	if errors.Is(err, store.ErrNotFound) {
		return []hookDoc{}, nil
	}
	if err != nil {
		return nil, err
	}
	var out []hookDoc
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("app: read tracker hooks: %w", err)
	}
	for i := range out {
		out[i].Secret = out[i].StoredSecret
	}
	return out, nil
}

func (s *Service) saveHooks(ctx context.Context, hooks []hookDoc) error {
	for i := range hooks {
		hooks[i].StoredSecret = hooks[i].Secret
	}
	b, err := json.Marshal(hooks)
	if err != nil {
		return err
	}
	return s.st.PutSetting(ctx, trackerHooksKey, b)
}

func public(h hookDoc) domain.TrackerHook {
	out := h.TrackerHook
	out.HasSecret, out.Secret = h.Secret != "", ""
	return out
}

// TrackerHooks lists the hooks, by name, without their secrets.
func (s *Service) TrackerHooks(ctx context.Context, a policy.Actor) ([]domain.TrackerHook, error) {
	if err := policy.Can(a, policy.TargetManage, nil); err != nil {
		return nil, err
	}
	hooks, err := s.loadHooks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]domain.TrackerHook, 0, len(hooks))
	for _, h := range hooks {
		out = append(out, public(h))
	}
	slices.SortFunc(out, func(a, b domain.TrackerHook) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out, nil
}

// CreateTrackerHook adds a hook; a name taken is store.ErrDuplicate.
func (s *Service) CreateTrackerHook(ctx context.Context, a policy.Actor, h domain.TrackerHook) (domain.TrackerHook, error) {
	if err := policy.Can(a, policy.TargetManage, nil); err != nil {
		return domain.TrackerHook{}, err
	}
	if err := h.Validate(true); err != nil {
		return domain.TrackerHook{}, err
	}
	hooksMu.Lock()
	defer hooksMu.Unlock()
	hooks, err := s.loadHooks(ctx)
	if err != nil {
		return domain.TrackerHook{}, err
	}
	if slices.ContainsFunc(hooks, func(o hookDoc) bool { return o.Name == h.Name }) {
		return domain.TrackerHook{}, fmt.Errorf("app: tracker hook %s: %w", h.Name, store.ErrDuplicate)
	}
	h.Version, h.CreatedAt, h.UpdatedAt = 1, s.now(), s.now()
	hooks = append(hooks, hookDoc{TrackerHook: h})
	if err := s.saveHooks(ctx, hooks); err != nil {
		return domain.TrackerHook{}, err
	}
	s.audit(ctx, a.UserID, "tracker_hook.create", "tracker_hook:"+h.Name, map[string]string{"kind": h.Kind})
	return public(hooks[len(hooks)-1]), nil
}

// UpdateTrackerHook changes a hook's kind and secret (an empty secret keeps
// the stored one) when in.Version is the stored version (else 409).
func (s *Service) UpdateTrackerHook(ctx context.Context, a policy.Actor, name string, in domain.TrackerHook) (domain.TrackerHook, error) {
	if err := policy.Can(a, policy.TargetManage, nil); err != nil {
		return domain.TrackerHook{}, err
	}
	in.Name = name
	if err := in.Validate(false); err != nil {
		return domain.TrackerHook{}, err
	}
	if in.Version < 1 {
		return domain.TrackerHook{}, invalid("version", domain.CodeRequired, "send the version you read")
	}
	hooksMu.Lock()
	defer hooksMu.Unlock()
	hooks, err := s.loadHooks(ctx)
	if err != nil {
		return domain.TrackerHook{}, err
	}
	i := slices.IndexFunc(hooks, func(o hookDoc) bool { return o.Name == name })
	if i < 0 {
		return domain.TrackerHook{}, fmt.Errorf("app: tracker hook %s: %w", name, store.ErrNotFound)
	}
	if hooks[i].Version != in.Version {
		return domain.TrackerHook{}, fmt.Errorf("app: tracker hook %s at version %d: %w", name, hooks[i].Version, store.ErrConflict)
	}
	hooks[i].Kind = in.Kind
	if in.Secret != "" {
		hooks[i].Secret = in.Secret
	}
	hooks[i].Version++
	hooks[i].UpdatedAt = s.now()
	if err := s.saveHooks(ctx, hooks); err != nil {
		return domain.TrackerHook{}, err
	}
	s.audit(ctx, a.UserID, "tracker_hook.update", "tracker_hook:"+name, map[string]string{"kind": in.Kind,
		"secret_changed": fmt.Sprint(in.Secret != "")})
	return public(hooks[i]), nil
}

// DeleteTrackerHook removes a hook.
func (s *Service) DeleteTrackerHook(ctx context.Context, a policy.Actor, name string) error {
	if err := policy.Can(a, policy.TargetManage, nil); err != nil {
		return err
	}
	hooksMu.Lock()
	defer hooksMu.Unlock()
	hooks, err := s.loadHooks(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(hooks, func(o hookDoc) bool { return o.Name == name })
	if i < 0 {
		return fmt.Errorf("app: tracker hook %s: %w", name, store.ErrNotFound)
	}
	if err := s.saveHooks(ctx, slices.Delete(hooks, i, i+1)); err != nil {
		return err
	}
	s.audit(ctx, a.UserID, "tracker_hook.delete", "tracker_hook:"+name, nil)
	return nil
}

// HookResult is what a handled delivery did.
type HookResult struct {
	Delivery string    `json:"delivery"`
	Closed   bool      `json:"closed"`            // the delivery reported an issue closed
	Done     []ItemRef `json:"done"`              // the items it marked done
	Already  []ItemRef `json:"already"`           // items linking the issue that were done already
	Ignored  string    `json:"ignored,omitempty"` // why nothing was done
}

// ItemRef names one action item.
type ItemRef struct {
	RCAID string `json:"rca_id"`
	ID    string `json:"id"`
}

// ReceiveTrackerHook verifies one delivery to the hook name (an unknown
// hook is store.ErrNotFound, a bad signature tracker.ErrSignature, a
// delivery id seen before ErrReplay) and marks the items linking a closed
// issue done. The claim of the delivery id is given back when the items
// cannot be stored, so the tracker's redelivery is not refused.
func (s *Service) ReceiveTrackerHook(ctx context.Context, name string, h http.Header, body []byte) (HookResult, error) {
	hooks, err := s.loadHooks(ctx)
	if err != nil {
		return HookResult{}, err
	}
	i := slices.IndexFunc(hooks, func(o hookDoc) bool { return o.Name == name })
	if i < 0 {
		return HookResult{}, fmt.Errorf("app: tracker hook %s: %w", name, store.ErrNotFound)
	}
	hook := hooks[i]
	ev, err := tracker.Read(hook.Kind, hook.Secret, h, body)
	if err != nil {
		return HookResult{}, err
	}
	scope := "hook:" + name
	if err := s.st.Claim(ctx, scope, ev.DeliveryID, s.now()); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			return HookResult{}, ErrReplay
		}
		return HookResult{}, err
	}
	res := HookResult{Delivery: ev.DeliveryID, Closed: ev.Closed, Done: []ItemRef{}, Already: []ItemRef{}}
	if !ev.Closed {
		res.Ignored = "not an issue-closed event"
		return res, nil
	}
	actor := "tracker:" + name
	for _, u := range ev.IssueURLs {
		rows, err := s.st.ActionItemsByTracker(ctx, u)
		if err != nil {
			_ = s.st.Unclaim(ctx, scope, ev.DeliveryID)
			return HookResult{}, err
		}
		for _, row := range rows {
			ref := ItemRef{RCAID: row.RCAID, ID: row.ID}
			var changed bool
			err := RetryConflict(func() error {
				r, err := s.st.GetRCA(ctx, row.RCAID)
				if err != nil {
					return err
				}
				changed, err = s.setItemState(ctx, &r, row.ID, domain.ActionDone, actor, "action "+row.ID+" done by "+actor)
				return err
			})
			if errors.Is(err, store.ErrNotFound) {
				continue // the RCA or item went away meanwhile
			}
			if err != nil {
				_ = s.st.Unclaim(ctx, scope, ev.DeliveryID)
				return HookResult{}, err
			}
			if !changed {
				res.Already = append(res.Already, ref)
				continue
			}
			res.Done = append(res.Done, ref)
			s.audit(ctx, actor, "rca.action_state", "rca:"+row.RCAID, map[string]string{"item": row.ID,
				"state": string(domain.ActionDone), "tracker_url": row.TrackerURL, "delivery": ev.DeliveryID})
		}
	}
	if len(res.Done)+len(res.Already) == 0 {
		res.Ignored = "no action item links this issue"
	}
	return res, nil
}
