package notify

import (
	"strings"
	"testing"
	"time"
)

func TestSignedLinks(t *testing.T) {
	s := Signer{Key: []byte("0123456789abcdef0123456789abcdef")}
	now := time.Now()
	tok := s.AnswerLink(12, 34, "Yes, we will", now.Add(time.Hour))
	r, u, a, err := s.ParseAnswer(tok, now)
	if err != nil || r != 12 || u != 34 || a != "Yes, we will" {
		t.Fatalf("round trip: %d %d %q %v", r, u, a, err)
	}
	if _, _, _, err := s.ParseAnswer(tok, now.Add(2*time.Hour)); err != ErrExpired {
		t.Fatalf("expired: %v", err)
	}
	// Changing any character of the payload or signature is detected.
	for i := 0; i < len(tok); i += 7 {
		b := []byte(tok)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		if _, _, _, err := s.ParseAnswer(string(b), now); err == nil {
			t.Fatalf("tampered token at %d accepted", i)
		}
	}
	other := Signer{Key: []byte("another key, another site........")}
	if _, _, _, err := other.ParseAnswer(tok, now); err != ErrTampered {
		t.Fatalf("foreign key: %v", err)
	}
	// An unsubscribe token is not an answer, and vice versa.
	un := s.UnsubscribeLink(34)
	if _, _, _, err := s.ParseAnswer(un, now); err == nil {
		t.Fatal("unsubscribe token accepted as an answer")
	}
	if id, err := s.ParseUnsubscribe(un); err != nil || id != 34 {
		t.Fatalf("unsubscribe: %d %v", id, err)
	}
	if _, err := s.ParseUnsubscribe(tok); err == nil {
		t.Fatal("answer token accepted as unsubscribe")
	}
	if _, err := s.ParseUnsubscribe("garbage"); err != ErrTampered {
		t.Fatalf("garbage: %v", err)
	}
}

// TestWebhookSignatureCarriesTheTime checks the Stripe-style header against
// a value computed elsewhere (Python's hmac module) and that the time is
// part of what is signed.
func TestWebhookSignatureCarriesTheTime(t *testing.T) {
	at := time.Unix(1700000000, 0)
	want := "t=1700000000,v1=c6ef4734033cee2367414a0939385eca0397754aa7a59716da7463a9298b5146"
	if got := WebhookSignature("k", at, []byte("{}")); got != want {
		t.Fatalf("signature %q, want %q", got, want)
	}
	later := WebhookSignature("k", at.Add(time.Second), []byte("{}"))
	if strings.TrimPrefix(later, "t=1700000001,") == strings.TrimPrefix(want, "t=1700000000,") {
		t.Fatal("the signature does not depend on the time")
	}
}
