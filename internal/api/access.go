package api

import (
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/identity"
	"consortia/internal/model"
)

// signedInReads are the reads that need a signed-in caller; every other
// read is open to visitors, who see what is public.
var signedInReads = map[string]bool{
	"get-me": true, "get-my-todo": true, "get-preferences": true, "list-people": true, "get-person": true,
	"get-pledge": true, "get-request": true, "list-audit": true, "list-outbox": true,
	"list-testing-calls": true, "get-testing-call": true, "list-testing-feedback": true,
	"list-statements-of-work": true, "get-statement-of-work-pdf": true,
	"list-proposal-endorsements": true, "get-proposal-letter": true, "get-proposal-packet-pdf": true, "get-proposal-packet-zip": true,
	"list-users": true, "list-invitations": true, "list-my-tokens": true,
}

// anonymousWrites are the non-GET operations a visitor may call; they
// change nothing. Every other write needs a signed-in caller.
var anonymousWrites = map[string]bool{"funding-what-if": true}

var (
	bearer         = []map[string][]string{{"bearer": {}}}
	bearerOptional = []map[string][]string{{}, {"bearer": {}}} // anonymous, or with a token
)

// security is the OpenAPI security requirement of an operation: bearer
// only when it needs a signed-in caller, optional otherwise. The guard
// enforces it, so the document and the behaviour cannot disagree.
func security(id, method string) []map[string][]string {
	if method == http.MethodGet && !signedInReads[id] || anonymousWrites[id] {
		return bearerOptional
	}
	return bearer
}

// NeedsSignIn reports whether op refuses anonymous callers: none of its
// security requirements is the empty (anonymous) one.
func NeedsSignIn(op *huma.Operation) bool {
	for _, req := range op.Security {
		if len(req) == 0 {
			return false
		}
	}
	return len(op.Security) > 0
}

// guard answers what is known before the body is read and validated: a
// body announced larger than the operation accepts gets 413 without being
// read, and an anonymous caller of an operation that needs a signed-in one
// gets 401, not a validation error about input it may not send anyway.
func guard(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		if n, err := strconv.ParseInt(ctx.Header("Content-Length"), 10, 64); err == nil && op.MaxBodyBytes > 0 && n > op.MaxBodyBytes {
			ctx.SetHeader("Connection", "close")
			_ = huma.WriteErr(api, ctx, http.StatusRequestEntityTooLarge, model.TooLarge(op.MaxBodyBytes).Message)
			return
		}
		if NeedsSignIn(op) && identity.User(ctx.Context()) == nil {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="consortia"`)
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "Please sign in or send an API token.")
			return
		}
		next(ctx)
	}
}
