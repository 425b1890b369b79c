package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// runCLI runs the program as a user would, with its own environment.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err = run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestVersionAndHelp(t *testing.T) {
	out, _, err := runCLI(t, nil, "", "version")
	if err != nil || !strings.HasPrefix(out, "consortia ") {
		t.Fatalf("version: %q %v", out, err)
	}
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"user", "add", "--help"}, {"token", "create", "--help"}, {"migrate", "--help"}} {
		out, _, err := runCLI(t, nil, "", args...)
		if err != nil || !strings.Contains(out, "Usage: consortia") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
	out, _, _ = runCLI(t, nil, "", "serve", "--help")
	for _, want := range []string{"--addr", "CONSORTIA_ADDR", "--db", "CONSORTIA_DATABASE_URL", "--demo", "127.0.0.1:8080"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
	if _, _, err := runCLI(t, nil, "", "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
}

func TestUserAddAndTokenCreate(t *testing.T) {
	for _, d := range storagetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := storagetest.URL(t, d)
			env := map[string]string{"CONSORTIA_DATABASE_URL": db, "CONSORTIA_LOG_FORMAT": "json"}
			out, _, err := runCLI(t, env, "", "migrate")
			if err != nil || !strings.Contains(out, "applied ") || strings.Contains(out, "applied 0 ") {
				t.Fatalf("migrate: %q %v", out, err)
			}
			out, _, err = runCLI(t, env, "", "migrate")
			if err != nil || !strings.Contains(out, "applied 0 migration") {
				t.Fatalf("migrate again: %q %v", out, err)
			}
			// The password comes from standard input only.
			_, _, err = runCLI(t, env, "", "user", "add", "--email", "staff@example.org", "--name", "Sam Staff", "--role", "admin")
			if err == nil || !strings.Contains(err.Error(), "no password on standard input") {
				t.Fatalf("no password: %v", err)
			}
			_, _, err = runCLI(t, env, "short\n", "user", "add", "--email", "staff@example.org", "--name", "Sam Staff")
			if err == nil || !strings.Contains(err.Error(), "the password (standard input): must be at least 10 characters") {
				t.Fatalf("short password: %v", err)
			}
			_, _, err = runCLI(t, env, "long enough password\n", "user", "add", "--email", "not-an-email", "--name", "Sam")
			if err == nil || !strings.Contains(err.Error(), "--email:") {
				t.Fatalf("bad email: %v", err)
			}
			out, _, err = runCLI(t, env, "long enough password\n", "user", "add", "--email", "Staff@Example.org", "--name", "Sam Staff", "--role", "admin")
			if err != nil || !strings.Contains(out, "added Sam Staff <staff@example.org> (admin)") {
				t.Fatalf("user add: %q %v", out, err)
			}
			if _, _, err := runCLI(t, env, "long enough password\n", "user", "add", "--email", "staff@example.org", "--name", "Again"); err == nil {
				t.Fatal("duplicate email accepted")
			}
			out, _, err = runCLI(t, env, "", "token", "create", "--email", "staff@example.org", "--name", "ci")
			token := strings.TrimSpace(out)
			if err != nil || !strings.HasPrefix(token, "cst_") {
				t.Fatalf("token create: %q %v", out, err)
			}
			if _, _, err := runCLI(t, env, "", "token", "create", "--email", "nobody@example.org"); err == nil {
				t.Fatal("token for an unknown person")
			}
			// The token is stored hashed, and works against the API.
			s, err := storage.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var n int
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = '` + token + `'`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("raw token stored: %d %v", n, err)
			}
			addr := freeAddr(t)
			stop := serve(t, env, "--addr", addr)
			req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(body), `"email":"staff@example.org"`) {
				t.Fatalf("/me with the CLI token: %d %s", res.StatusCode, body)
			}
			if err := stop(); err != nil {
				t.Fatalf("serve returned %v", err)
			}
		})
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts `consortia serve` and returns a function that stops it the
// way SIGINT does (cancelling the context) and returns run's error.
func serve(t *testing.T, env map[string]string, args ...string) (stop func() error) {
	t.Helper()
	stop, _ = serveLogged(t, env, args...)
	return stop
}

// serveLogged is serve that also keeps what the program writes to standard
// output and standard error.
func serveLogged(t *testing.T, env map[string]string, args ...string) (stop func() error, output *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), out, out)
	}()
	addr := ""
	for i, a := range args {
		if a == "--addr" {
			addr = args[i+1]
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("serve did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return func() error { cancel(); return <-done }, out
}

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServeDemo(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{"CONSORTIA_ARGON2_MEMORY_KIB": "64", "CONSORTIA_DATABASE_URL": filepath.Join(t.TempDir(), "unused.db")}
	stop := serve(t, env, "--demo", "--addr", addr)
	res, err := http.Get("http://" + addr + "/api/v1/communities?per_page=100")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"total":12`) {
		t.Fatalf("demo communities: %.300s", body)
	}
	// The printed demo sign-in works.
	jar, _ := cookiejar.New(nil)
	res, err = (&http.Client{Jar: jar}).PostForm("http://"+addr+"/login", map[string][]string{"email": {"admin@demo.consortia.test"}, "password": {"demo-admin-password"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), "Hello, Avery Okafor") {
		t.Fatalf("demo sign-in failed: %d %.500s", res.StatusCode, page)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
}

// TestGracefulShutdownFinishesRequests: a request in flight when the stop
// signal arrives still completes.
func TestGracefulShutdownFinishesRequests(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{"CONSORTIA_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "g.db")}
	stop := serve(t, env, "--addr", addr)
	// A slow upload keeps a request in flight across the stop.
	pr, pw := io.Pipe()
	result := make(chan int, 1)
	go func() {
		// An operation open to visitors, so the body is read (a
		// protected one answers 401 before reading it).
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/funding/goals/1/whatif", pr)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- -1
			return
		}
		res.Body.Close()
		result <- res.StatusCode
	}()
	fmt.Fprint(pw, `{"amount": 1`)
	time.Sleep(100 * time.Millisecond) // let the server start reading the body
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(100 * time.Millisecond)
	fmt.Fprint(pw, `00}`)
	pw.Close()
	if st := <-result; st != 404 { // no such goal: the request ran to completion and got its answer
		t.Fatalf("in-flight request got %d, want its real answer 404", st)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("stop: %v", err)
	}
}

func TestBadDatabaseURL(t *testing.T) {
	_, _, err := runCLI(t, nil, "", "migrate", "--db", "mysql://x/y")
	if err == nil || !strings.Contains(err.Error(), "use postgres://") {
		t.Fatalf("err = %v", err)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
