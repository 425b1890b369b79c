package server_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"consortia/internal/demo"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestReadmeAPIExamplesRun runs the curl commands of the README's JSON API
// section, as written, against a fresh demo: each must succeed.
func TestReadmeAPIExamplesRun(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	commands := readmeCurlCommands(t, string(readme), "## The JSON API")
	if len(commands) < 2 {
		t.Fatalf("found %d curl commands in the README's API section", len(commands))
	}
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newServerEnv(t, s)
		ctx := context.Background()
		if err := demo.Seed(ctx, e.app, s); err != nil {
			t.Fatal(err)
		}
		admin, err := s.UserByEmail(ctx, demo.AdminEmail)
		if err != nil {
			t.Fatal(err)
		}
		token := e.token(admin)
		for _, args := range commands {
			req := curlRequest(t, args, map[string]string{"TOKEN": token}, e.srv.URL)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode >= 300 {
				t.Errorf("README example %q answered %d", strings.Join(args, " "), resp.StatusCode)
			}
		}
	})
}

// readmeCurlCommands returns the curl commands of the first sh block after
// heading, split into words as a shell would.
func readmeCurlCommands(t *testing.T, readme, heading string) [][]string {
	t.Helper()
	_, after, ok := strings.Cut(readme, heading)
	if !ok {
		t.Fatalf("README has no %q", heading)
	}
	_, block, _ := strings.Cut(after, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	block = strings.ReplaceAll(block, "\\\n", " ")
	var out [][]string
	for _, line := range strings.Split(block, "\n") {
		words := shellWords(t, line)
		if len(words) > 0 && words[0] == "curl" {
			out = append(out, words[1:])
		}
	}
	return out
}

// shellWords splits a line the way sh does for the quoting the README
// uses: single and double quotes, $VAR left for curlRequest, # comments.
func shellWords(t *testing.T, line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(line[i+1:], c)
			if end < 0 {
				t.Fatalf("unbalanced quote in %q", line)
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '#' && !inWord:
			i = len(line)
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// curlRequest builds the request curl would send for the flags the README
// uses (-X, -H, -d), with $VARs expanded and the demo address replaced.
func curlRequest(t *testing.T, args []string, vars map[string]string, base string) *http.Request {
	t.Helper()
	method, target, body := "", "", ""
	header := http.Header{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		for k, v := range vars {
			a = strings.ReplaceAll(a, "$"+k, v)
		}
		switch a {
		case "-X", "-H", "-d":
			if i+1 >= len(args) {
				t.Fatalf("%s without a value", a)
			}
			v := args[i+1]
			for k, val := range vars {
				v = strings.ReplaceAll(v, "$"+k, val)
			}
			i++
			switch a {
			case "-X":
				method = v
			case "-H":
				name, value, _ := strings.Cut(v, ":")
				header.Add(name, strings.TrimSpace(value))
			case "-d":
				body = v
			}
		default:
			if strings.HasPrefix(a, "-") {
				t.Fatalf("the README uses curl flag %s, which this test does not know", a)
			}
			target = strings.Replace(a, "http://127.0.0.1:8080", base, 1)
		}
	}
	if method == "" {
		method = http.MethodGet
		if body != "" {
			method = http.MethodPost
		}
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	return req
}
