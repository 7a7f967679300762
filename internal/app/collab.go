package app

// Co-authors in one document (area collab, issue 12): who is in it, which
// section each edits, and every save, comment and edit as it lands, for
// server-sent events. Presence lives in the store and every instance polls
// the store's document counter, so co-authors on different instances see
// each other within one poll.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

// Collab timing: how often an instance polls the document counter, how
// long a presence lasts without a heartbeat, and how often every open
// document is read again even when the counter stood still (presences
// lapse without a write).
const (
	DefaultCollabPoll = time.Second
	presenceTTL       = 30 * time.Second
	fullRefresh       = 5 * time.Second
)

// CollabEvent is one event for an open document: Name is "presence",
// "section", "comments" or "rca"; Data is its JSON body.
type CollabEvent struct {
	Name string
	Data any
}

// Person is one open editor in a document.
type Person struct {
	Client  string `json:"client"`
	UserID  string `json:"user_id"`
	Name    string `json:"name"`
	Section string `json:"section"`
}

// PresenceEvent lists who is in the document.
type PresenceEvent struct {
	People []Person `json:"people"`
}

// SectionEvent is a section another editor saved.
type SectionEvent struct {
	Key        string            `json:"key"`
	Revision   int64             `json:"revision"`
	Version    int64             `json:"version"`
	Body       string            `json:"body"`
	Visibility domain.Visibility `json:"visibility"`
	By         string            `json:"by"`
	ByName     string            `json:"by_name"`
}

// VersionEvent says the RCA (or its comments) changed; the client reads
// what it shows again.
type VersionEvent struct {
	Version int64 `json:"version"`
}

type collabSub struct {
	client   string
	user     string
	audience domain.Audience
	section  string
	ch       chan CollabEvent
}

type collabDoc struct {
	subs     map[*collabSub]struct{}
	version  int64
	revs     map[string]int64
	comments string
	seen     bool // comments was read once
	presence string
}

// Collab fans an RCA's changes out to its open editors.
type Collab struct {
	svc   *Service
	every time.Duration

	mu      sync.Mutex
	docs    map[string]*collabDoc
	running bool
}

func newCollab(s *Service, every time.Duration) *Collab {
	if every <= 0 {
		every = DefaultCollabPoll
	}
	return &Collab{svc: s, every: every, docs: map[string]*collabDoc{}}
}

// Collab answers the service's co-author hub.
func (s *Service) Collab() *Collab { return s.collab }

// Subscribe opens a document for one editor (client, a browser tab) of
// the actor: it records the editor's presence and answers the channel of
// events, which closes when ctx ends (the presence is then removed).
func (h *Collab) Subscribe(ctx context.Context, a policy.Actor, rcaID, client string) (<-chan CollabEvent, error) {
	r, aud, err := h.svc.readable(ctx, a, policy.RCAEdit, rcaID)
	if err != nil {
		return nil, err
	}
	if !domain.ValidClient(client) {
		return nil, invalid("client", domain.CodeInvalid, "8 to 64 letters, digits, - or _")
	}
	sub := &collabSub{client: client, user: a.UserID, audience: aud, ch: make(chan CollabEvent, 64)}
	if err := h.touch(ctx, r.ID, sub); err != nil {
		return nil, err
	}
	h.mu.Lock()
	d := h.docs[r.ID]
	if d == nil {
		d = &collabDoc{subs: map[*collabSub]struct{}{}, version: r.Version, revs: map[string]int64{}}
		for _, s := range r.Sections {
			d.revs[s.Key] = s.Revision
		}
		h.docs[r.ID] = d
	}
	d.subs[sub] = struct{}{}
	d.presence = "" // the newcomer gets the list at once
	start := !h.running
	h.running = true
	h.mu.Unlock()
	if start {
		go h.loop()
	}
	h.refresh(context.WithoutCancel(ctx), r.ID, true)
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(d.subs, sub)
		if len(d.subs) == 0 && h.docs[r.ID] == d {
			delete(h.docs, r.ID)
		}
		close(sub.ch)
		h.mu.Unlock()
		leave, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = h.svc.st.LeavePresence(leave, r.ID, client)
	}()
	return sub.ch, nil
}

// Focus records which section ("" none) the actor's editor client edits.
func (h *Collab) Focus(ctx context.Context, a policy.Actor, rcaID, client, section string) error {
	r, _, err := h.svc.readable(ctx, a, policy.RCAEdit, rcaID)
	if err != nil {
		return err
	}
	if !domain.ValidClient(client) {
		return invalid("client", domain.CodeInvalid, "8 to 64 letters, digits, - or _")
	}
	if section != "" && r.Section(section) == nil {
		return invalid("section", domain.CodeUnknownEnum, section)
	}
	sub := &collabSub{client: client, user: a.UserID, section: section}
	h.mu.Lock()
	if d := h.docs[r.ID]; d != nil {
		for s := range d.subs {
			if s.client == client && s.user == a.UserID {
				s.section = section
			}
		}
	}
	h.mu.Unlock()
	if err := h.touch(ctx, r.ID, sub); err != nil {
		return err
	}
	h.refresh(ctx, r.ID, false)
	return nil
}

func (h *Collab) touch(ctx context.Context, rcaID string, sub *collabSub) error {
	return h.svc.st.TouchPresence(ctx, domain.Presence{RCAID: rcaID, Client: sub.client, UserID: sub.user,
		Section: sub.section, Until: h.svc.now().Add(presenceTTL)})
}

// loop polls the document counter while any document is open.
func (h *Collab) loop() {
	ctx := context.Background()
	tick := time.NewTicker(h.every)
	defer tick.Stop()
	last, _ := h.svc.st.DocChanges(ctx)
	lastFull, lastBeat := time.Now(), time.Now()
	for range tick.C {
		h.mu.Lock()
		if len(h.docs) == 0 {
			h.running = false
			h.mu.Unlock()
			return
		}
		ids := make([]string, 0, len(h.docs))
		for id := range h.docs {
			ids = append(ids, id)
		}
		h.mu.Unlock()
		if time.Since(lastBeat) > presenceTTL/3 {
			lastBeat = time.Now()
			h.heartbeat(ctx)
		}
		n, err := h.svc.st.DocChanges(ctx)
		if err != nil {
			continue
		}
		full := time.Since(lastFull) > fullRefresh
		if n == last && !full {
			continue
		}
		last = n
		if full {
			lastFull = time.Now()
		}
		for _, id := range ids {
			h.refresh(ctx, id, true)
		}
	}
}

// heartbeat keeps this instance's editors present.
func (h *Collab) heartbeat(ctx context.Context) {
	type beat struct {
		rca string
		sub collabSub
	}
	var beats []beat
	h.mu.Lock()
	for id, d := range h.docs {
		for s := range d.subs {
			beats = append(beats, beat{id, collabSub{client: s.client, user: s.user, section: s.section}})
		}
	}
	h.mu.Unlock()
	for _, b := range beats {
		_ = h.touch(ctx, b.rca, &b.sub)
	}
}

// refresh reads one open document again and sends what changed.
func (h *Collab) refresh(ctx context.Context, rcaID string, withComments bool) {
	st := h.svc.st
	r, err := st.GetRCA(ctx, rcaID)
	if err != nil {
		return
	}
	people, err := st.ListPresence(ctx, rcaID, h.svc.now())
	if err != nil {
		return
	}
	var comments []domain.Comment
	if withComments {
		if comments, err = st.ListComments(ctx, rcaID); err != nil {
			return
		}
	}
	names, _ := h.svc.UserNames(ctx)
	pe := PresenceEvent{People: []Person{}}
	for _, p := range people {
		pe.People = append(pe.People, Person{Client: p.Client, UserID: p.UserID, Name: nameOr(names, p.UserID), Section: p.Section})
	}
	sort.SliceStable(pe.People, func(i, j int) bool { return pe.People[i].Name < pe.People[j].Name })
	fp := fmt.Sprint(pe.People)

	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.docs[rcaID]
	if d == nil {
		return
	}
	send := func(ev CollabEvent, visible func(*collabSub) bool) {
		for s := range d.subs {
			if visible == nil || visible(s) {
				select {
				case s.ch <- ev:
				default: // a stalled reader misses events; its next reload catches up
				}
			}
		}
	}
	if fp != d.presence {
		d.presence = fp
		send(CollabEvent{"presence", pe}, nil)
	}
	for _, sec := range r.Sections {
		if sec.Revision <= d.revs[sec.Key] {
			continue
		}
		d.revs[sec.Key] = sec.Revision
		ev := SectionEvent{Key: sec.Key, Revision: sec.Revision, Version: r.Version, Body: sec.Body,
			Visibility: sec.Visibility, By: sec.UpdatedBy, ByName: nameOr(names, sec.UpdatedBy)}
		key := sec.Key
		send(CollabEvent{"section", ev}, func(s *collabSub) bool { return r.SectionVisible(s.audience, key) })
	}
	if r.Version != d.version {
		d.version = r.Version
		send(CollabEvent{"rca", VersionEvent{Version: r.Version}}, nil)
	}
	if withComments {
		var b strings.Builder
		for _, c := range comments {
			fmt.Fprintf(&b, "%s/%v;", c.ID, c.ResolvedAt != nil)
		}
		if fp := b.String(); fp != d.comments || !d.seen {
			if d.seen {
				send(CollabEvent{"comments", VersionEvent{Version: r.Version}}, nil)
			}
			d.comments, d.seen = fp, true
		}
	}
}

func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}
