package server_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// apiOperation is one operation of the OpenAPI document.
type apiOperation struct {
	Method, Path, ID string
	HasBody          bool
	Anonymous        bool // the security requirements include the empty one
}

func apiOperations(t *testing.T, e *env) []apiOperation {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			RequestBody json.RawMessage       `json:"requestBody"`
			Security    []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	r := e.do("GET", "/api/v1/openapi.json", "", nil)
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	var ops []apiOperation
	for path, byMethod := range doc.Paths {
		for method, o := range byMethod {
			op := apiOperation{Method: strings.ToUpper(method), Path: path, ID: o.OperationID, HasBody: len(o.RequestBody) > 0}
			if len(o.Security) == 0 {
				t.Errorf("%s has no security requirement: say whether it needs a signed-in caller", op.ID)
			}
			for _, req := range o.Security {
				if len(req) == 0 {
					op.Anonymous = true
				}
			}
			ops = append(ops, op)
		}
	}
	if len(ops) < 50 {
		t.Fatalf("only %d operations in the document", len(ops))
	}
	return ops
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestAPISignInBeforeValidation: every operation that needs a signed-in
// caller (read from the OpenAPI document, so new operations are covered)
// answers an anonymous caller 401 before looking at the input — an
// invalid body gets 401, not 422 — while a signed-in caller with the same
// body gets the validation error. Writes open to visitors are few and named.
func TestAPISignInBeforeValidation(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	invalid := map[string]any{"no_such_field": "\x00", "version": "not a number"}
	var anonymousWrites []string
	for _, op := range apiOperations(t, e) {
		path := "/api/v1" + pathParam.ReplaceAllString(op.Path, "1")
		var body any
		if op.HasBody {
			body = invalid
		}
		if op.Anonymous {
			if op.Method != http.MethodGet {
				anonymousWrites = append(anonymousWrites, op.ID)
			}
			if r := e.do(op.Method, path, "", body); r.status == http.StatusUnauthorized {
				t.Errorf("%s %s is documented as open to visitors but answers them 401", op.Method, op.Path)
			}
			continue
		}
		r := e.do(op.Method, path, "", body)
		if r.status != http.StatusUnauthorized || r.header.Get("Content-Type") != "application/problem+json" || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s (%s), anonymous: %d %s, want 401 problem details with WWW-Authenticate: %.200s",
				op.Method, op.Path, op.ID, r.status, r.header.Get("Content-Type"), r.body)
		}
		if op.HasBody {
			if r := e.do(op.Method, path, e.adminToken, body); r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s %s (%s), signed in with an invalid body: %d, want 422: %.200s", op.Method, op.Path, op.ID, r.status, r.body)
			}
		}
	}
	slices.Sort(anonymousWrites)
	if want := []string{"funding-what-if"}; !slices.Equal(anonymousWrites, want) {
		t.Errorf("writes open to visitors: %v, want %v", anonymousWrites, want)
	}
}
