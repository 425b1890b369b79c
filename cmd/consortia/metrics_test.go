package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func scrape(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestServeMetricsAddress: by default /metrics is on no listener; with
// --metrics-addr it is on that one only; with a token it is also on the
// public listener for callers sending it, and the token guards both.
func TestServeMetricsAddress(t *testing.T) {
	const token = "scrape-me-with-this-long-token"
	db := "sqlite:" + filepath.Join(t.TempDir(), "m.db")

	addr := freeAddr(t)
	stop := serve(t, map[string]string{"CONSORTIA_DATABASE_URL": db}, "--addr", addr)
	if st, body := scrape(t, "http://"+addr+"/metrics", ""); st != http.StatusNotFound || strings.Contains(body, "go_goroutines") {
		t.Errorf("default public /metrics: %d %.200s", st, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	addr, metricsAddr := freeAddr(t), freeAddr(t)
	stop, logs := serveLogged(t, map[string]string{"CONSORTIA_DATABASE_URL": db, "CONSORTIA_METRICS_ADDR": metricsAddr}, "--addr", addr)
	scrape(t, "http://"+addr+"/api/v1/communities", "")
	if st, _ := scrape(t, "http://"+addr+"/metrics", ""); st != http.StatusNotFound {
		t.Errorf("public /metrics beside a metrics address: %d", st)
	}
	if st, body := scrape(t, "http://"+metricsAddr+"/metrics", ""); st != 200 || !strings.Contains(body, `route="GET /api/v1/communities"`) {
		t.Errorf("metrics address: %d %.300s", st, body)
	}
	if st, _ := scrape(t, "http://"+metricsAddr+"/api/v1/communities", ""); st != http.StatusNotFound {
		t.Errorf("the metrics address serves the API: %d", st)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "http://"+metricsAddr+"/metrics") {
		t.Errorf("the log does not say where metrics are:\n%s", logs)
	}

	addr, metricsAddr = freeAddr(t), freeAddr(t)
	env := map[string]string{"CONSORTIA_DATABASE_URL": db, "CONSORTIA_METRICS_TOKEN": token}
	stop, logs = serveLogged(t, env, "--addr", addr, "--metrics-addr", metricsAddr)
	for _, url := range []string{"http://" + addr + "/metrics", "http://" + metricsAddr + "/metrics"} {
		if st, _ := scrape(t, url, ""); st != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d", url, st)
		}
		if st, body := scrape(t, url, token); st != 200 || !strings.Contains(body, "go_goroutines") {
			t.Errorf("%s with the token: %d %.200s", url, st, body)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the log shows the metrics token")
	}
	if out, _, _ := runCLI(t, env, "", "serve", "--help"); strings.Contains(out, token) || !strings.Contains(out, "CONSORTIA_METRICS_TOKEN") {
		t.Errorf("serve --help shows the metrics token, or does not name its variable:\n%s", out)
	}
	if _, _, err := runCLI(t, map[string]string{"CONSORTIA_DATABASE_URL": db}, "", "serve", "--addr", freeAddr(t), "--metrics-token", "short"); err == nil || !strings.Contains(err.Error(), "--metrics-token: must be at least 16 characters") {
		t.Errorf("a short metrics token: %v", err)
	}
}
