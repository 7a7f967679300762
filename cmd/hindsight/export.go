package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	service "github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// exportOptions are the export command's flags after checking.
type exportOptions struct {
	format, lang, tz string
	audience         report.Audience
	paper            report.Paper
	branding         report.Branding
	header           report.Header // partner header flags (metrics area)
}

func (a *app) export(ctx context.Context, args []string) error {
	fs := a.flags("export")
	rcaID := fs.String("rca", "", "id (or slug) of the RCA to export")
	all := fs.Bool("all", false, "export every RCA (narrowed by --state) into --out")
	states := fs.String("state", "", "with --all: comma-separated states, e.g. published,approved (default: every state)")
	format := fs.String("format", "pdf", "pdf, html or md")
	lang := fs.String("lang", "", "BCP 47 tag: language of the labels and the text, and the date formats, e.g. de, en-GB, pt-BR (default: the RCA's own)")
	tz := fs.String("tz", "", "time zone of the timeline, an IANA name (default: --default-tz)")
	audience := fs.String("audience", string(report.External), "external (drops internal content) or internal")
	paper := fs.String("paper", "", "PDF paper: a4 or letter (default: from --lang, Letter for en-US, en-CA, es-MX)")
	outFile := fs.String("o", "", "output file for --rca; - for standard output (default: the report's own file name)")
	outDir := fs.String("out", "", "output folder for --all (created when missing)")
	// Partner header (metrics area): the same names as the export API's parameters.
	headerFlags := map[string]*string{
		"facts":       fs.String("facts", "", "header facts to show, comma-separated (e.g. date,duration,affected_services); default: the template's"),
		"issue_date":  fs.String("issue-date", "", "issue date printed in the header, YYYY-MM-DD"),
		"doc_version": fs.String("doc-version", "", "document version printed in the header"),
		"contact":     fs.String("contact", "", "contact line printed in the header"),
		"status_url":  fs.String("status-url", "", "link to the status page, printed in the header"),
		"closing":     fs.String("closing", "", "closing paragraph (apology and contact) customers read last"),
	}
	if err := a.parse(fs, args); err != nil {
		return err
	}
	header := map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		if p, ok := headerFlags[strings.ReplaceAll(f.Name, "-", "_")]; ok {
			header[strings.ReplaceAll(f.Name, "-", "_")] = *p
		}
	})
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	opt, err := a.exportOptions(cat, *format, *lang, *tz, *audience, *paper, header)
	if err != nil {
		return err
	}
	var ps []domain.Problem
	switch {
	case *all && *rcaID != "":
		ps = append(ps, domain.Problem{Field: "rca", Code: domain.CodeInvalid, Detail: "give --rca or --all, not both"})
	case !*all && *rcaID == "":
		ps = append(ps, domain.Problem{Field: "rca", Code: domain.CodeRequired, Detail: "give --rca ID, or --all with --out DIR"})
	case *all && *outDir == "":
		ps = append(ps, domain.Problem{Field: "out", Code: domain.CodeRequired, Detail: "--all writes into a folder"})
	case *all && *outFile != "":
		ps = append(ps, domain.Problem{Field: "o", Code: domain.CodeInvalid, Detail: "with --all use --out DIR"})
	case !*all && *outDir != "":
		ps = append(ps, domain.Problem{Field: "out", Code: domain.CodeInvalid, Detail: "with --rca use -o FILE"})
	case !*all && *states != "":
		ps = append(ps, domain.Problem{Field: "state", Code: domain.CodeInvalid, Detail: "--state narrows --all"})
	}
	filter, stateProblems := parseStates(*states)
	ps = append(ps, stateProblems...)
	if len(ps) > 0 {
		return &domain.ValidationError{Problems: ps}
	}

	if a.cfg.PDFFonts != "" { // reportpdf: fallback fonts for the PDF
		if err := report.SetFallbackFonts(a.cfg.PDFFonts); err != nil {
			return err
		}
	}
	if opt.branding, err = a.cfg.Branding(os.ReadFile); err != nil {
		return err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }() // export only reads the store
	svc, err := service.New(service.Config{Store: st, Catalog: cat, Branding: opt.branding})
	if err != nil {
		return err
	}
	ex := &exporter{svc: svc, opt: opt}
	if *all {
		return a.exportAll(ctx, ex, filter, *outDir)
	}
	return a.exportOne(ctx, ex, *rcaID, *outFile)
}

// exportOptions checks format, language, time zone, audience and paper
// the way the API does (report.ParseOptions).
func (a *app) exportOptions(cat *i18n.Catalog, format, lang, tz, audience, paper string, header map[string]string) (exportOptions, error) {
	q := url.Values{}
	for k, v := range map[string]string{"format": format, "lang": lang, "tz": tz, "audience": audience, "paper": paper} {
		if strings.TrimSpace(v) != "" {
			q.Set(k, v)
		}
	}
	for k, v := range header { // partner header flags (metrics area)
		q.Set(k, v)
	}
	req, err := report.ParseOptions(cat, q, report.ExportDefaults{TimeZone: a.cfg.DefaultTZ})
	o := exportOptions{format: req.Format, lang: req.Options.Lang, tz: req.Options.TimeZone, audience: req.Options.Audience, paper: req.Options.Paper,
		header: req.Options.Header}
	return o, err
}

func parseStates(s string) ([]domain.RCAState, []domain.Problem) {
	var out []domain.RCAState
	var ps []domain.Problem
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		st := domain.RCAState(part)
		if !st.Valid() {
			ps = append(ps, domain.Problem{Field: "state", Code: domain.CodeUnknownEnum, Detail: part})
			continue
		}
		out = append(out, st)
	}
	return out, ps
}

// exporter renders reports through the service layer, as the system actor
// (the command line acts on the data folder directly).
type exporter struct {
	svc *service.Service
	opt exportOptions
}

// renderWithImages builds and renders one RCA and returns the document, its
// file name and, for Markdown, the images it names (images area): they are
// written next to it.
func (ex *exporter) renderWithImages(ctx context.Context, r domain.RCA) ([]byte, string, []report.Image, error) {
	out, err := ex.svc.ExportLoaded(ctx, policy.SystemActor(), r, service.ExportRequest{
		Format: ex.opt.format, Lang: ex.opt.lang, TimeZone: ex.opt.tz, Audience: ex.opt.audience, Paper: ex.opt.paper, Header: ex.opt.header, Branding: &ex.opt.branding,
	})
	if err != nil {
		return nil, "", nil, err
	}
	if ex.opt.format != "md" {
		return out.Body, out.FileName, nil, nil
	}
	return out.Body, out.FileName, out.Images, nil
}

func (a *app) exportOne(ctx context.Context, ex *exporter, id, out string) error {
	r, err := ex.svc.GetRCA(ctx, policy.SystemActor(), id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no RCA with id or slug %q", id)
	}
	if err != nil {
		return fmt.Errorf("load rca: %w", err)
	}
	doc, name, images, err := ex.renderWithImages(ctx, r)
	if err != nil {
		return fmt.Errorf("export %s: %s", r.ID, describe(err))
	}
	if out == "-" {
		if len(images) > 0 {
			_, _ = fmt.Fprintf(a.stderr, "note: %d images are not written with -o -; give a file name to get them\n", len(images))
		}
		_, err := a.stdout.Write(doc)
		return err
	}
	if out == "" {
		out = name
	}
	if err := writeImages(filepath.Dir(out), images); err != nil { // images, before the file naming them
		return err
	}
	if err := writeFileAtomic(out, doc); err != nil {
		return err
	}
	// Notes on stderr are for the operator; the file is written, so a failed
	// note does not fail the export.
	_, _ = fmt.Fprintf(a.stderr, "wrote %s (%d bytes)\n", out, len(doc))
	return nil
}

func (a *app) exportAll(ctx context.Context, ex *exporter, states []domain.RCAState, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	var rcas []domain.RCA
	for offset := 0; ; {
		page, total, err := ex.svc.ListRCAs(ctx, policy.SystemActor(), store.RCAFilter{States: states, Page: store.Page{Limit: 500, Offset: offset}})
		if err != nil {
			return fmt.Errorf("list rcas: %w", err)
		}
		rcas = append(rcas, page...)
		offset += len(page)
		if len(page) == 0 || offset >= total {
			break
		}
	}
	if len(rcas) == 0 {
		_, _ = fmt.Fprintln(a.stderr, "no RCAs to export") // operator note, see exportOne
		return nil
	}
	bar := newProgress(a.stderr, len(rcas))
	used := map[string]bool{}
	var failed []string
	for _, r := range rcas {
		if err := ctx.Err(); err != nil {
			bar.done()
			return err
		}
		doc, name, images, err := ex.renderWithImages(ctx, r)
		if err == nil {
			err = writeImages(dir, images) // images
		}
		if err == nil {
			name = uniqueName(used, name)
			err = writeFileAtomic(filepath.Join(dir, name), doc)
		}
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s (%s): %s", r.ID, r.Title, describe(err)))
		}
		bar.step(name)
	}
	bar.done()
	_, _ = fmt.Fprintf(a.stderr, "exported %d of %d RCAs to %s\n", len(rcas)-len(failed), len(rcas), dir)
	if len(failed) > 0 {
		for _, f := range failed {
			_, _ = fmt.Fprintln(a.stderr, "  failed:", f) // the error below reports the failure
		}
		return fmt.Errorf("%d of %d exports failed", len(failed), len(rcas))
	}
	return nil
}

// uniqueName returns name, or name with -2, -3, ... before its extension
// when an earlier export of this run already took it.
func uniqueName(used map[string]bool, name string) string {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	out := name
	for i := 2; used[out]; i++ {
		out = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
	used[out] = true
	return out
}

// writeFileAtomic writes data to a temporary file next to path and renames it
// into place, so a reader never sees half a report.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".hindsight-export-*")
	if err != nil {
		return err
	}
	// Clean up the temporary file on failure; after the rename it is gone and
	// Remove fails with nothing to clean up.
	defer func() { _ = os.Remove(f.Name()) }()
	if _, err := f.Write(data); err != nil {
		_ = f.Close() // the write error above is the one to report
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		_ = f.Close() // the write error above is the one to report
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// progress draws a one-line progress bar on a terminal, or one line per
// step elsewhere (a log file, CI).
type progress struct {
	w     io.Writer
	total int
	n     int
	tty   bool
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

const barWidth = 30

func (p *progress) step(label string) {
	p.n++
	// The progress display is a courtesy on stderr: a failed write must not
	// stop the export.
	if !p.tty {
		_, _ = fmt.Fprintf(p.w, "[%d/%d] %s\n", p.n, p.total, label)
		return
	}
	filled := barWidth * p.n / p.total
	if len(label) > 40 {
		label = label[:37] + "..."
	}
	_, _ = fmt.Fprintf(p.w, "\r[%s%s] %d/%d %-40s", strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), p.n, p.total, label)
}

func (p *progress) done() {
	if p.tty && p.n > 0 {
		_, _ = fmt.Fprintln(p.w)
	}
}

// writeImages writes a Markdown report's images into dir, each under the
// file name the report gives it (its id and extension).
func writeImages(dir string, images []report.Image) error {
	for _, img := range images {
		if err := writeFileAtomic(filepath.Join(dir, img.FileName()), img.Data); err != nil {
			return err
		}
	}
	return nil
}
