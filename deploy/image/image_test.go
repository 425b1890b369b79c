package main

import (
	"archive/tar"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	testVersion  = "9.8.7-test"
	testRevision = "0123456789abcdef0123456789abcdef01234567"
)

var testCreated = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testOptions(t *testing.T) options {
	t.Helper()
	repo, err := findRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return options{
		Repo: repo, Version: testVersion, Revision: testRevision, SourceURL: defaultSourceURL,
		Created: testCreated, Arch: runtime.GOARCH,
		Certs: "/etc/ssl/certs/ca-certificates.crt", Zoneinfo: goZoneinfo(),
	}
}

var (
	builtOnce sync.Once
	builtPath string
	builtErr  error
)

// builtImage builds the image once per test run into a tarball through the
// same path as the command, and reads it back as `docker load` would.
func builtImage(t *testing.T) v1.Image {
	t.Helper()
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "consortia-image-test-")
		if err != nil {
			builtErr = err
			return
		}
		builtPath = filepath.Join(dir, "consortia.tar")
		builtErr = writeTarball(testOptions(t), builtPath)
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	img, err := tarball.ImageFromPath(builtPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtPath != "" {
		os.RemoveAll(filepath.Dir(builtPath))
	}
	os.Exit(code)
}

func writeTarball(o options, path string) error {
	img, err := buildImage(o)
	if err != nil {
		return err
	}
	tag, err := name.NewTag("consortia:" + o.Version)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(path, tag, img)
}

func TestImageConfig(t *testing.T) {
	img := builtImage(t)
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Config
	if c.User != "65532:65532" {
		t.Errorf("User = %q, want 65532:65532", c.User)
	}
	if want := []string{"/usr/local/bin/consortia", "serve"}; !reflect.DeepEqual(c.Entrypoint, want) || len(c.Cmd) != 0 {
		t.Errorf("Entrypoint = %q Cmd = %q, want %q and no Cmd", c.Entrypoint, c.Cmd, want)
	}
	for _, want := range []string{"CONSORTIA_ADDR=0.0.0.0:8080", "CONSORTIA_DATABASE_URL=/data/consortia.db", "ZONEINFO=/usr/share/zoneinfo.zip"} {
		if !contains(c.Env, want) {
			t.Errorf("Env %q lacks %q", c.Env, want)
		}
	}
	if _, ok := c.ExposedPorts["8080/tcp"]; !ok || len(c.ExposedPorts) != 1 {
		t.Errorf("ExposedPorts = %v, want only 8080/tcp", c.ExposedPorts)
	}
	if _, ok := c.Volumes["/data"]; !ok || c.WorkingDir != "/data" {
		t.Errorf("Volumes = %v WorkingDir = %q, want /data", c.Volumes, c.WorkingDir)
	}
	wantLabels := map[string]string{
		"org.opencontainers.image.source":   defaultSourceURL,
		"org.opencontainers.image.version":  testVersion,
		"org.opencontainers.image.revision": testRevision,
		"org.opencontainers.image.created":  "2026-03-01T12:00:00Z",
	}
	for k, v := range wantLabels {
		if c.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, c.Labels[k], v)
		}
	}
	if cfg.OS != "linux" || cfg.Architecture != runtime.GOARCH || !cfg.Created.Time.Equal(testCreated) {
		t.Errorf("platform %s/%s created %v", cfg.OS, cfg.Architecture, cfg.Created)
	}
}

// TestImageIsOCI checks the media types of the image the builder assembles
// (a docker-load tarball keeps only the config and layers, not the manifest).
func TestImageIsOCI(t *testing.T) {
	img, err := assemble(testOptions(t), rootFS([]byte("bin"), []byte("certs"), []byte("zone")))
	if err != nil {
		t.Fatal(err)
	}
	if mt, _ := img.MediaType(); mt != types.OCIManifestSchema1 {
		t.Errorf("manifest media type %s, want %s", mt, types.OCIManifestSchema1)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.MediaType != types.OCIConfigJSON || len(m.Layers) != 1 || m.Layers[0].MediaType != types.OCILayer {
		t.Errorf("config %s, layers %v: want OCI media types and one layer", m.Config.MediaType, m.Layers)
	}
}

// imageFiles reads the flattened file system of the image.
func imageFiles(t *testing.T, img v1.Image) map[string]*tar.Header {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	files := map[string]*tar.Header{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		files["/"+strings.TrimSuffix(h.Name, "/")] = h
	}
}

func TestImageFiles(t *testing.T) {
	files := imageFiles(t, builtImage(t))
	for _, f := range []struct {
		path     string
		mode     int64
		uid      int
		fromHost string
	}{
		{"/usr/local/bin/consortia", 0o755, 0, ""},
		{"/etc/ssl/certs/ca-certificates.crt", 0o644, 0, "/etc/ssl/certs/ca-certificates.crt"},
		{"/usr/share/zoneinfo.zip", 0o644, 0, goZoneinfo()},
		{"/etc/passwd", 0o644, 0, ""},
		{"/data", 0o755, 65532, ""},
		{"/tmp", 0o1777, 0, ""},
	} {
		h, ok := files[f.path]
		if !ok {
			t.Errorf("%s missing from the image", f.path)
			continue
		}
		if h.Mode != f.mode || h.Uid != f.uid || !h.ModTime.Equal(testCreated) {
			t.Errorf("%s: mode %o uid %d mtime %v, want %o %d %v", f.path, h.Mode, h.Uid, h.ModTime, f.mode, f.uid, testCreated)
		}
		if f.fromHost != "" {
			st, err := os.Stat(f.fromHost)
			if err != nil {
				t.Fatal(err)
			}
			if h.Size != st.Size() {
				t.Errorf("%s: %d bytes, the build machine's %s has %d", f.path, h.Size, f.fromHost, st.Size())
			}
		}
	}
}

// extractBinary writes the binary taken out of the image's layer to a file.
func extractBinary(t *testing.T) string {
	t.Helper()
	rc := mutate.Extract(builtImage(t))
	defer rc.Close()
	tr := tar.NewReader(rc)
	bin := filepath.Join(t.TempDir(), "consortia")
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("binary not found in the image: %v", err)
		}
		if h.Name != strings.TrimPrefix(binaryPath, "/") {
			continue
		}
		f, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(f, tr); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return bin
	}
}

func TestImageBinaryReportsVersion(t *testing.T) {
	out, err := exec.Command(extractBinary(t), "version").CombinedOutput()
	if err != nil {
		t.Fatalf("consortia version: %v: %s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "consortia "+testVersion {
		t.Errorf("consortia version printed %q, want %q", got, "consortia "+testVersion)
	}
}

// TestImageBinaryServesProbes starts the image's entrypoint with the image's
// environment (address and data folder moved to loopback and a temporary
// folder) and asks the two probe paths.
func TestImageBinaryServesProbes(t *testing.T) {
	bin := extractBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	data := t.TempDir()
	env := []string{"CONSORTIA_ARGON2_MEMORY_KIB=64"}
	for _, kv := range imageEnv {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "CONSORTIA_ADDR":
			v = addr
		case "ZONEINFO":
			v = goZoneinfo()
		case "PATH":
			v = os.Getenv("PATH")
		default:
			v = strings.ReplaceAll(v, dataDir, data)
		}
		env = append(env, k+"="+v)
	}
	cmd := exec.Command(bin, entrypoint[1:]...)
	cmd.Env, cmd.Dir = env, data
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	for _, path := range []string{"/healthz", "/readyz"} {
		var resp *http.Response
		for range 300 { // the server migrates the database first
			if resp, err = http.Get("http://" + addr + path); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("GET %s: %v; logs:\n%s", path, err, logs.String())
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "consortia.db")); err != nil {
		t.Errorf("no database in the data folder: %v", err)
	}
}

// TestImageReproducible builds again from scratch (binary included): the
// same inputs give the same digest, and another version a different one.
func TestImageReproducible(t *testing.T) {
	first, err := builtImage(t).Digest()
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions(t)
	again := filepath.Join(t.TempDir(), "again.tar")
	if err := writeTarball(o, again); err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(again, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Errorf("two builds of the same source: %s then %s", first, second)
	}
	o.Revision = "fedcba9876543210fedcba9876543210fedcba98"
	other, err := assemble(o, rootFS([]byte("bin"), []byte("certs"), []byte("zone")))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := other.Digest(); d == first {
		t.Errorf("another revision gave the same digest %s", d)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
