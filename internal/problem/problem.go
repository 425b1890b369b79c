// Package problem maps application errors to HTTP statuses, once for the
// whole program, and writes RFC 9457 problem details.
package problem

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"consortia/internal/model"
)

// Status returns the HTTP status for an error's code.
func Status(err error) int {
	switch model.ErrorCode(err) {
	case model.EInvalid:
		return http.StatusUnprocessableEntity
	case model.EMalformed:
		return http.StatusBadRequest
	case model.ENotFound:
		return http.StatusNotFound
	case model.EUnauthorized:
		return http.StatusUnauthorized
	case model.EForbidden:
		return http.StatusForbidden
	case model.EConflict:
		return http.StatusConflict
	case model.ERateLimited:
		return http.StatusTooManyRequests
	case model.ETooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// SetRetryAfter adds a Retry-After header (whole seconds, rounded up) when
// err asks the client to wait.
func SetRetryAfter(h http.Header, err error) {
	d := model.RetryAfter(err)
	if d <= 0 {
		return
	}
	h.Set("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
}

// Detail is one field-level message, in the shape the API uses everywhere.
type Detail struct {
	Message  string `json:"message"`
	Location string `json:"location"`
}

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string   `json:"type,omitempty"`
	Title    string   `json:"title"`
	Status   int      `json:"status"`
	Detail   string   `json:"detail,omitempty"`
	Instance string   `json:"instance,omitempty"`
	Errors   []Detail `json:"errors,omitempty"`
}

// From builds the problem for err. Internal errors are logged and described
// only generically.
func From(r *http.Request, err error, log *slog.Logger) Problem {
	status := Status(err)
	p := Problem{Title: http.StatusText(status), Status: status, Detail: model.ErrorMessage(err), Instance: r.URL.Path}
	for _, f := range model.ErrorFields(err) {
		p.Errors = append(p.Errors, Detail{Message: f.Message, Location: Location(f.Field)})
	}
	if status == http.StatusInternalServerError && log != nil {
		log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return p
}

// Write sends err as application/problem+json.
func Write(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	p := From(r, err, log)
	w.Header().Set("Content-Type", "application/problem+json")
	SetRetryAfter(w.Header(), err)
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="consortia"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// Location names where a field error came from, as RFC 9457 extension
// members do in this API: "body.slug", "query.page". Fields without a
// prefix are body fields.
func Location(field string) string {
	for _, p := range []string{"query.", "path.", "header.", "body."} {
		if strings.HasPrefix(field, p) || field == p[:len(p)-1] {
			return field
		}
	}
	return "body." + field
}
