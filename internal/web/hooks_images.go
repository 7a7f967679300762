package web

// Images in RCAs (area images, issue 15): the routes, the error answers of
// the image checks, and author Markdown on pages with its images shown.

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/imaging"
	"github.com/hindsight-rca/hindsight/internal/markdown"
	"github.com/hindsight-rca/hindsight/internal/policy"
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

// pageMarkdown is author Markdown on pages: attachments are shown from
// /attachments/ID, which checks who may read them.
func pageMarkdown(src string) template.HTML {
	return markdown.ToHTMLWith(src, func(id string) string { return attachmentPath + id })
}
