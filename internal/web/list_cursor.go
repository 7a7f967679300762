package web

// Cursor lists (area "scalesql"): the list envelope with the next page's
// cursor, the sort parameter, the audience of a list and search snippets.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// cursorEnvelope is a list page with the cursor of the next one: pass it
// back as ?cursor= (with the same filters) to read on. Next is empty on the
// last page. Offset is what was asked (ignored with a cursor).
type cursorEnvelope[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	// TotalCapped: a search stopped counting; total is a lower bound.
	TotalCapped bool   `json:"total_capped,omitempty"`
	Limit       int    `json:"limit"`
	Offset      int    `json:"offset"`
	Next        string `json:"next"`
}

// writeCursorList answers a cursor list request: err, or one page.
func writeCursorList[T any](s *Server, c *gin.Context, items []T, total int, next string, p store.Page, err error) {
	writeCursorListCapped(s, c, items, total, false, next, p, err)
}

// writeCursorListCapped is writeCursorList with a total that may be a lower bound.
func writeCursorListCapped[T any](s *Server, c *gin.Context, items []T, total int, capped bool, next string, p store.Page, err error) {
	if err != nil {
		s.apiError(c, err)
		return
	}
	if items == nil {
		items = []T{}
	}
	c.JSON(http.StatusOK, cursorEnvelope[T]{Items: items, Total: total, TotalCapped: capped, Limit: p.Limit, Offset: p.Offset, Next: next})
}

// cursorParams reads ?cursor= and ?sort= (recent or relevance); a bad sort
// is answered as a 400 and false.
func cursorParams(s *Server, c *gin.Context, cursor, sort *string) bool {
	*cursor = c.Query("cursor")
	switch v := c.Query("sort"); v {
	case "", store.SortRecent, store.SortRelevance:
		*sort = v
		return true
	default:
		s.apiError(c, badQuery("sort", `"recent" or "relevance"`))
		return false
	}
}

// listAudience is the audience whose text a user's lists search and show:
// viewers read the external edition only.
func listAudience(u domain.User) domain.Visibility {
	if u.Role == domain.RoleViewer || u.Role == "" {
		return domain.External
	}
	return domain.Internal
}

// snippetPart is a piece of a search snippet; Hit pieces matched the query.
// Templates print the text escaped and wrap hits in <mark>.
type snippetPart struct {
	Text string
	Hit  bool
}

// snippetParts splits a store snippet at its markers.
func snippetParts(snippet string) []snippetPart {
	var out []snippetPart
	for snippet != "" {
		open := strings.Index(snippet, store.SnippetOpen)
		if open < 0 {
			out = append(out, snippetPart{Text: snippet})
			break
		}
		if open > 0 {
			out = append(out, snippetPart{Text: snippet[:open]})
		}
		rest := snippet[open+len(store.SnippetOpen):]
		end := strings.Index(rest, store.SnippetClose)
		if end < 0 {
			out = append(out, snippetPart{Text: rest, Hit: true})
			break
		}
		out = append(out, snippetPart{Text: rest[:end], Hit: true})
		snippet = rest[end+len(store.SnippetClose):]
	}
	return out
}

// cursorPager is newPager for a cursor list: Next carries the next page's
// cursor (and its page number, for the "page N of M" line); a cursor page's
// Prev goes back to the first page. Old ?offset= links still page by offset.
func cursorPager(u *url.URL, offset, shown, total int, next string) pager {
	q := u.Query()
	if q.Get("cursor") == "" && offset > 0 {
		return newPager(u, offset, shown, total)
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	pg := pager{Total: total, Page: page, Pages: max((total+pageSize-1)/pageSize, page)}
	link := func(cursor string, page int) string {
		q := u.Query()
		q.Del("offset")
		q.Del("cursor")
		q.Del("page")
		if cursor != "" {
			q.Set("cursor", cursor)
			q.Set("page", strconv.Itoa(page))
		}
		if len(q) == 0 {
			return u.Path
		}
		return u.Path + "?" + q.Encode()
	}
	if page > 1 {
		pg.Prev = link("", 1)
	}
	if next != "" {
		pg.Next = link(next, page+1)
	}
	return pg
}
