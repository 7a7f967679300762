package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/statuspage/importer"
	"github.com/hindsight-rca/hindsight/internal/statuspage/netguard"
)

// importURLRequest is the body of an import fetched from a URL (admins only).
type importURLRequest struct {
	URL string `json:"url"`
}

// apiImportStatuspage imports a Statuspage v2 incidents.json or
// summary.json sent as the body, or, for admins, fetched from {"url": ...}
// (a public address only). Importing the same document twice changes nothing.
func (s *Server) apiImportStatuspage(c *gin.Context) {
	ctx := c.Request.Context()
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			abortJSON(c, http.StatusRequestEntityTooLarge, codeTooLarge, fmt.Sprintf("The document is larger than %d bytes.", mbe.Limit))
			return
		}
		abortJSON(c, http.StatusBadRequest, codeBadRequest, "The request body could not be read.")
		return
	}
	source := "body"
	if u, ok := importURL(body); ok {
		if policy.Can(actorOf(c), policy.ImportURL, nil) != nil {
			abortJSON(c, http.StatusForbidden, codeForbidden, "Only admins may import from a URL; send the document as the body instead.")
			return
		}
		if body, err = fetchDocument(ctx, u); err != nil {
			s.apiError(c, err)
			return
		}
		source = u
	}
	res, err := s.app.ImportStatuspage(ctx, actorOf(c), bytes.NewReader(body), source)
	if errors.Is(err, importer.ErrTooLarge) {
		abortJSON(c, http.StatusRequestEntityTooLarge, codeTooLarge, "The document is larger than 10 MiB.")
		return
	}
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// importURL reports whether body is {"url": "..."} rather than a document.
func importURL(body []byte) (string, bool) {
	var probe map[string]json.RawMessage
	if json.Unmarshal(body, &probe) != nil || len(probe) != 1 {
		return "", false
	}
	var in importURLRequest
	if _, ok := probe["url"]; !ok || json.Unmarshal(body, &in) != nil {
		return "", false
	}
	return strings.TrimSpace(in.URL), true
}

// fetchDocument gets a Statuspage document from a public address.
func fetchDocument(ctx context.Context, u string) ([]byte, error) {
	if err := netguard.CheckURL(u, false); err != nil {
		return nil, invalid("url", domain.CodeInvalid, strings.TrimPrefix(err.Error(), "netguard: "))
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, invalid("url", domain.CodeInvalid, "not a URL")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := netguard.Client(false, 30*time.Second).Do(req)
	if err != nil {
		if errors.Is(err, netguard.ErrPrivateAddress) {
			return nil, invalid("url", domain.CodeInvalid, "the address is not public")
		}
		return nil, &httpError{Status: http.StatusBadGateway, Code: codeBadRequest, Message: "The document could not be fetched.", Err: err}
	}
	defer func() { _ = resp.Body.Close() }() // read only
	if resp.StatusCode != http.StatusOK {
		return nil, &httpError{Status: http.StatusBadGateway, Code: codeBadRequest,
			Message: fmt.Sprintf("Fetching the document answered HTTP %d.", resp.StatusCode)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, importer.MaxDocumentSize+1))
	if err != nil {
		return nil, &httpError{Status: http.StatusBadGateway, Code: codeBadRequest, Message: "The document could not be read.", Err: err}
	}
	if len(b) > importer.MaxDocumentSize {
		return nil, importer.ErrTooLarge
	}
	return b, nil
}
