package app

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"consortia/internal/model"
	"consortia/internal/pdfdoc"
	"consortia/internal/storage"
)

// StatementsView is an initiative's statements of work as the reader may
// see them: staff and the people of its co-funding communities.
type StatementsView struct {
	Initiative model.InitiativeRef
	Goal       *model.FundingGoal // the met goal, nil when none is met yet
	Funded     bool               // a goal was met or an award funds the work
	Statements []*model.StatementOfWork
	// CanCreate: staff, once the goal is met or an award funds the work.
	CanCreate bool
	// CanAcknowledge lists the co-funders the reader leads that have not
	// acknowledged the latest version.
	CanAcknowledge []model.CommunityRef
}

// Latest is the newest version, or nil.
func (v *StatementsView) Latest() *model.StatementOfWork {
	if len(v.Statements) == 0 {
		return nil
	}
	return v.Statements[0]
}

// statementReader is what the statement use cases read, in or out of a
// transaction.
type statementReader interface {
	InitiativeByRef(ctx context.Context, ref string) (*model.Initiative, error)
	AffiliationsOfUser(ctx context.Context, userID int64) ([]model.Affiliation, error)
	ListGoals(ctx context.Context, f storage.GoalFilter) ([]*model.FundingGoal, error)
	PledgesOfGoals(ctx context.Context, goalIDs []int64) (map[int64][]*model.Pledge, error)
	StatementsOfInitiative(ctx context.Context, initiativeID int64) ([]*model.StatementOfWork, error)
	AwardsFunding(ctx context.Context, initiativeID int64) ([]model.FundingAward, error)
}

// statementScope is what every statement use case starts from: the
// initiative, its met goal, the co-funders' shares and the reader's
// affiliations.
type statementScope struct {
	initiative *model.Initiative
	goal       *model.FundingGoal
	shares     []model.CoFunderShare
	awards     []model.FundingAward
	affs       []model.Affiliation
}

// funded reports whether a statement of work may be made: a funding goal
// was met or an awarded proposal funds the work.
func (s *statementScope) funded() bool { return s.goal != nil || len(s.awards) > 0 }

// mine reports whether the reader belongs to the community (any role).
func (s *statementScope) mine(communityID int64) bool {
	return slices.ContainsFunc(s.affs, func(a model.Affiliation) bool { return a.CommunityID == communityID })
}

// canSee: staff, or someone of a co-funding community.
func (s *statementScope) canSee(actor *model.User) bool {
	if actor.IsAdmin() {
		return true
	}
	return slices.ContainsFunc(s.shares, func(c model.CoFunderShare) bool { return s.mine(c.Community.ID) })
}

// loadStatementScope reads the initiative, its most recent met goal and the
// committed shares. A reader who may not see the statements gets not-found.
func (a *App) loadStatementScope(ctx context.Context, q statementReader, actor *model.User, ref string) (*statementScope, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in, err := q.InitiativeByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	s := &statementScope{initiative: in}
	if s.affs, err = q.AffiliationsOfUser(ctx, actor.ID); err != nil {
		return nil, err
	}
	goals, err := q.ListGoals(ctx, storage.GoalFilter{InitiativeIDs: []int64{in.ID}, State: model.GoalClosed})
	if err != nil {
		return nil, err
	}
	for _, g := range goals {
		if model.GoalMet(g) {
			s.goal = g
			break
		}
	}
	if s.goal != nil {
		pledges, err := q.PledgesOfGoals(ctx, []int64{s.goal.ID})
		if err != nil {
			return nil, err
		}
		for _, p := range pledges[s.goal.ID] {
			if p.State == model.PledgeCommitted || p.State == model.PledgeInvoiced || p.State == model.PledgePaid {
				s.shares = append(s.shares, model.CoFunderShare{
					Community: model.CommunityRef{ID: p.CommunityID, Slug: p.CommunitySlug, Name: p.CommunityName},
					Share:     model.Money{Amount: p.CommittedAmount, Currency: s.goal.Goal.Currency}, Anonymous: p.Anonymous})
			}
		}
	}
	if s.awards, err = q.AwardsFunding(ctx, in.ID); err != nil {
		return nil, err
	}
	if !s.canSee(actor) || !canSeeInitiative(actor, in) {
		return nil, model.NotFound(model.EntityStatement, ref)
	}
	if err := a.costs(ctx, in); err != nil {
		return nil, err
	}
	return s, nil
}

// StatementsOfWork lists an initiative's statements of work.
func (a *App) StatementsOfWork(ctx context.Context, actor *model.User, ref string) (*StatementsView, error) {
	s, err := a.loadStatementScope(ctx, a.store, actor, ref)
	if err != nil {
		return nil, err
	}
	list, err := a.store.StatementsOfInitiative(ctx, s.initiative.ID)
	if err != nil {
		return nil, err
	}
	in := s.initiative
	v := &StatementsView{Initiative: model.InitiativeRef{ID: in.ID, Slug: in.Slug, Title: in.Title, Status: in.Status, Public: in.Public},
		Goal: s.goal, Funded: s.funded(), Statements: list, CanCreate: actor.IsAdmin() && s.funded()}
	for _, st := range list {
		s.forReader(actor, st)
	}
	if latest := v.Latest(); latest != nil {
		for _, c := range latest.Waiting {
			if model.CanConsentFor(actor, s.affs, c.ID) {
				v.CanAcknowledge = append(v.CanAcknowledge, c)
			}
		}
	}
	return v, nil
}

// forReader fills who has yet to acknowledge a version and hides the names
// of anonymous co-funders from everyone but staff and their own people.
func (s *statementScope) forReader(actor *model.User, st *model.StatementOfWork) {
	acked := map[int64]bool{}
	for _, a := range st.Acknowledgements {
		acked[a.Community.ID] = true
	}
	hidden := map[int64]bool{}
	for i, c := range st.Content.CoFunders {
		if !acked[c.Community.ID] {
			st.Waiting = append(st.Waiting, c.Community)
		}
		if c.Anonymous && !actor.IsAdmin() && !s.mine(c.Community.ID) {
			hidden[c.Community.ID] = true
			st.Content.CoFunders[i].Community = model.CommunityRef{Name: "An anonymous co-funder"}
		}
	}
	for i, a := range st.Acknowledgements {
		if hidden[a.Community.ID] {
			st.Acknowledgements[i].Community = model.CommunityRef{Name: "An anonymous co-funder"}
		}
	}
	st.Waiting = slices.DeleteFunc(st.Waiting, func(c model.CommunityRef) bool { return hidden[c.ID] })
}

// CreateStatementOfWork makes the next version from the initiative as it is
// now (scope, sub-tasks, estimate) and the met goal's co-funders; staff only,
// once the goal is met.
func (a *App) CreateStatementOfWork(ctx context.Context, actor *model.User, ref string, in model.StatementInput) (*model.StatementOfWork, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var st *model.StatementOfWork
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		s, err := a.loadStatementScope(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if !s.funded() {
			return model.Errorf(model.EConflict, "A statement of work is made once the work is funded; no funding goal of %q has closed with its amount committed and no awarded proposal funds it.", s.initiative.Title)
		}
		i := s.initiative
		content := model.StatementContent{Title: i.Title, Problem: i.Problem, Solution: i.Solution, Implementation: i.Implementation,
			HoursLow: i.HoursLow, HoursHigh: i.HoursHigh, CostLow: i.CostLow, CostHigh: i.CostHigh, Tasks: i.Tasks,
			CoFunders: s.shares, Awards: s.awards, Timeline: in.Timeline, Notes: in.Notes}
		if s.goal != nil {
			content.Goal = s.goal.Goal
		}
		if st, err = tx.CreateStatement(ctx, i.ID, content, actor); err != nil {
			return err
		}
		if err := a.askToAcknowledge(ctx, tx, actor, i, st); err != nil {
			return err
		}
		s.forReader(actor, st)
		return tx.Audit(ctx, actor, "statement_of_work.create", "initiative", idStr(i.ID), nil, st)
	})
	return st, err
}

// askToAcknowledge emails the co-funders' leads that a version waits for
// their acknowledgement.
func (a *App) askToAcknowledge(ctx context.Context, tx *storage.Tx, actor *model.User, in *model.Initiative, st *model.StatementOfWork) error {
	ids := make([]int64, 0, len(st.Content.CoFunders))
	for _, c := range st.Content.CoFunders {
		ids = append(ids, c.Community.ID)
	}
	leads, err := tx.LeadsOf(ctx, ids)
	if err != nil || len(leads) == 0 {
		return err
	}
	return a.emit(ctx, tx, actor, model.Event{Kind: model.EventStatementOfWork, Importance: model.ImportanceRequest, To: leads,
		Title: fmt.Sprintf("Statement of work for “%s”, version %d", in.Title, st.Version),
		Body:  "Your community co-funds this work. Read the statement of work (scope, deliverables, hours and cost, shares, timeline) and acknowledge it for your community.",
		URL:   "/initiatives/" + in.Slug + "#statement-of-work"}, nil)
}

// AcknowledgeStatementOfWork records that a co-funder's lead acknowledges a
// version (0: the latest). Only a lead of a co-funder of that version.
func (a *App) AcknowledgeStatementOfWork(ctx context.Context, actor *model.User, ref string, version int, communityRef string) error {
	return a.inTx(ctx, func(tx *storage.Tx) error {
		s, err := a.loadStatementScope(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		st, err := statementVersion(ctx, tx, s, version)
		if err != nil {
			return err
		}
		c, err := tx.CommunityByRef(ctx, communityRef)
		if err != nil {
			var p model.Problems
			p.Add("community", "no community %q", communityRef)
			return p.Err()
		}
		if !model.CanConsentFor(actor, s.affs, c.ID) {
			return forbidden("Only a lead of this community can acknowledge a statement of work for it.")
		}
		if !slices.ContainsFunc(st.Content.CoFunders, func(f model.CoFunderShare) bool { return f.Community.ID == c.ID }) {
			var p model.Problems
			p.Add("community", "is not a co-funder in version %d", st.Version)
			return p.Err()
		}
		added, err := tx.AcknowledgeStatement(ctx, st.ID, c.ID, actor)
		if err != nil {
			return err
		}
		if !added {
			return model.Errorf(model.EConflict, "%s has already acknowledged version %d.", c.Name, st.Version)
		}
		return tx.Audit(ctx, actor, "statement_of_work.acknowledge", "initiative", idStr(s.initiative.ID), nil,
			map[string]any{"version": st.Version, "community_id": c.ID})
	})
}

// statementVersion finds a version (0: the latest) of the scope's initiative.
func statementVersion(ctx context.Context, q statementReader, s *statementScope, version int) (*model.StatementOfWork, error) {
	list, err := q.StatementsOfInitiative(ctx, s.initiative.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range list {
		if version == 0 || st.Version == version {
			return st, nil
		}
	}
	if version == 0 {
		return nil, model.Errorf(model.ENotFound, "No statement of work has been made for %q yet.", s.initiative.Title)
	}
	return nil, model.Errorf(model.ENotFound, "There is no version %d of this statement of work.", version)
}

// StatementOfWorkPDF renders a version (0: the latest) as PDF, with the file
// name to save it as.
func (a *App) StatementOfWorkPDF(ctx context.Context, actor *model.User, ref string, version int) (string, []byte, error) {
	s, err := a.loadStatementScope(ctx, a.store, actor, ref)
	if err != nil {
		return "", nil, err
	}
	st, err := statementVersion(ctx, a.store, s, version)
	if err != nil {
		return "", nil, err
	}
	s.forReader(actor, st)
	c := st.Content
	doc := pdfdoc.StatementOfWork{
		Initiative: pdfdoc.Initiative{Title: c.Title, Problem: c.Problem, Solution: c.Solution, Implementation: c.Implementation,
			Estimate: pdfdoc.Estimate{HoursLow: c.HoursLow, HoursHigh: c.HoursHigh, CostLow: c.CostLow, CostHigh: c.CostHigh}},
		Version: st.Version, Goal: c.Goal, Timeline: c.Timeline, Notes: c.Notes, GeneratedAt: st.CreatedAt}
	for _, t := range c.Tasks {
		doc.Initiative.Tasks = append(doc.Initiative.Tasks, pdfdoc.Task{Title: t.Title, Done: t.Done})
	}
	for _, f := range c.CoFunders {
		doc.CoFunders = append(doc.CoFunders, pdfdoc.CoFunder{Name: f.Community.Name, Share: f.Share})
	}
	for _, aw := range c.Awards {
		doc.Awards = append(doc.Awards, fmt.Sprintf("%s awarded %s to the proposal “%s”", aw.Funder, aw.Amount, aw.Proposal))
	}
	for _, ack := range st.Acknowledgements {
		doc.Acknowledged = append(doc.Acknowledged, pdfdoc.Acknowledgement{Community: ack.Community.Name, By: ack.ByName, At: ack.At})
	}
	var buf bytes.Buffer
	if err := pdfdoc.WriteStatementOfWork(&buf, doc); err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("statement-of-work-%s-v%d.pdf", s.initiative.Slug, st.Version), buf.Bytes(), nil
}
