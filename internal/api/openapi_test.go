package api

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"testing"

	"github.com/danielgtaylor/huma/v2"
)

// TestOpenAPIDocumentDescribesEveryOperation keeps the document complete as
// operations are added: each has a summary, a description and a declared,
// described tag, and lists its 4xx answers as problem details.
func TestOpenAPIDocumentDescribesEveryOperation(t *testing.T) {
	doc := Register(http.NewServeMux(), nil, "http://example.test", "test", slog.New(slog.NewTextHandler(io.Discard, nil))).OpenAPI()
	if doc.Info.Contact == nil || doc.Info.License == nil {
		t.Error("info needs a contact and a licence")
	}
	declared := map[string]bool{}
	for _, tag := range doc.Tags {
		if tag.Description == "" {
			t.Errorf("tag %q has no description", tag.Name)
		}
		declared[tag.Name] = true
	}
	ops := 0
	for path, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			ops++
			name := op.Method + " " + path
			if op.Summary == "" || op.Description == "" {
				t.Errorf("%s (%s) needs a summary and a description (internal/api/descriptions.go)", name, op.OperationID)
			}
			for _, tag := range op.Tags {
				if !declared[tag] {
					t.Errorf("%s uses tag %q, which is not declared", name, tag)
				}
			}
			problems := 0
			for code, resp := range op.Responses {
				if n, err := strconv.Atoi(code); err == nil && n >= 400 && n < 500 {
					if resp.Content["application/problem+json"] == nil {
						t.Errorf("%s: the %s answer is not problem details", name, code)
					}
					problems++
				}
			}
			if problems == 0 {
				t.Errorf("%s lists no 4xx answers", name)
			}
		}
	}
	if ops < len(descriptions) {
		t.Errorf("%d operations registered but %d descriptions: remove the descriptions of operations that are gone", ops, len(descriptions))
	}
}
