package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/identity"
	"consortia/internal/model"
	"consortia/internal/server"
	"consortia/internal/storage"
)

// env is a running server on loopback with a real database.
type env struct {
	t     *testing.T
	store *storage.Store
	app   *app.App
	srv   *httptest.Server
	admin *model.User
	// adminToken is an API token of the admin.
	adminToken string
	// queries counts the database queries made while serving requests.
	queries atomic.Int64
	// writes counts the INSERT, UPDATE and DELETE statements among them.
	writes atomic.Int64
}

const testPassword = "correct horse battery staple"

var fastHash = auth.Params{Memory: 64, Time: 1, Threads: 1}

func newEnv(t *testing.T, store *storage.Store) *env {
	t.Helper()
	return newEnvWith(t, store, server.Config{})
}

// newEnvWith is newEnv with server settings (BaseURL defaults to the test
// server's address).
func newEnvWith(t *testing.T, store *storage.Store, cfg server.Config) *env {
	t.Helper()
	e := newServerEnvWith(t, store, cfg)
	e.admin = e.user("admin@example.org", "Ada Admin", model.RoleAdmin)
	tok, _, err := e.app.CreateToken(context.Background(), nil, e.admin, "test")
	if err != nil {
		t.Fatal(err)
	}
	e.adminToken = tok
	return e
}

// newServerEnv starts a server on an existing database, without adding
// anyone.
func newServerEnv(t *testing.T, store *storage.Store) *env {
	t.Helper()
	return newServerEnvWith(t, store, server.Config{})
}

func newServerEnvWith(t *testing.T, store *storage.Store, cfg server.Config) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(store, log)
	a.Password = fastHash
	e := &env{t: t, store: store, app: a}
	e.srv = httptest.NewUnstartedServer(nil)
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	if cfg.BaseURL == "" {
		cfg.BaseURL = e.srv.URL
	}
	cfg.Version = "test"
	h, err := server.NewServer(a, identity.NewSessions(store.Sessions(identity.IdleTimeout), false), server.NewMetrics(store.DB(), "test"), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := storage.WithWriteCounter(storage.WithQueryCounter(r.Context(), &e.queries), &e.writes)
		h.ServeHTTP(w, r.WithContext(ctx))
	})
	return e
}

// user adds an account with testPassword.
func (e *env) user(email, name, role string) *model.User {
	e.t.Helper()
	u, err := e.app.CreateUser(context.Background(), nil, model.UserInput{Email: email, Name: name, Role: role}, testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// token returns a new API token for u.
func (e *env) token(u *model.User) string {
	e.t.Helper()
	tok, _, err := e.app.CreateToken(context.Background(), nil, u, "t")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// community adds a community as the admin.
func (e *env) community(slug, name string) *model.Community {
	e.t.Helper()
	c, err := e.app.CreateCommunity(context.Background(), e.admin, model.CommunityInput{Slug: slug, Name: name, Kind: "university", Tags: []string{"education"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// do sends a request with an optional bearer token and body.
func (e *env) do(method, path, token string, body any) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// browser is a cookie-keeping client that acts like a person's browser.
type browser struct {
	e      *env
	client *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(path string) response {
	b.e.t.Helper()
	res, err := b.client.Get(b.e.srv.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: body}
}

// post submits a form the way a browser does from one of our pages.
func (b *browser) post(path string, form url.Values) response {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := b.client.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: body}
}

func (b *browser) login(email, password string) response {
	b.e.t.Helper()
	return b.post("/login", url.Values{"email": {email}, "password": {password}})
}

// queriesFor returns how many database queries one GET of path makes.
func (b *browser) queriesFor(path string) (int64, response) {
	b.e.t.Helper()
	before := b.e.queries.Load()
	r := b.get(path)
	return b.e.queries.Load() - before, r
}

// count returns the number of rows of a table.
func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}
