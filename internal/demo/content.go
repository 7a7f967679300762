package demo

import (
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// specs returns the demo's three RCAs, one per built-in template.
func (s *seeder) specs() []rcaSpec {
	return []rcaSpec{s.partnerRCA(), s.thirdPartyRCA(), s.standardRCA()}
}

func entry(at time.Time, kind domain.TimelineKind, text string) domain.TimelineEntry {
	return domain.TimelineEntry{At: at, Kind: kind, Text: text, Visibility: domain.External}
}

func internalEntry(at time.Time, kind domain.TimelineKind, text string) domain.TimelineEntry {
	e := entry(at, kind, text)
	e.Visibility = domain.Internal
	return e
}

func (s *seeder) due(days int) *domain.Date { return ptr(domain.DateOf(s.day.AddDate(0, 0, days))) }

// partnerRCA is one problem that hit partners twice, three days apart: two
// incidents, one published RCA.
func (s *seeder) partnerRCA() rcaSpec {
	return rcaSpec{
		template:  domain.TemplatePartner,
		title:     "Templates API partial service disruption",
		incidents: []string{"templates-1", "templates-2"},
		severity:  domain.Sev2,
		services:  []string{"Templates API", "Partner Portal"},
		tags:      []string{"release", "configuration", "recurring"},
		written:   s.at(11, 10, 0),
		states:    []domain.RCAState{domain.StateInReview, domain.StateApproved, domain.StatePublished},
		sections: map[string]string{
			"summary": "On two days, three days apart, part of the requests to the **Templates API** failed with " +
				"HTTP 503. The first disruption lasted about 50 minutes in the morning, the second about an hour in " +
				"the evening. Requests that failed could be retried safely; no template data was lost or changed.\n\n" +
				"Both disruptions had the same cause, so this report covers them together.",
			"timeline": "All times are in UTC. The second disruption is marked as a recurrence of the first.",
			"root_cause": "A release of the Templates API introduced a new setting for the number of rendering " +
				"workers per server. The new version of the service read the setting, but the configuration it loads " +
				"at start-up did not contain it yet, so servers fell back to a small built-in default. Under normal " +
				"morning traffic these servers could not keep up, requests waited too long and were answered with " +
				"HTTP 503.\n\n" +
				"Rolling the release back ended the first disruption. When we shipped the corrected release, the " +
				"configuration of the servers already running was complete, but the recipe used to start *additional* " +
				"servers during traffic peaks still pointed at the older configuration. The evening peak three days " +
				"later started new servers from that recipe, and they failed in the same way.\n\n" +
				"In short: our configuration lived in two places, and nothing in our release checks compared them.",
			"resolution": "- First disruption: we rolled the release back; error rates returned to normal within " +
				"minutes.\n- Second disruption: we replaced the newly started servers with correctly configured ones " +
				"and updated the recipe for new servers so that it always uses the current configuration.",
			"preventive_measures": "We are making sure a release cannot change one copy of the configuration without " +
				"the other, and that we notice overloaded servers before partners do:\n\n" +
				"1. Every release is now checked for settings the code reads but the configuration lacks.\n" +
				"2. New servers always start from the current configuration.\n" +
				"3. We alert on busy rendering workers, not only on failed requests.\n\n" +
				"We apologise for the disruption and thank our partners for their patience.",
		},
		timeline: []domain.TimelineEntry{
			entry(s.at(16, 7, 55), domain.KindTrigger, "A new release of the Templates API is deployed."),
			entry(s.at(16, 8, 14), domain.KindImpactStart, "First HTTP 503 responses to partner requests."),
			entry(s.at(16, 8, 19), domain.KindDetected, "The error-rate alert fires and the on-call engineer acknowledges it."),
			entry(s.at(16, 8, 30), domain.KindEscalated, "Incident declared; the partner integrations team joins."),
			entry(s.at(16, 8, 44), domain.KindIdentified, "The errors are traced to the release; a rollback starts."),
			entry(s.at(16, 9, 3), domain.KindMitigated, "Rollback complete; the error rate is back to its usual level."),
			entry(s.at(16, 9, 40), domain.KindResolved, "Service stable for more than 30 minutes; incident closed."),
			internalEntry(s.at(16, 11, 0), domain.KindNote, "The missing setting is found in the configuration bundle and added for the running cluster. The autoscaling recipe is not checked."),
			entry(s.at(13, 17, 2), domain.KindRecurred, "During the evening peak, autoscaling starts four new servers; they answer with HTTP 503."),
			entry(s.at(13, 17, 6), domain.KindDetected, "The error-rate alert fires again."),
			entry(s.at(13, 17, 22), domain.KindIdentified, "The new servers are found to use the older configuration."),
			entry(s.at(13, 17, 35), domain.KindMitigated, "The new servers are replaced with correctly configured ones."),
			entry(s.at(13, 18, 15), domain.KindResolved, "Service stable; incident closed."),
		},
		actions: []domain.ActionItem{
			{Title: "Fail a release when the code reads a setting the configuration lacks", Owner: "Platform team",
				Due: s.due(-8), State: domain.ActionDone, TrackerURL: "https://tracker.example.com/PLAT-412"},
			{Title: "Start new servers from the current configuration, never a pinned copy", Owner: "Platform team",
				Due: s.due(5), State: domain.ActionInProgress, TrackerURL: "https://tracker.example.com/PLAT-415"},
			{Title: "Alert on rendering-worker saturation in the Templates API", Owner: "SRE",
				Due: s.due(12), State: domain.ActionOpen},
			{Title: "Add the Templates API to the monthly autoscaling drill", Owner: "Noor Haddad",
				Due: s.due(30), State: domain.ActionOpen, Visibility: domain.Internal},
		},
		translate: func(r *domain.RCA) {
			r.Translations = map[string]domain.RCATranslation{"de": {Title: "Teilweise Störung der Templates API"}}
			if sec := r.Section("summary"); sec != nil {
				sec.Translations = map[string]domain.SectionTranslation{"de": {
					Title: "Zusammenfassung",
					Body: "An zwei Tagen, drei Tage auseinander, schlug ein Teil der Anfragen an die **Templates API** " +
						"mit HTTP 503 fehl. Die erste Störung dauerte etwa 50 Minuten am Morgen, die zweite etwa eine " +
						"Stunde am Abend. Fehlgeschlagene Anfragen konnten gefahrlos wiederholt werden; es gingen keine " +
						"Vorlagendaten verloren.\n\nBeide Störungen hatten dieselbe Ursache, daher behandelt dieser " +
						"Bericht sie gemeinsam.",
				}}
			}
		},
	}
}

// thirdPartyRCA is a provider's rate limit that delayed text messages; it
// waits for review.
func (s *seeder) thirdPartyRCA() rcaSpec {
	return rcaSpec{
		template:  domain.TemplateThirdParty,
		title:     "Delayed SMS notifications",
		incidents: []string{"sms"},
		severity:  domain.Sev3,
		services:  []string{"SMS"},
		tags:      []string{"third-party", "rate-limit"},
		written:   s.at(5, 9, 0),
		states:    []domain.RCAState{domain.StateInReview},
		sections: map[string]string{
			"issue_description": "For about an hour in the afternoon, roughly a third of outgoing text messages " +
				"arrived late, some by up to 40 minutes. Every message was delivered in the end. Email and in-app " +
				"notifications were not affected.",
			"timeline": "All times are in UTC.",
			"cause": "Our SMS provider introduced a per-account limit on messages per second as part of a change to " +
				"their platform. A large batch of appointment reminders pushed us over that limit, the provider " +
				"rejected the excess messages as throttled, and our retry logic waited longer after each rejection.\n\n" +
				"The provider had announced the limit in advance, but the announcement went to a mailbox nobody reads any more.",
			"mitigation": "- We paused non-urgent batch sends so that one-time codes went out first.\n" +
				"- We lowered our sending rate below the new limit.\n" +
				"- The provider raised the limit for our account at our request, and the queue drained within 20 minutes.",
			"prevention": "We will pace our own sending below any provider limit and add a second provider that " +
				"takes over automatically when the first one rejects or delays messages.",
		},
		timeline: []domain.TimelineEntry{
			entry(s.at(6, 14, 0), domain.KindTrigger, "A batch of appointment reminders starts sending."),
			entry(s.at(6, 14, 3), domain.KindImpactStart, "The provider starts rejecting part of our messages as throttled."),
			entry(s.at(6, 14, 9), domain.KindDetected, "The queue-age alert for outgoing SMS fires."),
			entry(s.at(6, 14, 20), domain.KindEscalated, "Urgent ticket opened with the SMS provider."),
			entry(s.at(6, 14, 25), domain.KindIdentified, "The provider confirms a new per-account rate limit."),
			internalEntry(s.at(6, 14, 31), domain.KindNote, "Found the provider's announcement in the retired ops mailbox, dated three weeks earlier."),
			entry(s.at(6, 14, 48), domain.KindMitigated, "The provider raises our limit; messages flow again."),
			entry(s.at(6, 15, 10), domain.KindResolved, "The queue is empty; every delayed message has been delivered."),
		},
		actions: []domain.ActionItem{
			{Title: "Pace outgoing SMS below the provider's limit", Owner: "Notifications team",
				Due: s.due(7), State: domain.ActionInProgress},
			{Title: "Add a second SMS provider with automatic failover", Owner: "Notifications team",
				State: domain.ActionOpen},
			{Title: "Send provider announcements to the on-call mailbox", Owner: "Jonas Weber",
				Due: s.due(-4), State: domain.ActionDone, Visibility: domain.Internal},
		},
	}
}

// standardRCA is an internal write-up still in draft: the lessons are not
// written yet.
func (s *seeder) standardRCA() rcaSpec {
	return rcaSpec{
		template:  domain.TemplateStandard,
		title:     "Dashboard slow to load after a database migration",
		incidents: []string{"dashboard"},
		severity:  domain.Sev3,
		services:  []string{"Dashboard", "API"},
		tags:      []string{"database", "migration"},
		written:   s.at(2, 16, 0),
		sections: map[string]string{
			"summary": "For about 75 minutes, dashboard pages took between 10 and 30 seconds to load, and some API " +
				"list calls timed out. A database migration had rebuilt the events table without one of its indexes. " +
				"Re-creating the index restored normal speed.",
			"impact": "- Median dashboard page load rose from 0.8 s to 12 s.\n" +
				"- About 4% of API list requests timed out; other API calls were only slower.\n" +
				"- No data was lost. Webhooks and notifications were not affected.",
			"timeline": "All times are in UTC.",
			"root_cause": "The migration that added a column to the events table copied the table and swapped it in. " +
				"The copy was created from an old schema file that did not include the index on account and date, " +
				"so the activity feed shown on every dashboard page started reading the whole table.\n\n" +
				"Our migration review compares the columns before and after, not the indexes.",
			"detection": "Customers told us first: a support chat came in six minutes after the slowdown started. " +
				"Our latency alert watches the API only, and its threshold is too high to catch a slowdown like this.",
			"resolution": "We re-created the missing index without locking the table and confirmed with the query " +
				"plan that the activity feed used it again. Page load times returned to normal as it finished.",
			"preventive_measures": "See the action items below.",
		},
		timeline: []domain.TimelineEntry{
			entry(s.at(3, 10, 25), domain.KindTrigger, "The events-table migration runs in the weekly maintenance window."),
			entry(s.at(3, 10, 30), domain.KindImpactStart, "Dashboard page load times start to climb."),
			entry(s.at(3, 10, 36), domain.KindDetected, "A customer reports slow pages through support chat."),
			entry(s.at(3, 10, 45), domain.KindEscalated, "Support pages the on-call engineer."),
			entry(s.at(3, 10, 58), domain.KindIdentified, "Query plans show full scans of the events table; the index is missing."),
			entry(s.at(3, 11, 19), domain.KindMitigated, "The index is back; load times return to normal."),
			entry(s.at(3, 11, 45), domain.KindResolved, "Incident closed after monitoring."),
			internalEntry(s.at(3, 12, 30), domain.KindNote, "Checked the other tables touched by the same migration: no other index is missing."),
		},
		actions: []domain.ActionItem{
			{Title: "Compare indexes before and after every migration in CI", Owner: "Data team",
				Due: s.due(10), State: domain.ActionOpen},
			{Title: "Alert on dashboard page load time, not only API latency", Owner: "SRE",
				Due: s.due(5), State: domain.ActionOpen},
			{Title: "Keep schema files generated from the live database", Owner: "Data team",
				State: domain.ActionOpen, Visibility: domain.Internal},
		},
	}
}
