// Package statuspage is Hindsight's public face: the status page (overview,
// incident pages with their published RCA, monthly history, Atom feed) and a
// Statuspage-compatible JSON API (summary.json, status.json, components.json,
// incidents.json, incidents/unresolved.json) that existing widgets and
// monitors can read.
//
// Only published RCAs and only external content ever reach this package's
// output: the mapping functions take incidents and already published RCAs,
// and the RCA text is rendered through the report model with the external
// audience.
//
// Sub-packages: importer reads Statuspage documents into the store; publish
// sends RCAs to external targets (Atlassian Statuspage, signed webhooks)
// through a durable delivery worker; netguard refuses private addresses at
// dial time.
package statuspage
