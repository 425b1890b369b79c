// Package notify turns events into messages people read: single
// notifications, digests grouped by consortium, Slack and webhook payloads,
// and the signed one-click links they carry. It does no I/O.
package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Errors of signed links.
var (
	ErrTampered = errors.New("the link is not valid (it was changed or is incomplete)")
	ErrExpired  = errors.New("the link has expired")
)

// Signer signs and checks link tokens with a site secret shared by every
// app instance (kept in the database).
type Signer struct{ Key []byte }

func (s Signer) mac(payload string) string {
	h := hmac.New(sha256.New, s.Key)
	h.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:20])
}

// Sign returns a token carrying the fields, valid until exp (zero: forever).
func (s Signer) Sign(exp time.Time, fields ...string) string {
	e := "0"
	if !exp.IsZero() {
		e = strconv.FormatInt(exp.Unix(), 10)
	}
	payload := base64.RawURLEncoding.EncodeToString([]byte(strings.Join(append([]string{e}, fields...), "\x1f")))
	return payload + "." + s.mac(payload)
}

// Verify checks a token and returns its fields.
func (s Signer) Verify(token string, now time.Time) ([]string, error) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac(payload))) {
		return nil, ErrTampered
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, ErrTampered
	}
	parts := strings.Split(string(raw), "\x1f")
	exp, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return nil, ErrTampered
	}
	if exp != 0 && now.Unix() > exp {
		return nil, ErrExpired
	}
	return parts[1:], nil
}

// AnswerLink is the token of a one-click answer.
func (s Signer) AnswerLink(requestID, userID int64, answer string, exp time.Time) string {
	return s.Sign(exp, "answer", strconv.FormatInt(requestID, 10), strconv.FormatInt(userID, 10), answer)
}

// ParseAnswer reads a one-click answer token.
func (s Signer) ParseAnswer(token string, now time.Time) (requestID, userID int64, answer string, err error) {
	f, err := s.Verify(token, now)
	if err != nil {
		return 0, 0, "", err
	}
	if len(f) != 4 || f[0] != "answer" {
		return 0, 0, "", ErrTampered
	}
	requestID, err1 := strconv.ParseInt(f[1], 10, 64)
	userID, err2 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, "", ErrTampered
	}
	return requestID, userID, f[3], nil
}

// EndorsementLink is the token of an endorsement request's answer page: it
// names the proposal, the community asked and the lead it was sent to.
func (s Signer) EndorsementLink(proposalID, communityID, userID int64, exp time.Time) string {
	return s.Sign(exp, "endorse", strconv.FormatInt(proposalID, 10), strconv.FormatInt(communityID, 10), strconv.FormatInt(userID, 10))
}

// ParseEndorsementLink reads an endorsement request's token.
func (s Signer) ParseEndorsementLink(token string, now time.Time) (proposalID, communityID, userID int64, err error) {
	f, err := s.Verify(token, now)
	if err != nil {
		return 0, 0, 0, err
	}
	if len(f) != 4 || f[0] != "endorse" {
		return 0, 0, 0, ErrTampered
	}
	var ids [3]int64
	for i := range ids {
		if ids[i], err = strconv.ParseInt(f[i+1], 10, 64); err != nil {
			return 0, 0, 0, ErrTampered
		}
	}
	return ids[0], ids[1], ids[2], nil
}

// UnsubscribeLink is the token of a one-click unsubscribe; it does not expire.
func (s Signer) UnsubscribeLink(userID int64) string {
	return s.Sign(time.Time{}, "unsubscribe", strconv.FormatInt(userID, 10))
}

// ParseUnsubscribe reads an unsubscribe token.
func (s Signer) ParseUnsubscribe(token string) (int64, error) {
	f, err := s.Verify(token, time.Now())
	if err != nil {
		return 0, err
	}
	if len(f) != 2 || f[0] != "unsubscribe" {
		return 0, ErrTampered
	}
	id, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, ErrTampered
	}
	return id, nil
}

// WebhookSignature is the value of X-Consortia-Signature for a body sent
// at t: "t=UNIX,v1=HEX", where HEX is the HMAC-SHA256, keyed with the hook's
// secret, of the decimal UNIX time, a dot and the body. The time is signed
// with the body so a receiver can reject old (replayed) posts.
func WebhookSignature(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts + "."))
	h.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(h.Sum(nil))
}
