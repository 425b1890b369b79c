package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestMicroCache: anonymous reads of the community list may be up to a
// second old; anyone signed in always sees the latest.
func TestMicroCache(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	e.community("first", "First")
	if r := e.do("GET", "/api/v1/communities", "", nil); !strings.Contains(string(r.body), `"total":1`) {
		t.Fatalf("first read: %s", r.body)
	}
	e.community("second", "Second")
	// Signed in (bearer token): fresh.
	if r := e.do("GET", "/api/v1/communities", e.adminToken, nil); !strings.Contains(string(r.body), `"total":2`) {
		t.Fatalf("signed-in read is stale: %s", r.body)
	}
	// Anonymous within the second: the kept answer, with Vary set.
	r := e.do("GET", "/api/v1/communities", "", nil)
	if !strings.Contains(string(r.body), `"total":1`) || !strings.Contains(r.header.Get("Vary"), "Cookie") || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("anonymous read within the second: %v %s", r.header, r.body)
	}
	// Another query string is another entry.
	if r := e.do("GET", "/api/v1/communities?q=second", "", nil); !strings.Contains(string(r.body), `"total":1`) || !strings.Contains(string(r.body), "Second") {
		t.Fatalf("other query: %s", r.body)
	}
	time.Sleep(1100 * time.Millisecond)
	if r := e.do("GET", "/api/v1/communities", "", nil); !strings.Contains(string(r.body), `"total":2`) {
		t.Fatalf("after a second: %s", r.body)
	}
	// A browser with a session cookie is not served from the cache.
	b := e.browser()
	b.login("admin@example.org", testPassword)
	e.community("third", "Third")
	if r := b.get("/communities"); !strings.Contains(string(r.body), "3 communities") {
		t.Fatalf("signed-in page is stale")
	}
	// Errors are never kept.
	if r := e.do("GET", "/api/v1/communities?per_page=1000", "", nil); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad query: %d", r.status)
	}
}
