package storage

import "testing"

func TestRebindDollar(t *testing.T) {
	cases := map[string]string{
		`SELECT ? , ?`:                        `SELECT $1 , $2`,
		`WHERE a LIKE ? ESCAPE '\' AND b = ?`: `WHERE a LIKE $1 ESCAPE '\' AND b = $2`,
		`WHERE note = 'why?' AND id = ?`:      `WHERE note = 'why?' AND id = $1`,
		`SELECT 1`:                            `SELECT 1`,
	}
	for in, want := range cases {
		if got := rebindDollar(in); got != want {
			t.Errorf("rebindDollar(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseURL(t *testing.T) {
	for _, c := range []struct{ in, dialect string }{
		{"consortia.db", "sqlite"}, {"sqlite:/tmp/x.db", "sqlite"},
		{"postgres://u:secret@h/db", "postgres"}, {"postgresql://h/db", "postgres"},
	} {
		d, _, target, err := parseURL(c.in)
		if err != nil || string(d) != c.dialect {
			t.Errorf("parseURL(%q) = %s, %v", c.in, d, err)
		}
		if d == Postgres && (target == c.in && c.in != "postgresql://h/db") {
			t.Errorf("target %q keeps the password", target)
		}
	}
	for _, bad := range []string{"mysql://h/db", "sqlite:", ""} {
		if _, _, _, err := parseURL(bad); err == nil {
			t.Errorf("parseURL(%q) accepted", bad)
		}
	}
}
