package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/imaging"
	"github.com/hindsight-rca/hindsight/internal/imaging/imagingtest"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// TestExportWritesImages: `hindsight export --format md` writes the images
// the report names next to it; the external edition leaves out an image
// of an internal section (images area, issue 15).
func TestExportWritesImages(t *testing.T) {
	dir, sum := seededFolder(t)
	id := sum.RCAIDs[domain.TemplatePartner]
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.GetRCA(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	put := func(raw []byte) domain.Attachment {
		c, err := imaging.Sanitize(raw)
		if err != nil {
			t.Fatal(err)
		}
		a := domain.Attachment{RCAID: id, ContentType: c.ContentType, Width: c.Width, Height: c.Height}
		if err := st.PutAttachment(ctx, &a, c.Data); err != nil {
			t.Fatal(err)
		}
		return a
	}
	ext, in := put(imagingtest.PNG(20, 10)), put(imagingtest.JPEGWithGPS())
	last := &r.Sections[len(r.Sections)-1]
	last.Visibility = domain.Internal
	last.Body += "\n\n" + in.Markdown("dashboard")
	r.Sections[0].Body += "\n\n" + ext.Markdown("error rate")
	if err := st.UpdateRCA(ctx, &r, "u-test", "images"); err != nil {
		t.Fatal(err)
	}
	_ = st.Close()

	out := t.TempDir()
	file := filepath.Join(out, "r.md")
	res := cli(t, nil, "", "export", "--data", dir, "--rca", id, "--format", "md", "-o", file)
	if res.code != 0 {
		t.Fatalf("%+v", res)
	}
	md, _ := os.ReadFile(file)
	if !strings.Contains(string(md), "![error rate]("+ext.FileName()+")") {
		t.Errorf("the Markdown does not name %s", ext.FileName())
	}
	png, err := os.ReadFile(filepath.Join(out, ext.FileName()))
	if err != nil || imaging.Sniff(png) != "image/png" {
		t.Fatalf("image file next to the report: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, in.FileName())); err == nil {
		t.Error("the external export wrote the internal section's image")
	}

	res = cli(t, nil, "", "export", "--data", dir, "--rca", id, "--format", "md", "--audience", "internal", "-o", file)
	if res.code != 0 {
		t.Fatalf("%+v", res)
	}
	jpg, err := os.ReadFile(filepath.Join(out, in.FileName()))
	if err != nil || bytes.Contains(jpg, []byte("GPS")) {
		t.Fatalf("internal export's image: %v", err)
	}
}
