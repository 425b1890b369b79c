package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// An uploaded election over the synchronous size limit gets a 413 problem
// naming its size and the limit, however small the file is (19 KB here).
func TestAllocateOverLimitAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		var b strings.Builder
		b.WriteString("META\nkey;value\nbudget;1000\nPROJECTS\nproject_id;cost\n")
		for p := 1; p <= 1001; p++ {
			fmt.Fprintf(&b, "%d;%d\n", p, 100+p)
		}
		b.WriteString("VOTES\nvoter_id;vote\n")
		for v := 1; v <= 1000; v++ {
			fmt.Fprintf(&b, "%d;1,2\n", v)
		}
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/funding/budget/allocate?completion=add1", strings.NewReader(b.String()))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", "Bearer "+e.adminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") ||
			!strings.Contains(string(out), "1,001 projects × 1,000 ballots") || !strings.Contains(string(out), "limited to 1,000,000 projects × ballots") {
			t.Fatalf("over-limit allocation: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), out)
		}
	})
}
