// Package layering holds tests of how consortia's packages depend on one
// another: the rules docs/ARCHITECTURE.md states, checked so they stay
// true as the code grows.
package layering

import (
	"go/build"
	"path/filepath"
	"slices"
	"testing"
)

// The adapters people reach consortia through (pages, the API, sign-in,
// the server that assembles them) reach the data only through app: app
// checks permissions and visibility, so a direct read of storage would be
// a back door around them. Only their non-test files count; tests may
// arrange and check the database directly.
func TestAdaptersReachStorageOnlyThroughApp(t *testing.T) {
	const storage = "consortia/internal/storage"
	for _, dir := range []string{"web", "api", "identity", "server"} {
		pkg, err := build.ImportDir(filepath.Join("..", dir), 0)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if len(pkg.GoFiles) == 0 {
			t.Fatalf("%s: no Go files found; has the package moved?", dir)
		}
		if !slices.Contains(pkg.Imports, "consortia/internal/app") {
			t.Errorf("internal/%s does not import app: is the list of adapters out of date?", dir)
		}
		if slices.Contains(pkg.Imports, storage) {
			t.Errorf("internal/%s imports %s; add an app method (returning model or app types) instead", dir, storage)
		}
	}
}
