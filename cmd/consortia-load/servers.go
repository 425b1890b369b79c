package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/identity"
	"consortia/internal/server"
	"consortia/internal/storage"
)

// fastHash keeps seeding quick; nobody signs in during the run.
var fastHash = auth.Params{Memory: 64, Time: 1, Threads: 1}

// prepareDB returns the URL of a fresh, empty database: a temporary SQLite
// file for "sqlite", or a new schema with a random name on the PostgreSQL
// server of a postgres:// URL. drop removes it.
func prepareDB(ctx context.Context, db string) (dbURL string, drop func(), err error) {
	if db == "sqlite" {
		dir, err := os.MkdirTemp("", "consortia-load-")
		if err != nil {
			return "", nil, err
		}
		return "sqlite:" + filepath.Join(dir, "load.db"), func() { os.RemoveAll(dir) }, nil
	}
	if !strings.HasPrefix(db, "postgres://") && !strings.HasPrefix(db, "postgresql://") {
		return "", nil, fmt.Errorf("-db %q: use sqlite or postgres://…", db)
	}
	u, err := url.Parse(db)
	if err != nil {
		return "", nil, fmt.Errorf("-db: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "load_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", db) // the driver is registered by package storage
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", nil, fmt.Errorf("create schema %s on %s: %w", schema, u.Redacted(), err)
	}
	drop = func() {
		admin, err := sql.Open("pgx", db)
		if err == nil {
			_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			admin.Close()
		}
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// appServer is the real application, seeded, on a loopback port.
type appServer struct {
	URL     string
	Dialect storage.Dialect
	creds   credentials
	close   func()
}

// credentials are a seeded member's, for the authenticated targets.
type credentials struct {
	token  string // an API bearer token
	cookie string // a signed-in session cookie, "name=value"
}

// signIn makes a token for a seeded member and signs them in over HTTP
// the way a browser does.
func signIn(ctx context.Context, a *app.App, store *storage.Store, base string) (credentials, error) {
	u, err := store.UserByEmail(ctx, "person0@load.consortia.test")
	if err != nil {
		return credentials{}, err
	}
	token, _, err := a.CreateToken(ctx, nil, u, "load")
	if err != nil {
		return credentials{}, err
	}
	form := url.Values{"email": {u.Email}, "password": {seedPassword}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return credentials{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := newClient(1).Do(req)
	if err != nil {
		return credentials{}, err
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "consortia_session" && c.Value != "" {
			return credentials{token: token, cookie: c.Name + "=" + c.Value}, nil
		}
	}
	return credentials{}, fmt.Errorf("sign in as %s: %s without a session cookie", u.Email, res.Status)
}

// startApp opens and migrates a fresh database, seeds it through the
// application layer and serves the whole handler stack (as `consortia
// serve` assembles it) with a real net/http.Server on 127.0.0.1:0.
func startApp(ctx context.Context, db string, communities int, seedValue uint64, log *slog.Logger) (*appServer, error) {
	dbURL, drop, err := prepareDB(ctx, db)
	if err != nil {
		return nil, err
	}
	cleanups := []func(){drop}
	closeAll := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	fail := func(err error) (*appServer, error) { closeAll(); return nil, err }

	store, err := storage.Open(ctx, dbURL)
	if err != nil {
		return fail(err)
	}
	cleanups = append(cleanups, func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		return fail(err)
	}
	a := app.New(store, log)
	a.Password = fastHash
	if err := seed(ctx, a, communities, mrand.New(mrand.NewPCG(seedValue, 0))); err != nil {
		return fail(fmt.Errorf("seed: %w", err))
	}

	if err := analyze(ctx, store); err != nil {
		return fail(fmt.Errorf("analyze: %w", err))
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	base := "http://" + ln.Addr().String()
	h, err := server.NewServer(a, identity.NewSessions(store.Sessions(identity.IdleTimeout), false), server.NewMetrics(store.DB(), string(store.Dialect())),
		server.Config{BaseURL: base, Version: "load"}, log)
	if err != nil {
		ln.Close()
		return fail(err)
	}
	cleanups = append(cleanups, serve(ctx, ln, h, "server"))
	creds, err := signIn(ctx, a, store, base)
	if err != nil {
		return fail(err)
	}
	return &appServer{URL: base, Dialect: store.Dialect(), creds: creds, close: closeAll}, nil
}

// analyze gives PostgreSQL's planner the statistics that autovacuum would
// have gathered on a live site a minute after the data arrived; without
// them it assumes near-empty tables and ignores indexes. Only the tables of
// our schema are analyzed. SQLite keeps no statistics unless asked, as in
// production.
func analyze(ctx context.Context, store *storage.Store) error {
	if store.Dialect() != storage.Postgres {
		return nil
	}
	rows, err := store.DB().QueryContext(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(tables) == 0 {
		return err
	}
	_, err = store.DB().ExecContext(ctx, `ANALYZE `+strings.Join(tables, ", "))
	return err
}

// Close stops the server and removes the database.
func (s *appServer) Close() { s.close() }

// serve runs h on ln with timeouts like `consortia serve`; its goroutines
// carry the pprof label side=<side>. The returned func shuts it down.
func serve(ctx context.Context, ln net.Listener, h http.Handler, side string) func() {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	done := make(chan struct{})
	go pprof.Do(context.WithoutCancel(ctx), pprof.Labels("side", side), func(context.Context) {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "consortia-load: %s: %v\n", side, err)
		}
	})
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-done
	}
}

// response is what the application answered for one URL.
type response struct {
	ContentType string
	Body        []byte
}

// fetch gets a URL once, to copy its bytes into the ceiling server.
func fetch(ctx context.Context, client *http.Client, u string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return response{}, err
	}
	res, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	if res.StatusCode != http.StatusOK {
		return response{}, fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return response{ContentType: res.Header.Get("Content-Type"), Body: body}, nil
}

// startCeiling serves fixed bytes per path from a bare http.ServeMux on
// 127.0.0.1:0: the fastest this machine can answer those URLs over HTTP.
func startCeiling(ctx context.Context, pages map[string]response) (base string, stop func(), err error) {
	mux := http.NewServeMux()
	for path, r := range pages {
		length := strconv.Itoa(len(r.Body))
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, _ *http.Request) {
			h := w.Header()
			h.Set("Content-Type", r.ContentType)
			h.Set("Content-Length", length)
			w.Write(r.Body)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	return "http://" + ln.Addr().String(), serve(ctx, ln, mux, "ceiling"), nil
}
