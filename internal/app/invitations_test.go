package app_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

const site = "https://consortia.example.org"

func newLinkFixture(t *testing.T, s *storage.Store) *fixture {
	t.Helper()
	f := newFixture(t, s)
	if err := f.a.ConfigureNotifications(f.ctx, site); err != nil {
		t.Fatal(err)
	}
	return f
}

// lastLink returns the link under path in the newest outbox message to
// address, and the message's subject.
func (f *fixture) lastLink(s *storage.Store, address, path string) (string, string) {
	f.t.Helper()
	var subject, body string
	if err := s.DB().QueryRow(rebind(s, `SELECT subject, text_body FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1`), address).Scan(&subject, &body); err != nil {
		f.t.Fatalf("no message to %s: %v", address, err)
	}
	m := regexp.MustCompile(regexp.QuoteMeta(site+path) + `(\S+)`).FindStringSubmatch(body)
	if m == nil {
		f.t.Fatalf("no %s link in %q", path, body)
	}
	return m[1], subject
}

func rebind(s *storage.Store, q string) string {
	if s.Dialect() != storage.Postgres {
		return q
	}
	for i := 1; strings.Contains(q, "?"); i++ {
		q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
	}
	return q
}

func tamper(token string) string {
	last := token[len(token)-1]
	c := byte('A')
	if last == 'A' {
		c = 'B'
	}
	return token[:len(token)-1] + string(c)
}

func TestInvitationCreatesAccountWithAffiliation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newLinkFixture(t, s)
		f.community("ruby", nil, nil)
		inv, err := f.a.Invite(f.ctx, f.admin, model.InvitationInput{Email: " New@Example.org ", Name: "Nia New", Community: "ruby", Role: "contact"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if inv.Status != model.InvitationPending || inv.Email != "new@example.org" || inv.CommunityName != "Ruby" {
			t.Fatalf("invitation %+v", inv)
		}
		token, subject := f.lastLink(s, "new@example.org", "/invitations/")
		if !strings.Contains(subject, "Ruby") {
			t.Errorf("subject %q", subject)
		}
		if _, err := f.a.CheckInvitation(f.ctx, tamper(token)); model.ErrorCode(err) != model.EInvalid {
			t.Fatalf("tampered link: %v", err)
		}
		v, err := f.a.CheckInvitation(f.ctx, token)
		if err != nil || v.HasAccount {
			t.Fatalf("check: %+v %v", v, err)
		}
		// Bad input writes nothing.
		users := f.countRows(s, "users")
		_, err = f.a.AcceptInvitation(f.ctx, nil, token, app.AcceptInput{Name: "Nia", Password: "short"})
		fieldNamed(t, err, "password")
		_, err = f.a.AcceptInvitation(f.ctx, nil, token, app.AcceptInput{Name: "Nia\x00", Password: "long enough password"})
		fieldNamed(t, err, "name")
		if f.countRows(s, "users") != users {
			t.Fatal("a refused acceptance wrote a user")
		}
		u, err := f.a.AcceptInvitation(f.ctx, nil, token, app.AcceptInput{Password: "long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "Nia New" || u.Role != model.RoleMember {
			t.Fatalf("user %+v", u)
		}
		p, err := f.a.GetPerson(f.ctx, u, u.ID)
		if err != nil || len(p.Affiliations) != 1 || p.Affiliations[0].Role != "contact" {
			t.Fatalf("affiliations %+v %v", p, err)
		}
		if _, err := f.a.Authenticate(f.ctx, "new@example.org", "long enough password", "192.0.2.1"); err != nil {
			t.Fatalf("cannot sign in with the chosen password: %v", err)
		}
		// Used once.
		if _, err := f.a.AcceptInvitation(f.ctx, nil, token, app.AcceptInput{Name: "X", Password: "long enough password"}); model.ErrorCode(err) != model.EConflict {
			t.Fatalf("reused link: %v", err)
		}
		list, _, err := f.a.ListInvitations(f.ctx, f.admin, model.InvitationFilter{Status: model.InvitationAccepted})
		if err != nil || len(list) != 1 {
			t.Fatalf("accepted list %v %v", list, err)
		}
	})
}

func TestInvitationLinksExpireAndResendReplaces(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newLinkFixture(t, s)
		now := time.Now()
		f.a.Clock = func() time.Time { return now }
		inv, err := f.a.Invite(f.ctx, f.admin, model.InvitationInput{Email: "late@example.org"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		first, _ := f.lastLink(s, "late@example.org", "/invitations/")
		f.a.Clock = func() time.Time { return now.Add(8 * 24 * time.Hour) }
		if _, err := f.a.CheckInvitation(f.ctx, first); model.ErrorCode(err) != model.EInvalid || !strings.Contains(model.ErrorMessage(err), "expired") {
			t.Fatalf("expired link: %v", err)
		}
		if list, _, _ := f.a.ListInvitations(f.ctx, f.admin, model.InvitationFilter{Status: model.InvitationExpired}); len(list) != 1 {
			t.Fatalf("expired list %v", list)
		}
		if _, err := f.a.ResendInvitation(f.ctx, f.admin, inv.ID); err != nil {
			t.Fatal(err)
		}
		second, _ := f.lastLink(s, "late@example.org", "/invitations/")
		if _, err := f.a.CheckInvitation(f.ctx, second); err != nil {
			t.Fatalf("resent link: %v", err)
		}
		f.a.Clock = func() time.Time { return now } // the old link's signature is still in date
		if _, err := f.a.CheckInvitation(f.ctx, first); model.ErrorCode(err) != model.EInvalid {
			t.Fatalf("replaced link still works: %v", err)
		}
		if err := f.a.RevokeInvitation(f.ctx, f.admin, inv.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.AcceptInvitation(f.ctx, nil, second, app.AcceptInput{Name: "L", Password: "long enough password"}); model.ErrorCode(err) != model.EInvalid {
			t.Fatalf("revoked link: %v", err)
		}
		if err := f.a.RevokeInvitation(f.ctx, f.admin, inv.ID); model.ErrorCode(err) != model.EConflict {
			t.Fatalf("second revoke: %v", err)
		}
	})
}

func TestInvitationPermissions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newLinkFixture(t, s)
		lead := f.user("lead@example.org", "Lee Lead", model.RoleMember)
		member := f.user("member@example.org", "Mo Member", model.RoleMember)
		ruby := f.community("ruby", nil, lead)
		f.community("perl", nil, nil)
		if _, err := f.a.SetAffiliation(f.ctx, f.admin, "perl", member.Email, model.AffiliationMember); err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]struct {
			actor *model.User
			in    model.InvitationInput
			code  string
			field string
		}{
			"lead into another community": {lead, model.InvitationInput{Email: "x@example.org", Community: "perl"}, model.EForbidden, ""},
			"lead without a community":    {lead, model.InvitationInput{Email: "x@example.org"}, model.EForbidden, ""},
			"member into own community":   {member, model.InvitationInput{Email: "x@example.org", Community: "perl"}, model.EForbidden, ""},
			"anonymous":                   {nil, model.InvitationInput{Email: "x@example.org", Community: "ruby"}, model.EUnauthorized, ""},
			"malformed email":             {f.admin, model.InvitationInput{Email: "not-an-address"}, model.EInvalid, "email"},
			"missing email":               {f.admin, model.InvitationInput{Community: "ruby"}, model.EInvalid, "email"},
			"control character in name":   {f.admin, model.InvitationInput{Email: "x@example.org", Name: "A\x07"}, model.EInvalid, "name"},
			"oversize name":               {f.admin, model.InvitationInput{Email: "x@example.org", Name: strings.Repeat("n", 121)}, model.EInvalid, "name"},
			"unknown role":                {f.admin, model.InvitationInput{Email: "x@example.org", Community: "ruby", Role: "owner"}, model.EInvalid, "role"},
			"role without community":      {f.admin, model.InvitationInput{Email: "x@example.org", Role: "lead"}, model.EInvalid, "role"},
			"unknown community":           {f.admin, model.InvitationInput{Email: "x@example.org", Community: "nope"}, model.EInvalid, "community"},
			"existing account":            {f.admin, model.InvitationInput{Email: member.Email}, model.EConflict, ""},
			"already in the community":    {f.admin, model.InvitationInput{Email: lead.Email, Community: "ruby"}, model.EConflict, ""},
		} {
			_, err := f.a.Invite(f.ctx, c.actor, c.in, 0)
			if model.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
			if c.field != "" {
				fieldNamed(t, err, c.field)
			}
		}
		if n := f.countRows(s, "invitations") + f.countRows(s, "outbox"); n != 0 {
			t.Fatalf("refused invitations wrote %d rows", n)
		}
		inv, err := f.a.Invite(f.ctx, lead, model.InvitationInput{Email: "x@example.org", Community: "ruby", Role: "lead"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Invite(f.ctx, lead, model.InvitationInput{Email: "x@example.org", Community: "ruby"}, 0); model.ErrorCode(err) != model.EConflict {
			t.Fatalf("second pending invitation: %v", err)
		}
		// The lead sees and manages only their community's invitations.
		other, err := f.a.Invite(f.ctx, f.admin, model.InvitationInput{Email: "y@example.org", Community: "perl"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		list, total, err := f.a.ListInvitations(f.ctx, lead, model.InvitationFilter{})
		if err != nil || total != 1 || list[0].ID != inv.ID || *list[0].CommunityID != ruby.ID {
			t.Fatalf("lead's list %v %d %v", list, total, err)
		}
		if err := f.a.RevokeInvitation(f.ctx, lead, other.ID); model.ErrorCode(err) != model.ENotFound {
			t.Fatalf("lead revoking another community's invitation: %v", err)
		}
		if _, _, err := f.a.ListInvitations(f.ctx, member, model.InvitationFilter{}); model.ErrorCode(err) != model.EForbidden {
			t.Fatalf("member listing invitations: %v", err)
		}
		if _, _, err := f.a.ListInvitations(f.ctx, f.admin, model.InvitationFilter{Status: "nope"}); model.ErrorCode(err) != model.EInvalid {
			t.Fatalf("unknown status: %v", err)
		}
	})
}

func TestInvitationToExistingAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newLinkFixture(t, s)
		old := f.user("old@example.org", "Olu Old", model.RoleMember)
		f.community("ruby", nil, nil)
		f.community("perl", nil, nil)
		inv, err := f.a.Invite(f.ctx, f.admin, model.InvitationInput{Email: old.Email, Community: "ruby", Role: "lead"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		token, _ := f.lastLink(s, old.Email, "/invitations/")
		if v, err := f.a.CheckInvitation(f.ctx, token); err != nil || !v.HasAccount {
			t.Fatalf("check %+v %v", v, err)
		}
		if _, err := f.a.AcceptInvitation(f.ctx, nil, token, app.AcceptInput{}); model.ErrorCode(err) != model.EUnauthorized {
			t.Fatalf("accepting for an account while signed out: %v", err)
		}
		if _, err := f.a.AcceptInvitation(f.ctx, f.admin, token, app.AcceptInput{}); model.ErrorCode(err) != model.EUnauthorized {
			t.Fatalf("accepting as someone else: %v", err)
		}
		todo, err := f.a.PendingInvitations(f.ctx, old)
		if err != nil || len(todo) != 1 || todo[0].URL != "/account#invitations" || !strings.Contains(todo[0].Title, "Ruby") || todo[0].Kind != model.TodoInvitation {
			t.Fatalf("to-do %+v %v", todo, err)
		}
		if _, err := f.a.AcceptInvitation(f.ctx, old, token, app.AcceptInput{}); err != nil {
			t.Fatal(err)
		}
		p, _ := f.a.GetPerson(f.ctx, old, old.ID)
		if len(p.Affiliations) != 1 || p.Affiliations[0].Role != "lead" {
			t.Fatalf("affiliations %+v", p.Affiliations)
		}
		if todo, _ := f.a.PendingInvitations(f.ctx, old); len(todo) != 0 {
			t.Fatalf("accepted invitation still a to-do: %+v", todo)
		}
		second0, err := f.a.Invite(f.ctx, f.admin, model.InvitationInput{Email: old.Email, Community: "perl", Role: "member"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		all, err := f.a.Todos(f.ctx, old)
		if err != nil || !slices.ContainsFunc(all, func(td model.Todo) bool { return td.Key == "invitation:"+strconv.FormatInt(second0.ID, 10) }) {
			t.Fatalf("the invitation is not on the to-do list: %+v %v", all, err)
		}
		if err := f.a.RevokeInvitation(f.ctx, f.admin, second0.ID); err != nil {
			t.Fatal(err)
		}
		_ = inv
		// From the account page, without the link; and not for a disabled account.
		second, err := f.a.Invite(f.ctx, f.admin, model.InvitationInput{Email: old.Email, Community: "perl"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.AcceptMyInvitation(f.ctx, f.admin, second.ID); model.ErrorCode(err) != model.ENotFound {
			t.Fatalf("accepting another's invitation: %v", err)
		}
		token, _ = f.lastLink(s, old.Email, "/invitations/")
		if _, err := f.a.SetUserDisabled(f.ctx, f.admin, old.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.AcceptInvitation(f.ctx, old, token, app.AcceptInput{}); model.ErrorCode(err) != model.EForbidden {
			t.Fatalf("disabled account: %v", err)
		}
		if _, err := f.a.SetUserDisabled(f.ctx, f.admin, old.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.AcceptMyInvitation(f.ctx, old, second.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestBulkInvitations(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newLinkFixture(t, s)
		lead := f.user("lead@example.org", "Lee Lead", model.RoleMember)
		f.community("ruby", nil, lead)
		f.community("perl", nil, nil)
		list := "email,name,community,role\nA@example.org,Ann,ruby,member\nb@example.org,Bo,perl,lead\n\nnot-an-address,C,ruby\na@example.org,Ann again,ruby\n"
		rows, sent, err := f.a.InviteMany(f.ctx, lead, list, false)
		if model.ErrorCode(err) != model.EInvalid || sent != nil {
			t.Fatalf("bulk with bad lines: %v %v", sent, err)
		}
		if len(rows) != 4 || rows[0].Problem != "" || rows[1].Problem == "" || !strings.Contains(rows[2].Problem, "email") || !strings.Contains(rows[3].Problem, "repeats line 2") {
			t.Fatalf("rows %+v", rows)
		}
		if rows[1].Line != 3 {
			t.Errorf("line numbers %+v", rows)
		}
		if n := f.countRows(s, "invitations") + f.countRows(s, "outbox"); n != 0 {
			t.Fatalf("a refused list wrote %d rows", n)
		}
		good := "a@example.org,Ann,ruby\nc@example.org,,ruby,contact"
		rows, sent, err = f.a.InviteMany(f.ctx, lead, good, true)
		if err != nil || len(rows) != 2 || sent != nil || f.countRows(s, "invitations") != 0 {
			t.Fatalf("preview: %+v %v %v", rows, sent, err)
		}
		if _, sent, err = f.a.InviteMany(f.ctx, lead, good, false); err != nil || len(sent) != 2 || f.countRows(s, "outbox") != 2 {
			t.Fatalf("send: %v %v", sent, err)
		}
		for name, text := range map[string]string{"empty": " \n", "NUL": "a@example.org\x00", "bad quote": "\"a@example.org,x"} {
			if _, _, err := f.a.InviteMany(f.ctx, f.admin, text, true); model.ErrorCode(err) != model.EInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, _, err := f.a.InviteMany(f.ctx, f.admin, strings.Repeat("a@example.org\n", app.MaxBulkInvitations+1), true); model.ErrorCode(err) != model.ETooLarge {
			t.Errorf("oversize list: %v", err)
		}
	})
}
