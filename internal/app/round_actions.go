package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Staff actions on a round after (or to end) its voting: closing it early
// and setting the upcoming roadmap from its published result.

// MaxCloseReasonLength bounds the reason for an early close.
const MaxCloseReasonLength = 1000

// CloseRound ends voting now, before the round's closing time; staff only,
// with a reason kept in the audit log and the consortium's timeline.
func (a *App) CloseRound(ctx context.Context, actor *model.User, roundID int64, reason string) (*model.Round, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var p model.Problems
	switch {
	case reason == "":
		p.Add("reason", "say why the round closes early; it is recorded in the consortium's timeline")
	case utf8.RuneCountInString(reason) > MaxCloseReasonLength:
		p.Add("reason", "must be at most %d characters", MaxCloseReasonLength)
	case !utf8.ValidString(reason):
		p.Add("reason", "must be valid UTF-8 text")
	default:
		checkLine(&p, "reason", reason)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var out *model.Round
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		r, err := tx.RoundByID(ctx, roundID)
		if err != nil {
			return err
		}
		now := a.now()
		switch st := r.State(now); st {
		case model.RoundDraft:
			return model.Errorf(model.EConflict, "The round has not opened yet (it opens %s); change its times instead.", r.OpensAt.Format("2 Jan 2006 15:04 MST"))
		case model.RoundClosed, model.RoundPublished:
			return model.Errorf(model.EConflict, "The round already closed %s.", r.ClosesAt.Format("2 Jan 2006 15:04 MST"))
		}
		ok, err := tx.CloseRoundEarly(ctx, r.ID, now.UTC(), actor.Name, reason)
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.EConflict, "The round was closed by someone else a moment ago.")
		}
		if out, err = tx.RoundByID(ctx, r.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "round.close", "round", idStr(r.ID),
			map[string]any{"closes_at": r.ClosesAt}, map[string]any{"closes_at": out.ClosesAt, "reason": reason})
	})
	return out, err
}

// checkLine rejects control characters (tab, CR and LF included) in a
// one-line text.
func checkLine(p *model.Problems, field, s string) {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			p.Add(field, "must be one line without control characters")
			return
		}
	}
}

// ApplyChoice says which places of a result become next quarter's
// priorities: Count initiatives from the top, or the first tier when 0.
type ApplyChoice struct {
	Count int
}

// AppliedInitiative is one initiative of the chosen places and what
// applying did with it.
type AppliedInitiative struct {
	InitiativeID int64  `json:"initiative_id"`
	Title        string `json:"title"`
	Priority     int    `json:"priority,omitempty" doc:"Its priority on the upcoming roadmap (1 is first); absent when not moved."`
	Reason       string `json:"reason,omitempty" doc:"Why it was not moved."`
}

// AppliedRound is what ApplyPriorities did.
type AppliedRound struct {
	Moved    []AppliedInitiative `json:"moved" doc:"Initiatives now upcoming, highest priority first."`
	NotMoved []AppliedInitiative `json:"not_moved" doc:"Initiatives of the chosen places that stay where they are, each with the reason."`
}

// ApplyPriorities sets the next quarter's priorities from a round's
// published result: the initiatives of the chosen places (by default the
// first tier) move to upcoming in the result's order (ties in title order).
// An idea that fails the level-of-detail checklist, or work already in
// flight, done or declined, is not moved; the answer says why. Staff only.
func (a *App) ApplyPriorities(ctx context.Context, actor *model.User, roundID int64, choice ApplyChoice) (*AppliedRound, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if choice.Count < 0 || choice.Count > 200 {
		var p model.Problems
		p.Add("count", "must be between 1 and the number of candidates")
		return nil, p.Err()
	}
	out := &AppliedRound{Moved: []AppliedInitiative{}, NotMoved: []AppliedInitiative{}}
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		r, err := tx.RoundByID(ctx, roundID)
		if err != nil {
			return err
		}
		if st := r.State(a.now()); st != model.RoundPublished {
			return model.Errorf(model.EConflict, "Publish the results first: priorities are set from a published result (the round is %s).", st)
		}
		ballots, err := tx.Ballots(ctx, r.ID)
		if err != nil {
			return err
		}
		counted, excluded, err := countedBallots(ctx, tx, r, ballots, a.now())
		if err != nil {
			return err
		}
		if len(counted) == 0 {
			return model.Errorf(model.EConflict, "No ballot counts in this round, so there is no result to set priorities from.")
		}
		res, err := tallyRound(r, counted)
		if err != nil {
			return err
		}
		chosen, err := chosenPlaces(res.Ranking, choice.Count)
		if err != nil {
			return err
		}
		byName := candidateNames(r)
		var order []int64
		for _, name := range chosen {
			in, err := tx.InitiativeByRef(ctx, idStr(byName[name]))
			if err != nil {
				return err
			}
			item := AppliedInitiative{InitiativeID: in.ID, Title: in.Title}
			if item.Reason = notMovable(in); item.Reason != "" {
				out.NotMoved = append(out.NotMoved, item)
				continue
			}
			order = append(order, in.ID)
			item.Priority = len(order)
			out.Moved = append(out.Moved, item)
		}
		if err := tx.SetPriorities(ctx, order, actor, fmt.Sprintf("Prioritized in %s (%s).", r.Title, r.Quarter)); err != nil {
			return err
		}
		if err := tx.SetRoundApplied(ctx, r.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "round.apply", "round", idStr(r.ID), nil,
			map[string]any{"order": order, "count": choice.Count, "not_moved": out.NotMoved, "ballots_not_counted": excluded})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// chosenPlaces takes count names from the top of a ranking (the first tier
// when count is 0). A count that would split a tie is refused: which of
// tied initiatives goes first is the staff's call, not the title's.
func chosenPlaces(ranking [][]string, count int) ([]string, error) {
	if count == 0 {
		return append([]string(nil), ranking[0]...), nil
	}
	var out []string
	for _, tier := range ranking {
		if len(out) >= count {
			break
		}
		if len(out)+len(tier) > count {
			var p model.Problems
			p.Add("count", "places %d to %d are tied (%s): choose %d or %d", len(out)+1, len(out)+len(tier),
				strings.Join(tier, ", "), max(len(out), 1), len(out)+len(tier))
			if len(out) == 0 {
				p = model.Problems{}
				p.Add("count", "places 1 to %d are tied (%s): choose %d", len(tier), strings.Join(tier, ", "), len(tier))
			}
			return nil, p.Err()
		}
		out = append(out, tier...)
	}
	if len(out) < count {
		var p model.Problems
		p.Add("count", "the round has only %d candidates", len(out))
		return nil, p.Err()
	}
	return out, nil
}

// notMovable says why an initiative does not move to upcoming, or "".
func notMovable(in *model.Initiative) string {
	switch in.Status {
	case model.StatusCandidate, model.StatusUpcoming:
		return ""
	case model.StatusIdea:
		var missing []string
		for _, it := range model.DetailChecklist(in) {
			if !it.OK {
				missing = append(missing, strings.ToLower(it.Label[:1])+it.Label[1:])
			}
		}
		if len(missing) == 0 {
			return ""
		}
		return "Still an idea that fails the candidate checklist: it needs " + strings.Join(missing, "; ") + "."
	}
	state := "already " + in.Status
	if in.Status == model.StatusScoping || in.Status == model.StatusBuilding || in.Status == model.StatusReview {
		state = "already in flight (" + in.Status + ")"
	}
	return "Not moved: it is " + state + "; only ideas and candidates move to upcoming."
}
