package model

import (
	"time"
	"unicode/utf8"
)

// Site-wide roles. Admins are the host organization's staff; members are
// people affiliated with one or more communities.
const (
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// Password length bounds, in characters.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// User is a person who can sign in.
type User struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        string     `json:"role"`
	CreatedAt   time.Time  `json:"created_at"`
	DisabledAt  *time.Time `json:"disabled_at,omitempty"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
	// SessionVersion and CalendarKeyVersion are stamped into sessions and
	// calendar keys; raising one ends everything stamped before.
	SessionVersion     int64 `json:"-"`
	CalendarKeyVersion int64 `json:"-"`
}

// IsAdmin reports whether u is host-organization staff. A nil user is an
// anonymous visitor.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin && u.DisabledAt == nil }

// UserInput holds the editable fields of a user.
type UserInput struct {
	Email string
	Name  string
	Role  string
}

// Normalize trims and lowercases what should be.
func (in *UserInput) Normalize() {
	in.Email = NormalizeEmail(in.Email)
	in.Name = trimSpace(in.Name)
	if in.Role == "" {
		in.Role = RoleMember
	}
}

// Validate checks a user's fields.
func (in UserInput) Validate() error {
	var p Problems
	checkLine(&p, "email", in.Email, true, 254)
	if !p.Has("email") && !ValidEmail(in.Email) {
		p.Add("email", "must be an email address like name@example.org")
	}
	checkLine(&p, "name", in.Name, true, 120)
	if in.Role != RoleAdmin && in.Role != RoleMember {
		p.Add("role", "must be %q or %q", RoleAdmin, RoleMember)
	}
	return p.Err()
}

// ValidatePassword checks a new password's length.
func ValidatePassword(field, pw string) error {
	var p Problems
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		p.Add(field, "must be valid UTF-8 text")
	case n < MinPasswordLength:
		p.Add(field, "must be at least %d characters", MinPasswordLength)
	case n > MaxPasswordLength:
		p.Add(field, "must be at most %d characters", MaxPasswordLength)
	}
	return p.Err()
}

// APIToken describes a bearer token; the secret itself is shown once and
// only its hash is stored.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// ValidateTokenName checks a token's label.
func ValidateTokenName(name string) error {
	var p Problems
	checkLine(&p, "name", name, true, 80)
	return p.Err()
}
