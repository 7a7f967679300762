// Package static embeds the browser UI's CSS, JavaScript and images. The web
// package serves them under /static with a content hash in each file name.
package static

import "embed"

// FS holds every asset.
//
//go:embed *.css *.js *.svg
var FS embed.FS
