package main

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestCredentialsNeverPrinted: a password in a database or SMTP URL, in any
// of the forms PostgreSQL and SMTP accept, appears in no log line, no error
// and no help text.
func TestCredentialsNeverPrinted(t *testing.T) {
	const secret = "Sup3r-secret-pw"
	assertMasked := func(t *testing.T, what, text string) {
		t.Helper()
		if strings.Contains(text, secret) || strings.Contains(text, url.QueryEscape(secret+"!")) {
			t.Errorf("%s shows the password:\n%s", what, text)
		}
	}
	// Nothing listens on port 1, so each form fails to connect and the
	// error names the database it tried.
	unreachable := map[string]string{
		"userinfo":       "postgres://consortia:" + secret + "@127.0.0.1:1/consortia",
		"query":          "postgres://consortia@127.0.0.1:1/consortia?sslmode=disable&password=" + secret,
		"sslpassword":    "postgresql://consortia@127.0.0.1:1/consortia?sslpassword=" + secret,
		"key/value":      "host=127.0.0.1 port=1 dbname=consortia user=consortia password=" + secret,
		"quoted kv":      "host=127.0.0.1 port=1 dbname=consortia user=consortia password='" + secret + " x'",
		"bad port":       "postgres://consortia:" + secret + "@127.0.0.1:nope/consortia",
		"bad escape":     "postgres://consortia:" + secret + "%zz@127.0.0.1:1/consortia",
		"both, encoded":  "postgres://consortia:" + url.QueryEscape(secret+"!") + "@127.0.0.1:1/x?password=" + url.QueryEscape(secret+"!"),
		"unknown scheme": "mysql://consortia:" + secret + "@127.0.0.1/consortia",
	}
	for name, db := range unreachable {
		t.Run("error/"+name, func(t *testing.T) {
			out, logs, err := runCLI(t, map[string]string{"CONSORTIA_DATABASE_URL": db, "CONSORTIA_LOG_FORMAT": "json"}, "", "migrate")
			if err == nil {
				t.Fatal("migrate succeeded against nothing")
			}
			assertMasked(t, "the error", err.Error())
			assertMasked(t, "the output", out+logs)
		})
	}
	t.Run("smtp", func(t *testing.T) {
		for _, smtp := range []string{"smtp://mailer:" + secret + "@127.0.0.1:nope", "ftp://mailer:" + secret + "@127.0.0.1:25", "smtp://127.0.0.1:25?password=" + secret + "&starttls=nope"} {
			env := map[string]string{"CONSORTIA_DATABASE_URL": "sqlite:" + t.TempDir() + "/d.db", "CONSORTIA_SMTP_URL": smtp, "CONSORTIA_LOG_FORMAT": "json"}
			out, logs, err := runCLI(t, env, "", "outbox", "deliver")
			if err != nil {
				assertMasked(t, "the error", err.Error())
			}
			assertMasked(t, "the output", out+logs)
		}
	})
	t.Run("help", func(t *testing.T) {
		env := map[string]string{"CONSORTIA_DATABASE_URL": unreachable["query"], "CONSORTIA_SMTP_URL": "smtp://mailer:" + secret + "@mail.example.org:587"}
		for _, args := range [][]string{{"serve", "--help"}, {"outbox", "deliver", "--help"}, {"migrate", "--help"}} {
			out, logs, _ := runCLI(t, env, "", args...)
			assertMasked(t, strings.Join(args, " "), out+logs)
			if !strings.Contains(out, "CONSORTIA_DATABASE_URL") {
				t.Errorf("%v no longer names the variable:\n%s", args, out)
			}
		}
	})

	// Against a real PostgreSQL (trust authentication ignores the password)
	// the start-up log names the database, masked.
	t.Run("serve", func(t *testing.T) {
		if os.Getenv(storagetest.PostgresEnv) == "" {
			t.Skipf("set %s to check the start-up log on PostgreSQL", storagetest.PostgresEnv)
		}
		base, err := url.Parse(storagetest.URL(t, storage.Postgres))
		if err != nil {
			t.Fatal(err)
		}
		withQuery := *base
		q := withQuery.Query()
		q.Set("password", secret)
		withQuery.RawQuery = q.Encode()
		withUser := *base
		withUser.User = url.UserPassword(base.User.Username(), secret)
		kv := "host=" + base.Hostname() + " port=" + base.Port() + " dbname=" + strings.TrimPrefix(base.Path, "/") +
			" user=" + base.User.Username() + " search_path=" + base.Query().Get("search_path") + " password=" + secret
		for name, db := range map[string]string{"query": withQuery.String(), "userinfo": withUser.String(), "key/value": kv} {
			t.Run(name, func(t *testing.T) {
				addr := freeAddr(t)
				env := map[string]string{"CONSORTIA_DATABASE_URL": db, "CONSORTIA_LOG_FORMAT": "json",
					"CONSORTIA_SMTP_URL": "smtp://mailer:" + secret + "@127.0.0.1:1"}
				stop, output := serveLogged(t, env, "--addr", addr, "--mail-from", "consortia@example.org")
				if err := stop(); err != nil {
					t.Fatalf("serve: %v", err)
				}
				logs := output.String()
				if !strings.Contains(logs, `"msg":"listening"`) || !strings.Contains(logs, "xxxxx") {
					t.Fatalf("the start-up log does not name the (masked) database:\n%s", logs)
				}
				assertMasked(t, "the start-up log", logs)
			})
		}
	})
}
