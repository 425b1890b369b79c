package app_test

import (
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

var introLink = regexp.MustCompile(`/introduction-answers/([A-Za-z0-9_.-]+)`)

// introLinks returns the accept and decline tokens of the ask emails sent
// to an address, oldest first.
func introLinks(t *testing.T, s *storage.Store, email string) (accept, decline []string) {
	t.Helper()
	rows, err := s.DB().Query(`SELECT text_body FROM outbox WHERE recipient = '` + email + `' AND subject LIKE 'Introduction:%your answer%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		m := introLink.FindAllStringSubmatch(body, -1)
		if len(m) != 2 {
			t.Fatalf("ask email without two links:\n%s", body)
		}
		accept, decline = append(accept, m[0][1]), append(decline, m[1][1])
	}
	return accept, decline
}

func TestIntroductionDoubleOptIn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		if err := f.a.ConfigureNotifications(f.ctx, "http://consortia.test"); err != nil {
			t.Fatal(err)
		}
		leadP := f.user("p@example.org", "Pat Problem", model.RoleMember)
		leadS := f.user("s@example.org", "Sol Solver", model.RoleMember)
		outsider := f.user("o@example.org", "Oz Outside", model.RoleMember)
		f.community("problemu", []string{"gpu"}, leadP)
		f.community("solvedu", []string{"gpu"}, leadS)
		f.community("lonely", nil, nil)

		// Bad input: nothing is written.
		before := f.countRows(s, "introductions")
		_, err := f.a.CreateIntroduction(f.ctx, f.admin, model.IntroductionInput{Kind: "problem_solver", FromCommunity: "problemu", ToCommunity: "problemu", Note: "x"})
		code(t, err, model.EInvalid)
		fieldNamed(t, err, "to_community")
		_, err = f.a.CreateIntroduction(f.ctx, f.admin, model.IntroductionInput{Kind: "funder", Contact: &model.Contact{Name: "Fay", Email: "not-an-email"}, Note: "x"})
		fieldNamed(t, err, "contact.email")
		_, err = f.a.CreateIntroduction(f.ctx, f.admin, model.IntroductionInput{Kind: "problem_solver", FromCommunity: "problemu", ToCommunity: "nowhere", Note: "x"})
		fieldNamed(t, err, "to_community")
		_, err = f.a.CreateIntroduction(f.ctx, f.admin, model.IntroductionInput{Kind: "cousin", Note: "x"})
		fieldNamed(t, err, "kind")
		_, err = f.a.CreateIntroduction(f.ctx, f.admin, model.IntroductionInput{Kind: "peer", FromCommunity: "problemu", ToCommunity: "solvedu", Note: "bad\x00note"})
		fieldNamed(t, err, "note")
		_, err = f.a.CreateIntroduction(f.ctx, leadP, model.IntroductionInput{Kind: "problem_solver", FromCommunity: "problemu", ToCommunity: "solvedu", Note: "x"})
		code(t, err, model.EForbidden)
		_, err = f.a.CreateIntroduction(f.ctx, nil, model.IntroductionInput{Kind: "peer", FromCommunity: "problemu", ToCommunity: "solvedu", Note: "x"})
		code(t, err, model.EUnauthorized)
		if n := f.countRows(s, "introductions"); n != before {
			t.Fatalf("bad input wrote %d introductions", n-before)
		}

		v, err := f.a.CreateIntroduction(f.ctx, f.admin, model.IntroductionInput{Kind: "problem_solver", FromCommunity: "problemu",
			ToCommunity: "solvedu", Note: "Solvedu runs GPU quotas that Problemu needs."})
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != model.IntroSuggested || len(v.Moves) != 1 || v.Connector().Slug != "solvedu" {
			t.Fatalf("created: %+v", v.Introduction)
		}
		// Out of order: suggested cannot jump to introduced or outcome.
		_, err = f.a.MoveIntroduction(f.ctx, f.admin, v.ID, model.StatusMove{To: model.IntroOutcome, Outcome: model.OutcomeNoFit})
		code(t, err, model.EConflict)
		_, err = f.a.MoveIntroduction(f.ctx, f.admin, v.ID, model.StatusMove{To: model.IntroIntroduced})
		code(t, err, model.EConflict)
		// An outsider sees nothing of it while it is private.
		_, err = f.a.GetIntroduction(f.ctx, outsider, v.ID)
		code(t, err, model.ENotFound)
		_, err = f.a.GetIntroduction(f.ctx, nil, v.ID)
		code(t, err, model.ENotFound)

		if _, err := f.a.MoveIntroduction(f.ctx, f.admin, v.ID, model.StatusMove{To: model.IntroAsked, Note: "Asking both."}); err != nil {
			t.Fatal(err)
		}
		// Asked: only the leads' answers make it introduced.
		_, err = f.a.MoveIntroduction(f.ctx, f.admin, v.ID, model.StatusMove{To: model.IntroIntroduced})
		code(t, err, model.EConflict)
		pending, err := f.a.PendingIntroductionAnswers(f.ctx, leadP)
		if err != nil || len(pending) != 1 || pending[0].URL != "/introductions/"+strconv.FormatInt(v.ID, 10) {
			t.Fatalf("pending answers: %+v %v", pending, err)
		}
		todos, err := f.a.Todos(f.ctx, leadS)
		if err != nil || !slices.ContainsFunc(todos, func(td model.Todo) bool { return td.Kind == model.TodoIntroduction && td.URL == pending[0].URL }) {
			t.Fatalf("the solver's lead has no introduction to-do: %+v %v", todos, err)
		}
		acceptP, _ := introLinks(t, s, "p@example.org")
		acceptS, declineS := introLinks(t, s, "s@example.org")
		if len(acceptP) != 1 || len(acceptS) != 1 {
			t.Fatalf("ask emails: %d and %d", len(acceptP), len(acceptS))
		}
		// A changed link is refused.
		_, err = f.a.CheckIntroductionLink(f.ctx, acceptP[0]+"x")
		code(t, err, model.EInvalid)
		if p := f.a.IntroductionLinkProblem(acceptP[0]+"x", err); p != "tampered" {
			t.Fatalf("tampered link: %q", p)
		}
		// An expired link is refused and records nothing.
		f.a.Clock = func() time.Time { return time.Now().Add(30 * 24 * time.Hour) }
		_, err = f.a.AnswerIntroductionByLink(f.ctx, acceptP[0])
		if p := f.a.IntroductionLinkProblem(acceptP[0], err); err == nil || p != "expired" {
			t.Fatalf("expired link: %v %q", err, p)
		}
		f.a.Clock = nil
		if n := f.countRows(s, "introduction_consents"); n != 0 {
			t.Fatalf("expired link wrote %d consents", n)
		}

		l, err := f.a.AnswerIntroductionByLink(f.ctx, acceptP[0])
		if err != nil || l.Community.Slug != "problemu" || l.Person.ID != leadP.ID {
			t.Fatalf("accept: %+v %v", l, err)
		}
		// The same link twice: refused, nothing written.
		_, err = f.a.AnswerIntroductionByLink(f.ctx, acceptP[0])
		code(t, err, model.EConflict)
		if p := f.a.IntroductionLinkProblem(acceptP[0], err); p != "used" {
			t.Fatalf("used link: %q", p)
		}
		if n := f.countRows(s, "introduction_consents"); n != 1 {
			t.Fatalf("consents: %d", n)
		}
		if _, err := f.a.CheckIntroductionLink(f.ctx, declineS[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.AnswerIntroductionByLink(f.ctx, acceptS[0]); err != nil {
			t.Fatal(err)
		}
		got, err := f.a.GetIntroduction(f.ctx, f.admin, v.ID)
		if err != nil || got.Status != model.IntroIntroduced {
			t.Fatalf("after both accepted: %+v %v", got, err)
		}
		// The declining link of the other lead now finds it answered.
		_, err = f.a.AnswerIntroductionByLink(f.ctx, declineS[0])
		code(t, err, model.EConflict)
		var made int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE subject = 'Meet each other: Problemu ↔ Solvedu'`).Scan(&made); err != nil || made != 2 {
			t.Fatalf("introduction emails: %d %v", made, err)
		}
		// Once made, anyone sees it; the pipeline goes on to an outcome.
		if _, err := f.a.GetIntroduction(f.ctx, nil, v.ID); err != nil {
			t.Fatal(err)
		}
		c, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "GPU sharing", Problem: "GPUs are scarce.", CriticalCommunities: 1, CriticalPeople: 1, Visibility: model.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.a.MoveIntroduction(f.ctx, f.admin, v.ID, model.StatusMove{To: model.IntroOutcome, Outcome: model.OutcomeJoinedConsortium})
		fieldNamed(t, err, "consortium")
		_, err = f.a.MoveIntroduction(f.ctx, outsider, v.ID, model.StatusMove{To: model.IntroInConversation})
		code(t, err, model.EForbidden)
		if _, err := f.a.MoveIntroduction(f.ctx, f.admin, v.ID, model.StatusMove{To: model.IntroInConversation}); err != nil {
			t.Fatal(err)
		}
		done, err := f.a.MoveIntroduction(f.ctx, f.admin, v.ID, model.StatusMove{To: model.IntroOutcome, Outcome: model.OutcomeJoinedConsortium, Consortium: c.Slug})
		if err != nil || done.OutcomeConsortium == nil || done.StatusLabel() != "Joined consortium" || len(done.Moves) != 5 {
			t.Fatalf("outcome: %+v %v", done, err)
		}
		_, err = f.a.MoveIntroduction(f.ctx, f.admin, v.ID, model.StatusMove{To: model.IntroOutcome, Outcome: model.OutcomeNoFit})
		code(t, err, model.EConflict)
		conns, err := f.a.Connections(f.ctx, nil, "solvedu")
		if err != nil || len(conns) != 1 || conns[0].Outcome != model.OutcomeJoinedConsortium {
			t.Fatalf("connections of the solver: %+v %v", conns, err)
		}
		if conns[0].OutcomeConsortium != nil {
			t.Fatal("a visitor sees the proposed (non-public) consortium of the outcome")
		}
	})
}

func TestIntroductionContactsArePrivate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		member := f.user("m@example.org", "Mo Member", model.RoleMember)
		colleague := f.user("k@example.org", "Kim Colleague", model.RoleMember)
		outsider := f.user("o@example.org", "Oz Outside", model.RoleMember)
		f.community("memberu", nil, member)
		if _, err := f.a.SetAffiliation(f.ctx, f.admin, "memberu", colleague.Email, model.AffiliationMember); err != nil {
			t.Fatal(err)
		}
		f.community("otheru", nil, nil)
		funder := &model.Contact{Name: "Fay Funder", Organization: "Open Science Fund", Email: "Fay@Fund.example"}
		// Only for a community one belongs to.
		_, err := f.a.CreateIntroduction(f.ctx, member, model.IntroductionInput{Kind: "funder", FromCommunity: "otheru", Contact: funder, Note: "x"})
		code(t, err, model.EForbidden)
		v, err := f.a.CreateIntroduction(f.ctx, member, model.IntroductionInput{Kind: "funder", FromCommunity: "memberu", Contact: funder,
			Note: "Fay funds reproducibility work."})
		if err != nil {
			t.Fatal(err)
		}
		if v.Contact == nil || v.Contact.Email != "fay@fund.example" {
			t.Fatalf("the introducer sees the contact: %+v", v.Contact)
		}
		for _, u := range []*model.User{colleague} {
			got, err := f.a.GetIntroduction(f.ctx, u, v.ID)
			if err != nil || got.Contact != nil || !got.HasContact {
				t.Fatalf("a colleague sees the contact: %+v %v", got, err)
			}
		}
		if got, err := f.a.GetIntroduction(f.ctx, f.admin, v.ID); err != nil || got.Contact == nil {
			t.Fatalf("staff see the contact: %+v %v", got, err)
		}
		_, err = f.a.GetIntroduction(f.ctx, outsider, v.ID)
		code(t, err, model.ENotFound)
		list, err := f.a.ListIntroductions(f.ctx, outsider, app.IntroductionQuery{})
		if err != nil || len(list) != 0 {
			t.Fatalf("an outsider lists %d introductions (%v)", len(list), err)
		}
		// Asked needs the introducer's word that the contact was asked.
		_, err = f.a.MoveIntroduction(f.ctx, member, v.ID, model.StatusMove{To: model.IntroAsked})
		fieldNamed(t, err, "contact_asked")
		for _, m := range []model.StatusMove{{To: model.IntroAsked, ContactAsked: true}, {To: model.IntroIntroduced}} {
			if _, err := f.a.MoveIntroduction(f.ctx, member, v.ID, m); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.a.MoveIntroduction(f.ctx, member, v.ID, model.StatusMove{To: model.IntroOutcome, Outcome: model.OutcomeFunded, Amount: 0, Currency: "XXX"})
		fieldNamed(t, err, "amount")
		fieldNamed(t, err, "currency")
		got, err := f.a.MoveIntroduction(f.ctx, member, v.ID, model.StatusMove{To: model.IntroOutcome, Outcome: model.OutcomeFunded,
			Amount: 2_500_000, Currency: "USD", Goal: "Reproducible builds"})
		if err != nil || got.OutcomeAmount != 2_500_000 || got.Connector().Slug != "memberu" {
			t.Fatalf("funded: %+v %v", got, err)
		}
	})
}

// TestIntroductionAnswersAtOnce: both leads accept at the same moment; the
// answers are recorded one after the other, so the last sees the first and
// the introduction is made exactly once. A decline closes it as no fit.
func TestIntroductionAnswersAtOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		if err := f.a.ConfigureNotifications(f.ctx, "http://consortia.test"); err != nil {
			t.Fatal(err)
		}
		leads := []*model.User{f.user("p@example.org", "Pat Problem", model.RoleMember), f.user("s@example.org", "Sol Solver", model.RoleMember)}
		f.community("problemu", nil, leads[0])
		f.community("solvedu", nil, leads[1])
		ask := func() int64 {
			v, err := f.a.CreateIntroduction(f.ctx, f.admin, model.IntroductionInput{Kind: "problem_solver", FromCommunity: "problemu", ToCommunity: "solvedu", Note: "Meet."})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.MoveIntroduction(f.ctx, f.admin, v.ID, model.StatusMove{To: model.IntroAsked}); err != nil {
				t.Fatal(err)
			}
			return v.ID
		}
		id := ask()
		errs := make(chan error, 2)
		for i, slug := range []string{"problemu", "solvedu"} {
			go func() {
				_, err := f.a.AnswerIntroduction(f.ctx, leads[i], id, slug, model.ConsentAccepted)
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		v, err := f.a.GetIntroduction(f.ctx, f.admin, id)
		if err != nil || v.Status != model.IntroIntroduced || len(v.Consents) != 2 {
			t.Fatalf("after answers at once: %+v %v", v, err)
		}
		var made int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Meet each other:%'`).Scan(&made); err != nil || made != 2 {
			t.Fatalf("connecting emails: %d %v", made, err)
		}
		// A lead answers only for their own community.
		id = ask()
		_, err = f.a.AnswerIntroduction(f.ctx, leads[0], id, "solvedu", model.ConsentAccepted)
		code(t, err, model.EForbidden)
		_, err = f.a.AnswerIntroduction(f.ctx, leads[0], id, "problemu", "maybe")
		fieldNamed(t, err, "answer")
		if v, err = f.a.AnswerIntroduction(f.ctx, leads[1], id, "solvedu", model.ConsentDeclined); err != nil {
			t.Fatal(err)
		}
		if v.Status != model.IntroOutcome || v.Outcome != model.OutcomeNoFit {
			t.Fatalf("after a decline: %+v", v.Introduction)
		}
		_, err = f.a.AnswerIntroduction(f.ctx, leads[0], id, "problemu", model.ConsentAccepted)
		code(t, err, model.EConflict)
	})
}
