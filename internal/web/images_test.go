package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/imaging/imagingtest"
)

// multipartBody is a multipart/form-data body with one file field.
func multipartBody(t testing.TB, field, name string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), mw.FormDataContentType()
}

func (e *env) uploadAs(role domain.Role, rcaID, name string, data []byte) *httptest.ResponseRecorder {
	e.t.Helper()
	body, ct := multipartBody(e.t, "file", name, data)
	return e.serve(req{method: "POST", path: "/api/v1/rcas/" + rcaID + "/attachments", token: e.tokens[role], body: body,
		header: map[string]string{"Content-Type": ct}})
}

func (e *env) upload(rcaID, name string, data []byte) uploadAnswer {
	e.t.Helper()
	w := e.uploadAs(domain.RoleAuthor, rcaID, name, data)
	if w.Code != http.StatusCreated {
		e.t.Fatalf("upload %s: %d %s", name, w.Code, w.Body.String())
	}
	var up uploadAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &up); err != nil {
		e.t.Fatal(err)
	}
	return up
}

func TestAttachmentUpload(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Upload API errors", "standard")

	up := e.upload(r.ID, "error-rate.jpg", imagingtest.JPEGWithGPS())
	if !domain.ValidAttachmentID(up.ID) || up.Markdown != "![error-rate](attachment:"+up.ID+")" ||
		up.ContentType != "image/jpeg" || up.Width != 40 || up.Height != 30 {
		t.Fatalf("upload answered %+v", up)
	}
	w := e.as(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID+"/attachments/"+up.ID, nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/jpeg" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("GET: %d %v", w.Code, w.Header())
	}
	for _, s := range []string{"Exif", "GPS", imagingtest.GPSMarker} {
		if bytes.Contains(w.Body.Bytes(), []byte(s)) {
			t.Errorf("stored image still holds %q", s)
		}
	}

	t.Run("text named png is 415", func(t *testing.T) {
		w := e.uploadAs(domain.RoleAuthor, r.ID, "graph.png", []byte("just some text\n"))
		if w.Code != http.StatusUnsupportedMediaType || !strings.Contains(decodeErr(t, w).Error.Message, "PNG, JPEG or GIF") {
			t.Fatalf("%d %s", w.Code, w.Body.String())
		}
	})
	t.Run("broken image is 422", func(t *testing.T) {
		w := e.uploadAs(domain.RoleAuthor, r.ID, "graph.png", []byte("\x89PNG\r\n\x1a\nbroken"))
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("%d %s", w.Code, w.Body.String())
		}
	})
	t.Run("over 10 MiB is 413", func(t *testing.T) {
		big := append(imagingtest.PNG(4, 4), make([]byte, domain.MaxAttachmentBytes)...)
		w := e.uploadAs(domain.RoleAuthor, r.ID, "big.png", big)
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("%d %s", w.Code, w.Body.String())
		}
	})
	t.Run("declared length past the route's limit is 413 before reading", func(t *testing.T) {
		body, ct := multipartBody(t, "file", "huge.png", make([]byte, 11<<20))
		w := e.serve(req{method: "POST", path: "/api/v1/rcas/" + r.ID + "/attachments", token: e.tokens[domain.RoleAuthor], body: body,
			header: map[string]string{"Content-Type": ct}})
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("%d %s", w.Code, w.Body.String())
		}
	})
	t.Run("a 3 MB image passes the route's own limit", func(t *testing.T) {
		// Noise does not compress: well over the global 1 MiB body limit.
		img := imagingtest.NoisePNG(1000, 1000)
		if len(img) < 2<<20 {
			t.Fatalf("fixture only %d bytes", len(img))
		}
		if w := e.uploadAs(domain.RoleAuthor, r.ID, "large.png", img); w.Code != http.StatusCreated {
			t.Fatalf("%d %s", w.Code, w.Body.String())
		}
	})
	t.Run("other routes keep the 1 MiB limit", func(t *testing.T) {
		w := e.as(domain.RoleAuthor, "POST", "/api/v1/incidents", `{"title":"`+strings.Repeat("x", 2<<20)+`"}`)
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("%d", w.Code)
		}
	})
	t.Run("JSON body is 415", func(t *testing.T) {
		w := e.as(domain.RoleAuthor, "POST", "/api/v1/rcas/"+r.ID+"/attachments", map[string]any{"file": "x"})
		if w.Code != http.StatusUnsupportedMediaType {
			t.Fatalf("%d %s", w.Code, w.Body.String())
		}
	})
	t.Run("no file field is 400", func(t *testing.T) {
		body, ct := multipartBody(t, "picture", "a.png", imagingtest.PNG(2, 2))
		w := e.serve(req{method: "POST", path: "/api/v1/rcas/" + r.ID + "/attachments", token: e.tokens[domain.RoleAuthor], body: body,
			header: map[string]string{"Content-Type": ct}})
		if w.Code != http.StatusBadRequest {
			t.Fatalf("%d %s", w.Code, w.Body.String())
		}
	})
	t.Run("viewer may not upload", func(t *testing.T) {
		if w := e.uploadAs(domain.RoleViewer, r.ID, "a.png", imagingtest.PNG(2, 2)); w.Code != http.StatusForbidden {
			t.Fatalf("%d", w.Code)
		}
	})
	t.Run("unknown RCA is 404", func(t *testing.T) {
		if w := e.uploadAs(domain.RoleAuthor, domain.NewID(), "a.png", imagingtest.PNG(2, 2)); w.Code != http.StatusNotFound {
			t.Fatalf("%d", w.Code)
		}
	})
	list, _ := e.st.ListAttachments(context.Background(), r.ID)
	if len(list) != 2 { // the JPEG and the 3 MB PNG: refused uploads stored nothing
		t.Errorf("%d attachments stored, want 2", len(list))
	}
	// Deleting the RCA deletes its images.
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/rcas/"+r.ID, nil, http.StatusNoContent, nil)
	if list, _ := e.st.ListAttachments(context.Background(), r.ID); len(list) != 0 {
		t.Errorf("%d images left after the RCA was deleted", len(list))
	}
}

// imagesRCA is a published RCA with one image in its external sections and
// one in an internal section.
func imagesRCA(t *testing.T, e *env) (inc domain.Incident, r domain.RCA, ext, in uploadAnswer) {
	t.Helper()
	ctx := context.Background()
	cp := e.component("Upload API")
	inc = e.incident("Upload API errors", cp.ID)
	r = e.rca("Upload API errors", "standard", inc.ID)
	ext = e.upload(r.ID, "error-rate.png", imagingtest.PNG(30, 20))
	in = e.upload(r.ID, "dashboard.jpg", imagingtest.JPEGWithGPS())
	r, err := e.st.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Sections[len(r.Sections)-1].Visibility = domain.Internal
	for i := range r.Sections {
		s := &r.Sections[i]
		s.Body = "Customers saw failures PUBLICTEXT.\n\n" + ext.Markdown
		if s.Visibility == domain.Internal {
			s.Body = "Internal only.\n\n" + in.Markdown
		}
	}
	r.State = domain.StateApproved
	if err := e.st.UpdateRCA(ctx, &r, e.users[domain.RoleAuthor].ID, "test setup"); err != nil {
		t.Fatal(err)
	}
	return inc, r, ext, in
}

func TestImagesAudienceRule(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BaseURL = "https://status.example.com" })
	inc, r, ext, in := imagesRCA(t, e)
	get := func(role domain.Role, path string) int {
		if role == "" {
			return e.serve(req{method: "GET", path: path}).Code
		}
		return e.as(role, "GET", path, nil).Code
	}
	api := "/api/v1/rcas/" + r.ID + "/attachments/"
	for _, tc := range []struct {
		role domain.Role
		path string
		want int
	}{
		{domain.RoleAuthor, api + ext.ID, 200},
		{domain.RoleAuthor, api + in.ID, 200},
		{domain.RoleViewer, api + ext.ID, 200},
		{domain.RoleViewer, api + in.ID, 404}, // viewers read the external edition
		{domain.RoleViewer, "/attachments/" + in.ID, 404},
		{domain.RoleAuthor, "/attachments/" + in.ID, 200},
		{"", "/attachments/" + ext.ID, 404}, // not published yet
		{"", "/attachments/" + in.ID, 404},
		{"", "/attachments/" + domain.NewID(), 404},
		{"", "/attachments/..%2f..%2fetc", 404},
	} {
		if got := get(tc.role, tc.path); got != tc.want {
			t.Errorf("%q GET %s: %d, want %d", tc.role, tc.path, got, tc.want)
		}
	}
	// Another RCA's image is not this RCA's.
	other := e.rca("Other", "standard")
	if got := get(domain.RoleAuthor, "/api/v1/rcas/"+other.ID+"/attachments/"+ext.ID); got != 404 {
		t.Errorf("image through another RCA: %d", got)
	}

	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil, 200, nil)
	if got := get("", "/attachments/"+ext.ID); got != 200 {
		t.Errorf("anonymous, published external image: %d", got)
	}
	if got := get("", "/attachments/"+in.ID); got != 404 {
		t.Errorf("anonymous, internal image of a published RCA: %d", got)
	}
	defer func() {
		e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/unpublish", map[string]any{"comment": "numbers were wrong"}, 200, nil)
		if got := get("", "/attachments/"+ext.ID); got != 404 {
			t.Errorf("anonymous, after unpublishing: %d", got)
		}
	}()
	page := e.public("/status/incidents/" + inc.ID)
	if !strings.Contains(page, `src="/attachments/`+ext.ID+`"`) || strings.Contains(page, in.ID) {
		t.Errorf("status page shows the external image %v, the internal one %v",
			strings.Contains(page, ext.ID), strings.Contains(page, in.ID))
	}
	if csp := e.serve(req{method: "GET", path: "/status/incidents/" + inc.ID}).Header().Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:;") {
		t.Errorf("status page CSP: %s", csp)
	}
}

func TestImagesInExports(t *testing.T) {
	e := newEnv(t)
	_, r, ext, in := imagesRCA(t, e)
	base := "/api/v1/rcas/" + r.ID

	w := e.as(domain.RoleViewer, "GET", base+"/export?format=html", nil)
	html := w.Body.String()
	if w.Code != 200 || !strings.Contains(html, `src="data:image/png;base64,`) || strings.Contains(html, "data:image/jpeg") {
		t.Errorf("external HTML export: %d, PNG embedded %v, JPEG embedded %v", w.Code,
			strings.Contains(html, "data:image/png"), strings.Contains(html, "data:image/jpeg"))
	}
	if !strings.Contains(w.Header().Get("Content-Security-Policy"), "img-src data:") {
		t.Error("export CSP lost img-src data:")
	}
	w = e.as(domain.RoleAuthor, "GET", base+"/export?format=html&audience=internal", nil)
	if !strings.Contains(w.Body.String(), "data:image/jpeg;base64,") {
		t.Error("internal HTML export lacks the internal image")
	}

	w = e.as(domain.RoleViewer, "GET", base+"/export?format=md", nil)
	if md := w.Body.String(); !strings.Contains(md, "("+ext.ID+".png)") || strings.Contains(md, in.ID) {
		t.Errorf("external Markdown: %s", md)
	}

	zipOf := func(role domain.Role, query string) map[string][]byte {
		t.Helper()
		w := e.as(role, "GET", base+"/export.zip"+query, nil)
		if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" {
			t.Fatalf("zip: %d %s", w.Code, w.Body.String())
		}
		zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			_, _ = b.ReadFrom(rc)
			_ = rc.Close()
			files[f.Name] = b.Bytes()
		}
		return files
	}
	files := zipOf(domain.RoleViewer, "")
	if len(files) != 2 || files[ext.ID+".png"] == nil {
		t.Errorf("external zip holds %d files: %v", len(files), keys(files))
	}
	files = zipOf(domain.RoleAuthor, "?audience=internal&lang=de")
	if len(files) != 3 || files[in.ID+".jpg"] == nil || bytes.Contains(files[in.ID+".jpg"], []byte("GPS")) {
		t.Errorf("internal zip holds %v", keys(files))
	}
	if w := e.as(domain.RoleViewer, "GET", base+"/export.zip?format=pdf", nil); w.Code != 400 {
		t.Errorf("zip of a PDF: %d", w.Code)
	}

	// PDF last: without pdfimages it is skipped loudly (CI=true fails).
	tool, skip := pdfimagesTool(t)
	if skip != "" {
		t.Skip(skip)
	}
	count := func(role domain.Role, query string) int {
		t.Helper()
		w := e.as(role, "GET", base+"/export?format=pdf"+query, nil)
		if w.Code != 200 {
			t.Fatalf("pdf: %d", w.Code)
		}
		in := filepath.Join(t.TempDir(), "r.pdf")
		if err := os.WriteFile(in, w.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tool, "-list", in).Output()
		if err != nil {
			t.Fatal(err)
		}
		objects := map[string]bool{} // an image drawn on several pages is one object
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) > 11 && f[2] == "image" {
				objects[f[10]] = true
			}
		}
		return len(objects)
	}
	if n := count(domain.RoleViewer, ""); n != 1 {
		t.Errorf("external PDF: pdfimages lists %d image objects, want 1", n)
	}
	if n := count(domain.RoleAuthor, "&audience=internal"); n != 2 {
		t.Errorf("internal PDF: pdfimages lists %d image objects, want 2", n)
	}
}

// pdfimagesTool finds pdfimages; without it the PDF checks are skipped
// loudly, and CI=true makes that a failure.
func pdfimagesTool(t *testing.T) (exe, skip string) {
	t.Helper()
	exe, err := exec.LookPath("pdfimages")
	if err != nil {
		msg := "SKIPPING PDF image checks: pdfimages not found (install poppler-utils)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true makes this a failure")
		}
		return "", msg
	}
	return exe, ""
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestImagesOnPages: the RCA view page and the editor's preview show an
// image from /attachments/ID; a viewer's page leaves out the internal
// section's image.
func TestImagesOnPages(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	r := e.rca("Checkout errors")
	put := func(alt string) string {
		a := domain.Attachment{RCAID: r.ID, ContentType: "image/png", Width: 2, Height: 2}
		if err := e.st.PutAttachment(ctx, &a, imagingtest.PNG(2, 2)); err != nil {
			t.Fatal(err)
		}
		return a.Markdown(alt)
	}
	extMD, inMD := put("graph"), put("dashboard")
	r = e.getRCA(r.ID)
	r.Sections[0].Body = "Public. " + extMD
	last := &r.Sections[len(r.Sections)-1]
	last.Visibility, last.Body = domain.Internal, "Private. "+inMD
	if err := e.st.UpdateRCA(ctx, &r, e.users[domain.RoleAuthor].ID, "images"); err != nil {
		t.Fatal(err)
	}
	extID, inID := strings.TrimSuffix(strings.TrimPrefix(extMD, "![graph](attachment:"), ")"), strings.TrimSuffix(strings.TrimPrefix(inMD, "![dashboard](attachment:"), ")")

	page := e.as(domain.RoleViewer).get("/rcas/"+r.ID, http.StatusOK).body
	mustContain(t, page, `<img class="md-image" src="/attachments/`+extID+`" alt="graph">`)
	mustNotContain(t, page, inID)
	page = e.as(domain.RoleAuthor).get("/rcas/"+r.ID, http.StatusOK).body
	mustContain(t, page, `src="/attachments/`+inID+`"`)

	author := e.as(domain.RoleAuthor)
	prev := author.post("/preview", url.Values{"body": {"See " + extMD}}, http.StatusOK).body
	mustContain(t, prev, `src="/attachments/`+extID+`"`)
	img := author.get("/attachments/"+inID, http.StatusOK)
	if img.header.Get("Content-Type") != "image/png" || img.header.Get("Cache-Control") != "private, max-age=3600" {
		t.Errorf("image answer headers: %v", img.header)
	}
	e.as(domain.RoleViewer).get("/attachments/"+inID, http.StatusNotFound)
	e.client().get("/attachments/"+extID, http.StatusNotFound) // anonymous: not published
}

// TestAttachmentCountLimit: an RCA holds at most domain.MaxAttachments images.
func TestAttachmentCountLimit(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Many pictures", "standard")
	ctx := context.Background()
	for range domain.MaxAttachments {
		if err := e.st.PutAttachment(ctx, &domain.Attachment{RCAID: r.ID, ContentType: "image/png"}, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	w := e.uploadAs(domain.RoleAuthor, r.ID, "one-more.png", imagingtest.PNG(2, 2))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(decodeErr(t, w).Error.Message, "200") {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	if list, _ := e.st.ListAttachments(ctx, r.ID); len(list) != domain.MaxAttachments {
		t.Fatalf("%d stored", len(list))
	}
}
