package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/report"
)

func TestExportCarriesBranding(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Branding = report.Branding{OrgName: "Acme Networks", Accent: "#c0392b"}
	})
	r := e.rca("Templates API errors", "partner")
	for _, format := range []string{"html", "md"} {
		w := e.as(domain.RoleViewer, http.MethodGet, "/api/v1/rcas/"+r.ID+"/export?format="+format, nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Acme Networks") {
			t.Fatalf("%s export: %d, branded %v", format, w.Code, strings.Contains(w.Body.String(), "Acme Networks"))
		}
	}
	w := e.as(domain.RoleViewer, http.MethodGet, "/api/v1/rcas/"+r.ID+"/export?format=html", nil)
	if !strings.Contains(w.Body.String(), "#c0392b") {
		t.Error("HTML export lacks the accent colour")
	}
}

func TestNewRefusesBadBranding(t *testing.T) {
	for name, b := range map[string]report.Branding{
		"colour": {Accent: "red"},
		"logo":   {LogoPNG: []byte("GIF89a")},
		"name":   {OrgName: strings.Repeat("x", 10_000)},
	} {
		if _, err := New(Config{Branding: b}, openTestStore(t), nil); err == nil || !strings.Contains(err.Error(), "branding") {
			t.Errorf("%s: New accepted bad branding (err %v)", name, err)
		}
	}
}
