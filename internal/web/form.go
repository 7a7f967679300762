package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// localLayout is the value format of <input type="datetime-local">.
const localLayout = "2006-01-02T15:04"

// formProblems collects problems of one submitted form.
type formProblems []domain.Problem

func (ps *formProblems) add(field, code string) {
	*ps = append(*ps, domain.Problem{Field: field, Code: code})
}

// zoneFromForm reads the tz field, falling back to the display zone.
func zoneFromForm(c *gin.Context, fallback *time.Location, ps *formProblems) *time.Location {
	name := strings.TrimSpace(c.PostForm("tz"))
	if name == "" {
		return fallback
	}
	loc, err := domain.LoadZone(name)
	if err != nil {
		ps.add("tz", domain.CodeInvalid)
		return fallback
	}
	return loc
}

// parseLocal reads a datetime-local value entered in loc and returns it in
// UTC. Seconds are accepted too (some browsers send them).
func parseLocal(v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{localLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("web: not a local date and time")
}

// optionalLocal parses an optional datetime-local field.
func optionalLocal(c *gin.Context, field string, loc *time.Location, ps *formProblems) *time.Time {
	v := strings.TrimSpace(c.PostForm(field))
	if v == "" {
		return nil
	}
	t, err := parseLocal(v, loc)
	if err != nil {
		ps.add(field, domain.CodeInvalid)
		return nil
	}
	return &t
}

// requiredLocal parses a required datetime-local field.
func requiredLocal(c *gin.Context, field string, loc *time.Location, ps *formProblems) time.Time {
	if strings.TrimSpace(c.PostForm(field)) == "" {
		ps.add(field, domain.CodeRequired)
		return time.Time{}
	}
	t := optionalLocal(c, field, loc, ps)
	if t == nil {
		return time.Time{}
	}
	return *t
}

// optionalDate parses an optional YYYY-MM-DD field as midnight UTC.
func optionalDate(c *gin.Context, field string, ps *formProblems) *domain.Date {
	v := strings.TrimSpace(c.PostForm(field))
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		ps.add(field, domain.CodeInvalid)
		return nil
	}
	d := domain.DateOf(t)
	return &d
}

// validationProblems returns the problems of a validation error, with
// their field paths cut to the last element ("timeline[2].text" -> "text")
// so forms can show them beside their own fields.
func validationProblems(err error) ([]domain.Problem, bool) {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	out := make([]domain.Problem, 0, len(ve.Problems))
	for _, p := range ve.Problems {
		f := p.Field
		if i := strings.LastIndexByte(f, '.'); i >= 0 {
			f = f[i+1:]
		}
		out = append(out, domain.Problem{Field: f, Code: p.Code, Detail: p.Detail})
	}
	return out, true
}

// statusFor is the status of a re-rendered form with problems.
const statusInvalid = http.StatusUnprocessableEntity
