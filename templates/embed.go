// Package templates embeds the html/template files of the browser UI (layout,
// partials and one file per page), the public status page and the HTML export.
package templates

import "embed"

// FS holds every template.
//
//go:embed *
var FS embed.FS
