package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/quality"
)

// writePage is the document editor: every section of one RCA, in order,
// editable in place with its guidance beside it (area "ui").
type writePage struct {
	PageData
	RCA       domain.RCA
	Editable  bool
	Sections  []writeSection
	DoneCount int
	Checks    quality.Report
	IdleMS    int
	// StyleNonce lets CodeMirror add its own stylesheet under the CSP.
	StyleNonce string
	Factors    *factorsView // tmpl area: the contributing-factors multi-select
	Review     reviewPanel  // flow: submit and the other moves in place
	// collab: comment threads and the timeline grid.
	CanComment bool
	Kinds      []domain.TimelineKind
}

// writeSection is one section as the document editor shows it.
type writeSection struct {
	sectionView
	Required, Complete bool
}

// rcaWrite shows the document editor. Without JavaScript every section is a
// form of its own that posts to the section save of the guided editor.
func (p *pages) rcaWrite(c *gin.Context) {
	rc, err := p.loadRCA(c, c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	loc := p.localeOf(c)
	r := rc.RCA
	d := writePage{PageData: p.base(c, ""), RCA: r, Editable: r.Editable(), Checks: rc.Checks, IdleMS: autosaveIdleMS,
		StyleNonce: styleNonce(c), Factors: p.factorsFor(c, rc.RCA, "write"),
		CanComment: policy.Can(actorOf(c), policy.RCAComment, &r) == nil, Kinds: domain.TimelineKinds}
	in := rc.input()
	for _, s := range r.Sections {
		ws := writeSection{sectionView: *p.sectionView(rc, s.Key, loc), Required: s.Required, Complete: quality.SectionComplete(in, s)}
		if ws.Complete {
			d.DoneCount++
		}
		d.Sections = append(d.Sections, ws)
	}
	d.Review = p.reviewPanel(c, rc, app.Offered(actorOf(c), &r), "write", nil, "", nil, "") // flow
	p.render(c, http.StatusOK, "rca_write", d)
}

// styleNonceKey holds a page's style nonce in the gin context.
const styleNonceKey = "ui.style_nonce"

// styleNonce makes a fresh nonce that lets this response's page add <style>
// elements: CodeMirror writes its base theme that way (EditorView.cspNonce).
// Scripts stay 'self' only and style attributes stay blocked.
func styleNonce(c *gin.Context) string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	n := base64.StdEncoding.EncodeToString(b)
	c.Set(styleNonceKey, n)
	return n
}

// pageCSPFor is pageCSP, with the page's style nonce when it has one.
func pageCSPFor(c *gin.Context) string {
	if n := c.GetString(styleNonceKey); n != "" {
		return strings.Replace(pageCSP, "style-src 'self'", "style-src 'self' 'nonce-"+n+"'", 1)
	}
	return pageCSP
}
