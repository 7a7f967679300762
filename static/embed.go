// Package static embeds the browser UI's CSS, JavaScript and images. The web
// package serves them under /static with a content hash in each file name.
package static

// The RCA editor (editor.js, editor.css) is CodeMirror 6 bundled from npm;
// regenerate it with `cd editor && npm ci` and then `go generate ./static`.
//
//go:generate go run ../editor

import "embed"

// FS holds every asset.
//
//go:embed *.css *.js *.svg
var FS embed.FS
