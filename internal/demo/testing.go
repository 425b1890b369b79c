package demo

import (
	"context"
	"fmt"

	"consortia/internal/app"
	"consortia/internal/model"
)

// seedTesting opens a testing call on the budget alerts (in flight): two
// communities enrol, one reports that alerts partly work and staff answer.
func seedTesting(ctx context.Context, a seeder) error {
	admin, err := a.store.UserByEmail(ctx, AdminEmail)
	if err != nil {
		return err
	}
	call, err := a.OpenTestingCall(ctx, admin, model.Slugify("Budget alerts before the bill arrives"), model.TestingCallInput{
		Title:          "Try budget alerts on your hub",
		Instructions:   "Set a monthly budget for one course on the staging hub, then run a notebook that spends it. Watch for the alert email.",
		EnvironmentURL: "https://staging.hub.example.org", Build: "0.4.0-rc1", EndsOn: "2030-06-30",
		Risks:     "Alerts may arrive late or twice, and the staging hub may be restarted without notice. Do not use it for teaching.",
		Questions: []string{"Did the alert arrive before the budget was spent?", "Who should receive alerts at your community?"},
	})
	if err != nil {
		return fmt.Errorf("testing call: %w", err)
	}
	var priya *model.User
	for _, e := range []struct{ email, community string }{
		{"priya.raman@northfield.example.edu", "northfield-university-data-science"},
		{"mlchen@pacific-state.example.edu", "pacific-state-university"},
	} {
		u, err := a.store.UserByEmail(ctx, e.email)
		if err != nil {
			return err
		}
		if priya == nil {
			priya = u
		}
		if _, err := a.EnrolInCall(ctx, u, call.ID, e.community, model.EnrolInput{AcknowledgeRisks: true, People: []int64{u.ID}}); err != nil {
			return fmt.Errorf("enrol %s: %w", e.community, err)
		}
	}
	f, err := a.PostFeedback(ctx, priya, call.ID, model.FeedbackInput{Community: "northfield-university-data-science", Outcome: model.OutcomePartly,
		Tried:   "Set a USD 50 budget for DATA 101 and ran the GPU notebook.",
		Summary: "The alert arrived, but 20 minutes after the budget was spent.", Answers: []string{"No, it came late.", "The course instructor and our hub admins."}})
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	response, addressed := "Alerts now check every 5 minutes; please try 0.4.0-rc2.", true
	_, err = a.UpdateFeedback(ctx, admin, f.ID, app.FeedbackChange{Response: &response, Addressed: &addressed})
	return err
}
