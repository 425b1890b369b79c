package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"consortia/internal/server"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

const testMetricsToken = "metrics-token-for-tests-0123456789"

// TestMetricsNotPublic: /metrics is not on the public listener unless a
// metrics token is configured, and then only for callers sending it.
func TestMetricsNotPublic(t *testing.T) {
	s := storagetest.Open(t, storage.SQLite)
	open := newEnv(t, s)
	for _, token := range []string{"", open.adminToken} {
		if r := open.do("GET", "/metrics", token, nil); r.status != http.StatusNotFound || strings.Contains(string(r.body), "go_goroutines") {
			t.Fatalf("/metrics without a metrics token configured: %d %.200s", r.status, r.body)
		}
	}

	e := newEnvWith(t, storagetest.Open(t, storage.SQLite), server.Config{MetricsToken: testMetricsToken})
	for name, token := range map[string]string{"no token": "", "an API token": e.adminToken, "a wrong token": testMetricsToken + "x", "a prefix": testMetricsToken[:10]} {
		r := e.do("GET", "/metrics", token, nil)
		if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" || strings.Contains(string(r.body), "go_goroutines") {
			t.Errorf("/metrics with %s: %d %q %.200s", name, r.status, r.header.Get("WWW-Authenticate"), r.body)
		}
	}
	e.do("GET", "/api/v1/communities", "", nil)
	r := e.do("GET", "/metrics", testMetricsToken, nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `consortia_http_requests_total{method="GET",route="GET /api/v1/communities",status="200"}`) {
		t.Fatalf("/metrics with the metrics token: %d %.300s", r.status, r.body)
	}
	// Refused scrapes are counted under the metrics route, not as unmatched.
	if !strings.Contains(string(r.body), `route="GET /metrics",status="401"`) {
		t.Errorf("refused scrapes not counted:\n%s", r.body)
	}
}

// TestMetricsListener: the private listener's handler serves /metrics and
// nothing else, with the token when one is set.
func TestMetricsListener(t *testing.T) {
	s := storagetest.Open(t, storage.SQLite)
	m := server.NewMetrics(s.DB(), "test")
	get := func(h http.Handler, path, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	open := server.MetricsListener(m, "")
	if rec := get(open, "/metrics", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), "go_sql_open_connections") {
		t.Fatalf("metrics listener: %d %.200s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/", "/healthz", "/api/v1/communities", "/metrics/x"} {
		if rec := get(open, path, ""); rec.Code != http.StatusNotFound {
			t.Errorf("metrics listener serves %s: %d", path, rec.Code)
		}
	}
	locked := server.MetricsListener(m, testMetricsToken)
	if rec := get(locked, "/metrics", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("metrics listener with a token, none sent: %d", rec.Code)
	}
	if rec := get(locked, "/metrics", testMetricsToken); rec.Code != 200 {
		t.Errorf("metrics listener with its token: %d", rec.Code)
	}
}

// TestStrictTransportSecurity: HSTS on every answer when the site is
// served over https, never over plain http (it would lock browsers out).
func TestStrictTransportSecurity(t *testing.T) {
	s := storagetest.Open(t, storage.SQLite)
	const want = "max-age=31536000; includeSubDomains"
	secure := newServerEnvWith(t, s, server.Config{BaseURL: "https://consortia.example.org"})
	plain := newServerEnv(t, s)
	for _, path := range []string{"/", "/healthz", "/api/v1/communities", "/no-such-page", "/api/v1/me"} {
		if got := secure.do("GET", path, "", nil).header.Get("Strict-Transport-Security"); got != want {
			t.Errorf("https site, %s: Strict-Transport-Security %q, want %q", path, got, want)
		}
		if got := plain.do("GET", path, "", nil).header.Values("Strict-Transport-Security"); len(got) != 0 {
			t.Errorf("http site, %s: Strict-Transport-Security %q", path, got)
		}
	}
}
