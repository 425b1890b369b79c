package app

import (
	"context"
	"fmt"
	"time"

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

// The "what needs you" entries of testing calls: an open call a community
// the person leads may enrol in and has not, and a call on which the person
// was named a tester and has not reported yet. A constant number of queries
// (the open calls with their enrolments and testers, their candidates, their
// reports), whatever the number of calls.

func init() { RegisterTodoProvider(model.TodoTesting, testingTodos) }

func testingTodos(ctx context.Context, q TodoQuery) ([]model.Todo, error) {
	calls, err := q.store.TestingCallsOf(ctx, nil) // open calls
	if err != nil || len(calls) == 0 {
		return nil, err
	}
	led := map[int64]bool{}
	for _, m := range q.Scope.Memberships {
		if m.Lead {
			led[m.CommunityID] = true
		}
	}
	initiatives := make([]int64, 0, len(calls))
	callIDs := make([]int64, 0, len(calls))
	for _, c := range calls {
		initiatives, callIDs = append(initiatives, c.InitiativeID), append(callIDs, c.ID)
	}
	candidates := map[int64][]model.Member{}
	if len(led) > 0 {
		if candidates, err = q.store.TestingCandidates(ctx, initiatives); err != nil {
			return nil, err
		}
	}
	feedback, err := q.store.FeedbackOf(ctx, callIDs)
	if err != nil {
		return nil, err
	}
	reported := map[int64]bool{} // calls the person reported on
	for _, f := range feedback {
		if f.AuthorID != nil && *f.AuthorID == q.User.ID {
			reported[f.CallID] = true
		}
	}
	var out []model.Todo
	for _, c := range calls {
		url := fmt.Sprintf("/testing-calls/%d", c.ID)
		var due *time.Time
		if d, err := time.Parse(time.DateOnly, c.EndsOn); err == nil {
			due = &d
		}
		if c.IsTester(q.User.ID, 0) && !reported[c.ID] {
			out = append(out, model.Todo{Kind: model.TodoTesting, Action: "Report how testing went", Title: c.Title + " (" + c.InitiativeTitle + ")",
				URL: url + "#report", Due: due, Key: fmt.Sprintf("testing:%d:report", c.ID)})
			continue
		}
		seen := map[int64]bool{}
		for _, m := range candidates[c.InitiativeID] {
			if led[m.CommunityID] && !seen[m.CommunityID] && model.MayTest(m) && c.Enrolment(m.CommunityID) == nil {
				seen[m.CommunityID] = true
				out = append(out, model.Todo{Kind: model.TodoTesting, Action: "Enrol " + m.CommunityName + " to test", Title: c.Title + " (" + c.InitiativeTitle + ")",
					URL: url + "#enrol", Community: m.CommunityName, Due: due, Key: fmt.Sprintf("testing:%d:%d", c.ID, m.CommunityID)})
			}
		}
	}
	return out, nil
}
