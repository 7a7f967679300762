package web

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

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
