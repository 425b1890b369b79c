package model

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// reservedSlugs are path segments of pages beside the ones slugs name.
var reservedSlugs = map[string]bool{"new": true, "edit": true, "word-count": true, "blended-rate": true, "delivered": true, "atom": true}

// ValidSlug reports whether s is a lowercase, hyphen-separated slug of 2 to 64
// characters that cannot be mistaken for a numeric id or a page's path.
func ValidSlug(s string) bool {
	if len(s) < 2 || len(s) > 64 || !slugPattern.MatchString(s) || reservedSlugs[s] {
		return false
	}
	return strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// Slugify derives a slug from a name: lowercase ASCII letters and digits
// joined by single hyphens. It may return "" for names without any.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 64 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// NormalizeEmail trims and lowercases an address so it can be compared.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is a bare address (no display name) of sane length.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>") || TextProblem(s, false) != "" {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// ValidWebURL reports whether s is an absolute http or https URL.
func ValidWebURL(s string) bool {
	if TextProblem(s, false) != "" {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= 2048
}

// TextProblem says why s cannot be stored as text, or "" when it can. Text
// is valid UTF-8 without control characters (C0, DEL, C1: NUL breaks
// PostgreSQL and the others hide or reorder what people see); multi-line
// text may hold tabs, line feeds and carriage returns, one-line text (names,
// titles, slugs, addresses) none of them, nor Unicode line separators.
func TextProblem(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8 text"
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\t' || r == '\n' || r == '\r'):
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			return "must be a single line (no line breaks)"
		case unicode.IsControl(r):
			return fmt.Sprintf("must not contain control characters (found U+%04X)", r)
		}
	}
	return ""
}

// checkText records a problem when a required multi-line text is empty, or
// any text is not clean text (see TextProblem) or is longer than max
// characters.
func checkText(p *Problems, field, value string, required bool, max int) {
	checkTextKind(p, field, value, required, max, true)
}

// checkLine is checkText for one-line text.
func checkLine(p *Problems, field, value string, required bool, max int) {
	checkTextKind(p, field, value, required, max, false)
}

// CheckNote checks an optional multi-line text the app takes beside the
// model's inputs (comments, notes, reasons).
func CheckNote(p *Problems, field, value string, max int) {
	checkTextKind(p, field, value, false, max, true)
}

func checkTextKind(p *Problems, field, value string, required bool, max int, multiline bool) {
	if msg := TextProblem(value, multiline); msg != "" {
		p.Add(field, "%s", msg)
		return
	}
	switch {
	case required && strings.TrimSpace(value) == "":
		p.Add(field, "is required")
	case utf8.RuneCountInString(value) > max:
		p.Add(field, "must be at most %d characters (got %d)", max, utf8.RuneCountInString(value))
	}
}

// JoinNames lists names for reading: "A", "A and B", "A, B and C".
func JoinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
