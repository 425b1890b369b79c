package faulttest

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestKillDuringWritesKeepsAcknowledged kills the server with SIGKILL while
// 50 clients create communities, restarts it, and checks that every write
// it acknowledged with a 2xx survived, and that SQLite's file is intact.
func TestKillDuringWritesKeepsAcknowledged(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, d storage.Dialect, dbURL string) {
		token := adminToken(t, dbURL)
		srv := startServer(t, dbURL)

		acked := writeUntilKilled(t, srv, token, 50, 3*time.Second)
		if len(acked) == 0 {
			t.Fatalf("no write was acknowledged before the kill; server log:\n%s", srv.log())
		}
		t.Logf("%d writes acknowledged before SIGKILL", len(acked))

		restarted := startServer(t, dbURL)
		checkAcknowledged(t, restarted, token, acked)
		restarted.kill()

		store, err := storage.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		present := map[string]bool{}
		rows, err := store.DB().Query(`SELECT name FROM communities`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			present[name] = true
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		var lost []string
		for name := range acked {
			if !present[name] {
				lost = append(lost, name)
			}
		}
		if len(lost) > 0 {
			t.Errorf("%d of %d acknowledged writes are missing after the restart, e.g. %q", len(lost), len(acked), lost[0])
		}
		if d == storage.SQLite {
			var verdict string
			if err := store.DB().QueryRow(`PRAGMA integrity_check`).Scan(&verdict); err != nil {
				t.Fatal(err)
			}
			if verdict != "ok" {
				t.Errorf("PRAGMA integrity_check after SIGKILL = %q, want ok", verdict)
			}
		}
	})
}

// writeUntilKilled runs writers that create communities until the server,
// killed after load, stops answering; it returns the names of the
// communities the server acknowledged (201) with their ids.
func writeUntilKilled(t *testing.T, srv *server, token string, writers int, load time.Duration) map[string]int64 {
	t.Helper()
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: writers}}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu    sync.Mutex
		acked = map[string]int64{}
		wg    sync.WaitGroup
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("Fault w%d n%d", w, i)
				var created struct{ ID int64 }
				status, err := api(ctx, client, http.MethodPost, srv.url+"/api/v1/communities", token,
					map[string]any{"name": name, "kind": "other"}, &created)
				if err != nil {
					if status != 0 {
						t.Errorf("writer %d: %v", w, err)
					}
					return // the server is gone
				}
				mu.Lock()
				acked[name] = created.ID
				mu.Unlock()
			}
		}()
	}
	time.Sleep(load)
	srv.kill()
	wg.Wait()
	return acked
}

// checkAcknowledged asks the restarted server for a sample of the
// acknowledged communities by id.
func checkAcknowledged(t *testing.T, srv *server, token string, acked map[string]int64) {
	t.Helper()
	client := &http.Client{Timeout: time.Minute}
	n := 0
	for name, id := range acked {
		if n++; n > 20 {
			break
		}
		var got struct{ Name string }
		if _, err := api(context.Background(), client, http.MethodGet, fmt.Sprintf("%s/api/v1/communities/%d", srv.url, id), token, nil, &got); err != nil {
			t.Errorf("after restart: %v", err)
		} else if got.Name != name {
			t.Errorf("after restart, community %d is named %q, want %q", id, got.Name, name)
		}
	}
}
