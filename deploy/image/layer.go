package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// fileEntry is one file or directory of the image's single layer.
type fileEntry struct {
	path     string // absolute, without a trailing slash
	mode     int64
	uid, gid int
	dir      bool
	content  []byte
}

// layerTar writes the entries as a tar stream in path order, with every
// time set to mtime and no user or group names, so the same inputs give the
// same bytes. Parent directories must be listed explicitly.
func layerTar(entries []fileEntry, mtime time.Time) ([]byte, error) {
	sorted := append([]fileEntry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].path < sorted[j].path })
	seen := map[string]bool{"/": true}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range sorted {
		if !path.IsAbs(e.path) || path.Clean(e.path) != e.path {
			return nil, fmt.Errorf("layer entry %q: want a clean absolute path", e.path)
		}
		if seen[e.path] {
			return nil, fmt.Errorf("layer entry %q: listed twice", e.path)
		}
		if !seen[path.Dir(e.path)] {
			return nil, fmt.Errorf("layer entry %q: parent directory not listed", e.path)
		}
		seen[e.path] = true
		hdr := &tar.Header{
			Name:    strings.TrimPrefix(e.path, "/"),
			Mode:    e.mode,
			Uid:     e.uid,
			Gid:     e.gid,
			ModTime: mtime,
			Format:  tar.FormatUSTAR,
		}
		if e.dir {
			hdr.Typeflag = tar.TypeDir
			hdr.Name += "/"
		} else {
			hdr.Typeflag = tar.TypeReg
			hdr.Size = int64(len(e.content))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.content); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
