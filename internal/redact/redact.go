// Package redact masks credentials in connection strings before they reach
// a log line, an error message or a help text: database URLs, SMTP URLs
// and PostgreSQL key/value strings.
package redact

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces every secret.
const Mask = "xxxxx"

// secretKeys are query and key/value parameters that carry a credential.
var secretKeys = map[string]bool{
	"password": true, "sslpassword": true, "passwd": true, "pwd": true, "pass": true,
	"secret": true, "token": true, "apikey": true, "api_key": true, "access_token": true,
}

// keyValue finds key=value pairs, the value plain or single-quoted (with
// backslash escapes), as in a libpq connection string or a query string.
var keyValue = regexp.MustCompile(`(?i)([a-z0-9_%]+)(\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&;]*)`)

// userinfo is everything between "scheme://" and the last "@" before the
// path, for URLs that do not parse.
var userinfo = regexp.MustCompile(`://[^/?#]*@`)

// Connection returns s with every credential masked: the password of a
// URL's userinfo, password-like query parameters, and password=… pairs of a
// key/value string. A URL that does not parse loses its whole userinfo.
func Connection(s string) string {
	if strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), Mask)
			}
			u.RawQuery = maskPairs(u.RawQuery)
			return u.String()
		}
		s = userinfo.ReplaceAllString(s, "://"+Mask+"@")
	}
	return maskPairs(s)
}

func maskPairs(s string) string {
	return keyValue.ReplaceAllStringFunc(s, func(pair string) string {
		m := keyValue.FindStringSubmatch(pair)
		key, _ := url.QueryUnescape(m[1])
		if !secretKeys[strings.ToLower(key)] {
			return pair
		}
		return m[1] + m[2] + Mask
	})
}

// ParseError is a url.Parse error with the URL it quotes masked.
func ParseError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return &url.Error{Op: uerr.Op, URL: Connection(uerr.URL), Err: uerr.Err}
	}
	return err
}
