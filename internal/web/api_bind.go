package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// bindJSON decodes the request body into v strictly: unknown fields, more
// than one value, an empty body, wrong types and syntax errors are 400; a
// body over the limit is 413. It answers the error itself and reports
// whether the handler may go on. Enum values and time order are left to the
// domain's Validate (422).
func bindJSON(c *gin.Context, v any) bool {
	body, ok := readJSONBody(c)
	return ok && decodeStrict(c, body, v)
}

// readJSONBody reads a JSON request body: another content type is 415 (a
// body without one too), an unreadable body 400, one over the limit 413,
// an empty one 400. It answers the error itself.
func readJSONBody(c *gin.Context) ([]byte, bool) {
	if ct := c.ContentType(); ct != "" && !isJSONType(ct) {
		abortJSON(c, http.StatusUnsupportedMediaType, codeUnsupportedMedia, "")
		return nil, false
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			abortJSON(c, http.StatusRequestEntityTooLarge, codeTooLarge, "")
			return nil, false
		}
		abortJSON(c, http.StatusBadRequest, codeBadRequest, "The request body could not be read.")
		return nil, false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		abortJSON(c, http.StatusBadRequest, codeInvalidJSON, "The request body is empty; send a JSON object.")
		return nil, false
	}
	if c.ContentType() == "" { // hygiene: a JSON body names its type
		abortJSON(c, http.StatusUnsupportedMediaType, codeUnsupportedMedia, "")
		return nil, false
	}
	return body, true
}

// decodeStrict decodes body into v: unknown fields, more than one value,
// wrong types and syntax errors are 400. It answers the error itself.
func decodeStrict(c *gin.Context, body []byte, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// A calendar day that is not YYYY-MM-DD is an invalid value of a
		// named field, not broken JSON (metrics area).
		if field, ok := domain.IsDateError(err); ok {
			abortJSONExtra(c, http.StatusUnprocessableEntity, codeInvalid, fmt.Sprintf("Field %q must be a date as YYYY-MM-DD.", field),
				map[string]any{"problems": []domain.Problem{{Field: field, Code: domain.CodeInvalid, Detail: "YYYY-MM-DD"}}})
			return false
		}
		abortJSONExtra(c, http.StatusBadRequest, codeInvalidJSON, decodeMessage(err), decodeDetail(err))
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		abortJSON(c, http.StatusBadRequest, codeInvalidJSON, "The request body must hold a single JSON value.")
		return false
	}
	return true
}

// isJSONType reports whether a media type (without parameters) is JSON.
func isJSONType(ct string) bool { return ct == "application/json" || strings.HasSuffix(ct, "+json") }

// decodeMessage explains a json decoding error without echoing the body.
func decodeMessage(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("The body is not valid JSON (at byte %d).", se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "The body ends before the JSON value is complete."
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("Field %q must be %s, not %s.", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
		}
		return fmt.Sprintf("The body must be %s, not %s.", jsonKind(te.Type.Kind().String()), te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "Unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + "."
	}
	var pe *time.ParseError
	if errors.As(err, &pe) || strings.Contains(err.Error(), "Time.UnmarshalJSON") {
		return "A time is not in RFC 3339 format (e.g. 2026-03-01T09:30:00Z)."
	}
	return "The body is not valid JSON for this endpoint."
}

// decodeDetail gives API clients machine-readable facts about the error.
func decodeDetail(err error) map[string]any {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return map[string]any{"offset": se.Offset}
	case errors.As(err, &te):
		if te.Field != "" {
			return map[string]any{"field": te.Field}
		}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return map[string]any{"field": strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)}
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	}
	return "a different type"
}
