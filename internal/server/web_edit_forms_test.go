package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestWebEditRound: staff change a round until its first ballot; members
// cannot; bad input is shown again with the field's message.
func TestWebEditRound(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	ctx := context.Background()
	clock := time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC)
	e.app.Clock = func() time.Time { return clock }
	lead := prLead(e, "alpha")
	c, ids := prConsortium(e, "Edits", model.VisibilityPublic, []string{"One", "Two", "Three"}, map[string][]string{"alpha": {model.RoleReactPrioritize}})
	rd, err := e.app.CreateRound(ctx, e.admin, c.Slug, model.RoundInput{Quarter: "2027-Q3", OpensAt: clock.Add(time.Hour), ClosesAt: clock.Add(3 * time.Hour),
		CandidateIDs: ids[:2]})
	if err != nil {
		t.Fatal(err)
	}
	page, edit := fmt.Sprintf("/rounds/%d", rd.ID), fmt.Sprintf("/rounds/%d/edit", rd.ID)
	one, two, three := strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10), strconv.FormatInt(ids[2], 10)

	staff := prSignIn(e, "admin@example.org")
	has(t, staff.get(page), `href="`+edit+`"`)
	r := staff.get(edit)
	prStatus(t, "edit form", r, 200)
	has(t, r, `value="2027-Q3"`, `name="candidate_ids" value="`+one+`" checked`, `name="candidate_ids" value="`+three+`" >`,
		`value="2027-04-01T10:00"`, `action="`+edit+`"`)

	form := url.Values{"title": {"Renamed round"}, "quarter": {"2027-Q3"}, "ballot_type": {model.BallotApproval},
		"opens": {"2027-04-01T10:00"}, "closes": {"2027-04-01T12:00"}, "time_zone": {"UTC"}, "candidate_ids": {one, two, three}}

	member := prSignIn(e, lead.Email)
	prLacks(t, member.get(page), `href="`+edit+`"`)
	prStatus(t, "member opens the edit form", member.get(edit), 403)
	prStatus(t, "member posts the edit form", member.post(edit, form), 403)

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("quarter", "soon")
	r = staff.post(edit, bad)
	prStatus(t, "bad quarter", r, 422)
	has(t, r, `id="quarter-error" class="field-error"`, `value="soon"`)

	prStatus(t, "staff edit", staff.post(edit, form), 303)
	r = staff.get(page)
	has(t, r, "Renamed round", "Approval ballots", "Three")
	if got, _ := e.app.GetRound(ctx, e.admin, rd.ID); got == nil || len(got.Candidates) != 3 || got.BallotType != model.BallotApproval {
		t.Fatalf("round after edit: %+v", got)
	}

	clock = clock.Add(90 * time.Minute)
	if err := e.app.CastBallot(ctx, lead, rd.ID, "alpha", model.BallotInput{Approved: []int64{ids[0]}}); err != nil {
		t.Fatal(err)
	}
	prLacks(t, staff.get(page), `href="`+edit+`"`)
	r = staff.get(edit)
	prStatus(t, "edit form after a ballot", r, 200)
	has(t, r, "This round can no longer be changed")
	prLacks(t, r, `id="round-edit-form"`)
	r = staff.post(edit, form)
	prStatus(t, "edit after a ballot", r, 409)
	has(t, r, "can no longer be changed")
}

// TestWebEditFundingGoal: staff change an open goal's amount and settings;
// members cannot; a bad amount is shown again with the field's message.
func TestWebEditFundingGoal(t *testing.T) {
	w := fdNew(t, storagetest.Open(t, storage.SQLite), "Alerts")
	e := w.e
	ctx := context.Background()
	g, err := e.app.CreateGoal(ctx, e.admin, model.FundingGoalInput{InitiativeRef: w.initiative.Slug, Amount: 3000000, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	page, edit := fmt.Sprintf("/funding/%d", g.ID), fmt.Sprintf("/funding/%d/edit", g.ID)

	staff := prSignIn(e, "admin@example.org")
	has(t, staff.get(page), `href="`+edit+`"`)
	r := staff.get(edit)
	prStatus(t, "edit form", r, 200)
	has(t, r, `value="30000.00"`, `<option selected>EUR</option>`, fmt.Sprintf(`name="version" value="%d"`, g.Version))

	form := url.Values{"amount": {"45000"}, "currency": {"EUR"}, "deadline": {"2027-06-30T17:00"}, "all_or_nothing": {"1"},
		"note": {"Raised for the pilot."}, "version": {strconv.FormatInt(g.Version, 10)}}

	member := prSignIn(e, w.emails["north"])
	prLacks(t, member.get(page), `href="`+edit+`"`)
	prStatus(t, "member opens the edit form", member.get(edit), 403)
	prStatus(t, "member posts the edit form", member.post(edit, form), 403)

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("amount", "-5")
	r = staff.post(edit, bad)
	prStatus(t, "bad amount", r, 422)
	has(t, r, `id="amount-error" class="field-error"`, `value="-5"`)

	prStatus(t, "staff edit", staff.post(edit, form), 303)
	has(t, staff.get(page), "All or nothing", "Raised for the pilot.")
	v, err := e.app.GetGoal(ctx, e.admin, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Goal.Amount != 4500000 || !v.AllOrNothing || v.Deadline == nil || !v.Deadline.Equal(time.Date(2027, 6, 30, 17, 0, 0, 0, time.UTC)) {
		t.Fatalf("goal after edit: %+v", v.FundingGoal)
	}
	// The form read before the change is stale now.
	prStatus(t, "stale version", staff.post(edit, form), 409)
}
