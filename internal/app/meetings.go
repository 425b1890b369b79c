package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// ScheduleMeeting adds a meeting to a consortium; staff only.
func (a *App) ScheduleMeeting(ctx context.Context, actor *model.User, consortiumRef string, in model.MeetingInput) (*model.Meeting, error) {
	var m *model.Meeting
	err := a.staffInOpenConsortium(ctx, actor, consortiumRef, func() error {
		in.Normalize()
		return in.Validate()
	}, func(tx *storage.Tx, c *model.Consortium) error {
		var err error
		if m, err = tx.CreateMeeting(ctx, c.ID, in); err != nil {
			return err
		}
		if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventMeetingScheduled, ConsortiumID: cid(c), Consortium: c.Name,
			Title: m.Title + " on " + m.Local().Format("Mon 2 Jan 2006, 15:04 MST"), Body: m.Agenda, URL: fmt.Sprintf("/meetings/%d", m.ID)}, nil); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "meeting.create", "meeting", idStr(m.ID), nil, m)
	})
	return m, err
}

// UpdateMeeting changes a meeting (time, place, agenda, notes, decisions);
// staff only. Calendars see the change through the increased sequence.
func (a *App) UpdateMeeting(ctx context.Context, actor *model.User, id, version int64, in model.MeetingInput) (*model.Meeting, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var m *model.Meeting
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.MeetingByID(ctx, id)
		if err != nil {
			return err
		}
		if m, err = tx.UpdateMeeting(ctx, id, version, in); err != nil {
			return err
		}
		what := "changed"
		if m.Cancelled {
			what = "cancelled"
		}
		if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventMeetingChanged, ConsortiumID: &m.ConsortiumID,
			Title: m.Title + " " + what + ": " + m.Local().Format("Mon 2 Jan 2006, 15:04 MST"), Body: m.Agenda, URL: fmt.Sprintf("/meetings/%d", m.ID)}, nil); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "meeting.update", "meeting", idStr(id), before, m)
	})
	return m, err
}

// MeetingView is a meeting with its consortium and demos.
type MeetingView struct {
	*model.Meeting
	Consortium *model.Consortium `json:"-"`
	Demos      []*model.Demo     `json:"demos"`
	MyRSVP     string            `json:"-"`
}

// GetMeeting returns a meeting of a consortium the actor may see.
func (a *App) GetMeeting(ctx context.Context, actor *model.User, id int64) (*MeetingView, error) {
	m, err := a.store.MeetingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := loadVisibleConsortium(ctx, a.store, actor, idStr(m.ConsortiumID))
	if err != nil {
		return nil, model.NotFound(model.EntityMeeting, id)
	}
	v := &MeetingView{Meeting: m, Consortium: c}
	demos, err := a.store.DemosOf(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range demos {
		if d.MeetingID != nil && *d.MeetingID == id {
			v.Demos = append(v.Demos, d)
		}
	}
	if err := a.screenDemos(ctx, actor, v.Demos...); err != nil {
		return nil, err
	}
	if model.SignedIn(actor) {
		for _, r := range m.RSVPs {
			if r.UserID == actor.ID {
				v.MyRSVP = r.Response
			}
		}
	} else {
		m.RSVPs = []model.RSVP{}
	}
	return v, nil
}

// Meetings lists a consortium's meetings.
func (a *App) Meetings(ctx context.Context, actor *model.User, consortiumRef string) (*model.Consortium, []*model.Meeting, error) {
	c, err := loadVisibleConsortium(ctx, a.store, actor, consortiumRef)
	if err != nil {
		return nil, nil, err
	}
	ms, err := a.store.MeetingsOf(ctx, []int64{c.ID})
	return c, ms, err
}

// RSVP records whether the actor will attend.
func (a *App) RSVP(ctx context.Context, actor *model.User, meetingID int64, response string) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	if !slices.Contains(model.RSVPResponses, response) {
		var p model.Problems
		p.Add("response", "must be one of %s", strings.Join(model.RSVPResponses, ", "))
		return p.Err()
	}
	if _, err := a.GetMeeting(ctx, actor, meetingID); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.SetRSVP(ctx, meetingID, actor.ID, response); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "meeting.rsvp", "meeting", idStr(meetingID), nil, map[string]string{"response": response})
	})
}

// PostDemo records a demo for members to react to; staff only.
func (a *App) PostDemo(ctx context.Context, actor *model.User, consortiumRef string, in model.DemoInput) (*model.Demo, error) {
	var d *model.Demo
	err := a.staffInOpenConsortium(ctx, actor, consortiumRef, func() error {
		in.Title, in.VideoURL = strings.TrimSpace(in.Title), strings.TrimSpace(in.VideoURL)
		return in.Validate()
	}, func(tx *storage.Tx, c *model.Consortium) error {
		if in.MeetingID != nil {
			m, err := tx.MeetingByID(ctx, *in.MeetingID)
			if err != nil || m.ConsortiumID != c.ID {
				var p model.Problems
				p.Add("meeting_id", "is not a meeting of this consortium")
				return p.Err()
			}
		}
		if in.InitiativeID != nil {
			if _, err := tx.InitiativeByRef(ctx, idStr(*in.InitiativeID)); err != nil {
				var p model.Problems
				p.Add("initiative_id", "no such initiative")
				return p.Err()
			}
		}
		var err error
		if d, err = tx.CreateDemo(ctx, c.ID, in); err != nil {
			return err
		}
		req := &model.Request{Question: "Did this demo resonate with your community?", Options: []string{"Resonated", "Neutral", "Did not resonate"}}
		// Leads answer for their member community.
		to, err := askLeads(ctx, tx, c.ID, "", nil)
		if err != nil {
			return err
		}
		if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventDemoPosted, ConsortiumID: cid(c), Consortium: c.Name,
			Title: "Demo: " + d.Title, Body: d.Description, URL: fmt.Sprintf("/demos/%d", d.ID), To: to}, req); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "demo.create", "demo", idStr(d.ID), nil, d)
	})
	return d, err
}

// GetDemo returns a demo with its reactions.
func (a *App) GetDemo(ctx context.Context, actor *model.User, id int64) (*model.Demo, *model.Consortium, error) {
	d, err := a.store.DemoByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := loadVisibleConsortium(ctx, a.store, actor, idStr(d.ConsortiumID))
	if err != nil {
		return nil, nil, model.NotFound(model.EntityDemo, id)
	}
	if err := a.screenDemos(ctx, actor, d); err != nil {
		return nil, nil, err
	}
	return d, c, nil
}

// Demos lists a consortium's demos, newest first, with their reactions.
func (a *App) Demos(ctx context.Context, actor *model.User, consortiumRef string) (*model.Consortium, []*model.Demo, error) {
	c, err := loadVisibleConsortium(ctx, a.store, actor, consortiumRef)
	if err != nil {
		return nil, nil, err
	}
	demos, err := a.store.DemosOf(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	return c, demos, a.screenDemos(ctx, actor, demos...)
}

// screenDemos removes from demos what visitors may not see: who reacted,
// and the initiative a demo shows when that initiative is not public.
func (a *App) screenDemos(ctx context.Context, actor *model.User, demos ...*model.Demo) error {
	if model.SignedIn(actor) {
		return nil
	}
	public := map[int64]bool{}
	for _, d := range demos {
		for i := range d.Reactions {
			d.Reactions[i].ByName = ""
		}
		if d.InitiativeID == nil {
			continue
		}
		ok, seen := public[*d.InitiativeID]
		if !seen {
			in, err := a.store.InitiativeByRef(ctx, idStr(*d.InitiativeID))
			if err != nil && model.ErrorCode(err) != model.ENotFound {
				return err
			}
			ok = err == nil && in.Public
			public[*d.InitiativeID] = ok
		}
		if !ok {
			d.InitiativeID, d.InitiativeTitle, d.InitiativeSlug = nil, "", ""
		}
	}
	return nil
}

// React records a member community's reaction to a demo. The community's
// lead acts for it (staff for any); it must be a current member.
func (a *App) React(ctx context.Context, actor *model.User, demoID int64, communityRef, reaction, comment string) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	var p model.Problems
	if !slices.Contains(model.Reactions, reaction) {
		p.Add("reaction", "must be one of %s", strings.Join(model.Reactions, ", "))
	}
	model.CheckNote(&p, "comment", comment, 4000)
	if err := p.Err(); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		d, err := tx.DemoByID(ctx, demoID)
		if err != nil {
			return err
		}
		c, err := loadVisibleConsortium(ctx, tx, actor, idStr(d.ConsortiumID))
		if err != nil {
			return err
		}
		com, err := tx.CommunityByRef(ctx, communityRef)
		if err != nil {
			var p model.Problems
			p.Add("community", "no community %q", communityRef)
			return p.Err()
		}
		if err := leadOf(ctx, tx, actor, com); err != nil {
			return err
		}
		if com.ArchivedAt != nil {
			return forbidden("%s is archived, so it cannot react to demos.", com.Name)
		}
		if _, err := tx.CurrentMember(ctx, c.ID, com.ID); err != nil {
			return forbidden("%s is not a member of %s; only member communities react to its demos.", com.Name, c.Name)
		}
		if err := tx.SetReaction(ctx, d.ID, com.ID, reaction, comment, actor.Name); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "demo.react", "demo", idStr(d.ID), nil, map[string]any{"community_id": com.ID, "reaction": reaction, "comment": comment})
	})
}
