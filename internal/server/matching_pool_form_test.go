package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// The pool form takes the cap as an amount (in the currency's major units)
// and Gitcoin's options; a malformed amount names its field and stores
// nothing.
func TestMatchingPoolFormGitcoinOptions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		staff := fdLogin(t, w.e, "admin@example.org")
		form := url.Values{"consortium": {w.consortium.Slug}, "title": {"Spread it"}, "funder": {"Foundation"}, "pool": {"1000.00"},
			"currency": {"USD"}, "cap_amount": {"four hundred"}, "ignore_saturation": {"1"}}
		r := staff.post("/matching-pools", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `id="cap_amount"`) ||
			!strings.Contains(string(r.body), "must be an amount like 10000 or 10000.00") {
			t.Fatalf("bad cap amount: %d %s", r.status, r.body)
		}
		if list := fdWant(t, "pools", w.e.do("GET", "/api/v1/funding/matching-pools", w.e.adminToken, nil), 200); len(list["items"].([]any)) != 0 {
			t.Fatalf("a pool was stored: %v", list)
		}
		form.Set("cap_amount", "400.00")
		form.Set("keep_cap_overflow", "1")
		r = staff.post("/matching-pools", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		page := staff.get(r.header.Get("Location"))
		for _, want := range []string{"at most USD 400", "the whole pool is spread", "money above the cap stays in the pool"} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("pool page lacks %q", want)
			}
		}
	})
}
