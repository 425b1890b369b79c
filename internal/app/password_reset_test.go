package app_test

import (
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

func TestPasswordReset(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newLinkFixture(t, s)
		u := f.user("reset@example.org", "Rae Reset", model.RoleMember)
		// Unknown and known addresses get the same answer; only the known one gets mail.
		if err := f.a.RequestPasswordReset(f.ctx, "nobody@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if n := f.countRows(s, "outbox"); n != 0 {
			t.Fatalf("mail for an unknown address: %d", n)
		}
		if err := f.a.RequestPasswordReset(f.ctx, "Reset@Example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		token, _ := f.lastLink(s, u.Email, "/password-reset/")
		for name, bad := range map[string]string{"tampered": tamper(token), "garbage": "x.y", "empty": ""} {
			if _, err := f.a.ResetPassword(f.ctx, bad, "a brand new password"); model.ErrorCode(err) != model.EInvalid {
				t.Errorf("%s link: %v", name, err)
			}
		}
		if err := f.a.CheckResetLink(f.ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ResetPassword(f.ctx, token, "short"); model.ErrorCode(err) != model.EInvalid {
			t.Fatalf("short password: %v", err)
		}
		before, _ := s.UserByID(f.ctx, u.ID)
		got, err := f.a.ResetPassword(f.ctx, token, "a brand new password")
		if err != nil {
			t.Fatal(err)
		}
		if got.SessionVersion <= before.SessionVersion {
			t.Fatalf("sessions not ended: %d → %d", before.SessionVersion, got.SessionVersion)
		}
		if _, err := f.a.Authenticate(f.ctx, u.Email, "a brand new password", "192.0.2.9"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		if _, err := f.a.ResetPassword(f.ctx, token, "yet another password"); model.ErrorCode(err) != model.EInvalid {
			t.Fatalf("reused link: %v", err)
		}
		// Expired.
		if err := f.a.RequestPasswordReset(f.ctx, u.Email, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		token, _ = f.lastLink(s, u.Email, "/password-reset/")
		f.a.Clock = func() time.Time { return time.Now().Add(2 * time.Hour) }
		if err := f.a.CheckResetLink(f.ctx, token); model.ErrorCode(err) != model.EInvalid {
			t.Fatalf("expired link: %v", err)
		}
		f.a.Clock = nil
		// Disabled account: no link works, no mail is sent.
		if _, err := f.a.SetUserDisabled(f.ctx, f.admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ResetPassword(f.ctx, token, "yet another password"); model.ErrorCode(err) != model.EForbidden {
			t.Fatalf("disabled account: %v", err)
		}
		mails := f.countRows(s, "outbox")
		if err := f.a.RequestPasswordReset(f.ctx, u.Email, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if f.countRows(s, "outbox") != mails {
			t.Fatal("reset mail for a disabled account")
		}
		// Rate limited per address asked for, unknown ones alike.
		if err := f.a.RequestPasswordReset(f.ctx, u.Email, "192.0.2.1"); model.ErrorCode(err) != model.ERateLimited {
			t.Fatalf("fourth request for one account: %v", err)
		}
		for i := 0; i < 3; i++ {
			if err := f.a.RequestPasswordReset(f.ctx, "ghost@example.org", "192.0.2.2"); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.a.RequestPasswordReset(f.ctx, "ghost@example.org", "192.0.2.3"); model.ErrorCode(err) != model.ERateLimited {
			t.Fatalf("fourth request for an unknown address: %v", err)
		}
		for name, bad := range map[string]string{"NUL": "a\x00@example.org", "malformed": "nobody", "missing": ""} {
			if err := f.a.RequestPasswordReset(f.ctx, bad, "192.0.2.4"); model.ErrorCode(err) != model.EInvalid {
				t.Errorf("%s address: %v", name, err)
			}
		}
	})
}
