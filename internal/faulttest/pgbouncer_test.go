package faulttest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestBehindPgBouncerTransactionMode runs the real server through PgBouncer
// in transaction pooling mode: migrations (three processes in turn, each
// taking the migration lock), concurrent creates, reads, and the audit
// entries their transactions wrote. PgBouncer 1.18 (Debian 12) keeps no
// server-side prepared statements across transactions, so pgx's default
// statement cache would fail here with "prepared statement … already exists".
func TestBehindPgBouncerTransactionMode(t *testing.T) {
	dbURL := pgBouncerURL(t) + "?default_query_exec_mode=exec"
	token := adminToken(t, dbURL)
	srv := startServer(t, dbURL)

	const clients, each = 20, 5
	client := &http.Client{Timeout: time.Minute}
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				name := fmt.Sprintf("Pooled c%d n%d", c, i)
				var created struct{ ID int64 }
				if _, err := api(context.Background(), client, http.MethodPost, srv.url+"/api/v1/communities", token,
					map[string]any{"name": name, "kind": "other"}, &created); err != nil {
					t.Error(err)
					return
				}
				var got struct{ Name string }
				if _, err := api(context.Background(), client, http.MethodGet, fmt.Sprintf("%s/api/v1/communities/%d", srv.url, created.ID), token, nil, &got); err != nil {
					t.Error(err)
				} else if got.Name != name {
					t.Errorf("community %d is named %q, want %q", created.ID, got.Name, name)
				}
				var list struct{ Total int }
				if _, err := api(context.Background(), client, http.MethodGet, srv.url+"/api/v1/communities?per_page=5", token, nil, &list); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()

	var list, audit struct{ Total int }
	if _, err := api(context.Background(), client, http.MethodGet, srv.url+"/api/v1/communities", token, nil, &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != clients*each {
		t.Errorf("communities listed: %d, want %d", list.Total, clients*each)
	}
	if _, err := api(context.Background(), client, http.MethodGet, srv.url+"/api/v1/audit?entity_type=community", token, nil, &audit); err != nil {
		t.Fatal(err)
	}
	if audit.Total != clients*each {
		t.Errorf("audit entries for communities: %d, want %d (one per create, in its transaction)", audit.Total, clients*each)
	}
	if log := srv.log(); strings.Contains(log, "prepared statement") {
		t.Errorf("the server logged prepared statement errors:\n%s", log)
	}
}

// pgBouncerURL starts PgBouncer in transaction mode on a free loopback port,
// in front of a fresh schema of the test PostgreSQL, and returns the URL
// of that database through it (no query string).
func pgBouncerURL(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		bin, err = exec.LookPath("/usr/sbin/pgbouncer")
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pgbouncer is not installed but CI is set: .ci/run installs it")
		}
		t.Skip("PgBouncer test skipped: pgbouncer is not installed (Debian: apt-get install pgbouncer)")
	}
	if os.Getenv(storagetest.PostgresEnv) == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set but CI is", storagetest.PostgresEnv)
		}
		t.Skipf("PgBouncer test skipped: set %s=postgres://… to run it", storagetest.PostgresEnv)
	}
	direct, err := url.Parse(storagetest.URL(t, storage.Postgres))
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	dir := t.TempDir()
	user := direct.User.Username()
	password, _ := direct.User.Password()
	server := fmt.Sprintf("host=%s port=%s dbname=%s user=%s", direct.Hostname(), orDefault(direct.Port(), "5432"),
		strings.TrimPrefix(direct.Path, "/"), user)
	if password != "" {
		server += " password=" + password
	}
	// Each server connection starts in the test's schema: PgBouncer does
	// not pass search_path from clients.
	server += fmt.Sprintf(" connect_query='SET search_path TO %s'", direct.Query().Get("search_path"))
	ini := fmt.Sprintf(`[databases]
consortia = %s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = 8
max_client_conn = 200
logfile =
pidfile =
`, server, port, filepath.Join(dir, "users.txt"))
	write(t, filepath.Join(dir, "users.txt"), fmt.Sprintf("%q \"\"\n", user))
	write(t, filepath.Join(dir, "pgbouncer.ini"), ini)
	args := []string{filepath.Join(dir, "pgbouncer.ini")}
	if os.Geteuid() == 0 {
		// PgBouncer refuses to run as root.
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		args = append([]string{"-u", "postgres"}, args...)
	}
	cmd := exec.Command(bin, args...)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		select {
		case <-done:
			t.Fatalf("pgbouncer exited: %s", logs.String())
		default:
		}
		if time.Since(start) > time.Minute {
			t.Fatal("pgbouncer did not listen within a minute")
		}
	}
	u := url.URL{Scheme: "postgres", User: direct.User, Host: addr, Path: "/consortia"}
	return u.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
