package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
)

func visibility(actor *model.User) model.Visibility {
	switch {
	case actor.IsAdmin():
		return model.Visibility{All: true}
	case model.SignedIn(actor):
		return model.Visibility{SignedIn: true, UserID: actor.ID}
	}
	return model.Visibility{}
}

// ListConsortia lists the consortia the actor may see.
func (a *App) ListConsortia(ctx context.Context, actor *model.User, f model.ConsortiumFilter) ([]*model.Consortium, int, error) {
	list, total, err := a.store.ListConsortia(ctx, f, visibility(actor))
	if err != nil {
		return nil, 0, err
	}
	if !model.SignedIn(actor) {
		for _, c := range list {
			c.Initiatives = publicRefs(c.Initiatives)
			c.ProposedByID, c.ProposedByName = nil, ""
			if c.Narratives, err = a.publicNarrativeRefs(ctx, c.Narratives); err != nil {
				return nil, 0, err
			}
		}
	}
	return list, total, nil
}

// loadVisibleConsortium returns a consortium the actor may see, else 404.
func loadVisibleConsortium(ctx context.Context, q interface {
	ConsortiumByRef(context.Context, string) (*model.Consortium, error)
	CanSeeConsortium(context.Context, int64, model.Visibility) (bool, error)
}, actor *model.User, ref string) (*model.Consortium, error) {
	c, err := q.ConsortiumByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	ok, err := q.CanSeeConsortium(ctx, c.ID, visibility(actor))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound(model.EntityConsortium, ref)
	}
	return c, nil
}

// ConsortiumView is a consortium with everything its page shows.
type ConsortiumView struct {
	*model.Consortium
	Members       []model.Member                  `json:"members"`
	Supporters    []model.Supporter               `json:"supporters"`
	Timeline      []model.Transition              `json:"timeline"`
	MemberEvents  []model.MemberEvent             `json:"member_history"`
	Blockers      map[string][]model.StageBlocker `json:"next_stages"`
	CanManage     bool                            `json:"-"`
	CanEdit       bool                            `json:"-"`
	MyCommunities []model.Affiliation             `json:"-"` // communities the actor leads, for joining
	MySupport     *model.Supporter                `json:"-"`
}

// GetConsortium returns a consortium with members, supporters and timeline.
func (a *App) GetConsortium(ctx context.Context, actor *model.User, ref string) (*ConsortiumView, error) {
	c, err := loadVisibleConsortium(ctx, a.store, actor, ref)
	if err != nil {
		return nil, err
	}
	v := &ConsortiumView{Consortium: c, CanManage: actor.IsAdmin(), Blockers: map[string][]model.StageBlocker{}}
	v.CanEdit = !model.Closed(c.Stage) && (actor.IsAdmin() || (model.SignedIn(actor) && c.ProposedByID != nil && *c.ProposedByID == actor.ID && c.Stage == model.StageProposed))
	if !model.SignedIn(actor) {
		c.Initiatives = publicRefs(c.Initiatives)
		c.ProposedByID, c.ProposedByName = nil, ""
		if c.Narratives, err = a.publicNarrativeRefs(ctx, c.Narratives); err != nil {
			return nil, err
		}
	}
	if v.Members, err = a.store.Members(ctx, c.ID, false); err != nil {
		return nil, err
	}
	if v.Timeline, err = a.store.Transitions(ctx, c.ID); err != nil {
		return nil, err
	}
	if !model.SignedIn(actor) {
		for i := range v.Timeline {
			v.Timeline[i].ByID, v.Timeline[i].ByName = nil, ""
		}
	}
	if model.SignedIn(actor) {
		if v.Supporters, err = a.store.Supporters(ctx, c.ID); err != nil {
			return nil, err
		}
		for i := range v.Supporters {
			if v.Supporters[i].UserID == actor.ID {
				v.MySupport = &v.Supporters[i]
			}
		}
		if v.MemberEvents, err = a.store.MemberEvents(ctx, c.ID); err != nil {
			return nil, err
		}
		affs, err := a.store.AffiliationsOfUser(ctx, actor.ID)
		if err != nil {
			return nil, err
		}
		for _, af := range affs {
			if af.Role == model.AffiliationLead {
				v.MyCommunities = append(v.MyCommunities, af)
			}
		}
	}
	for _, to := range model.NextStages(c.Stage) {
		// The closing summary is typed in the same form as the move, so it
		// is not listed as a blocker on the page.
		v.Blockers[to] = a.StageBlockers(c, to, "(typed in the form)")
	}
	return v, nil
}

func (a *App) requireOpen(c *model.Consortium) error {
	if model.Closed(c.Stage) {
		return model.Errorf(model.EConflict, "%s is %s; it can no longer be changed.", c.Name, c.Stage)
	}
	return nil
}

// ProposeConsortium proposes a shared problem; anyone signed in may.
func (a *App) ProposeConsortium(ctx context.Context, actor *model.User, in model.ConsortiumInput) (*model.Consortium, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var c *model.Consortium
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		if c, err = tx.CreateConsortium(ctx, in, actor); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "consortium.propose", "consortium", idStr(c.ID), nil, c)
	})
	return c, err
}

// UpdateConsortium edits a consortium: staff, or its proposer while proposed.
func (a *App) UpdateConsortium(ctx context.Context, actor *model.User, ref string, version int64, in model.ConsortiumInput) (*model.Consortium, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	var c *model.Consortium
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := loadVisibleConsortium(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if err := a.requireOpen(before); err != nil {
			return err
		}
		isProposer := before.ProposedByID != nil && *before.ProposedByID == actor.ID && before.Stage == model.StageProposed
		if !actor.IsAdmin() && !isProposer {
			return forbidden("Only staff (or the proposer, before gathering starts) can edit this consortium.")
		}
		if err := in.Validate(); err != nil {
			return err
		}
		// Goals and the kickoff have their own staff-only steps.
		in.Goals, in.KickoffAt = before.Goals, before.KickoffAt
		if c, err = tx.UpdateConsortium(ctx, before.ID, version, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "consortium.update", "consortium", idStr(c.ID), before, c)
	})
	return c, err
}

// SetGoals records the goals drafted at kickoff, whether they are agreed,
// and the decision whether there is enough interest to go on; staff only.
func (a *App) SetGoals(ctx context.Context, actor *model.User, ref, goals string, agreed bool, decision, note string) (*model.Consortium, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var p model.Problems
	if decision != "" && decision != "go" && decision != "no_go" {
		p.Add("decision", "must be go, no_go, or empty while undecided")
	}
	if agreed && strings.TrimSpace(goals) == "" {
		p.Add("goals", "cannot be agreed while empty")
	}
	model.CheckNote(&p, "goals", goals, model.MaxLongTextLength)
	model.CheckNote(&p, "decision_note", note, 2000)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var c *model.Consortium
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.ConsortiumByRef(ctx, ref)
		if err != nil {
			return err
		}
		if err := a.requireOpen(before); err != nil {
			return err
		}
		if err := tx.SetGoals(ctx, before.ID, goals, agreed, decision, note); err != nil {
			return err
		}
		if c, err = tx.ConsortiumByRef(ctx, idStr(before.ID)); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "consortium.goals", "consortium", idStr(c.ID),
			map[string]any{"goals": before.Goals, "goals_agreed": before.GoalsAgreed, "decision": before.Decision},
			map[string]any{"goals": goals, "goals_agreed": agreed, "decision": decision, "decision_note": note})
	})
	return c, err
}

// ScheduleKickoff sets the kickoff meeting time, planned in the IANA time
// zone tz ("UTC" when empty); staff only.
func (a *App) ScheduleKickoff(ctx context.Context, actor *model.User, ref string, at *time.Time, tz string) (*model.Consortium, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if tz = strings.TrimSpace(tz); tz == "" {
		tz = "UTC"
	}
	if !model.ValidTimeZone(tz) {
		var p model.Problems
		p.Add("time_zone", "%s", model.TimeZoneHint)
		return nil, p.Err()
	}
	if at != nil {
		t := at.UTC().Truncate(time.Minute)
		at = &t
	}
	var c *model.Consortium
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.ConsortiumByRef(ctx, ref)
		if err != nil {
			return err
		}
		if err := a.requireOpen(before); err != nil {
			return err
		}
		if err := tx.SetKickoff(ctx, before.ID, at, tz); err != nil {
			return err
		}
		if c, err = tx.ConsortiumByRef(ctx, idStr(before.ID)); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "consortium.kickoff", "consortium", idStr(c.ID), map[string]any{"kickoff_at": before.KickoffAt, "time_zone": before.KickoffTimeZone},
			map[string]any{"kickoff_at": at, "time_zone": tz})
	})
	return c, err
}

// StageBlockers lists what stands between c and stage to now.
func (a *App) StageBlockers(c *model.Consortium, to, summary string) []model.StageBlocker {
	return model.StageBlockers(c, to, summary, a.now())
}

// Transition moves a consortium to another stage. Staff only. Conditions
// that are not met block the move unless staff override them with a
// recorded reason; some conditions (a closing summary) cannot be waived.
func (a *App) Transition(ctx context.Context, actor *model.User, ref, to, reason string, override bool, summary string) (*model.Consortium, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var p model.Problems
	model.CheckNote(&p, "reason", reason, model.MaxLongTextLength)
	model.CheckNote(&p, "closing_summary", summary, model.MaxLongTextLength)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var c *model.Consortium
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.ConsortiumByRef(ctx, ref)
		if err != nil {
			return err
		}
		blockers := a.StageBlockers(before, to, summary)
		var hard, soft []string
		for _, b := range blockers {
			if b.Overridable {
				soft = append(soft, b.Message)
			} else {
				hard = append(hard, b.Message)
			}
		}
		if len(hard) > 0 {
			if model.Closed(before.Stage) || !slices.Contains(model.NextStages(before.Stage), to) {
				return model.Errorf(model.EConflict, "%s", strings.Join(hard, " "))
			}
			var p model.Problems
			p.Add("closing_summary", "%s", strings.Join(hard, " "))
			return p.Err()
		}
		if len(soft) > 0 {
			if !override {
				return model.Errorf(model.EConflict, "Cannot move to %s yet: %s Staff can override with a recorded reason.", model.StageLabel(to), strings.Join(soft, " "))
			}
			if strings.TrimSpace(reason) == "" {
				var p model.Problems
				p.Add("reason", "an override needs a reason, recorded in the timeline")
				return p.Err()
			}
			reason = "Override: " + strings.TrimSpace(reason) + " (unmet: " + strings.Join(soft, " ") + ")"
		}
		if err := tx.SetStage(ctx, before.ID, before.Stage, to, actor, reason, len(soft) > 0, summary); err != nil {
			return err
		}
		if c, err = tx.ConsortiumByRef(ctx, idStr(before.ID)); err != nil {
			return err
		}
		body := reason
		if model.Closed(to) {
			body = summary
		}
		if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventStageChanged, ConsortiumID: cid(c), Consortium: c.Name,
			Title: c.Name + " is now " + strings.ToLower(model.StageLabel(to)), Body: body, URL: "/consortia/" + c.Slug,
			Importance: model.ImportanceResult}, nil); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "consortium.stage", "consortium", idStr(c.ID),
			map[string]any{"stage": before.Stage}, map[string]any{"stage": to, "reason": reason, "override": len(soft) > 0})
	})
	return c, err
}

// Support records that the actor agrees with the problem statement and
// whether they will take part in meetings; communityRef (optional) is a
// community they are affiliated with and speak for.
func (a *App) Support(ctx context.Context, actor *model.User, ref string, on, willMeet bool, communityRef, comment string) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	var p model.Problems
	if model.CheckNote(&p, "comment", comment, 2000); p.Err() != nil {
		return p.Err()
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		c, err := loadVisibleConsortium(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if err := a.requireOpen(c); err != nil {
			return err
		}
		var communityID *int64
		if communityRef != "" {
			com, err := tx.CommunityByRef(ctx, communityRef)
			if err != nil {
				var p model.Problems
				p.Add("community", "no community %q", communityRef)
				return p.Err()
			}
			affs, err := tx.AffiliationsOfUser(ctx, actor.ID)
			if err != nil {
				return err
			}
			found := false
			for _, af := range affs {
				found = found || af.CommunityID == com.ID
			}
			if !found {
				return forbidden("You can only speak for communities you are affiliated with.")
			}
			communityID = &com.ID
		}
		if err := tx.SetSupport(ctx, c.ID, actor.ID, communityID, on, willMeet, comment); err != nil {
			return err
		}
		action := "consortium.support"
		if !on {
			action = "consortium.support_withdrawn"
		}
		return tx.Audit(ctx, actor, action, "consortium", idStr(c.ID), nil, map[string]any{"community_id": communityID, "will_meet": willMeet})
	})
}

// Join makes a community a member with at least one role. A lead joins
// their own community; staff add any.
func (a *App) Join(ctx context.Context, actor *model.User, ref, communityRef string, in model.MemberInput) (*model.Member, error) {
	return a.setMembership(ctx, actor, ref, communityRef, &in, "joined")
}

// ChangeRoles changes a member's roles and choices; history is kept.
func (a *App) ChangeRoles(ctx context.Context, actor *model.User, ref, communityRef string, in model.MemberInput) (*model.Member, error) {
	return a.setMembership(ctx, actor, ref, communityRef, &in, "roles_changed")
}

// Leave ends a community's membership; history is kept.
func (a *App) Leave(ctx context.Context, actor *model.User, ref, communityRef string) error {
	_, err := a.setMembership(ctx, actor, ref, communityRef, nil, "left")
	return err
}

func (a *App) setMembership(ctx context.Context, actor *model.User, ref, communityRef string, in *model.MemberInput, action string) (*model.Member, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	if in != nil {
		in.Normalize()
		if err := in.Validate(); err != nil {
			return nil, err
		}
	}
	var out *model.Member
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		c, err := loadVisibleConsortium(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if err := a.requireOpen(c); err != nil {
			return err
		}
		com, err := tx.CommunityByRef(ctx, communityRef)
		if err != nil {
			var p model.Problems
			p.Add("community", "no community %q", communityRef)
			return p.Err()
		}
		// Who may act comes first: archived communities are private.
		if err := leadOf(ctx, tx, actor, com); err != nil {
			return err
		}
		if com.ArchivedAt != nil {
			return model.Errorf(model.EConflict, "%s is archived.", com.Name)
		}
		var before *model.Member
		if action != "joined" {
			if before, err = tx.CurrentMember(ctx, c.ID, com.ID); err != nil {
				return err
			}
		}
		roles := []string{}
		switch action {
		case "joined":
			err = tx.AddMember(ctx, c.ID, com.ID, *in)
			roles = in.Roles
		case "roles_changed":
			err = tx.UpdateMember(ctx, before.ID, *in)
			roles = in.Roles
		case "left":
			err = tx.EndMember(ctx, before.ID)
			roles = before.Roles
		}
		if err != nil {
			return err
		}
		if err := tx.RecordMemberEvent(ctx, c.ID, com.ID, action, roles, actor); err != nil {
			return err
		}
		if action != "left" {
			if out, err = tx.CurrentMember(ctx, c.ID, com.ID); err != nil {
				return err
			}
		}
		if action == "joined" {
			labels := make([]string, len(roles))
			for i, r := range roles {
				labels[i] = model.RoleLabel(r)
			}
			if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventMemberJoined, ConsortiumID: cid(c), Consortium: c.Name,
				Title: com.Name + " joined " + c.Name, Body: "Roles: " + strings.Join(labels, ", ") + ".", URL: "/consortia/" + c.Slug + "#members"}, nil); err != nil {
				return err
			}
		}
		var after any
		if out != nil {
			after = out
		}
		return tx.Audit(ctx, actor, "consortium.member_"+action, "consortium", idStr(c.ID), before, after)
	})
	return out, err
}

// ConsortiumMembers lists the current members of a consortium the actor
// may see (or, with past, every community that ever was one); 404 for one
// they may not see.
func (a *App) ConsortiumMembers(ctx context.Context, actor *model.User, consortiumID int64, past bool) ([]model.Member, error) {
	ok, err := a.store.CanSeeConsortium(ctx, consortiumID, visibility(actor))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound(model.EntityConsortium, idStr(consortiumID))
	}
	return a.store.Members(ctx, consortiumID, past)
}

// CommunityConsortia lists the consortia a community takes part in (that
// the actor may see).
func (a *App) CommunityConsortia(ctx context.Context, actor *model.User, communityID int64) ([]model.Member, map[int64]*model.Consortium, error) {
	members, err := a.store.MembershipsOfCommunity(ctx, communityID)
	if err != nil {
		return nil, nil, err
	}
	if len(members) == 0 {
		return members, map[int64]*model.Consortium{}, nil
	}
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.ConsortiumID
	}
	list, _, err := a.store.ListConsortia(ctx, model.ConsortiumFilter{IDs: ids, Page: model.Page{Size: model.MaxPageSize}}, visibility(actor))
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]*model.Consortium{}
	for _, c := range list {
		byID[c.ID] = c
	}
	visible := []model.Member{}
	for _, m := range members {
		if byID[m.ConsortiumID] != nil {
			visible = append(visible, m)
		}
	}
	return visible, byID, nil
}

// publicNarrativeRefs keeps the public narratives among refs.
func (a *App) publicNarrativeRefs(ctx context.Context, refs []model.NarrativeRef) ([]model.NarrativeRef, error) {
	if len(refs) == 0 {
		return refs, nil
	}
	ns, err := a.store.ListNarratives(ctx, true)
	if err != nil {
		return nil, err
	}
	public := map[int64]bool{}
	for _, n := range ns {
		public[n.ID] = true
	}
	out := []model.NarrativeRef{}
	for _, r := range refs {
		if public[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}
