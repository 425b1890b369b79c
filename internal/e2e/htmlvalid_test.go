package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"consortia/internal/demo"
)

// vnuEnv names the Nu Html Checker's vnu.jar (npm package vnu-jar).
const vnuEnv = "CONSORTIA_VNU_JAR"

// findVNU returns the checker to run, skipping without one except under CI.
func findVNU(t *testing.T) (java, jar string) {
	t.Helper()
	jar = os.Getenv(vnuEnv)
	java, err := exec.LookPath("java")
	if jar == "" || err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the HTML validation test must run in CI: it needs java on PATH and %s naming vnu.jar", vnuEnv)
		}
		t.Skipf("HTML validation skipped: set %s to the Nu Html Checker's vnu.jar (npm package vnu-jar) and put java on PATH", vnuEnv)
	}
	return java, jar
}

// TestPagesAreValidHTML fetches the main pages of the demo as a visitor and
// as staff and checks them with the Nu Html Checker: any error fails.
func TestPagesAreValidHTML(t *testing.T) {
	java, jar := findVNU(t)
	s := startSite(t)
	if err := demo.Seed(context.Background(), s.app, s.store); err != nil {
		t.Fatalf("seed the demo: %v", err)
	}
	jarCookies, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jarCookies}
	get := func(path string) string {
		resp, err := client.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return string(body)
	}
	first := func(page, pattern string) string {
		m := regexp.MustCompile(`href="(` + pattern + `)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no link matching %s", pattern)
		}
		return m[1]
	}
	consortium := first(get("/consortia"), `/consortia/[a-z0-9-]+`)
	community := first(get("/communities"), `/communities/[a-z0-9-]+`)
	initiative := first(get("/roadmap"), `/initiatives/[a-z0-9-]+`)
	goal := first(get("/funding"), `/funding/[0-9]+`)
	meeting := first(get(consortium+"/meetings"), `/meetings/[0-9]+`)
	visitor := []string{"/", "/roadmap", "/initiatives", initiative, "/narratives", "/consortia", consortium,
		"/communities", community, "/funding", goal, "/updates", meeting, "/search?q=data", "/network", "/introductions", "/password-reset", "/login"}

	dir := t.TempDir()
	var files []string
	save := func(who string, paths []string) {
		for i, p := range paths {
			name := filepath.Join(dir, fmt.Sprintf("%s-%02d%s.html", who, i, strings.ReplaceAll(p, "/", "_")))
			if err := os.WriteFile(name, []byte(get(p)), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, name)
		}
	}
	save("visitor", visitor)

	resp, err := client.PostForm(s.url+"/login", url.Values{"email": {demo.AdminEmail}, "password": {demo.AdminPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	round := first(get(consortium+"/rounds"), `/rounds/[0-9]+`)
	call := first(get("/initiatives/budget-alerts-before-the-bill-arrives"), `/testing-calls/[0-9]+`)
	save("staff", []string{"/", "/account", "/account/notifications", "/admin/outbox", "/admin/audit", "/admin/invitations", "/admin/users",
		consortium, round, goal, initiative, meeting, "/communities/new", "/funding/new", call, consortium + "/credits", community, "/network",
		"/introductions/new?kind=problem_solver&from=x&to=y"})

	out, _ := exec.Command(java, append([]string{"-jar", jar, "--errors-only", "--format", "json"}, files...)...).CombinedOutput()
	var report struct {
		Messages []struct {
			URL     string `json:"url"`
			Type    string `json:"type"`
			Line    int    `json:"lastLine"`
			Message string `json:"message"`
			Extract string `json:"extract"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("the checker's output is not its JSON report: %v\n%s", err, out)
	}
	for _, m := range report.Messages {
		t.Errorf("%s:%d: %s: %s\n  %s", filepath.Base(m.URL), m.Line, m.Type, m.Message, strings.TrimSpace(m.Extract))
	}
}
