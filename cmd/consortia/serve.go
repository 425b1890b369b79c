package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/delivery"
	"consortia/internal/demo"
	"consortia/internal/identity"
	"consortia/internal/server"
	"consortia/internal/storage"
)

type serveCmd struct {
	Addr         string `name:"addr" default:"${addr}" help:"Address to listen on (env CONSORTIA_ADDR)."`
	dbFlag       `embed:""`
	mailFlags    `embed:""`
	Demo         bool   `name:"demo" help:"Start on a fresh embedded database filled with sample communities and people, and print how to sign in."`
	ArgonMemo    uint32 `name:"argon2-memory" default:"${argon_mem}" help:"argon2id memory cost in KiB for new password hashes (env CONSORTIA_ARGON2_MEMORY_KIB)."`
	metricsFlags `embed:""`
	ssoFlags     `embed:""`
}

// metricsFlags say where Prometheus metrics are served: never on the public
// listener unless a token guards them.
type metricsFlags struct {
	MetricsAddr  string `name:"metrics-addr" default:"${metrics_addr}" help:"Serve /metrics on this separate address, e.g. 127.0.0.1:9090 (env CONSORTIA_METRICS_ADDR). Off by default."`
	MetricsToken string `name:"metrics-token" help:"Also serve /metrics on the public address to callers sending this bearer token (at least 16 characters); it is required on --metrics-addr too when set (env CONSORTIA_METRICS_TOKEN)."`
}

// minMetricsToken keeps guessable tokens out.
const minMetricsToken = 16

// listen opens the metrics listener, if any.
func (m metricsFlags) listen() (net.Listener, error) {
	if m.MetricsToken != "" && len(m.MetricsToken) < minMetricsToken {
		return nil, fmt.Errorf("--metrics-token: must be at least %d characters", minMetricsToken)
	}
	if m.MetricsAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", m.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	return ln, nil
}

func (s *serveCmd) Run(e *env, kctx *kong.Context) error {
	ctx := e.ctx
	dbURL := s.DB
	if s.Demo && flagGiven(kctx, "db") {
		return usageError{msg: "--demo runs on a fresh temporary database and cannot use --db " + s.DB +
			"; drop --demo to serve that database (run 'consortia migrate --db FILE' and 'consortia user add' to set it up)", cmd: "serve"}
	}
	if s.Demo {
		dir, err := os.MkdirTemp("", "consortia-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dbURL = "sqlite:" + filepath.Join(dir, "demo.db")
		if s.SMTPURL == "" && s.MailDir == "mail-outbox" {
			s.MailDir = filepath.Join(dir, "mail")
		}
	}
	// The server holds DB.lock for its lifetime so restore cannot swap
	// the file under it.
	if path, ok, err := storage.SQLitePath(dbURL); err == nil && ok {
		unlock, err := storage.LockSQLite(path)
		if err != nil {
			return err
		}
		defer unlock()
	}
	store, err := openStore(ctx, dbURL, e)
	if err != nil {
		return err
	}
	defer store.Close()

	a := app.New(store, e.log)
	a.Password = auth.Params{Memory: s.ArgonMemo, Time: auth.DefaultParams.Time, Threads: auth.DefaultParams.Threads}
	metricsLn, err := s.metricsFlags.listen()
	if err != nil {
		return err
	}
	if metricsLn != nil {
		defer metricsLn.Close()
	}
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	baseURL := strings.TrimRight(s.BaseURL, "/")
	if baseURL == "" {
		baseURL = "http://" + ln.Addr().String()
	}
	if err := a.ConfigureNotifications(ctx, baseURL); err != nil {
		return err
	}
	providers, signIn, err := s.ssoFlags.providers(ctx)
	if err != nil {
		return err
	}
	a.SignIn = signIn
	if s.Demo {
		if err := demo.Seed(ctx, a, store); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	senders, how, err := s.senders()
	if err != nil {
		return err
	}
	worker := delivery.NewWorker(store, senders, e.log)
	a.Wake = func() {
		select {
		case worker.Wake <- struct{}{}:
		default:
		}
	}
	sessions := identity.NewSessions(store.Sessions(identity.IdleTimeout), strings.HasPrefix(baseURL, "https://"))
	metrics := server.NewMetrics(store.DB(), string(store.Dialect()))
	handler, err := server.NewServer(a, sessions, metrics, server.Config{BaseURL: baseURL, Version: version, Demo: s.Demo, Mail: how, MetricsToken: s.MetricsToken, Providers: providers}, e.log)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	go cleanExpired(ctx, store, e)
	// The worker and digests stop with ctx; the worker records each
	// message it already sent even while stopping.
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorker()
	workerDone := make(chan struct{})
	go func() { worker.Run(workerCtx, 5*time.Second); close(workerDone) }()
	go runDigests(ctx, a, e)
	e.log.Info("email delivery", "via", how)

	e.log.Info("listening", "url", baseURL, "database", store.Target(), "dialect", store.Dialect(), "version", version)
	if s.Demo {
		fmt.Fprintf(e.stdout, "\nconsortia demo is running at %s\nSign in as %s with password %s\n(the demo database is fresh on every start; press Ctrl+C to stop)\n\n",
			baseURL, demo.AdminEmail, demo.AdminPassword)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var metricsSrv *http.Server
	if metricsLn != nil {
		metricsSrv = &http.Server{Handler: server.MetricsListener(metrics, s.MetricsToken), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		go func() { _ = metricsSrv.Serve(metricsLn) }()
		defer metricsSrv.Close()
		e.log.Info("metrics", "url", "http://"+metricsLn.Addr().String()+"/metrics")
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Let in-flight requests finish; their contexts are not cancelled by
	// the signal (BaseContext drops it), so no write is cut in the middle.
	e.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	stopWorker()
	<-workerDone
	e.log.Info("stopped")
	return nil
}

// cleanExpired removes expired sessions and old login attempts hourly.
func cleanExpired(ctx context.Context, store *storage.Store, e *env) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := store.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("cleaning expired sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// openStore connects and migrates.
// openExisting opens the database of a command that works on existing data
// (everything but serve and migrate): an embedded database whose file does
// not exist is an error, not a new empty database.
func openExisting(ctx context.Context, url string, e *env) (*storage.Store, error) {
	if path, ok, err := storage.SQLitePath(url); err == nil && ok {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: check --db (or CONSORTIA_DATABASE_URL), or create it with 'consortia migrate --db %s'", path, path)
		}
	}
	return openStore(ctx, url, e)
}

func openStore(ctx context.Context, url string, e *env) (*storage.Store, error) {
	store, err := storage.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	n, err := store.Migrate(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	if n > 0 {
		e.log.Info("applied migrations", "count", n, "database", store.Target())
	}
	return store, nil
}

type migrateCmd struct {
	dbFlag `embed:""`
}

func (m *migrateCmd) Run(e *env) error {
	store, err := storage.Open(e.ctx, m.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.Migrate(e.ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "applied %d migration(s) to %s\n", n, store.Target())
	return err
}
