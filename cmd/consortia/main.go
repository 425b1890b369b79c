// Command consortia runs the consortia web application and its operator
// commands. Everything happens in run, so tests drive the whole program.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"consortia/internal/model"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		var exit exitCode
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		fmt.Fprintln(os.Stderr, "consortia:", err)
		os.Exit(1)
	}
}

// exitCode is how kong's --help and usage errors end run without os.Exit.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// env carries the process environment and standard streams to commands.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// cli is the command line. Flags fall back to CONSORTIA_* variables; the
// defaults are filled from getenv in run so tests control them.
type cli struct {
	LogFormat string `name:"log-format" enum:"auto,text,json" default:"${log_format}" help:"Log format: text for people, json for machines, auto picks text on a terminal (env CONSORTIA_LOG_FORMAT)."`
	LogLevel  string `name:"log-level" enum:"debug,info,warn,error" default:"${log_level}" help:"Log level (env CONSORTIA_LOG_LEVEL)."`

	Serve   serveCmd   `cmd:"" help:"Run the web application and JSON API."`
	Migrate migrateCmd `cmd:"" help:"Apply database schema migrations."`
	User    userCmd    `cmd:"" help:"Manage people's accounts."`
	Token   tokenCmd   `cmd:"" help:"Manage API tokens."`
	Version versionCmd `cmd:"" help:"Print the version."`
	OpenAPI openAPICmd `cmd:"" name:"openapi" help:"Print the JSON API's OpenAPI 3.1 document (the one served at /api/v1/openapi.json)."`

	Tally   tallyCmd   `cmd:"" help:"Re-tally exported ballots offline (PrefLib or JSON) and print the result as JSON."`
	Budget  budgetCmd  `cmd:"" help:"Allocate a budget from a pabulib .pb file and print the result as JSON."`
	Pledges pledgesCmd `cmd:"" help:"Resolve conditional pledges offline."`
	Match   matchCmd   `cmd:"" help:"Compute matching-pool allocations (quadratic funding) and print them as JSON."`

	Outbox outboxCmd `cmd:"" help:"Inspect, retry and deliver queued email, Slack and webhook messages."`
	Digest digestCmd `cmd:"" help:"Send email digests."`

	backupRestoreCmds `embed:""`
}

// dbFlag is shared by every command that opens the database.
type dbFlag struct {
	DB string `name:"db" default:"${db}" help:"Database: a file path or sqlite:PATH for the embedded database, postgres://… for PostgreSQL (env CONSORTIA_DATABASE_URL)."`
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	or := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var c cli
	parser, err := kong.New(&c,
		kong.Name("consortia"),
		kong.Description("consortia: communities organized around shared problems refine, prioritize, endorse, test and co-fund the roadmap work many of them need."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.Resolvers(secretsFromEnv(getenv)),
		kong.Vars{
			"addr":             or("CONSORTIA_ADDR", "127.0.0.1:8080"),
			"db":               "consortia.db",
			"base_url":         getenv("CONSORTIA_BASE_URL"),
			"log_format":       or("CONSORTIA_LOG_FORMAT", "auto"),
			"log_level":        or("CONSORTIA_LOG_LEVEL", "info"),
			"argon_mem":        or("CONSORTIA_ARGON2_MEMORY_KIB", "19456"),
			"mail_from":        or("CONSORTIA_MAIL_FROM", "consortia <noreply@consortia.localhost>"),
			"mail_dir":         or("CONSORTIA_MAIL_DIR", "mail-outbox"),
			"metrics_addr":     getenv("CONSORTIA_METRICS_ADDR"),
			"oidc_issuer":      getenv("CONSORTIA_OIDC_ISSUER"),
			"oidc_client_id":   getenv("CONSORTIA_OIDC_CLIENT_ID"),
			"oidc_name":        getenv("CONSORTIA_OIDC_NAME"),
			"github_client_id": getenv("CONSORTIA_GITHUB_CLIENT_ID"),
			"signup_domain":    getenv("CONSORTIA_SIGNUP_DOMAIN"),
			"no_password":      or("CONSORTIA_NO_PASSWORD_SIGN_IN", "false"),
			"version":          version,
		})
	if err != nil {
		return err
	}
	defer func() {
		if v := recover(); v != nil {
			code, ok := v.(exitCode)
			if !ok {
				panic(v)
			}
			if code == 0 {
				err = nil
			} else {
				err = code
			}
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		return reportUsage(stderr, usageOf(err))
	}
	e := &env{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr,
		log: newLogger(c.LogFormat, c.LogLevel, stderr)}
	err = kctx.Run(e)
	var u usageError
	if errors.As(err, &u) {
		return reportUsage(stderr, u)
	}
	return err
}

// secretFlags are the flags whose values may carry a password or token. Their
// environment variables are read by a resolver rather than as defaults, so
// --help never prints them.
var secretFlags = map[string]string{
	"db":                   "CONSORTIA_DATABASE_URL",
	"smtp-url":             "CONSORTIA_SMTP_URL",
	"metrics-token":        "CONSORTIA_METRICS_TOKEN",
	"oidc-client-secret":   "CONSORTIA_OIDC_CLIENT_SECRET",
	"github-client-secret": "CONSORTIA_GITHUB_CLIENT_SECRET",
}

func secretsFromEnv(getenv func(string) string) kong.ResolverFunc {
	return func(_ *kong.Context, _ *kong.Path, flag *kong.Flag) (any, error) {
		if name, ok := secretFlags[flag.Name]; ok {
			if v := getenv(name); v != "" {
				return v, nil
			}
		}
		return nil, nil
	}
}

func newLogger(format, level string, w io.Writer) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

type versionCmd struct{}

func (versionCmd) Run(e *env) error {
	_, err := fmt.Fprintln(e.stdout, "consortia", version)
	return err
}

// describe turns an application error into a one-line message with its
// field errors, for the terminal.
func describe(err error) error {
	if fields := model.ErrorFields(err); len(fields) > 0 {
		msg := model.ErrorMessage(err)
		for _, f := range fields {
			name := "--" + f.Field
			if f.Field == "password" { // there is no --password: it comes on standard input
				name = "the password (standard input)"
			}
			msg += fmt.Sprintf("\n  %s: %s", name, f.Message)
		}
		return errors.New(msg)
	}
	if model.ErrorCode(err) != model.EInternal {
		return errors.New(model.ErrorMessage(err))
	}
	return err
}
