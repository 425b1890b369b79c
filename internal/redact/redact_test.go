package redact

import (
	"errors"
	"net/url"
	"testing"
)

func TestConnection(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://app:pw@db:5432/x?sslmode=require":                "postgres://app:xxxxx@db:5432/x?sslmode=require",
		"postgres://app@db/x?sslmode=disable&password=pw":            "postgres://app@db/x?sslmode=disable&password=xxxxx",
		"postgres://app@db/x?PassWord=pw&sslpassword=k":              "postgres://app@db/x?PassWord=xxxxx&sslpassword=xxxxx",
		"postgres://app@db/x?pass%77ord=pw":                          "postgres://app@db/x?pass%77ord=xxxxx",
		"postgres://app:pw@db:nope/x":                                "postgres://xxxxx@db:nope/x",
		"host=db user=app password=pw dbname=x":                      "host=db user=app password=xxxxx dbname=x",
		"host=db password = 'p w\\' x' dbname=x":                     "host=db password = xxxxx dbname=x",
		"smtp://mailer:pw@mail.example.org:587?starttls=required":    "smtp://mailer:xxxxx@mail.example.org:587?starttls=required",
		"smtps://mail.example.org:465":                               "smtps://mail.example.org:465",
		"sqlite:/var/lib/consortia/consortia.db":                     "sqlite:/var/lib/consortia/consortia.db",
		"postgres://app@db/x?application_name=consortia&token=t0k3n": "postgres://app@db/x?application_name=consortia&token=xxxxx",
	} {
		if got := Connection(in); got != want {
			t.Errorf("Connection(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseError(t *testing.T) {
	//lint:ignore SA1007 the test needs a URL that does not parse
	_, err := url.Parse("postgres://app:s3cret@db:nope/x")
	got := ParseError(err)
	var uerr *url.Error
	if !errors.As(got, &uerr) || uerr.URL != "postgres://xxxxx@db:nope/x" {
		t.Fatalf("ParseError = %v", got)
	}
}
