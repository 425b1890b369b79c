package web

import (
	"net/http"
	"strings"
)

// toSlugURL answers a page asked for by number (/consortia/1, as audit
// links and old bookmarks have it) with a permanent redirect to its slug
// URL, keeping the query. It is called after the page is loaded, so a
// reader who may not see the record gets its 404 and learns no slug.
func toSlugURL(w http.ResponseWriter, r *http.Request, slug string) bool {
	ref := r.PathValue("ref")
	if slug == "" || ref == slug || !allDigits(ref) {
		return false
	}
	to := strings.TrimSuffix(r.URL.Path, ref) + slug
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
