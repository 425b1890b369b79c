package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"consortia/internal/api"
	"consortia/internal/identity"
	"consortia/internal/jsonin"
	"consortia/internal/model"
)

// refuseBadText answers 422 before any handler runs when the address or an
// API body carries what can never be stored text: control characters or
// invalid UTF-8 in a path segment or query parameter (a NUL byte fails every
// PostgreSQL query and would be stored by SQLite), and JSON bodies with
// invalid UTF-8, lone surrogate escapes, duplicate keys or control
// characters in any string (encoding/json would replace, keep the last, or
// pass them on). Which control characters a field may hold beyond these
// (line breaks in one-line fields) is the model's validation.
func refuseBadText(mux *http.ServeMux, fail func(http.ResponseWriter, *http.Request, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := addressProblem(mux, r)
		// An anonymous API caller is answered 401 by the API's own guard
		// before its body is looked at, so that what it may not send is
		// not described to it; bodies of signed-in callers are checked here.
		// A body announced larger than any operation takes is left unread
		// for the API's guard to refuse with 413.
		if err == nil && strings.HasPrefix(r.URL.Path, "/api/") && hasJSONBody(r) && identity.User(r.Context()) != nil &&
			r.ContentLength <= api.MaxBodyBytes {
			err = jsonBodyProblem(r)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// textInvalid is the 422 for one field, its message naming the field so
// that pages, which show only the message, name it too.
func textInvalid(field, msg string) error {
	return &model.Error{Code: model.EInvalid, Message: fmt.Sprintf("The input is not valid: %s %s.", field, msg),
		Fields: []model.FieldError{{Field: field, Message: msg}}}
}

// addressProblem checks the decoded path segments and query parameters;
// all are one line.
func addressProblem(mux *http.ServeMux, r *http.Request) error {
	segments := strings.Split(r.URL.Path, "/")
	for i, seg := range segments {
		if msg := model.TextProblem(seg, false); msg != "" {
			return textInvalid(pathParam(mux, r, i), msg)
		}
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil // a malformed query is left to the handler, which ignores what it cannot read
	}
	for key, values := range query {
		if msg := model.TextProblem(key, false); msg != "" {
			return textInvalid("query", "parameter names "+msg)
		}
		for _, v := range values {
			if msg := model.TextProblem(v, false); msg != "" {
				return textInvalid("query."+key, msg)
			}
		}
	}
	return nil
}

// pathParam names the route's wildcard at segment i ("path.slug"), or
// "path" when the route has none there.
func pathParam(mux *http.ServeMux, r *http.Request, i int) string {
	_, pattern := mux.Handler(r)
	if at := strings.IndexByte(pattern, '/'); at >= 0 {
		if parts := strings.Split(pattern[at:], "/"); i < len(parts) {
			if name, ok := strings.CutPrefix(parts[i], "{"); ok {
				return "path." + strings.TrimSuffix(strings.TrimSuffix(name, "}"), "...")
			}
		}
	}
	return "path"
}

// hasJSONBody: a request that sends (or may send) a JSON body.
func hasJSONBody(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return false
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// jsonBodyProblem reads the body, checks it and puts it back for the
// handler.
func jsonBodyProblem(r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return model.TooLarge(mbe.Limit)
		}
		return model.Errorf(model.EMalformed, "The request body could not be read.")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	// Every value is held to the multi-line rule (what no field may hold);
	// one-line fields are checked by the model, which knows them.
	err = jsonin.Scan(body, model.TextProblem)
	var es jsonin.Errors
	if !errors.As(err, &es) {
		return err
	}
	if strings.HasPrefix(es[len(es)-1].Message, "malformed JSON") {
		return nil // the handler reports malformed JSON in its own words
	}
	fields := make([]model.FieldError, 0, len(es))
	for _, e := range es {
		field := "body"
		if e.Field != "" {
			field = "body." + e.Field
		}
		fields = append(fields, model.FieldError{Field: field, Message: fmt.Sprintf("%s (line %d, column %d)", e.Message, e.Line, e.Column)})
	}
	return &model.Error{Code: model.EInvalid, Message: fmt.Sprintf("The input is not valid: %s %s.", fields[0].Field, fields[0].Message), Fields: fields}
}
