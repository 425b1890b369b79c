package tally

import (
	"io"
	"path/filepath"
	"strings"
)

// ParseFile reads a ballot file, choosing the parser by the extension of
// name: .soc, .soi, .toc and .toi are PrefLib ordinal files (ParsePrefLib),
// .json is the consortia ballot format (ParseJSON). Only the extension of
// name is used; the data comes from r.
func ParseFile(name string, r io.Reader) (Election, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".soc", ".soi", ".toc", ".toi":
		return ParsePrefLib(r, ext[1:])
	case ".json":
		return ParseJSON(r)
	}
	return Election{}, inputErr(ErrInvalid, "file", "cannot tell the format of %q: want a .soc, .soi, .toc, .toi or .json file", filepath.Base(name))
}
