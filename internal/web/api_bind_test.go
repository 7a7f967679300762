package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func bindOnce(body string, limit int64, v any) (bool, *httptest.ResponseRecorder) {
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	r := httptest.NewRequest("POST", "/x", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	c.Request = r
	return bindJSON(c, v), w
}

func TestBindJSON(t *testing.T) {
	type inner struct {
		N int `json:"n"`
	}
	type target struct {
		Name  string   `json:"name"`
		Count int      `json:"count"`
		Tags  []string `json:"tags"`
		In    inner    `json:"in"`
	}
	tests := []struct {
		name    string
		body    string
		ok      bool
		status  int
		field   string
		message string
	}{
		{"valid", `{"name":"a","count":2,"tags":["x"],"in":{"n":1}}`, true, 0, "", ""},
		{"empty object", `{}`, true, 0, "", ""},
		{"trailing space", "{}\n\t ", true, 0, "", ""},
		{"empty", ``, false, 400, "", "empty"},
		{"syntax", `{"name":}`, false, 400, "", "byte"},
		{"unknown", `{"nam":"a"}`, false, 400, "nam", "Unknown field"},
		{"wrong type", `{"count":"2"}`, false, 400, "count", "integer"},
		{"nested wrong type", `{"in":{"n":"x"}}`, false, 400, "in.n", "integer"},
		{"fraction for int", `{"count":1.5}`, false, 400, "count", ""},
		{"two values", `{}{}`, false, 400, "", "single"},
		{"trailing garbage", `{} x`, false, 400, "", "single"},
		{"too large", `{"name":"` + strings.Repeat("a", 200) + `"}`, false, 413, "", ""},
		{"string", `"hello"`, false, 400, "", "object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v target
			ok, w := bindOnce(tt.body, 128, &v)
			if ok != tt.ok {
				t.Fatalf("ok = %v; body %s", ok, w.Body)
			}
			if ok {
				return
			}
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			var ae apiErr
			if err := json.Unmarshal(w.Body.Bytes(), &ae); err != nil {
				t.Fatal(err)
			}
			if ae.Error.Field != tt.field || !strings.Contains(ae.Error.Message, tt.message) {
				t.Fatalf("field %q message %q", ae.Error.Field, ae.Error.Message)
			}
		})
	}
}

// FuzzBindJSON: any body either binds or gets a 4xx JSON error; never a panic.
func FuzzBindJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"title":"x","started_at":"2026-01-01T00:00:00Z"}`, `{"updates":[{"at":"x"}]}`, `[`, `{"a":1}{}`, "\x00", `{"components":[{"status":7}]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v incidentCreate
		ok, w := bindOnce(body, 4096, &v)
		if ok {
			return
		}
		if w.Code != 400 && w.Code != 413 {
			t.Fatalf("status %d for %q", w.Code, body)
		}
		var ae apiErr
		if err := json.Unmarshal(w.Body.Bytes(), &ae); err != nil || ae.Error.Code == "" || ae.Error.Message == "" {
			t.Fatalf("bad error body %q", w.Body)
		}
	})
}
