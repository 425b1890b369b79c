package faulttest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary is the consortia executable built once for the package's tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "consortia-faulttest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "consortia")
	build := exec.Command("go", "build", "-o", binary, "consortia/cmd/consortia")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build consortia:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli runs one consortia command to completion and returns its output.
func cli(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "CONSORTIA_LOG_FORMAT=json")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("consortia %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// adminToken adds an admin to the database and returns an API token for them.
func adminToken(t *testing.T, dbURL string) string {
	t.Helper()
	const email = "admin@example.org"
	cli(t, "", "migrate", "--db", dbURL) // only serve and migrate create a database
	cli(t, "a long enough password 1\n", "user", "add", "--db", dbURL, "--email", email, "--name", "Admin", "--role", "admin")
	return strings.TrimSpace(cli(t, "", "token", "create", "--db", dbURL, "--email", email, "--name", "fault test"))
}

// server is a running `consortia serve` process.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan error
	once sync.Once
	mu   sync.Mutex
	logs bytes.Buffer
}

// startServer runs `consortia serve` on a free loopback port against dbURL
// and returns once it listens; the test's end kills it.
func startServer(t *testing.T, dbURL string) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--db", dbURL, "--addr", "127.0.0.1:0",
		"--mail-dir", filepath.Join(t.TempDir(), "mail"), "--argon2-memory", "1024", "--log-format", "json")
	cmd.Env = os.Environ()
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	go func() {
		err := cmd.Wait()
		pw.Close()
		s.done <- err
	}()
	t.Cleanup(s.kill)
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var rec struct{ Msg, URL string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" {
				listening <- rec.URL
			}
			s.mu.Lock()
			s.logs.Write(append(sc.Bytes(), '\n'))
			s.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, pr)
		close(listening)
	}()
	select {
	case u, ok := <-listening:
		if !ok {
			t.Fatalf("consortia serve stopped before listening:\n%s", s.log())
		}
		s.url = u
	case <-time.After(2 * time.Minute):
		t.Fatalf("consortia serve did not start listening within two minutes:\n%s", s.log())
	}
	return s
}

// log returns what the server wrote to standard error so far.
func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

// kill stops the server with SIGKILL (no shutdown, nothing flushed) and
// waits for the process to end.
func (s *server) kill() {
	s.once.Do(func() {
		_ = s.cmd.Process.Kill()
		<-s.done
	})
}

// api sends a JSON request with the bearer token and decodes a JSON answer
// into out when the status is 2xx; it returns the status (0 on a transport error).
func api(ctx context.Context, client *http.Client, method, url, token string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decode %s: %w", method, url, b, err)
		}
	}
	return resp.StatusCode, nil
}
