package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// options are the inputs of one image build.
type options struct {
	Repo      string    // repository root holding cmd/consortia
	Version   string    // written into the binary and the version label
	Revision  string    // source revision (commit) for the revision label
	SourceURL string    // org.opencontainers.image.source
	Created   time.Time // image creation time and every file's mtime
	Arch      string    // GOARCH of the binary and the image platform
	Certs     string    // CA bundle on the build machine
	Zoneinfo  string    // Go's zoneinfo.zip on the build machine
}

// safeWord keeps versions and revisions to characters that cannot change the
// meaning of the -ldflags argument or of a label.
var safeWord = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$`)

func (o options) check() error {
	if !safeWord.MatchString(o.Version) {
		return fmt.Errorf("--version %q: want 1 to 128 letters, digits, '.', '_', '+' or '-'", o.Version)
	}
	if !safeWord.MatchString(o.Revision) {
		return fmt.Errorf("--revision %q: want 1 to 128 letters, digits, '.', '_', '+' or '-'", o.Revision)
	}
	return nil
}

// buildImage builds the binary and assembles the image: one layer, no base.
func buildImage(o options) (v1.Image, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	bin, err := buildBinary(o.Repo, o.Arch, o.Version)
	if err != nil {
		return nil, err
	}
	certs, err := os.ReadFile(o.Certs)
	if err != nil {
		return nil, fmt.Errorf("--certs: %w", err)
	}
	zoneinfo, err := os.ReadFile(o.Zoneinfo)
	if err != nil {
		return nil, fmt.Errorf("--zoneinfo: %w", err)
	}
	return assemble(o, rootFS(bin, certs, zoneinfo))
}

// rootFS lists the whole file system of the image.
func rootFS(bin, certs, zoneinfo []byte) []fileEntry {
	dir := func(p string, mode int64) fileEntry { return fileEntry{path: p, mode: mode, dir: true} }
	file := func(p string, mode int64, b []byte) fileEntry { return fileEntry{path: p, mode: mode, content: b} }
	nonroot := fmt.Sprint(nonRootID)
	data := dir(dataDir, 0o755)
	data.uid, data.gid = nonRootID, nonRootID
	return []fileEntry{
		dir("/etc", 0o755),
		file("/etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:"+nonroot+":"+nonroot+":nonroot:/data:/sbin/nologin\n")),
		file("/etc/group", 0o644, []byte("root:x:0:\nnonroot:x:"+nonroot+":\n")),
		dir("/etc/ssl", 0o755),
		dir("/etc/ssl/certs", 0o755),
		file(certsPath, 0o644, certs),
		dir("/tmp", 0o1777),
		dir("/usr", 0o755),
		dir("/usr/local", 0o755),
		dir("/usr/local/bin", 0o755),
		file(binaryPath, 0o755, bin),
		dir("/usr/share", 0o755),
		file(zoneinfoPath, 0o644, zoneinfo),
		data,
	}
}

// assemble turns the file list into an OCI image with the contract of spec.go.
func assemble(o options, files []fileEntry) (v1.Image, error) {
	created := o.Created.UTC()
	layerBytes, err := layerTar(files, created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerBytes)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:   layer,
		History: v1.History{Created: v1.Time{Time: created}, CreatedBy: "consortia image builder (deploy/image)"},
	})
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.Architecture, cfg.OS = o.Arch, "linux"
	cfg.Created = v1.Time{Time: created}
	cfg.Config = v1.Config{
		User:         fmt.Sprintf("%d:%d", nonRootID, nonRootID),
		Entrypoint:   entrypoint,
		Env:          imageEnv,
		ExposedPorts: map[string]struct{}{listenPort: {}},
		Volumes:      map[string]struct{}{dataDir: {}},
		WorkingDir:   dataDir,
		Labels:       labels(o.SourceURL, o.Version, o.Revision, created.Format(time.RFC3339)),
	}
	return mutate.ConfigFile(img, cfg)
}
