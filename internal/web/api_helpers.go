package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// listEnvelope is the shape of every paged list.
type listEnvelope[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

func newList[T any](items []T, total int, p store.Page) listEnvelope[T] {
	if items == nil {
		items = []T{}
	}
	return listEnvelope[T]{Items: items, Total: total, Limit: p.Limit, Offset: p.Offset}
}

// badQuery is a malformed query parameter (400).
func badQuery(name, want string) error {
	return &httpError{Status: http.StatusBadRequest, Code: codeBadRequest,
		Message: fmt.Sprintf("Query parameter %q must be %s.", name, want),
		Extra:   map[string]any{"field": name}}
}

// queryPage reads limit and offset.
func queryPage(c *gin.Context) (store.Page, error) {
	var p store.Page
	for _, q := range []struct {
		name string
		dst  *int
	}{{"limit", &p.Limit}, {"offset", &p.Offset}} {
		v := c.Query(q.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, badQuery(q.name, "a non-negative integer")
		}
		*q.dst = n
	}
	return p.Clamp(), nil
}

// queryTime reads an RFC 3339 time (or a plain date, meaning midnight UTC).
func queryTime(c *gin.Context, name string) (*time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		t, err = time.Parse(time.DateOnly, v)
	}
	if err != nil {
		return nil, badQuery(name, "an RFC 3339 time or a date (2026-03-01)")
	}
	t = t.UTC()
	return &t, nil
}

// queryBool reads true/false/1/0; empty is false.
func queryBool(c *gin.Context, name string) (bool, error) {
	v := c.Query(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badQuery(name, "true or false")
	}
	return b, nil
}

// listQuery reads a list's query parameters and keeps the first malformed
// one in err; once it is set, every later read is skipped and gives zero.
type listQuery struct {
	c   *gin.Context
	err error
}

func (q *listQuery) page() store.Page {
	if q.err != nil {
		return store.Page{}
	}
	p, err := queryPage(q.c)
	q.err = err
	return p
}

func (q *listQuery) time(name string) *time.Time {
	if q.err != nil {
		return nil
	}
	t, err := queryTime(q.c, name)
	q.err = err
	return t
}

func (q *listQuery) bool(name string) bool {
	if q.err != nil {
		return false
	}
	b, err := queryBool(q.c, name)
	q.err = err
	return b
}

// writeList answers a list request: err, or one page in the list envelope.
func writeList[T any](s *Server, c *gin.Context, items []T, total int, p store.Page, err error) {
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(items, total, p))
}

// writeAll answers an unpaged list request: err, or every item (an empty
// array, never null) and their number.
func writeAll[T any](s *Server, c *gin.Context, items []T, err error) {
	if err != nil {
		s.apiError(c, err)
		return
	}
	if items == nil {
		items = []T{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": len(items)})
}

// pathVersion reads a positive version number from the path.
func pathVersion(c *gin.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n < 1 {
		return 0, &httpError{Status: http.StatusNotFound, Code: codeNotFound,
			Err: fmt.Errorf("web: bad version %q", c.Param(name))}
	}
	return n, nil
}

// invalid builds a one-problem validation error.
func invalid(field, code, detail string) error {
	return &domain.ValidationError{Problems: []domain.Problem{{Field: field, Code: code, Detail: detail}}}
}

// mustUser returns the user that the route's policy guard let through.
func mustUser(c *gin.Context) domain.User {
	u, _ := currentUser(c)
	return u
}

// checkVersion refuses a missing version on a replace (422).
func checkVersion(v int64) error {
	if v < 1 {
		return invalid("version", domain.CodeRequired, "send the version you read")
	}
	return nil
}

// retryConflict is app.RetryConflict, for the handlers not yet behind the
// service layer (incidents).
func retryConflict(fn func() error) error { return app.RetryConflict(fn) }

// trimmed returns s without surrounding space.
func trimmed(s string) string { return strings.TrimSpace(s) }
