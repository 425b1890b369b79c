package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// Protected serves the metrics to callers sending token as a bearer token;
// an empty token serves them to anyone (for a private listener).
func (m *Metrics) Protected(token string) http.Handler {
	metrics := m.Handler()
	if token == "" {
		return metrics
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		// Comparing digests takes the same time whatever the length.
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "The metrics need the metrics token as a bearer token.", http.StatusUnauthorized)
			return
		}
		metrics.ServeHTTP(w, r)
	})
}

// withMetrics answers GET /metrics with metrics, ahead of sessions and
// identity (the metrics token is not an API token), and passes everything
// else on.
func withMetrics(metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
				h.pattern = "GET /metrics"
			}
			metrics.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// MetricsListener is the handler of a separate metrics address: GET
// /metrics (with the token when one is set) and nothing else.
func MetricsListener(m *Metrics, token string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Protected(token))
	return mux
}
