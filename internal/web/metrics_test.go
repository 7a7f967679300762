package web

import (
	"strings"
	"testing"
)

func TestMetricsByRoutePattern(t *testing.T) {
	e := newEnv(t)
	inc := e.incident("Checkout errors")
	e.must("viewer", "GET", "/api/v1/incidents/"+inc.ID, nil, 200, nil)
	e.serve(req{method: "GET", path: "/no/such/page"})
	w := e.serve(req{method: "GET", path: "/metrics"})
	if w.Code != 200 {
		t.Fatalf("metrics: %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{
		`hindsight_http_requests_total{method="GET",route="/api/v1/incidents/:id",status="200"} 1`,
		`hindsight_http_requests_total{method="POST",route="/api/v1/incidents",status="201"} 1`,
		`hindsight_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`hindsight_http_request_duration_seconds_bucket{method="GET",route="/api/v1/incidents/:id",status="200",le="+Inf"} 1`,
		`hindsight_build_info{version="test"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, inc.ID) {
		t.Error("a raw id leaked into a metric label")
	}
}

func TestMetricsMethodLabelBounded(t *testing.T) {
	e := newEnv(t)
	e.serve(req{method: "BREW", path: "/healthz"})
	w := e.serve(req{method: "GET", path: "/metrics"})
	if strings.Contains(w.Body.String(), `method="BREW"`) {
		t.Fatal("an arbitrary method became a label value")
	}
}
