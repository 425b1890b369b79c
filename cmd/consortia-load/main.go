// Command consortia-load measures how fast consortia answers its busiest
// reads. It starts the real application in-process on a loopback port (on a
// fresh SQLite or PostgreSQL database seeded through the application layer),
// starts a bare net/http server that answers the same URLs with the same
// bytes (the ceiling), and drives each with a closed-loop load generator:
//
//	go run ./cmd/consortia-load -db sqlite
//	go run ./cmd/consortia-load -db postgres://postgres@127.0.0.1:5432/test
//
// It reports requests/s and latency percentiles per target, the ratio of the
// API to its ceiling and whether the performance targets are met, and exits
// non-zero if any request failed. See docs/PERFORMANCE.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"consortia/internal/storage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "consortia-load:", err)
		os.Exit(1)
	}
}

// The measured URLs.
const (
	apiPath  = "/api/v1/communities"
	pagePath = "/communities"
	// stackPath is served by the whole middleware stack without the database.
	stackPath = "/healthz"
)

// target is one thing to measure.
type target struct {
	name string
	base string // which server
	path string
	// variant tells the app's targets of one path apart: "" anonymous
	// (micro-cached), or one of the variant constants.
	variant string
	header  http.Header
}

// Variants of a path's target.
const (
	variantToken    = "token"    // with an API bearer token
	variantSession  = "session"  // signed in, with a session cookie
	variantUncached = "uncached" // anonymous, past the micro-cache
)

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("consortia-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbDefault := getenv("CONSORTIA_LOAD_DB")
	if dbDefault == "" {
		dbDefault = "sqlite"
	}
	db := fs.String("db", dbDefault, "database: sqlite (a temporary file) or postgres://… (a fresh schema, dropped at the end) (env CONSORTIA_LOAD_DB)")
	targetURL := fs.String("url", "", "measure an already running server at this loopback URL instead of starting one (no seeding; -db is ignored)")
	communities := fs.Int("communities", 200, "communities to seed (with communities/2 people)")
	conns := fs.Int("c", 32, "concurrent connections, each a closed loop")
	duration := fs.Duration("d", 10*time.Second, "measurement time per target")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured load before each measurement")
	asJSON := fs.Bool("json", false, "print the report as JSON instead of a table")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile taken while loading the app's -profile-target to this file (server side only: go tool pprof -tagfocus side=server)")
	profileTarget := fs.String("profile-target", "api", "what -cpuprofile profiles: api ("+apiPath+") or page ("+pagePath+")")
	stack := fs.Bool("stack", false, "also load GET "+stackPath+" (the whole middleware stack, no database): the most a response cache could reach")
	waitQuiet := fs.Duration("wait-quiet", 0, "on a shared machine: wait up to this long in all for other processes to leave the CPUs idle before each target, and measure again a target they disturbed")
	seedValue := fs.Uint64("seed", 1, "random seed of the generated data")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: consortia-load [flags]\n\nLoads GET %s and GET %s of an in-process consortia, and a bare net/http ceiling serving the same bytes.\n\n", apiPath, pagePath)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	case *conns < 1:
		return errors.New("-c must be at least 1")
	case *duration <= 0 || *warmup < 0:
		return errors.New("-d must be positive and -warmup not negative")
	case *communities < 0:
		return errors.New("-communities must not be negative")
	case *profileTarget != "api" && *profileTarget != "page":
		return errors.New("-profile-target must be api or page")
	}
	profilePath := apiPath
	if *profileTarget == "page" {
		profilePath = pagePath
	}

	rep := report{Database: *db, Communities: *communities, Conns: *conns, Duration: duration.String(), Warmup: warmup.String(), Machine: machine()}
	rep.Machine.BusyBefore = busy(ctx, time.Second)
	if b := rep.Machine.BusyBefore; b > busyLimit {
		fmt.Fprintf(stderr, "warning: other processes keep %.0f%% of the CPUs busy; the figures will be low and noisy\n", b)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	base := strings.TrimRight(*targetURL, "/")
	var creds credentials
	if base != "" {
		if err := checkLoopback(base); err != nil {
			return err
		}
		rep.Database, rep.Communities = "(external server at "+base+")", 0
	} else {
		fmt.Fprintf(stderr, "seeding %d communities on %s…\n", *communities, redact(*db))
		start := time.Now()
		s, err := startApp(ctx, *db, *communities, *seedValue, log)
		if err != nil {
			return err
		}
		defer s.Close()
		base, creds = s.URL, s.creds
		rep.Database = string(s.Dialect)
		fmt.Fprintf(stderr, "seeded in %s; consortia is serving at %s\n", time.Since(start).Round(time.Millisecond), base)
	}

	// Copy the application's answers into the ceiling server.
	pages := map[string]response{}
	client := newClient(1)
	for _, p := range []string{apiPath, pagePath} {
		r, err := fetch(ctx, client, base+p)
		if err != nil {
			return err
		}
		pages[p] = r
	}
	client.CloseIdleConnections()
	ceiling, stopCeiling, err := startCeiling(ctx, pages)
	if err != nil {
		return err
	}
	defer stopCeiling()

	targets := []target{
		{name: "ceiling " + apiPath, base: ceiling, path: apiPath},
		{name: "GET " + apiPath, base: base, path: apiPath},
		{name: "ceiling " + pagePath, base: ceiling, path: pagePath},
		{name: "GET " + pagePath, base: base, path: pagePath},
	}
	if creds.token != "" {
		// A cookie named like ours but not a session skips the micro-cache
		// and is still served as anonymous.
		uncached := http.Header{"Cookie": {"consortia_load=1"}}
		targets = append(targets,
			target{"GET " + apiPath + " (anonymous, uncached)", base, apiPath, variantUncached, uncached},
			target{"GET " + apiPath + " (token)", base, apiPath, variantToken, http.Header{"Authorization": {"Bearer " + creds.token}}},
			target{"GET " + pagePath + " (anonymous, uncached)", base, pagePath, variantUncached, uncached},
			target{"GET " + pagePath + " (signed in)", base, pagePath, variantSession, http.Header{"Cookie": {creds.cookie}}})
	}
	if *stack {
		targets = append(targets, target{name: "GET " + stackPath + " (stack only)", base: base, path: stackPath})
	}
	quietUntil := time.Now().Add(*waitQuiet)
	for _, t := range targets {
		l := load{URL: t.base + t.path, Header: t.header, Conns: *conns, Warmup: *warmup, Duration: *duration}
		profile := *cpuprofile != "" && t.base == base && t.path == profilePath && t.variant == ""
		for {
			if *waitQuiet > 0 {
				waitForQuiet(ctx, quietUntil, stderr)
			}
			fmt.Fprintf(stderr, "%-32s %d connections, %s warmup + %s…\n", t.name, *conns, *warmup, *duration)
			res, db, others, err := measure(ctx, l, profile, *cpuprofile)
			if err != nil {
				return err
			}
			if rep.Database == string(storage.SQLite) {
				db, others = 0, others+db // PostgreSQL is someone else's then
			}
			if *waitQuiet == 0 || others <= busyLimit || time.Now().After(quietUntil) {
				rep.add(t, res, db, others)
				break
			}
			fmt.Fprintf(stderr, "  other processes used %.0f%% of the CPUs meanwhile: measuring again\n", others)
		}
	}
	rep.judge()

	if *asJSON {
		err = rep.writeJSON(stdout)
	} else {
		err = rep.writeTable(stdout)
	}
	if err != nil {
		return err
	}
	if n := rep.errors(); n > 0 {
		return fmt.Errorf("%d request(s) failed", n)
	}
	return nil
}

// measure runs one load, with a CPU profile if asked, and returns the
// shares of the CPUs that PostgreSQL and other processes used meanwhile.
func measure(ctx context.Context, l load, profile bool, path string) (res *result, db, others float64, err error) {
	var stopProfile func() error
	if profile {
		if stopProfile, err = startProfile(path); err != nil {
			return nil, 0, 0, err
		}
	}
	before := sampleCPU()
	res, err = l.run(ctx)
	db, others = cpuShares(before, sampleCPU())
	if stopProfile != nil {
		if perr := stopProfile(); perr != nil && err == nil {
			err = perr
		}
	}
	return res, db, others, err
}

// waitForQuiet waits until other processes leave the CPUs (nearly) idle,
// or until the deadline.
func waitForQuiet(ctx context.Context, deadline time.Time, stderr io.Writer) {
	for said := false; ctx.Err() == nil; said = true {
		b := busy(ctx, time.Second)
		if b <= busyLimit {
			return
		}
		if time.Now().After(deadline) {
			fmt.Fprintf(stderr, "  -wait-quiet has run out; measuring although %.0f%% of the CPUs are busy\n", b)
			return
		}
		if !said {
			fmt.Fprintf(stderr, "  other processes use %.0f%% of the CPUs: waiting for quiet…\n", b)
		}
	}
}

// startProfile starts a CPU profile (of the whole process: the server, the
// ceiling and the client goroutines carry a pprof label "side" to tell them
// apart) and returns the function that ends it.
func startProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// checkLoopback refuses to load anything but this machine.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-url %q: only loopback addresses (127.0.0.1, ::1, localhost) may be loaded", raw)
	}
	return nil
}

// redact hides a password in a database URL.
func redact(db string) string {
	if u, err := url.Parse(db); err == nil && u.User != nil {
		return u.Redacted()
	}
	return db
}
