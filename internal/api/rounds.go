package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/tally"
)

// Prioritization rounds: ballots, results, publication, the roadmap set
// from a result, and the anonymized ballots to re-tally offline.

// RoundData is model.Round without methods (see InitiativeData).
type RoundData model.Round

// RoundItem is a round as lists show it.
type RoundItem struct {
	RoundData
	State string `json:"state" enum:"draft,open,closed,published" doc:"draft before it opens, open while ballots may be cast, closed after, published once staff published the results."`
}

func (h *Handler) roundItem(r *model.Round) RoundItem {
	return RoundItem{RoundData: RoundData(*r), State: r.State(h.app.Now())}
}

// VoterBallot is a community the caller may vote for and its current ballot.
type VoterBallot struct {
	CommunityID   int64              `json:"community_id"`
	CommunitySlug string             `json:"community_slug"`
	CommunityName string             `json:"community_name"`
	Cast          bool               `json:"cast" doc:"Whether the community has cast a ballot."`
	Ballot        *model.BallotInput `json:"ballot,omitempty" doc:"The ballot cast so far, shown only to the community's leads (staff see only that it was cast)."`
}

// RoundDetail is a round with its drivers, the caller's ballots and, when
// visible, the explained result.
type RoundDetail struct {
	RoundItem
	ResultsVisible bool          `json:"results_visible" doc:"Results are hidden until close unless the round shows live results; after close staff see them and publish them."`
	Result         *tally.Result `json:"result,omitempty" doc:"The result, as consortia tally prints it (strongest path strengths of ratio links may be the string \"Infinity\")."`
	Drivers        []app.Driver  `json:"drivers" doc:"What drives each candidate's priority: interest, co-funding, strategic fit (narratives), effort and demo reactions."`
	Voted          []string      `json:"voted" doc:"Communities that have cast a ballot (not how); empty for visitors."`
	MyBallots      []VoterBallot `json:"my_ballots" doc:"The communities the caller may cast a ballot for, with their current ballots."`
	// ExcludedBallots are cast ballots the result does not count.
	ExcludedBallots []app.ExcludedBallot `json:"excluded_ballots" doc:"Cast ballots not counted because their community was not eligible when the round closed (left the consortium, lost the react & prioritize role, or was archived); shown with the result."`
}

// RoundOutput is one round.
type RoundOutput struct {
	Body RoundDetail
}

func (h *Handler) roundDetail(ctx context.Context, id int64) (*RoundOutput, error) {
	v, err := h.app.GetRound(ctx, actor(ctx), id)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	d := RoundDetail{RoundItem: h.roundItem(v.Round), ResultsVisible: v.CanSeeResult, Result: v.Result, Drivers: v.Drivers,
		Voted: []string{}, MyBallots: []VoterBallot{}, ExcludedBallots: []app.ExcludedBallot{}}
	if v.Excluded != nil {
		d.ExcludedBallots = v.Excluded
	}
	if d.Drivers == nil {
		d.Drivers = []app.Driver{}
	}
	if v.Cast != nil {
		d.Voted = v.Cast
	}
	for _, vt := range v.Voters {
		d.MyBallots = append(d.MyBallots, VoterBallot{CommunityID: vt.CommunityID, CommunitySlug: vt.CommunitySlug, CommunityName: vt.CommunityName, Cast: vt.Cast, Ballot: vt.Ballot})
	}
	return &RoundOutput{Body: d}, nil
}

// RoundList is a consortium's rounds, newest first.
type RoundList struct {
	Body struct {
		Items []RoundItem `json:"items"`
	}
}

func (h *Handler) listRounds(ctx context.Context, in *ConsortiumPath) (*RoundList, error) {
	_, rounds, err := h.app.Rounds(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &RoundList{}
	out.Body.Items = make([]RoundItem, len(rounds))
	for i, r := range rounds {
		out.Body.Items[i] = h.roundItem(r)
	}
	return out, nil
}

// RoundFields are the writable fields of a round. On PATCH (allowed until
// the first ballot) every field is optional and only those present change.
type RoundFields struct {
	Title        *string         `json:"title,omitempty" maxLength:"160" doc:"Defaults to \"Priorities for QUARTER\"."`
	Quarter      *string         `json:"quarter,omitempty" maxLength:"7" doc:"The quarter it sets priorities for, e.g. 2027-Q2; required on create."`
	BallotType   *string         `json:"ballot_type,omitempty" enum:"ranked,approval,score,dot" doc:"ranked when omitted on create."`
	Method       *string         `json:"method,omitempty" enum:"schulze,ranked-pairs,borda,approval,score,dot" doc:"Ranked ballots: schulze (default), ranked-pairs or borda; other ballot types have their own method."`
	Strength     *string         `json:"strength,omitempty" enum:"winning,margin,ratio" doc:"Schulze and ranked pairs: how a head-to-head win is measured (default winning votes)."`
	Unranked     *string         `json:"unranked,omitempty" enum:"tied-last,ignore" doc:"Ranked ballots: unranked candidates tie last (default) or are ignored."`
	MaxScore     *int            `json:"max_score,omitempty" minimum:"1" maximum:"100" doc:"Score ballots: scores are 0..max_score (default 5)."`
	DotPoints    *int            `json:"dot_points,omitempty" minimum:"1" maximum:"1000" doc:"Dot voting: points per community (default 10)."`
	OpensAt      *time.Time      `json:"opens_at,omitempty" doc:"Required on create."`
	ClosesAt     *time.Time      `json:"closes_at,omitempty" doc:"Required on create; after opens_at."`
	LiveResults  *bool           `json:"live_results,omitempty" doc:"Show results while open (default: hidden until close)."`
	CandidateIDs *[]int64        `json:"candidate_ids,omitempty" maxItems:"200" doc:"Initiatives in the consortium's scope; at least two."`
	Weights      *map[string]int `json:"weights,omitempty" doc:"Community id or slug → weight 0–100; communities not listed count once."`
}

func (h *Handler) applyRound(ctx context.Context, f RoundFields, in *model.RoundInput) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Title, f.Title)
	set(&in.Quarter, f.Quarter)
	set(&in.BallotType, f.BallotType)
	set(&in.Method, f.Method)
	set(&in.Strength, f.Strength)
	set(&in.Unranked, f.Unranked)
	if f.MaxScore != nil {
		in.MaxScore = *f.MaxScore
	}
	if f.DotPoints != nil {
		in.DotPoints = *f.DotPoints
	}
	if f.OpensAt != nil {
		in.OpensAt = *f.OpensAt
	}
	if f.ClosesAt != nil {
		in.ClosesAt = *f.ClosesAt
	}
	if f.LiveResults != nil {
		in.LiveResults = *f.LiveResults
	}
	if f.CandidateIDs != nil {
		in.CandidateIDs = *f.CandidateIDs
	}
	if f.Weights != nil {
		in.Weights = map[int64]int{}
		for ref, w := range *f.Weights {
			c, err := h.app.GetCommunity(ctx, actor(ctx), ref)
			if err != nil {
				return invalid("weights", "no community %q", ref)
			}
			in.Weights[c.ID] = w
		}
	}
	return nil
}

// CreateRoundInput opens a round (staff).
type CreateRoundInput struct {
	ConsortiumPath
	Body RoundFields
}

// CreatedRound is a new round and where it lives.
type CreatedRound struct {
	Location string `header:"Location"`
	Body     RoundDetail
}

func (h *Handler) createRound(ctx context.Context, in *CreateRoundInput) (*CreatedRound, error) {
	var ri model.RoundInput
	if err := h.applyRound(ctx, in.Body, &ri); err != nil {
		return nil, h.fail(ctx, err)
	}
	r, err := h.app.CreateRound(ctx, actor(ctx), in.ID, ri)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out, err := h.roundDetail(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	return &CreatedRound{Location: fmt.Sprintf("%s/rounds/%d", Prefix, r.ID), Body: out.Body}, nil
}

// RoundPath names a round.
type RoundPath struct {
	ID int64 `path:"id"`
}

func (h *Handler) getRound(ctx context.Context, in *RoundPath) (*RoundOutput, error) {
	return h.roundDetail(ctx, in.ID)
}

// UpdateRoundInput changes a round before any ballot is cast (staff).
type UpdateRoundInput struct {
	RoundPath
	Body RoundFields
}

func (h *Handler) updateRound(ctx context.Context, in *UpdateRoundInput) (*RoundOutput, error) {
	cur, err := h.app.GetRound(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	ri := model.RoundInput{Title: cur.Title, Quarter: cur.Quarter, BallotType: cur.BallotType, Method: cur.Method, Strength: cur.Strength,
		Unranked: cur.Unranked, MaxScore: cur.MaxScore, DotPoints: cur.DotPoints, OpensAt: cur.OpensAt, ClosesAt: cur.ClosesAt,
		LiveResults: cur.LiveResults, Weights: cur.Weights}
	for _, c := range cur.Candidates {
		ri.CandidateIDs = append(ri.CandidateIDs, c.ID)
	}
	if in.Body.BallotType != nil && *in.Body.BallotType != cur.BallotType && in.Body.Method == nil {
		ri.Method = "" // the new ballot type's default
	}
	if err := h.applyRound(ctx, in.Body, &ri); err != nil {
		return nil, h.fail(ctx, err)
	}
	if _, err := h.app.UpdateRound(ctx, actor(ctx), in.ID, ri); err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.roundDetail(ctx, in.ID)
}

// CastBallotInput is a community's ballot.
type CastBallotInput struct {
	RoundPath
	Community string `path:"community" maxLength:"64" doc:"The voting community's id or slug: a current member with the react & prioritize role; its lead (or staff) casts the ballot."`
	Body      model.BallotInput
}

func (h *Handler) castBallot(ctx context.Context, in *CastBallotInput) (*struct{}, error) {
	if err := h.app.CastBallot(ctx, actor(ctx), in.ID, in.Community, in.Body); err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"community": "path.community"})
	}
	return nil, nil
}

func (h *Handler) publishRound(ctx context.Context, in *RoundPath) (*RoundOutput, error) {
	if err := h.app.PublishResults(ctx, actor(ctx), in.ID); err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.roundDetail(ctx, in.ID)
}

// RemindOutput says how many people a ballot reminder asked.
type RemindOutput struct {
	Body struct {
		Asked int `json:"asked" doc:"Leads of eligible communities that have not voted, asked again."`
	}
}

func (h *Handler) remindRound(ctx context.Context, in *RoundPath) (*RemindOutput, error) {
	n, err := h.app.RemindBallots(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &RemindOutput{}
	out.Body.Asked = n
	return out, nil
}

// CloseRoundInput closes an open round before its time (staff).
type CloseRoundInput struct {
	RoundPath
	Body struct {
		Reason string `json:"reason,omitempty" maxLength:"1000" doc:"Why the round closes early (required); recorded in the audit log and the consortium's timeline."`
	}
}

func (h *Handler) closeRound(ctx context.Context, in *CloseRoundInput) (*RoundOutput, error) {
	if _, err := h.app.CloseRound(ctx, actor(ctx), in.ID, in.Body.Reason); err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"reason": "body.reason"})
	}
	return h.roundDetail(ctx, in.ID)
}

// ApplyRoundInput chooses how many places of the result to apply.
type ApplyRoundInput struct {
	RoundPath
	Body *struct {
		Count int `json:"count,omitempty" minimum:"1" maximum:"200" doc:"How many initiatives to move, from the top of the ranking; it may not split a tie. Default: the first tier (the winners)."`
	}
}

// AppliedPriorities is what applying a round did.
type AppliedPriorities struct {
	Body struct {
		Order      []int64                 `json:"order" doc:"Ids of the initiatives moved to upcoming, highest priority first."`
		Moved      []app.AppliedInitiative `json:"moved" doc:"The initiatives moved to upcoming, with their priority."`
		NotMoved   []app.AppliedInitiative `json:"not_moved" doc:"Initiatives of the chosen places that were not moved, each with the reason (an idea failing the candidate checklist, work already in flight)."`
		RoadmapURL string                  `json:"roadmap_url" doc:"The roadmap's upcoming column for the consortium."`
	}
}

func (h *Handler) applyPriorities(ctx context.Context, in *ApplyRoundInput) (*AppliedPriorities, error) {
	var choice app.ApplyChoice
	if in.Body != nil {
		choice.Count = in.Body.Count
	}
	applied, err := h.app.ApplyPriorities(ctx, actor(ctx), in.ID, choice)
	if err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"count": "body.count"})
	}
	r, err := h.app.GetRound(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &AppliedPriorities{}
	out.Body.Order = []int64{}
	for _, m := range applied.Moved {
		out.Body.Order = append(out.Body.Order, m.InitiativeID)
	}
	out.Body.Moved, out.Body.NotMoved = applied.Moved, applied.NotMoved
	out.Body.RoadmapURL = "/roadmap?consortium=" + url.QueryEscape(r.ConsortiumSlug) + "#col-upcoming"
	return out, nil
}

// ExportBallotsInput chooses the export format.
type ExportBallotsInput struct {
	RoundPath
	Format string `query:"format" enum:"json,preflib" default:"json" doc:"json: the consortia ballot format; preflib: a PrefLib ordinal file (.soc/.soi/.toc/.toi; ranked rounds only)."`
}

// BallotFile is an export, with the file name to save it as.
type BallotFile struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (h *Handler) exportBallots(ctx context.Context, in *ExportBallotsInput) (*BallotFile, error) {
	name, body, err := h.app.ExportBallots(ctx, actor(ctx), in.ID, in.Format)
	if err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"format": "query.format"})
	}
	ct := "application/json"
	if in.Format == "preflib" {
		ct = "text/plain; charset=utf-8"
	}
	return &BallotFile{ContentType: ct, ContentDisposition: `attachment; filename="` + name + `"`, Body: body}, nil
}

// prioritizeRoutes lists the operations on meetings, demos and reactions,
// and prioritization rounds.
func (h *Handler) prioritizeRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	status := func(o huma.Operation, code int) huma.Operation {
		o.DefaultStatus = code
		return o
	}
	const mtg, rnd = "Meetings", "Rounds"

	huma.Register(api, op("list-meetings", http.MethodGet, "/consortia/{id}/meetings", "List a consortium's meetings", mtg), h.listMeetings)
	huma.Register(api, status(op("create-meeting", http.MethodPost, "/consortia/{id}/meetings", "Schedule a meeting (staff)", mtg), http.StatusCreated), h.createMeeting)
	huma.Register(api, op("get-meeting", http.MethodGet, "/meetings/{id}", "Get a meeting with its demos and RSVPs", mtg), h.getMeeting)
	huma.Register(api, op("update-meeting", http.MethodPatch, "/meetings/{id}", "Change a meeting: time, place, agenda, notes, decisions, cancellation (staff)", mtg), h.updateMeeting)
	huma.Register(api, status(op("rsvp-meeting", http.MethodPut, "/meetings/{id}/rsvp", "Say whether you will attend (signed in)", mtg), http.StatusNoContent), h.rsvp)
	huma.Register(api, op("list-demos", http.MethodGet, "/consortia/{id}/demos", "List a consortium's demos with their reactions", mtg), h.listDemos)
	huma.Register(api, status(op("create-demo", http.MethodPost, "/consortia/{id}/demos", "Post a demo for members to react to (staff)", mtg), http.StatusCreated), h.createDemo)
	huma.Register(api, op("get-demo", http.MethodGet, "/demos/{id}", "Get a demo with its reactions", mtg), h.getDemo)
	huma.Register(api, status(op("react-to-demo", http.MethodPut, "/demos/{id}/reactions/{community}", "Record a member community's reaction (its lead, or staff)", mtg), http.StatusNoContent), h.react)

	huma.Register(api, op("list-rounds", http.MethodGet, "/consortia/{id}/rounds", "List a consortium's prioritization rounds", rnd), h.listRounds)
	huma.Register(api, status(op("create-round", http.MethodPost, "/consortia/{id}/rounds", "Open a prioritization round (staff)", rnd), http.StatusCreated), h.createRound)
	huma.Register(api, op("get-round", http.MethodGet, "/rounds/{id}", "Get a round with its drivers, your ballots and (when visible) the explained result", rnd), h.getRound)
	huma.Register(api, op("update-round", http.MethodPatch, "/rounds/{id}", "Change a round before any ballot is cast (staff)", rnd), h.updateRound)
	huma.Register(api, status(op("cast-ballot", http.MethodPut, "/rounds/{id}/ballots/{community}", "Cast or change a community's ballot while the round is open", rnd), http.StatusNoContent), h.castBallot)
	huma.Register(api, op("publish-round", http.MethodPost, "/rounds/{id}/publish", "Publish a closed round's results (staff)", rnd), h.publishRound)
	huma.Register(api, op("close-round", http.MethodPost, "/rounds/{id}/close", "Close an open round now, before its closing time, with a reason (staff)", rnd), h.closeRound)
	huma.Register(api, op("remind-round", http.MethodPost, "/rounds/{id}/remind", "Remind the leads of eligible communities that have not voted (staff)", rnd), h.remindRound)
	huma.Register(api, op("apply-round", http.MethodPost, "/rounds/{id}/apply", "Set the next quarter's priorities from a published round: the first tier, or the top count initiatives (staff)", rnd), h.applyPriorities)
	huma.Register(api, op("export-ballots", http.MethodGet, "/rounds/{id}/ballots", "Download the anonymized ballots of a closed round, to re-tally with consortia tally", rnd), h.exportBallots)
}
