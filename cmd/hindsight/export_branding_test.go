package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func writeLogo(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 24, 12))
	for x := range 24 {
		for y := range 12 {
			img.Set(x, y, color.RGBA{200, 40, 40, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Branding set by flags or the environment reaches the exported report.
func TestExportBranding(t *testing.T) {
	dir, sum := seededFolder(t)
	id := sum.RCAIDs[domain.TemplatePartner]
	logo := writeLogo(t)

	r := cli(t, nil, "", "export", "--data", dir, "--rca", id, "--format", "html", "-o", "-",
		"--brand-name", "Acme Networks", "--brand-logo", logo, "--brand-accent", "#c0392b")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	for _, want := range []string{"Acme Networks", "#c0392b", "data:image/png;base64,"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("branded HTML lacks %q", want)
		}
	}

	r = cli(t, map[string]string{"HINDSIGHT_BRAND_NAME": "Acme from env"}, "", "export", "--data", dir, "--rca", id, "--format", "md", "-o", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "Acme from env") {
		t.Fatalf("branding from the environment: %+v", r)
	}

	notPNG := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(notPNG, []byte("GIF89a not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"missing logo": {"--brand-logo", filepath.Join(t.TempDir(), "nope.png")},
		"not a png":    {"--brand-logo", notPNG},
		"bad colour":   {"--brand-accent", "red"},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.html")
			r := cli(t, nil, "", append([]string{"export", "--data", dir, "--rca", id, "--format", "html", "-o", out}, args...)...)
			if r.code == 0 || !strings.Contains(r.stderr, "brand") {
				t.Fatalf("want a clear branding error: %+v", r)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("a report was written despite the error")
			}
		})
	}
}
