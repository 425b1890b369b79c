package app

import (
	"context"
	"fmt"
	"slices"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Testing calls: staff ask the member communities of the consortia that
// have an initiative in scope to try it while it is in flight (or a release
// once it is done). Communities with the test role, or whose early-adopter
// choice is some or lots, may enrol (model.MayTest); the test role and
// "lots" are asked directly (a request, delivered at once), "some" hear of
// it in their news. Calls and their enrolments are for people signed in;
// the reports themselves for staff and the people of the enrolled
// communities.

// TestingCallView is a call as its page shows it to one reader.
type TestingCallView struct {
	*model.TestingCall
	Summary model.TestingSummary `json:"summary"`
	// Feedback is empty unless CanSeeFeedback.
	Feedback       []*model.TestingFeedback `json:"feedback"`
	CanSeeFeedback bool                     `json:"-"`
	CanManage      bool                     `json:"-"`
	// Enrolments are the communities the reader leads that may enrol, with
	// their people to choose testers from.
	Enrolments []EnrolChoice `json:"-"`
	// ReportFor are the enrolled communities the reader may report for.
	ReportFor []model.CommunityRef `json:"-"`
	// MyFeedback are the ids of the reports the reader may edit.
	MyFeedback map[int64]bool `json:"-"`
}

// EnrolChoice is a community a lead may enrol, its people and its current
// enrolment (nil when not enrolled).
type EnrolChoice struct {
	Community model.CommunityRef
	People    []model.PersonRef
	Enrolment *model.TestingEnrolment
}

// Chosen reports whether a person is one of the community's testers.
func (c EnrolChoice) Chosen(userID int64) bool {
	if c.Enrolment == nil {
		return false
	}
	return slices.ContainsFunc(c.Enrolment.People, func(p model.PersonRef) bool { return p.ID == userID })
}

// testingCall loads a call the actor may see: signed in, and able to see
// its initiative; otherwise it does not exist for them.
func testingCall(ctx context.Context, q interface {
	TestingCallByID(context.Context, int64) (*model.TestingCall, error)
	InitiativeByRef(context.Context, string) (*model.Initiative, error)
}, actor *model.User, id int64) (*model.TestingCall, *model.Initiative, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, nil, err
	}
	c, err := q.TestingCallByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	in, err := q.InitiativeByRef(ctx, idStr(c.InitiativeID))
	if err != nil {
		return nil, nil, err
	}
	if !canSeeInitiative(actor, in) {
		return nil, nil, model.NotFound(model.EntityTestingCall, id)
	}
	return c, in, nil
}

// OpenTestingCall opens a call on an initiative in flight or done; staff
// only. The communities that may test are invited.
func (a *App) OpenTestingCall(ctx context.Context, actor *model.User, initiativeRef string, in model.TestingCallInput) (*model.TestingCall, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	in.State = model.CallOpen
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *model.TestingCall
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		ini, err := tx.InitiativeByRef(ctx, initiativeRef)
		if err != nil {
			return err
		}
		if !model.InFlight(ini.Status) && ini.Status != model.StatusDone {
			return model.Errorf(model.EConflict, "Testing calls are for initiatives in flight or done (a release); this one is %s.", model.StatusLabel(ini.Status))
		}
		id, err := tx.CreateTestingCall(ctx, ini.ID, in, actor.Name)
		if err != nil {
			return err
		}
		if out, err = tx.TestingCallByID(ctx, id); err != nil {
			return err
		}
		if err := a.inviteTesters(ctx, tx, actor, out); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "testing_call.open", "testing_call", idStr(id), nil, in)
	})
	return out, err
}

// inviteTesters tells the leads of the communities that may test: asked
// directly (a request) for the test role and "lots" of early adoption, in
// the news for "some"; each person once, in the first consortium that
// reaches them.
func (a *App) inviteTesters(ctx context.Context, tx *storage.Tx, actor *model.User, c *model.TestingCall) error {
	byInitiative, err := tx.TestingCandidates(ctx, []int64{c.InitiativeID})
	if err != nil {
		return err
	}
	asked, told := map[int64][]int64{}, map[int64][]int64{} // consortium → communities
	var order []int64
	for _, m := range byInitiative[c.InitiativeID] {
		if _, ok := asked[m.ConsortiumID]; !ok {
			order = append(order, m.ConsortiumID)
			asked[m.ConsortiumID] = nil
		}
		switch {
		case model.AskedToTest(m):
			asked[m.ConsortiumID] = append(asked[m.ConsortiumID], m.CommunityID)
		case model.MayTest(m):
			told[m.ConsortiumID] = append(told[m.ConsortiumID], m.CommunityID)
		}
	}
	slices.Sort(order)
	reached := map[int64]bool{}
	url := fmt.Sprintf("/testing-calls/%d", c.ID)
	for _, consortiumID := range order {
		for _, direct := range []bool{true, false} {
			communities := told[consortiumID]
			if direct {
				communities = asked[consortiumID]
			}
			leads, err := tx.LeadsOf(ctx, communities)
			if err != nil {
				return err
			}
			var to []int64
			for _, id := range leads {
				if !reached[id] {
					reached[id], to = true, append(to, id)
				}
			}
			if len(to) == 0 {
				continue
			}
			e := model.Event{Kind: model.EventTestingCall, ConsortiumID: &consortiumID, To: to, URL: url,
				Title: "Testing call: " + c.Title + " (" + c.InitiativeTitle + ")",
				Body:  "Try it and tell us how it went. This can break:\n\n" + c.Risks}
			var req *model.Request
			if direct {
				req = &model.Request{Question: "Enrol your community on the call's page: acknowledge the risks and name who will test."}
			}
			if err := a.emit(ctx, tx, actor, e, req); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestingCalls lists the calls on an initiative, for people signed in who
// may see it.
func (a *App) TestingCalls(ctx context.Context, actor *model.User, initiativeRef string) ([]*model.TestingCall, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in, err := a.store.InitiativeByRef(ctx, initiativeRef)
	if err != nil {
		return nil, err
	}
	if !canSeeInitiative(actor, in) {
		return nil, model.NotFound(model.EntityInitiative, initiativeRef)
	}
	return a.store.TestingCallsOf(ctx, []int64{in.ID})
}

// GetTestingCall returns a call with what the reader may do on it.
func (a *App) GetTestingCall(ctx context.Context, actor *model.User, id int64) (*TestingCallView, error) {
	c, _, err := testingCall(ctx, a.store, actor, id)
	if err != nil {
		return nil, err
	}
	feedback, err := a.store.FeedbackOf(ctx, []int64{c.ID})
	if err != nil {
		return nil, err
	}
	affs, err := a.store.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	v := &TestingCallView{TestingCall: c, Summary: model.SummarizeFeedback(len(c.Enrolled), feedback), CanManage: actor.IsAdmin(),
		Feedback: []*model.TestingFeedback{}, MyFeedback: map[int64]bool{}}
	v.CanSeeFeedback = actor.IsAdmin()
	for _, af := range affs {
		if c.Enrolment(af.CommunityID) != nil {
			v.CanSeeFeedback = true
			if af.Role == model.AffiliationLead || c.IsTester(actor.ID, af.CommunityID) {
				v.ReportFor = append(v.ReportFor, model.CommunityRef{ID: af.CommunityID, Slug: af.CommunitySlug, Name: af.CommunityName})
			}
		}
	}
	if v.CanSeeFeedback {
		v.Feedback = feedback
		for _, f := range feedback {
			v.MyFeedback[f.ID] = actor.IsAdmin() || (f.AuthorID != nil && *f.AuthorID == actor.ID)
		}
	}
	if c.State != model.CallOpen {
		v.ReportFor = nil
		return v, nil
	}
	if v.Enrolments, err = a.enrolChoices(ctx, actor, c, affs); err != nil {
		return nil, err
	}
	return v, nil
}

// enrolChoices lists the communities the actor leads that may enrol in the
// call, with their people.
func (a *App) enrolChoices(ctx context.Context, actor *model.User, c *model.TestingCall, affs []model.Affiliation) ([]EnrolChoice, error) {
	led := map[int64]bool{}
	for _, af := range affs {
		if af.Role == model.AffiliationLead {
			led[af.CommunityID] = true
		}
	}
	if len(led) == 0 {
		return nil, nil
	}
	candidates, err := a.store.TestingCandidates(ctx, []int64{c.InitiativeID})
	if err != nil {
		return nil, err
	}
	var out []EnrolChoice
	seen := map[int64]bool{}
	for _, m := range candidates[c.InitiativeID] {
		if !led[m.CommunityID] || seen[m.CommunityID] || !model.MayTest(m) {
			continue
		}
		seen[m.CommunityID] = true
		people, err := a.store.AffiliationsOfCommunity(ctx, m.CommunityID)
		if err != nil {
			return nil, err
		}
		ch := EnrolChoice{Community: model.CommunityRef{ID: m.CommunityID, Slug: m.CommunitySlug, Name: m.CommunityName}, Enrolment: c.Enrolment(m.CommunityID)}
		for _, p := range people {
			ch.People = append(ch.People, model.PersonRef{ID: p.UserID, Name: p.UserName})
		}
		out = append(out, ch)
	}
	return out, nil
}

// UpdateTestingCall changes a call; staff only. A new build on an open call
// is announced to its testers and the leads of the enrolled communities.
func (a *App) UpdateTestingCall(ctx context.Context, actor *model.User, id int64, change func(*model.TestingCallInput)) (*model.TestingCall, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var out *model.TestingCall
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		c, err := tx.TestingCallByID(ctx, id)
		if err != nil {
			return err
		}
		in := model.TestingCallInput{Title: c.Title, Instructions: c.Instructions, EnvironmentURL: c.EnvironmentURL, Build: c.Build,
			Risks: c.Risks, EndsOn: c.EndsOn, Questions: slices.Clone(c.Questions), State: c.State}
		change(&in)
		in.Normalize()
		if err := in.Validate(); err != nil {
			return err
		}
		newBuild := in.Build != c.Build && in.Build != ""
		if err := tx.UpdateTestingCall(ctx, id, in, newBuild); err != nil {
			return err
		}
		if out, err = tx.TestingCallByID(ctx, id); err != nil {
			return err
		}
		if newBuild && out.State == model.CallOpen {
			if err := a.announceBuild(ctx, tx, actor, out); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, "testing_call.update", "testing_call", idStr(id), c, in)
	})
	return out, err
}

// callPeople lists a call's testers and the leads of its enrolled
// communities: who hears of its builds and its requests.
func callPeople(ctx context.Context, tx *storage.Tx, c *model.TestingCall) ([]int64, error) {
	var communities []int64
	people := map[int64]bool{}
	for _, e := range c.Enrolled {
		communities = append(communities, e.CommunityID)
		for _, p := range e.People {
			people[p.ID] = true
		}
	}
	leads, err := tx.LeadsOf(ctx, communities)
	if err != nil {
		return nil, err
	}
	for _, id := range leads {
		people[id] = true
	}
	to := make([]int64, 0, len(people))
	for id := range people {
		to = append(to, id)
	}
	slices.Sort(to)
	return to, nil
}

// announceBuild tells a call's testers and the leads of the enrolled
// communities that a new build is ready.
func (a *App) announceBuild(ctx context.Context, tx *storage.Tx, actor *model.User, c *model.TestingCall) error {
	to, err := callPeople(ctx, tx, c)
	if err != nil || len(to) == 0 {
		return err
	}
	return a.emit(ctx, tx, actor, model.Event{Kind: model.EventTestingBuild, Audience: model.AudienceStaff, To: to,
		URL: fmt.Sprintf("/testing-calls/%d", c.ID), Title: "New build to test: " + c.Title + " " + c.Build,
		Body: "A new build of " + c.InitiativeTitle + " is ready to try: " + c.Build + "."}, nil)
}

// AskTesters sends a request with one-click answers to a call's testers
// and the leads of its enrolled communities only; staff, on an open call.
// It returns how many people were asked.
func (a *App) AskTesters(ctx context.Context, actor *model.User, callID int64, in model.UpdateInput) (int, error) {
	if err := requireAdmin(actor); err != nil {
		return 0, err
	}
	in.ConsortiumRef = ""
	in.Normalize()
	var p model.Problems
	if in.Question == "" {
		p.Add("question", "is required: what do you ask the testers?")
		return 0, p.Err()
	}
	if err := in.Validate(); err != nil {
		return 0, err
	}
	if err := a.CheckDeadline(in.Deadline); err != nil {
		return 0, err
	}
	n := 0
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		c, err := tx.TestingCallByID(ctx, callID)
		if err != nil {
			return err
		}
		if c.State != model.CallOpen {
			return model.Errorf(model.EConflict, "This testing call is closed; its testers are no longer asked.")
		}
		to, err := callPeople(ctx, tx, c)
		if err != nil {
			return err
		}
		if n = len(to); n == 0 {
			return model.Errorf(model.EConflict, "No community has enrolled in this call yet: there is nobody to ask.")
		}
		if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventTestingRequest, Audience: model.AudienceStaff, To: to,
			URL: fmt.Sprintf("/testing-calls/%d", c.ID), Title: in.Title, Body: in.Body},
			&model.Request{Question: in.Question, Options: in.Options, Deadline: in.Deadline}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "testing_call.ask", "testing_call", idStr(c.ID), nil, map[string]any{"asked": n, "request": in})
	})
	return n, err
}

// EnrolInCall enrols a community in an open call (or changes its testers):
// its lead (or staff) acts, acknowledging the risks; the community must be
// a member of a consortium that has the initiative in scope, with the test
// role or an early-adopter choice of some or lots; the testers must be its
// people.
func (a *App) EnrolInCall(ctx context.Context, actor *model.User, callID int64, communityRef string, in model.EnrolInput) (*model.TestingCall, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	var out *model.TestingCall
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		c, _, err := testingCall(ctx, tx, actor, callID)
		if err != nil {
			return err
		}
		com, err := tx.CommunityByRef(ctx, communityRef)
		if err != nil {
			return err
		}
		if err := leadOf(ctx, tx, actor, com); err != nil {
			return err
		}
		if c.State != model.CallOpen {
			return model.Errorf(model.EConflict, "This testing call is closed; communities can no longer enrol.")
		}
		candidates, err := tx.TestingCandidates(ctx, []int64{c.InitiativeID})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(candidates[c.InitiativeID], func(m model.Member) bool { return m.CommunityID == com.ID && model.MayTest(m) }) {
			return forbidden("%s cannot enrol: testing calls are for communities with the Test role, or that chose to be early adopters, in a consortium working on this initiative.", com.Name)
		}
		if err := in.Validate(); err != nil {
			return err
		}
		people, err := tx.AffiliationsOfCommunity(ctx, com.ID)
		if err != nil {
			return err
		}
		for _, uid := range in.People {
			if !slices.ContainsFunc(people, func(af model.Affiliation) bool { return af.UserID == uid }) {
				var p model.Problems
				p.Add("people", "person %d is not one of %s's people", uid, com.Name)
				return p.Err()
			}
		}
		if err := tx.Enrol(ctx, c.ID, com.ID, actor.Name, in.People); err != nil {
			return err
		}
		if out, err = tx.TestingCallByID(ctx, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "testing_call.enrol", "testing_call", idStr(c.ID), nil,
			map[string]any{"community_id": com.ID, "people": in.People, "acknowledge_risks": in.AcknowledgeRisks})
	})
	return out, err
}

// LeaveCall ends a community's enrolment; its reports stay.
func (a *App) LeaveCall(ctx context.Context, actor *model.User, callID int64, communityRef string) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		c, _, err := testingCall(ctx, tx, actor, callID)
		if err != nil {
			return err
		}
		com, err := tx.CommunityByRef(ctx, communityRef)
		if err != nil {
			return err
		}
		if err := leadOf(ctx, tx, actor, com); err != nil {
			return err
		}
		ok, err := tx.LeaveCall(ctx, c.ID, com.ID)
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.ENotFound, "%s is not enrolled in this testing call.", com.Name)
		}
		return tx.Audit(ctx, actor, "testing_call.leave", "testing_call", idStr(c.ID), nil, map[string]any{"community_id": com.ID})
	})
}
