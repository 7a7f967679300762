package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/templates"
)

// inlineCodeRes find what the pages' Content-Security-Policy (no inline
// script, no inline style) would block: a browser would silently drop it.
var inlineCodeRes = map[string]*regexp.Regexp{
	"inline <script>":      regexp.MustCompile(`(?i)<script\b[^>]*>\s*[^<\s]`),
	"<script> without src": regexp.MustCompile(`(?i)<script\b[^>]*>`),
	"event handler":        regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`),
	"javascript: URL":      regexp.MustCompile(`(?i)(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:`),
	"style attribute":      regexp.MustCompile(`(?i)<[a-z][^>]*\sstyle\s*=`),
	"inline <style>":       regexp.MustCompile(`(?i)<style\b`),
}

// scriptSrcRe matches a script element that loads a file.
var scriptSrcRe = regexp.MustCompile(`(?i)<script\b[^>]*\ssrc\s*=`)

// inlineCode lists what inlineCodeRes find in html.
func inlineCode(html string) []string {
	var found []string
	for name, re := range inlineCodeRes {
		for _, m := range re.FindAllString(html, -1) {
			if name == "<script> without src" && scriptSrcRe.MatchString(m) {
				continue
			}
			found = append(found, name+": "+m)
		}
	}
	return found
}

// TestTemplatesHaveNoInlineCode: the UI's pages are served with
// script-src 'self' and style-src 'self', so their templates must keep
// JavaScript in static/app.js and styles in static/app.css. The public
// status page has exactly one inline stylesheet, allowed by its hash.
func TestTemplatesHaveNoInlineCode(t *testing.T) {
	checked := 0
	err := fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		raw, err := fs.ReadFile(templates.FS, path)
		if err != nil {
			return err
		}
		html := string(raw)
		if path == "status/layout.html" {
			// the one allowed inline stylesheet: its hash is in the status CSP
			if strings.Count(html, "<style>") != 1 || !strings.Contains(html, "<style>{{css}}</style>") {
				t.Errorf("%s: the status page must have exactly the hashed <style>{{css}}</style>", path)
			}
			html = strings.Replace(html, "<style>{{css}}</style>", "", 1)
		}
		for _, f := range inlineCode(html) {
			t.Errorf("%s: %s (blocked by the Content-Security-Policy; move it to static/)", path, f)
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 15 {
		t.Fatalf("only %d templates checked", checked)
	}
}

func TestInlineCodeDetector(t *testing.T) {
	bad := []string{
		`<script>alert(1)</script>`,
		`<SCRIPT type="module">import x</SCRIPT>`,
		`<script nonce="x">go()</script>`,
		`<button onclick="go()">`,
		`<img src=x OnError=go()>`,
		`<a href="javascript:go()">`,
		`<form action='javascript:go()'>`,
		`<p style="color:red">`,
		`<style>p{}</style>`,
	}
	for _, h := range bad {
		if len(inlineCode(h)) == 0 {
			t.Errorf("not detected: %s", h)
		}
	}
	good := []string{
		`<script src="/static/app.js" defer></script>`,
		`<script defer src="/static/app.js"></script>`,
		`<p>on the onclick of a button, the style is javascript: nothing</p>`,
		`<a href="/docs/javascript">`,
		`<input name="online" data-onion="1">`,
	}
	for _, h := range good {
		if f := inlineCode(h); len(f) > 0 {
			t.Errorf("false positive on %s: %v", h, f)
		}
	}
}
