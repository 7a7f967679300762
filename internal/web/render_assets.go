package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// assetSet serves the embedded static files under names that carry a hash
// of their content ("app.3f2a1c9e.css"), so browsers may cache them forever
// and a new build is fetched at once.
type assetSet struct {
	byName   map[string]string // "app.css" -> "app.3f2a1c9e.css"
	byHashed map[string]asset  // "app.3f2a1c9e.css" -> content
}

type asset struct {
	body        []byte
	contentType string
	etag        string
}

func newAssetSet(sfs fs.FS) (*assetSet, error) {
	a := &assetSet{byName: map[string]string{}, byHashed: map[string]asset{}}
	err := fs.WalkDir(sfs, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		body, err := fs.ReadFile(sfs, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])[:10]
		ext := path.Ext(p)
		hashed := strings.TrimSuffix(p, ext) + "." + h + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.byName[p] = hashed
		a.byHashed[hashed] = asset{body: body, contentType: ct, etag: `"` + h + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	return a, nil
}

// url returns the hashed URL of a static file; it panics during template
// execution (a clean 500) when the file does not exist, which the page
// tests catch.
func (a *assetSet) url(name string) (string, error) {
	h, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("web: no static asset %q", name)
	}
	return "/static/" + h, nil
}

// serve answers GET /static/<hashed name>.
func (a *assetSet) serve(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("file"), "/")
	f, ok := a.byHashed[name]
	if !ok {
		c.Header("Cache-Control", "no-store")
		c.String(http.StatusNotFound, "not found\n")
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", f.etag)
	if c.GetHeader("If-None-Match") == f.etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, f.contentType, f.body)
}
