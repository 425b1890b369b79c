package server

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// microCache keeps the busiest anonymous public reads (the community list,
// the roadmap) for a moment, so a burst of visitors costs one database read
// per second instead of one each. It holds nothing important: entries live
// a second, every instance has its own, and anyone signed in (a session
// cookie or a bearer token) always gets a fresh answer.
type microCache struct {
	ttl   time.Duration
	paths map[string]bool
	group singleflight.Group

	mu      sync.Mutex
	entries map[string]*cachedResponse
}

type cachedResponse struct {
	status  int
	header  http.Header
	body    []byte
	route   string
	expires time.Time
}

func newMicroCache(ttl time.Duration, paths ...string) *microCache {
	c := &microCache{ttl: ttl, paths: map[string]bool{}, entries: map[string]*cachedResponse{}}
	for _, p := range paths {
		c.paths[p] = true
	}
	return c
}

// anonymous reports whether a request carries no credentials at all.
func anonymous(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return false
	}
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, "consortia_") {
			return false
		}
	}
	return true
}

type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(s int) {
	if b.status == 0 {
		b.status = s
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (c *microCache) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !c.paths[r.URL.Path] || !anonymous(r) {
			next.ServeHTTP(w, r)
			return
		}
		key := r.Method + " " + r.URL.RequestURI() + " " + r.Header.Get("Accept") + " " + r.Header.Get("HX-Request")
		now := time.Now()
		c.mu.Lock()
		e := c.entries[key]
		c.mu.Unlock()
		if e == nil || now.After(e.expires) {
			v, _, _ := c.group.Do(key, func() (any, error) {
				holder, _ := r.Context().Value(routeKey{}).(*routeHolder)
				bw := &bufferedWriter{header: http.Header{}}
				next.ServeHTTP(bw, r)
				fresh := &cachedResponse{status: bw.status, header: bw.header, body: bw.body.Bytes(), expires: time.Now().Add(c.ttl)}
				if holder != nil {
					fresh.route = holder.pattern
				}
				if fresh.status == http.StatusOK && bw.header.Get("Set-Cookie") == "" {
					c.mu.Lock()
					c.entries[key] = fresh
					for k, old := range c.entries { // drop what expired
						if now.After(old.expires) {
							delete(c.entries, k)
						}
					}
					c.mu.Unlock()
				}
				return fresh, nil
			})
			e = v.(*cachedResponse)
		}
		if holder, ok := r.Context().Value(routeKey{}).(*routeHolder); ok && holder.pattern == "" {
			holder.pattern = e.route
		}
		h := w.Header()
		for k, v := range e.header {
			h[k] = v
		}
		h.Add("Vary", "Cookie, Authorization")
		w.WriteHeader(e.status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(e.body)
		}
	})
}
