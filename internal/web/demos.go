package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"consortia/internal/model"
)

// reactionBar is one segment of a demo's reaction summary.
type reactionBar struct {
	Kind  string
	Label string
	Count int
	X     string // where the segment starts, in percent
	Width string // its width, in percent
}

// reactionSummary lays out the reactions as a stacked horizontal bar:
// resonated, neutral, did not resonate.
func reactionSummary(d *model.Demo) []reactionBar {
	counts := d.Tally()
	total := len(d.Reactions)
	var out []reactionBar
	x := 0.0
	for _, k := range model.Reactions {
		n := counts[k]
		b := reactionBar{Kind: k, Label: model.ReactionLabel(k), Count: n, X: strconv.FormatFloat(x, 'f', 2, 64), Width: svgPct(n, total)}
		if total > 0 {
			x += float64(n) / float64(total) * 100
		}
		out = append(out, b)
	}
	return out
}

// demoCard is a demo with its summary, for lists.
type demoCard struct {
	*model.Demo
	Summary []reactionBar
}

type demoData struct {
	demoCard
	Consortium *model.Consortium
	Meeting    *model.Meeting
	// Choices are the member communities the reader may react for, with
	// their current reaction.
	Choices  []reactionChoice
	SignedIn bool
}

type reactionChoice struct {
	Ref, Name string
	Reaction  string
	Comment   string
}

func (ui *UI) demoPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	dm, c, err := ui.app.GetDemo(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &demoData{demoCard: demoCard{Demo: dm, Summary: reactionSummary(dm)}, Consortium: c, SignedIn: u != nil}
	if dm.MeetingID != nil {
		if mv, err := ui.app.GetMeeting(ctx, u, *dm.MeetingID); err == nil {
			d.Meeting = mv.Meeting
		}
	}
	if u != nil && !model.Closed(c.Stage) {
		members, err := ui.app.ConsortiumMembers(ctx, u, c.ID, false)
		if err != nil {
			return nil, err
		}
		led := map[int64]bool{}
		if !u.IsAdmin() {
			leads, err := ui.app.MyLeadAffiliations(ctx, u)
			if err != nil {
				return nil, err
			}
			for _, a := range leads {
				led[a.CommunityID] = true
			}
		}
		for _, m := range members {
			if !u.IsAdmin() && !led[m.CommunityID] {
				continue
			}
			ch := reactionChoice{Ref: m.CommunitySlug, Name: m.CommunityName}
			for _, re := range dm.Reactions {
				if re.CommunityID == m.CommunityID {
					ch.Reaction, ch.Comment = re.Reaction, re.Comment
				}
			}
			d.Choices = append(d.Choices, ch)
		}
	}
	p := ui.page(r, dm.Title+" · "+c.Name, "consortia", d)
	if len(d.Choices) > 0 {
		// Prefill with the first community's reaction.
		p.Form = map[string][]string{"react.community": {d.Choices[0].Ref}, "react.reaction": {d.Choices[0].Reaction}, "react.comment": {d.Choices[0].Comment}}
	}
	return p, nil
}

// Demo shows a demo, its reactions and the reaction form.
func (ui *UI) Demo() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.demoPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "demo", p)
		return nil
	})
}

// ReactToDemo records a member community's reaction.
func (ui *UI) ReactToDemo() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		f := r.PostForm
		community := f.Get("community")
		if community == "" {
			err = fieldProblem("community", "choose the community you react for")
		} else {
			err = ui.app.React(r.Context(), user(r), id, community, f.Get("reaction"), strings.TrimSpace(f.Get("comment")))
		}
		if err != nil {
			if !inputProblem(err) {
				return err
			}
			p, perr := ui.demoPage(r)
			if perr != nil {
				return perr
			}
			ui.inlineFailed(w, r, err, "react", "demo", p)
			return nil
		}
		ui.flash(r, "Thank you: your community's reaction is recorded and feeds the next prioritization round.")
		redirect(w, r, fmt.Sprintf("/demos/%d#reactions", id))
		return nil
	})
}

// demoInput reads the post-a-demo form.
func demoInput(f map[string][]string) (model.DemoInput, error) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	in := model.DemoInput{Title: strings.TrimSpace(get("title")), Description: get("description"), VideoURL: strings.TrimSpace(get("video_url"))}
	var p model.Problems
	for field, dst := range map[string]**int64{"meeting_id": &in.MeetingID, "initiative_id": &in.InitiativeID} {
		if s := strings.TrimSpace(get(field)); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				p.Add(field, "must be chosen from the list")
				continue
			}
			*dst = &n
		}
	}
	return in, p.Err()
}

// PostDemo handles the post-a-demo form (staff).
func (ui *UI) PostDemo() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		in, err := demoInput(r.PostForm)
		if err == nil {
			var d *model.Demo
			if d, err = ui.app.PostDemo(r.Context(), user(r), r.PathValue("ref"), in); err == nil {
				ui.flash(r, "The demo is posted; member communities can now react to it.")
				redirect(w, r, fmt.Sprintf("/demos/%d", d.ID))
				return nil
			}
		}
		return ui.meetingsFailed(w, r, err, "demo")
	})
}
