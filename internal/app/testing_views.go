package app

import (
	"context"
	"fmt"

	"consortia/internal/model"
)

// InitiativeTesting is the testing section of an initiative's page: the
// summary ("tested by N communities, M reports, K open") for everyone who
// sees the initiative, the calls for people signed in.
type InitiativeTesting struct {
	Summary model.TestingSummary `json:"summary"`
	Calls   []*model.TestingCall `json:"-"`
	CanOpen bool                 `json:"-"`
}

// initiativeTesting loads the testing section of an initiative the actor
// may see.
func (a *App) initiativeTesting(ctx context.Context, actor *model.User, in *model.Initiative) (InitiativeTesting, error) {
	calls, err := a.store.TestingCallsOf(ctx, []int64{in.ID})
	if err != nil {
		return InitiativeTesting{}, err
	}
	ids := make([]int64, len(calls))
	communities := map[int64]bool{}
	for i, c := range calls {
		ids[i] = c.ID
		for _, e := range c.Enrolled {
			communities[e.CommunityID] = true
		}
	}
	feedback, err := a.store.FeedbackOf(ctx, ids)
	if err != nil {
		return InitiativeTesting{}, err
	}
	for _, f := range feedback {
		communities[f.CommunityID] = true // a community that left still tested
	}
	t := InitiativeTesting{Summary: model.SummarizeFeedback(len(communities), feedback),
		CanOpen: actor.IsAdmin() && (model.InFlight(in.Status) || in.Status == model.StatusDone)}
	t.Summary.ByCommunity = []model.CommunityOutcomes{} // who reported what is for the call's page
	if actor != nil && actor.DisabledAt == nil {
		t.Calls = calls
	}
	return t, nil
}

// TestingToDo is something a person is asked to do, for their list of what needs
// them: a title and the page where they do it.
type TestingToDo struct {
	Title string
	URL   string
}

// TestingToDos lists a person's open testing to-dos: calls a community they
// lead may enrol in and has not, and calls on which they were named a
// tester and have not reported yet.
func (a *App) TestingToDos(ctx context.Context, actor *model.User) ([]TestingToDo, error) {
	if actor == nil || actor.DisabledAt != nil {
		return nil, nil
	}
	calls, err := a.store.TestingCallsOf(ctx, nil) // open calls
	if err != nil || len(calls) == 0 {
		return nil, err
	}
	affs, err := a.store.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	led := map[int64]bool{}
	for _, af := range affs {
		if af.Role == model.AffiliationLead {
			led[af.CommunityID] = true
		}
	}
	initiatives := make([]int64, 0, len(calls))
	callIDs := make([]int64, 0, len(calls))
	for _, c := range calls {
		initiatives, callIDs = append(initiatives, c.InitiativeID), append(callIDs, c.ID)
	}
	candidates := map[int64][]model.Member{}
	if len(led) > 0 {
		if candidates, err = a.store.TestingCandidates(ctx, initiatives); err != nil {
			return nil, err
		}
	}
	feedback, err := a.store.FeedbackOf(ctx, callIDs)
	if err != nil {
		return nil, err
	}
	reported := map[int64]bool{} // calls the actor reported on
	for _, f := range feedback {
		if f.AuthorID != nil && *f.AuthorID == actor.ID {
			reported[f.CallID] = true
		}
	}
	var out []TestingToDo
	for _, c := range calls {
		url := fmt.Sprintf("/testing-calls/%d", c.ID)
		if c.IsTester(actor.ID, 0) && !reported[c.ID] {
			out = append(out, TestingToDo{Title: "Report how testing went: " + c.Title, URL: url})
			continue
		}
		seen := map[int64]bool{}
		for _, m := range candidates[c.InitiativeID] {
			if led[m.CommunityID] && !seen[m.CommunityID] && model.MayTest(m) && c.Enrolment(m.CommunityID) == nil {
				seen[m.CommunityID] = true
				out = append(out, TestingToDo{Title: "Enrol " + m.CommunityName + " to test: " + c.Title, URL: url})
			}
		}
	}
	return out, nil
}
