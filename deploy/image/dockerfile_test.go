package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// dockerfile is what the test reads from the repository's Dockerfile.
type dockerfile struct {
	args       map[string]string   // ARG defaults of the final stage
	firstArgs  map[string]string   // ARG defaults before the first FROM
	final      map[string][]string // instruction → arguments, final stage only
	buildStage string              // the text of the stages before the final one
}

// parseDockerfile joins continuation lines, drops comments and splits the
// text into stages; enough for the file this repository keeps.
func parseDockerfile(text string) (dockerfile, error) {
	d := dockerfile{args: map[string]string{}, firstArgs: map[string]string{}, final: map[string][]string{}}
	text = strings.ReplaceAll(text, "\\\n", " ")
	stages := 0
	var before strings.Builder
	lines := strings.Split(text, "\n")
	froms := 0
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "FROM ") {
			froms++
		}
	}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(l, " ")
		instr = strings.ToUpper(instr)
		if instr == "FROM" {
			stages++
		}
		switch {
		case stages == 0 && instr == "ARG":
			k, v, _ := strings.Cut(rest, "=")
			d.firstArgs[k] = v
		case stages < froms:
			before.WriteString(l + "\n")
		case instr == "ARG":
			k, v, _ := strings.Cut(rest, "=")
			d.args[k] = v
		default:
			d.final[instr] = append(d.final[instr], strings.TrimSpace(rest))
		}
	}
	if froms < 2 {
		return d, fmt.Errorf("want a multi-stage Dockerfile, found %d FROM", froms)
	}
	d.buildStage = before.String()
	return d, nil
}

func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	repo, err := findRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(repo, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseDockerfile(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func oneValue(t *testing.T, d dockerfile, instr string) string {
	t.Helper()
	if len(d.final[instr]) != 1 {
		t.Fatalf("final stage: want one %s, got %q", instr, d.final[instr])
	}
	return d.final[instr][0]
}

func jsonList(t *testing.T, d dockerfile, instr string) []string {
	t.Helper()
	var list []string
	if err := json.Unmarshal([]byte(oneValue(t, d, instr)), &list); err != nil {
		t.Fatalf("%s must use the JSON form: %v", instr, err)
	}
	return list
}

// TestDockerfileMatchesBuilder holds the Dockerfile to the contract the Go
// builder writes (spec.go), so people with Docker get the same container.
func TestDockerfileMatchesBuilder(t *testing.T) {
	d := readDockerfile(t)
	if got := oneValue(t, d, "USER"); got != fmt.Sprintf("%d:%d", nonRootID, nonRootID) {
		t.Errorf("USER %s, want %d:%d", got, nonRootID, nonRootID)
	}
	if got := jsonList(t, d, "ENTRYPOINT"); !reflect.DeepEqual(got, entrypoint) {
		t.Errorf("ENTRYPOINT %q, want %q", got, entrypoint)
	}
	if len(d.final["CMD"]) != 0 {
		t.Errorf("CMD %q: the builder sets none", d.final["CMD"])
	}
	env := append([]string(nil), d.final["ENV"]...)
	sort.Strings(env)
	if !reflect.DeepEqual(env, imageEnv) {
		t.Errorf("ENV %q, want %q", env, imageEnv)
	}
	if got := oneValue(t, d, "EXPOSE"); got != listenPort {
		t.Errorf("EXPOSE %s, want %s", got, listenPort)
	}
	if got := jsonList(t, d, "VOLUME"); !reflect.DeepEqual(got, []string{dataDir}) {
		t.Errorf("VOLUME %q, want [%s]", got, dataDir)
	}
	if got := oneValue(t, d, "WORKDIR"); got != dataDir {
		t.Errorf("WORKDIR %s, want %s", got, dataDir)
	}

	// Labels, with the build arguments replaced by sample values.
	if d.args["SOURCE_URL"] != defaultSourceURL {
		t.Errorf("ARG SOURCE_URL default %q, want %q", d.args["SOURCE_URL"], defaultSourceURL)
	}
	sample := map[string]string{"SOURCE_URL": "https://example.org/src", "VERSION": "1.2.3", "REVISION": "abc123", "CREATED": "2026-01-02T03:04:05Z"}
	got := map[string]string{}
	for _, l := range d.final["LABEL"] {
		k, v, ok := strings.Cut(l, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			t.Fatalf("LABEL %s: want one key=\"value\" per line", l)
		}
		got[k] = os.Expand(v[1:len(v)-1], func(name string) string { return sample[name] })
	}
	if want := labels(sample["SOURCE_URL"], sample["VERSION"], sample["REVISION"], sample["CREATED"]); !reflect.DeepEqual(got, want) {
		t.Errorf("LABELs %v, want %v", got, want)
	}
	if d.args["CREATED"] != "1970-01-01T00:00:00Z" {
		t.Errorf("ARG CREATED default %q, want the builder's default 1970-01-01T00:00:00Z", d.args["CREATED"])
	}
}

// TestDockerfileBuildsTheSameBinary checks the builder stage compiles like
// buildBinary and copies the same files to the same places.
func TestDockerfileBuildsTheSameBinary(t *testing.T) {
	d := readDockerfile(t)
	for _, want := range []string{
		"CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags \"-s -w -X main.version=${VERSION}\" -o /out" + binaryPath + " ./cmd/consortia",
		"/etc/ssl/certs/ca-certificates.crt /out" + certsPath,
		"lib/time/zoneinfo.zip\" /out" + zoneinfoPath,
		"nonroot:x:65532:65532:",
	} {
		if !strings.Contains(d.buildStage, want) {
			t.Errorf("build stage lacks %q", want)
		}
	}
	if got := oneValue(t, d, "FROM"); got != "scratch" {
		t.Errorf("final stage FROM %s, want scratch (everything comes from the build stage)", got)
	}
	repo, _ := findRepoRoot(".")
	mod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var goVersion string
	for _, l := range strings.Split(string(mod), "\n") {
		if v, ok := strings.CutPrefix(l, "go "); ok {
			goVersion = strings.TrimSpace(v)
		}
	}
	if d.firstArgs["GO_VERSION"] != goVersion {
		t.Errorf("ARG GO_VERSION %q, want go.mod's %q", d.firstArgs["GO_VERSION"], goVersion)
	}
}

func TestParseDockerfileRejectsSingleStage(t *testing.T) {
	if _, err := parseDockerfile("FROM golang\nRUN go build\n"); err == nil {
		t.Error("a single-stage Dockerfile was accepted")
	}
}
