package app_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/model"
	"consortia/internal/storage"
)

type fixture struct {
	t     *testing.T
	ctx   context.Context
	a     *app.App
	admin *model.User
}

func newFixture(t *testing.T, s *storage.Store) *fixture {
	t.Helper()
	a := app.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.Password = auth.Params{Memory: 64, Time: 1, Threads: 1}
	f := &fixture{t: t, ctx: context.Background(), a: a}
	f.admin = f.user("staff@example.org", "Sam Staff", model.RoleAdmin)
	return f
}

func (f *fixture) user(email, name, role string) *model.User {
	f.t.Helper()
	u, err := f.a.CreateUser(f.ctx, nil, model.UserInput{Email: email, Name: name, Role: role}, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// community adds a community and makes lead its lead (when not nil).
func (f *fixture) community(slug string, tags []string, lead *model.User) *model.Community {
	f.t.Helper()
	c, err := f.a.CreateCommunity(f.ctx, f.admin, model.CommunityInput{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:], Kind: "university", Tags: tags})
	if err != nil {
		f.t.Fatal(err)
	}
	if lead != nil {
		if _, err := f.a.SetAffiliation(f.ctx, f.admin, slug, lead.Email, model.AffiliationLead); err != nil {
			f.t.Fatal(err)
		}
	}
	return c
}

func words(n int) string { return strings.TrimSpace(strings.Repeat("word ", n)) }

func code(t *testing.T, err error, want string) {
	t.Helper()
	if got := model.ErrorCode(err); got != want {
		t.Fatalf("error code %q (%v), want %q", got, err, want)
	}
}

func fieldNamed(t *testing.T, err error, field string) {
	t.Helper()
	for _, f := range model.ErrorFields(err) {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("error %v does not name field %q", err, field)
}

func (f *fixture) countRows(s *storage.Store, table string) int {
	f.t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}
