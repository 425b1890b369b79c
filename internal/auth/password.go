// Package auth hashes passwords with argon2id and makes and hashes API
// tokens. Its functions hold no state; a Gate bounds concurrent hashing.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost settings. Production uses DefaultParams; tests
// use a low memory cost so they stay fast.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams follow the OWASP recommendation for argon2id (19 MiB, 2
// passes, 1 lane).
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// HashPassword returns a PHC-style encoded argon2id hash with a random salt.
func HashPassword(password string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// ErrMalformedHash means a stored hash cannot be read.
var ErrMalformedHash = errors.New("malformed password hash")

// CheckPassword reports whether password matches the encoded hash, in time
// independent of where they differ. The cost comes from the hash, so old
// hashes keep working when the configured cost changes.
func CheckPassword(password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, ErrMalformedHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, ErrMalformedHash
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// TokenPrefix starts every API token, so leaked tokens are easy to spot.
const TokenPrefix = "cst_"

// NewToken returns a new random API token (shown once), the hash to store
// and a short prefix to display in lists.
func NewToken() (token, hash, display string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", "", err
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), token[:len(TokenPrefix)+6], nil
}

// HashToken hashes an API token for storage and lookup. Tokens carry 256
// random bits, so a fast hash is enough: there is nothing to brute-force.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
