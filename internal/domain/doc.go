// Package domain holds Hindsight's types and rules: incidents, RCAs and their
// sections, timelines and action items, templates, components, users and tokens.
// It performs no I/O and imports nothing else of this module.
package domain
