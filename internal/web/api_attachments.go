package web

// Images in RCAs (area images, issue 15): the upload (multipart, 10 MiB,
// its own body limit), the image itself for signed-in readers and the
// public status page, and the Markdown export with its images as a .zip.

import (
	"archive/zip"
	"bytes"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/imaging"
	"github.com/hindsight-rca/hindsight/internal/markdown"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// uploadOverhead is room for the multipart framing around the image.
const uploadOverhead = 64 << 10

// rawBodyRoutes take a body that is not JSON (jsonBodies lets them pass).
var rawBodyRoutes = map[string]bool{"POST /api/v1/rcas/:id/attachments": true}

// attachmentPath is where pages and the status page show an image from.
const attachmentPath = "/attachments/"

// registerImages adds the image routes.
func (s *Server) registerImages(r *gin.Engine, api *gin.RouterGroup) {
	s.handle(api, "POST", "/rcas/:id/attachments", policy.RCAEdit, s.apiAttachmentUpload)
	s.setBodyLimit(http.MethodPost, "/api/v1/rcas/:id/attachments", domain.MaxAttachmentBytes+uploadOverhead)
	s.handle(api, "GET", "/rcas/:id/attachments/:aid", policy.RCARead, s.apiAttachmentGet)
	s.handle(api, "GET", "/rcas/:id/export.zip", policy.RCAExport, s.apiRCAExportZip)
	// Pages and the status page: the service decides (an anonymous reader
	// gets only images of published external sections, else 404).
	s.handle(r, "GET", attachmentPath+":aid", policy.Public, s.attachmentGet)
	s.document(
		apiOp{Method: "POST", Path: "/rcas/{id}/attachments", Tag: "rcas", Role: domain.RoleAuthor, Status: http.StatusCreated,
			Summary: "Upload a PNG, JPEG or GIF image (multipart/form-data, field file, at most 10 MiB; 413 past it). " +
				"The bytes decide the type (anything else is 415); the image is re-encoded, so EXIF, GPS and other metadata are dropped. " +
				"Answers {id, markdown}: insert markdown, ![alt](attachment:ID), into a section.",
			Response: uploadAnswer{}},
		apiOp{Method: "GET", Path: "/rcas/{id}/attachments/{aid}", Tag: "rcas", Role: domain.RoleViewer,
			Summary:  "An image of the RCA. A reader of the external edition gets only images its external sections show (else 404).",
			Produces: "image/png"},
		apiOp{Method: "GET", Path: "/rcas/{id}/export.zip", Tag: "rcas", Role: domain.RoleViewer,
			Summary: "The Markdown export with its images, as a .zip: the .md file and each image file it names. " +
				"Takes the export's lang, tz, audience and header parameters (format is md).",
			Produces: "application/zip"},
	)
}

// uploadAnswer is the 201 answer of an upload.
type uploadAnswer struct {
	ID          string `json:"id"`
	Markdown    string `json:"markdown"`
	ContentType string `json:"content_type"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Size        int64  `json:"size"`
}

// apiAttachmentUpload: POST /api/v1/rcas/:id/attachments (multipart field "file").
func (s *Server) apiAttachmentUpload(c *gin.Context) {
	name, data, err := s.readUpload(c)
	if err != nil {
		s.apiError(c, err)
		return
	}
	up, err := s.app.UploadAttachment(c.Request.Context(), actorOf(c), c.Param("id"), name, data)
	if err != nil {
		s.apiError(c, s.imageError(c, err))
		return
	}
	a := up.Attachment
	c.Header("Location", "/api/v1/rcas/"+a.RCAID+"/attachments/"+a.ID)
	c.JSON(http.StatusCreated, uploadAnswer{ID: a.ID, Markdown: up.Markdown, ContentType: a.ContentType, Width: a.Width, Height: a.Height, Size: a.Size})
}

// readUpload reads the multipart field "file", at most 10 MiB.
func (s *Server) readUpload(c *gin.Context) (string, []byte, error) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return "", nil, s.imageProblem(c, http.StatusUnsupportedMediaType, codeUnsupportedMedia, "images.error.multipart", nil)
	}
	if c.Request.MultipartForm != nil { // already parsed (the CSRF check read a form field)
		name, data, err := formUpload(c)
		if errors.Is(err, http.ErrMissingFile) {
			return "", nil, s.imageProblem(c, http.StatusBadRequest, codeBadRequest, "images.error.no_file", err)
		}
		if err != nil {
			return "", nil, s.imageError(c, err)
		}
		return name, data, nil
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return "", nil, s.imageProblem(c, http.StatusBadRequest, codeBadRequest, "images.error.no_file", nil)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, s.imageProblem(c, http.StatusBadRequest, codeBadRequest, "images.error.no_file", nil)
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return "", nil, s.imageProblem(c, http.StatusRequestEntityTooLarge, codeTooLarge, "images.error.too_large", err)
			}
			return "", nil, s.imageProblem(c, http.StatusBadRequest, codeBadRequest, "images.error.no_file", err)
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, domain.MaxAttachmentBytes+1))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return "", nil, s.imageProblem(c, http.StatusRequestEntityTooLarge, codeTooLarge, "images.error.too_large", err)
			}
			return "", nil, s.imageProblem(c, http.StatusBadRequest, codeBadRequest, "images.error.no_file", err)
		}
		if len(data) > domain.MaxAttachmentBytes {
			return "", nil, s.imageProblem(c, http.StatusRequestEntityTooLarge, codeTooLarge, "images.error.too_large", nil)
		}
		return part.FileName(), data, nil
	}
}

// imageProblem is a localized error answer of the image routes.
func (s *Server) imageProblem(c *gin.Context, status int, code, key string, err error) *httpError {
	return &httpError{Status: status, Code: code, Err: err, Message: s.catalog.Localizer(s.requestLang(c)).T(key)}
}

// imageError maps the image checks' errors to their answers: not an
// image 415, a broken one 422, too large 413.
func (s *Server) imageError(c *gin.Context, err error) error {
	switch {
	case errors.Is(err, imaging.ErrUnsupported):
		return s.imageProblem(c, http.StatusUnsupportedMediaType, codeUnsupportedMedia, "images.error.unsupported", err)
	case errors.Is(err, imaging.ErrInvalid):
		return s.imageProblem(c, http.StatusUnprocessableEntity, codeInvalid, "images.error.invalid", err)
	case errors.Is(err, imaging.ErrTooLarge):
		return s.imageProblem(c, http.StatusRequestEntityTooLarge, codeTooLarge, "images.error.too_many_pixels", err)
	case errors.Is(err, app.ErrTooManyImages):
		return s.imageProblem(c, http.StatusUnprocessableEntity, codeInvalid, "images.error.too_many", err)
	case errors.Is(err, app.ErrTooLarge):
		return s.imageProblem(c, http.StatusRequestEntityTooLarge, codeTooLarge, "images.error.too_large", err)
	}
	return err
}

// apiAttachmentGet: GET /api/v1/rcas/:id/attachments/:aid.
func (s *Server) apiAttachmentGet(c *gin.Context) {
	a, data, err := s.app.ReadAttachment(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("aid"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	serveImage(c, a, data, false)
}

// attachmentGet: GET /attachments/:aid, for pages and the status page. A
// signed-in reader gets what the RCA's audience rule lets them read; anyone
// else only an image a published RCA shows in an external section. Every
// refusal is 404, so nobody learns which images exist.
func (s *Server) attachmentGet(c *gin.Context) {
	ctx, id := c.Request.Context(), c.Param("aid")
	a, data, err := s.app.AttachmentByID(ctx, actorOf(c), id)
	if err != nil {
		if !errors.Is(err, store.ErrUnavailable) {
			err = &httpError{Status: http.StatusNotFound, Code: codeNotFound, Err: err}
		}
		s.pageError(c, err)
		return
	}
	serveImage(c, a, data, actorOf(c).Anonymous())
}

// serveImage answers an image's bytes. Its id names its bytes for good,
// but who may read it can change (an unpublish), so caches keep it briefly.
func serveImage(c *gin.Context, a domain.Attachment, data []byte, public bool) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", defaultCSP)
	h.Set("Content-Disposition", `inline; filename="`+a.FileName()+`"`)
	if public {
		h.Set("Cache-Control", "public, max-age=60")
	} else {
		h.Set("Cache-Control", "private, max-age=3600")
		h.Set("Vary", "Cookie, Authorization")
	}
	c.Data(http.StatusOK, a.ContentType, data)
}

// pageMarkdown is author Markdown on pages: attachments are shown from
// /attachments/ID, which checks who may read them.
func pageMarkdown(src string) template.HTML {
	return markdown.ToHTMLWith(src, func(id string) string { return attachmentPath + id })
}

// apiRCAExportZip: GET /api/v1/rcas/:id/export.zip — the Markdown export
// and the images it names, in one archive.
func (s *Server) apiRCAExportZip(c *gin.Context) {
	q := c.Request.URL.Query()
	if f := q.Get("format"); f != "" && f != "md" {
		s.apiError(c, &httpError{Status: http.StatusBadRequest, Code: codeBadRequest,
			Message: s.catalog.Localizer(s.requestLang(c)).T("images.error.zip_format"), Extra: map[string]any{"field": "format"}})
		return
	}
	q.Set("format", "md")
	c.Request.URL.RawQuery = q.Encode()
	eq, err := s.exportQuery(c)
	if err != nil {
		s.apiError(c, err)
		return
	}
	out, err := s.app.ExportRCA(c.Request.Context(), actorOf(c), c.Param("id"), app.ExportRequest{
		Format: "md", Lang: eq.lang, TimeZone: eq.tz, Audience: eq.audience, Paper: eq.paper, Header: eq.header})
	if err != nil {
		s.apiError(c, err)
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := []zipFile{{out.FileName, out.Body}}
	for _, img := range out.Images {
		files = append(files, zipFile{img.FileName(), img.Data})
	}
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: out.RCA.UpdatedAt})
		if err == nil {
			_, err = w.Write(f.data)
		}
		if err != nil {
			s.apiError(c, err)
			return
		}
	}
	if err := zw.Close(); err != nil {
		s.apiError(c, err)
		return
	}
	name := strings.TrimSuffix(out.FileName, ".md") + ".zip"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "private, no-store")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, "application/zip", buf.Bytes())
}

type zipFile struct {
	name string
	data []byte
}

// formUpload reads the file of a multipart form parsed already.
func formUpload(c *gin.Context) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, err
	}
	if fh.Size > domain.MaxAttachmentBytes {
		return "", nil, app.ErrTooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(io.LimitReader(f, domain.MaxAttachmentBytes+1))
	return fh.Filename, data, err
}
