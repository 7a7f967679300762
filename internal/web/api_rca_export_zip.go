package web

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
)

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
