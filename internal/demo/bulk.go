package demo

// Bulk seeding for benchmarks (area "scalesql"): `hindsight demo --rcas N`
// writes N realistic RCAs with their incidents through the store's bulk
// writes. The text is assembled from our own phrase lists, so searches,
// filters and snippets behave as on real data.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

var (
	bulkServices = []string{"Checkout API", "Payments", "Search", "Login", "Webhooks", "Notifications", "Reporting",
		"Mobile API", "Admin console", "File uploads", "Billing", "Status page", "Data export", "Messaging", "Maps"}
	bulkTags = []string{"database", "network", "dns", "deploy", "config", "capacity", "third-party", "certificate",
		"cache", "queue", "storage", "kubernetes", "cdn", "auth", "rate-limit", "memory", "disk", "latency", "security", "migration"}
	bulkProblems = []string{"partial outage", "elevated error rates", "degraded performance", "delayed processing",
		"failed requests", "slow responses", "intermittent timeouts", "data sync delays", "sign-in failures", "full outage"}
	bulkCauses = []string{
		"a configuration change removed the connection limit on the primary database",
		"an expired TLS certificate on the internal load balancer rejected new connections",
		"the upstream provider rate-limited our requests after a traffic spike",
		"a schema migration locked the orders table for several minutes",
		"the cache cluster evicted hot keys after a memory limit was lowered",
		"a DNS record pointed at a decommissioned region",
		"a deploy shipped a feature flag default that disabled retries",
		"disk space ran out on the queue brokers because old segments were never deleted",
		"a noisy tenant saturated the shared search nodes",
		"a kernel upgrade changed the network buffer sizes on the gateway hosts",
		"connection pools were exhausted when a downstream dependency slowed down",
		"a failover promoted a replica that was several minutes behind",
	}
	bulkImpacts = []string{
		"customers saw errors when they tried to pay",
		"about a third of API requests failed with status 503",
		"notifications arrived up to forty minutes late",
		"dashboards showed stale numbers",
		"new sign-ins failed while existing sessions kept working",
		"uploads stalled and some had to be retried",
		"search results were incomplete for some workspaces",
		"webhooks were delivered twice to some partners",
	}
	bulkActions = []string{
		"detected the rise in errors through the latency alert",
		"paged the database on-call engineer",
		"rolled back the last deploy",
		"failed over to the secondary region",
		"raised the connection limit and restarted the workers",
		"drained the affected nodes",
		"renewed the certificate and reloaded the proxies",
		"asked the provider to lift the rate limit",
		"cleared the backlog of queued jobs",
		"confirmed that error rates were back to normal",
	}
	bulkMeasures = []string{
		"Alert on certificate expiry thirty days ahead", "Add a canary stage to configuration deploys",
		"Load test the checkout path every week", "Cap the retries of background jobs",
		"Document the failover runbook", "Move the queue brokers to larger disks",
		"Add per-tenant limits to the search cluster", "Review connection pool sizes",
		"Replay production traffic before schema migrations", "Monitor replication lag in the status checks",
	}
	bulkPeople = []string{"Ana", "Bilal", "Chen", "Dana", "Emeka", "Farah", "Greta", "Hiro", "Ines", "Jonas"}
)

// BulkSummary says what SeedBulk wrote.
type BulkSummary struct {
	RCAs, Incidents int
	Took            time.Duration
}

// SeedBulk writes n generated RCAs, each with one or two incidents, spread
// over the five years before now, in batches through the store's bulk
// writes. The same seed makes the same data (apart from ids). progress,
// when not nil, is called after every batch with the RCAs written so far.
func SeedBulk(ctx context.Context, st store.Store, n int, seed uint64, now time.Time, progress func(done int)) (BulkSummary, error) {
	if n <= 0 {
		return BulkSummary{}, fmt.Errorf("demo: the number of RCAs must be positive, not %d", n)
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	now = now.UTC().Truncate(time.Millisecond)
	var sum BulkSummary
	const batch = 1000
	for done := 0; done < n; {
		size := min(batch, n-done)
		incs := make([]domain.Incident, 0, size*2)
		rcas := make([]domain.RCA, 0, size)
		for i := range size {
			r, ins := bulkRCA(rng, tpl, now, done+i)
			for k := range ins {
				r.IncidentIDs = append(r.IncidentIDs, incRef(len(incs)+k))
			}
			incs = append(incs, ins...)
			rcas = append(rcas, r)
		}
		if err := st.CreateIncidents(ctx, incs); err != nil {
			return sum, fmt.Errorf("demo: write incidents: %w", err)
		}
		for i := range rcas {
			// The incidents got their ids when written.
			for j := range rcas[i].IncidentIDs {
				rcas[i].IncidentIDs[j] = incs[incIndex(rcas[i].IncidentIDs[j])].ID
			}
		}
		if err := st.CreateRCAs(ctx, rcas, "demo"); err != nil {
			return sum, fmt.Errorf("demo: write rcas: %w", err)
		}
		done += size
		sum.RCAs += len(rcas)
		sum.Incidents += len(incs)
		if progress != nil {
			progress(done)
		}
	}
	sum.Took = time.Since(start)
	return sum, nil
}

// Incident placeholders name their index in the batch until written.
func incRef(i int) string { return fmt.Sprintf("#%d", i) }

func incIndex(ref string) int {
	var i int
	if _, err := fmt.Sscanf(ref, "#%d", &i); err != nil {
		return 0 // not one of incRef's references
	}
	return i
}

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

func pickSome[T comparable](rng *rand.Rand, list []T, k int) []T {
	out := []T{}
	for len(out) < k {
		v := pick(rng, list)
		dup := false
		for _, o := range out {
			dup = dup || o == v
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

// bulkRCA makes the i-th generated RCA and its incidents; the caller links
// them once the incidents have ids.
func bulkRCA(rng *rand.Rand, tpl domain.Template, now time.Time, i int) (domain.RCA, []domain.Incident) {
	services := pickSome(rng, bulkServices, 1+rng.IntN(2))
	problem := pick(rng, bulkProblems)
	cause, impact := pick(rng, bulkCauses), pick(rng, bulkImpacts)
	title := fmt.Sprintf("%s %s", services[0], problem)
	startedAt := now.Add(-time.Duration(rng.Int64N(int64(5 * 365 * 24 * time.Hour)))).Truncate(time.Minute)
	length := time.Duration(10+rng.IntN(230)) * time.Minute

	r := domain.NewRCA(title, tpl, "en", nil, "demo", startedAt)
	r.Slug = domain.Slugify(fmt.Sprintf("%s %d", title, i))
	r.AffectedServices = services
	r.Tags = pickSome(rng, bulkTags, 1+rng.IntN(3))
	r.Severity = pick(rng, domain.Severities)
	r.IncidentDate = ptr(domain.DateOf(startedAt))
	states := []domain.RCAState{domain.StatePublished, domain.StatePublished, domain.StatePublished, domain.StateArchived,
		domain.StateApproved, domain.StateInReview, domain.StateDraft, domain.StateDraft}
	r.State = pick(rng, states)
	r.CreatedAt = startedAt.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
	r.UpdatedAt = r.CreatedAt.Add(time.Duration(rng.IntN(14*24*60)) * time.Minute)
	if r.UpdatedAt.After(now) {
		r.UpdatedAt = now
	}
	if r.State == domain.StatePublished {
		r.PublishedAt = &r.UpdatedAt
	}
	r.Authors = pickSome(rng, bulkPeople, 1+rng.IntN(2))

	sentence := func() string {
		switch rng.IntN(4) {
		case 0:
			return fmt.Sprintf("Between %s and %s UTC %s.", startedAt.Format("15:04"), startedAt.Add(length).Format("15:04"), impact)
		case 1:
			return fmt.Sprintf("The root cause was that %s.", cause)
		case 2:
			return fmt.Sprintf("The team %s.", pick(rng, bulkActions))
		default:
			return fmt.Sprintf("%s was affected for %d minutes; %s.", pick(rng, services), int(length.Minutes()), pick(rng, bulkImpacts))
		}
	}
	para := func(k int) string {
		s := make([]string, k)
		for j := range s {
			s[j] = sentence()
		}
		return strings.Join(s, " ")
	}
	for j := range r.Sections {
		sec := &r.Sections[j]
		switch sec.Key {
		case "summary":
			sec.Body = fmt.Sprintf("On %s, %s. %s", startedAt.Format("2 January 2006"), impact, para(2))
		case "root_cause":
			sec.Body = fmt.Sprintf("The root cause was that %s. %s", cause, para(2))
			if rng.IntN(3) == 0 {
				sec.Visibility = domain.Internal
			}
		case "preventive_measures":
			sec.Body = "- " + strings.Join(pickSome(rng, bulkMeasures, 3), "\n- ")
		default:
			sec.Body = para(2 + rng.IntN(3))
		}
	}
	kinds := []domain.TimelineKind{domain.KindImpactStart, domain.KindDetected, domain.KindEscalated, domain.KindIdentified, domain.KindMitigated, domain.KindResolved}
	for j, k := range kinds {
		vis := domain.External
		if k == domain.KindEscalated {
			vis = domain.Internal
		}
		r.Timeline = append(r.Timeline, domain.TimelineEntry{
			At: startedAt.Add(length * time.Duration(j) / time.Duration(len(kinds)-1)), Kind: k,
			Text: fmt.Sprintf("We %s.", pick(rng, bulkActions)), Visibility: vis,
		})
	}
	for _, m := range pickSome(rng, bulkMeasures, 2+rng.IntN(2)) {
		due := domain.DateOf(startedAt.AddDate(0, 1, 0))
		vis := domain.External
		if rng.IntN(4) == 0 {
			vis = domain.Internal
		}
		r.ActionItems = append(r.ActionItems, domain.ActionItem{Title: m, Owner: pick(rng, bulkPeople), Due: &due,
			State: pick(rng, []domain.ActionState{domain.ActionOpen, domain.ActionInProgress, domain.ActionDone, domain.ActionDone}), Visibility: vis})
	}
	bulkInsights(&r, i) // area insights

	var incs []domain.Incident
	for k := range 1 + rng.IntN(2) {
		at := startedAt.Add(time.Duration(k) * 36 * time.Hour)
		end := at.Add(length)
		in := domain.Incident{
			Title: title, Impact: pick(rng, []domain.Impact{domain.ImpactMinor, domain.ImpactMajor, domain.ImpactCritical}),
			Status: domain.StatusResolved, StartedAt: at, ResolvedAt: &end,
			Updates: []domain.IncidentUpdate{
				{Status: domain.UpdateInvestigating, Body: "We are investigating reports of " + problem + ".", At: at.Add(5 * time.Minute)},
				{Status: domain.UpdateIdentified, Body: "We found the cause and are working on a fix.", At: at.Add(length / 2)},
				{Status: domain.UpdateResolved, Body: "This incident has been resolved.", At: end},
			},
		}
		incs = append(incs, in)
	}
	return r, incs
}

// ---- area insights (issue 14) ----

// bulkFactors are the built-in contributing factor keys.
var bulkFactors = []string{"third_party", "config_change", "deploy", "capacity", "dependency_failure",
	"monitoring_gap", "human_process", "software_bug", "infrastructure", "security"}

// bulkInsights gives the i-th RCA one or two contributing factors and its
// done items a completion time (most by the due day), from a generator of
// its own so the other fields stay as they were.
func bulkInsights(r *domain.RCA, i int) {
	rng := rand.New(rand.NewPCG(uint64(i), 14))
	r.ContributingFactors = pickSome(rng, bulkFactors, 1+rng.IntN(2))
	for j := range r.ActionItems {
		a := &r.ActionItems[j]
		if a.State != domain.ActionDone || a.Due == nil {
			continue
		}
		done := a.Due.In(time.UTC).Add(time.Duration(rng.IntN(40*24)-30*24) * time.Hour)
		a.DoneAt = &done
	}
}
