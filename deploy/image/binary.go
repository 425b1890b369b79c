package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// buildBinary compiles cmd/consortia of the repository at repoRoot as a
// static Linux binary for goarch. -trimpath, -buildvcs=false and fixed
// ldflags keep the output the same for the same source and Go version.
func buildBinary(repoRoot, goarch, version string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "consortia-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "consortia")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X main.version="+version, "-o", out, "./cmd/consortia")
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GOFLAGS=", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/consortia: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return os.ReadFile(out)
}

// findRepoRoot walks up from dir to the folder whose go.mod declares the
// consortia module, so the builder runs from the root or from deploy/image.
func findRepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && firstLine(mod) == "module consortia" {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod declaring module consortia above the current folder; pass --repo")
		}
		dir = parent
	}
}

func firstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line)
}

// goZoneinfo is the time zone database of the Go toolchain that builds the
// binary ($(go env GOROOT)/lib/time/zoneinfo.zip), the data time/tzdata embeds.
func goZoneinfo() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	return filepath.Join(strings.TrimSpace(string(out)), "lib", "time", "zoneinfo.zip")
}
