// Command image builds the consortia container image without a container
// engine: it compiles the static binary and writes an OCI image, with CA
// certificates and time zone data, to a tarball that `docker load` and
// `podman load` accept. The same commit, Go version and inputs give the same
// image digest.
//
//	cd deploy/image && go run . --version 1.2.0 --revision "$(git rev-parse HEAD)" --out ../../consortia.tar
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	var o options
	var out, tag, repo string
	fs.StringVar(&o.Version, "version", "", "version written into the binary and the labels (required)")
	fs.StringVar(&o.Revision, "revision", "", "source revision, e.g. $(git rev-parse HEAD) (required)")
	fs.StringVar(&o.SourceURL, "source-url", defaultSourceURL, "org.opencontainers.image.source label")
	fs.StringVar(&o.Arch, "arch", runtime.GOARCH, "CPU architecture (GOARCH) of the image")
	fs.StringVar(&o.Certs, "certs", "/etc/ssl/certs/ca-certificates.crt", "CA certificate bundle to copy into the image")
	fs.StringVar(&o.Zoneinfo, "zoneinfo", goZoneinfo(), "Go time zone database to copy into the image (default $(go env GOROOT)/lib/time/zoneinfo.zip)")
	fs.StringVar(&repo, "repo", "", "repository root (default: found above the current folder)")
	fs.StringVar(&out, "out", "consortia.tar", "tarball to write")
	fs.StringVar(&tag, "tag", "", "image name in the tarball (default consortia:VERSION)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := o.check(); err != nil {
		return err
	}
	created, err := sourceDateEpoch(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return err
	}
	o.Created = created
	if repo == "" {
		if repo, err = findRepoRoot("."); err != nil {
			return err
		}
	}
	o.Repo = repo
	if tag == "" {
		tag = "consortia:" + strings.ReplaceAll(o.Version, "+", "_")
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("--tag: %w", err)
	}
	img, err := buildImage(o)
	if err != nil {
		return err
	}
	if err := tarball.WriteToFile(out, ref, img); err != nil {
		return err
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	id, err := img.ConfigName()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %s: %s, manifest %s, image ID %s\n", out, ref, digest, id)
	return err
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH (seconds since 1970, the
// reproducible-builds convention, e.g. the commit time); unset means 1970.
func sourceDateEpoch(v string) (time.Time, error) {
	if v == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	s, err := strconv.ParseInt(v, 10, 64)
	if err != nil || s < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH: want whole seconds since 1970, got %q", v)
	}
	return time.Unix(s, 0).UTC(), nil
}
