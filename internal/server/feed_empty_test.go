package server_test

import (
	"encoding/xml"
	"testing"
	"time"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// An empty roadmap feed does not claim it was last updated in 1970.
func TestWebRoadmapFeedEmpty(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		r := e.browser().get("/roadmap.atom")
		wantStatus(t, "feed", r, 200)
		var feed struct {
			Updated string `xml:"updated"`
		}
		if err := xml.Unmarshal([]byte(r.body), &feed); err != nil {
			t.Fatal(err)
		}
		updated, err := time.Parse(time.RFC3339, feed.Updated)
		if err != nil || updated.Year() < 2026 {
			t.Fatalf("empty feed updated %q (%v)", feed.Updated, err)
		}
	})
}
