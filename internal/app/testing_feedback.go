package app

import (
	"context"
	"fmt"
	"strings"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Feedback on testing calls: a tester (or a lead) of an enrolled community
// reports while the call is open and may update the report; staff respond
// and mark reports addressed.

// PostFeedback records a report for an enrolled community on an open call.
func (a *App) PostFeedback(ctx context.Context, actor *model.User, callID int64, in model.FeedbackInput) (*model.TestingFeedback, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	var out *model.TestingFeedback
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		c, _, err := testingCall(ctx, tx, actor, callID)
		if err != nil {
			return err
		}
		if in.Community == "" {
			var p model.Problems
			p.Add("community", "name the enrolled community you report for")
			return p.Err()
		}
		com, err := tx.CommunityByRef(ctx, in.Community)
		if err != nil {
			return err
		}
		if err := mayReport(ctx, tx, actor, c, com); err != nil {
			return err
		}
		if c.Enrolment(com.ID) == nil {
			var p model.Problems
			p.Add("community", "%s is not enrolled in this testing call; its lead enrols it first", com.Name)
			return p.Err()
		}
		if c.State != model.CallOpen {
			return model.Errorf(model.EConflict, "This testing call is closed; it takes no more reports.")
		}
		if err := in.Validate(len(c.Questions)); err != nil {
			return err
		}
		id, err := tx.AddFeedback(ctx, c.ID, com.ID, actor, in)
		if err != nil {
			return err
		}
		if out, err = tx.FeedbackByID(ctx, id); err != nil {
			return err
		}
		if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventTestingFeedback, Audience: model.AudienceStaff,
			URL:   fmt.Sprintf("/testing-calls/%d#feedback-%d", c.ID, id),
			Title: "Testing feedback (" + model.OutcomeLabel(in.Outcome) + "): " + c.Title, Body: com.Name + ": " + in.Summary}, nil); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "testing_feedback.add", "testing_feedback", idStr(id), nil, in)
	})
	return out, err
}

// mayReport checks that the actor may report for a community on a call:
// staff, the community's leads, or the testers it named.
func mayReport(ctx context.Context, tx *storage.Tx, actor *model.User, c *model.TestingCall, com *model.Community) error {
	if actor.IsAdmin() || c.IsTester(actor.ID, com.ID) {
		return nil
	}
	affs, err := tx.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return err
	}
	if model.CanEditCommunity(actor, affs, com.ID) {
		return nil
	}
	return forbidden("Only the testers %s named for this call, or its leads, report for it.", com.Name)
}

// FeedbackChange is an update of a report: the author (or staff) changes
// what it says; staff respond and mark it addressed. Nil fields stay.
type FeedbackChange struct {
	Outcome   *string
	Tried     *string
	Summary   *string
	Link      *string
	Answers   []string
	Response  *string
	Addressed *bool
}

func (ch FeedbackChange) changesReport() bool {
	return ch.Outcome != nil || ch.Tried != nil || ch.Summary != nil || ch.Link != nil || ch.Answers != nil
}

// UpdateFeedback changes a report. Its author (or staff) may change what it
// says while the call is open; only staff respond or mark it addressed, and
// a response is sent to the author.
func (a *App) UpdateFeedback(ctx context.Context, actor *model.User, id int64, ch FeedbackChange) (*model.TestingFeedback, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	var out *model.TestingFeedback
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		f, err := tx.FeedbackByID(ctx, id)
		if err != nil {
			return err
		}
		c, _, err := testingCall(ctx, tx, actor, f.CallID)
		if err != nil {
			return err
		}
		author := f.AuthorID != nil && *f.AuthorID == actor.ID
		if !actor.IsAdmin() {
			if !author {
				affs, err := tx.AffiliationsOfUser(ctx, actor.ID)
				if err != nil {
					return err
				}
				for _, af := range affs {
					if c.Enrolment(af.CommunityID) != nil {
						return forbidden("Only its author or staff can change a report.")
					}
				}
				return model.NotFound(model.EntityFeedback, id) // not among the people who see reports
			}
			if ch.Response != nil || ch.Addressed != nil {
				return forbidden("Only staff respond to reports and mark them addressed.")
			}
		}
		if ch.changesReport() {
			if c.State != model.CallOpen {
				return model.Errorf(model.EConflict, "This testing call is closed; its reports can no longer change.")
			}
			in := model.FeedbackInput{Community: f.CommunitySlug, Outcome: f.Outcome, Tried: f.Tried, Summary: f.Summary, Link: f.Link, Answers: f.Answers}
			for _, s := range []struct {
				dst *string
				src *string
			}{{&in.Outcome, ch.Outcome}, {&in.Tried, ch.Tried}, {&in.Summary, ch.Summary}, {&in.Link, ch.Link}} {
				if s.src != nil {
					*s.dst = *s.src
				}
			}
			if ch.Answers != nil {
				in.Answers = ch.Answers
			}
			in.Normalize()
			if err := in.Validate(len(c.Questions)); err != nil {
				return err
			}
			if err := tx.UpdateFeedback(ctx, id, in); err != nil {
				return err
			}
		}
		if ch.Response != nil || ch.Addressed != nil {
			response, addressed := f.Response, f.AddressedAt != nil
			if ch.Response != nil {
				response = strings.TrimSpace(*ch.Response)
			}
			if ch.Addressed != nil {
				addressed = *ch.Addressed
			}
			var p model.Problems
			if model.CheckNote(&p, "response", response, model.MaxFeedbackTextLength); p.Err() != nil {
				return p.Err()
			}
			if err := tx.RespondToFeedback(ctx, id, response, actor.Name, addressed); err != nil {
				return err
			}
			if f.AuthorID != nil && *f.AuthorID != actor.ID && (response != f.Response || addressed != (f.AddressedAt != nil)) {
				title := "Response to your testing report: " + c.Title
				if addressed && f.AddressedAt == nil {
					title = "Addressed: your testing report on " + c.Title
				}
				if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventTestingResponse, Audience: model.AudienceStaff,
					To: []int64{*f.AuthorID}, URL: fmt.Sprintf("/testing-calls/%d#feedback-%d", c.ID, id), Title: title, Body: response}, nil); err != nil {
					return err
				}
			}
		}
		if out, err = tx.FeedbackByID(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "testing_feedback.update", "testing_feedback", idStr(id), f, out)
	})
	return out, err
}

// ListFeedback lists a call's reports for the people who may read them
// (staff and the people of the enrolled communities); others get none.
func (a *App) ListFeedback(ctx context.Context, actor *model.User, callID int64) ([]*model.TestingFeedback, error) {
	v, err := a.GetTestingCall(ctx, actor, callID)
	if err != nil {
		return nil, err
	}
	return v.Feedback, nil
}
