package app

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/tally"
)

// Now is the time rounds open and close by: App.Clock when set, else the
// wall clock. Pages use it to tell upcoming meetings from past ones.
func (a *App) Now() time.Time { return a.now() }

// CreateRound opens a prioritization round in a consortium; staff only.
// Candidates outside the consortium's scope are added to it.
func (a *App) CreateRound(ctx context.Context, actor *model.User, consortiumRef string, in model.RoundInput) (*model.Round, error) {
	var r *model.Round
	err := a.staffInOpenConsortium(ctx, actor, consortiumRef, func() error {
		in.Normalize()
		return in.Validate()
	}, func(tx *storage.Tx, c *model.Consortium) error {
		if err := widenScope(ctx, tx, actor, c, in.CandidateIDs); err != nil {
			return err
		}
		var err error
		if r, err = tx.CreateRound(ctx, c.ID, in); err != nil {
			return err
		}
		deadline := r.ClosesAt
		to, err := ballotAskees(ctx, tx, r)
		if err != nil {
			return err
		}
		if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventRoundOpened, ConsortiumID: cid(c), Consortium: c.Name,
			Title: "Cast your ballot: " + r.Title, Body: fmt.Sprintf("Voting opens %s and closes %s. Members with the react & prioritize role cast one ballot per community.",
				r.OpensAt.Format("2 Jan 15:04 MST"), r.ClosesAt.Format("2 Jan 15:04 MST")), URL: fmt.Sprintf("/rounds/%d", r.ID), To: to},
			&model.Request{Question: "Cast your community's ballot on the round's page.", Deadline: &deadline}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "round.create", "round", idStr(r.ID), nil, r)
	})
	return r, err
}

func checkInScope(c *model.Consortium, ids []int64) error {
	scope := map[int64]bool{}
	for _, in := range c.Initiatives {
		scope[in.ID] = true
	}
	for _, id := range ids {
		if !scope[id] {
			var p model.Problems
			p.Add("candidate_ids", "initiative %d is not in the scope of %s", id, c.Name)
			return p.Err()
		}
	}
	return nil
}

// widenScope adds the candidates outside the consortium's scope to it:
// picking an initiative for a round makes it part of the shared problem.
func widenScope(ctx context.Context, tx *storage.Tx, actor *model.User, c *model.Consortium, ids []int64) error {
	scope := map[int64]bool{}
	for _, in := range c.Initiatives {
		scope[in.ID] = true
	}
	var added []int64
	for _, id := range ids {
		if !scope[id] {
			added = append(added, id)
		}
	}
	if len(added) == 0 {
		return nil
	}
	if err := tx.AddToScope(ctx, c.ID, added); err != nil {
		return err
	}
	return tx.Audit(ctx, actor, "consortium.scope", "consortium", idStr(c.ID), nil, map[string]any{"added_initiative_ids": added})
}

// UpdateRound changes a round before any ballot is cast; staff only.
func (a *App) UpdateRound(ctx context.Context, actor *model.User, id int64, in model.RoundInput) (*model.Round, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var r *model.Round
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.RoundByID(ctx, id)
		if err != nil {
			return err
		}
		if before.BallotCount > 0 {
			return model.Errorf(model.EConflict, "Ballots have been cast; the round can no longer be changed.")
		}
		c, err := tx.ConsortiumByRef(ctx, idStr(before.ConsortiumID))
		if err != nil {
			return err
		}
		if err := widenScope(ctx, tx, actor, c, in.CandidateIDs); err != nil {
			return err
		}
		if r, err = tx.UpdateRound(ctx, id, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "round.update", "round", idStr(id), before, r)
	})
	return r, err
}

// NonPublicCandidate names, for visitors, a candidate initiative that is
// not public (made unique with its id when there are several).
const NonPublicCandidate = "Non-public initiative"

// RoundView is a round with what its page shows to the actor.
type RoundView struct {
	*model.Round
	State        string            `json:"state"`
	Consortium   *model.Consortium `json:"-"`
	CanSeeResult bool              `json:"results_visible"`
	Result       *tally.Result     `json:"result,omitempty"`
	Drivers      []Driver          `json:"drivers"`
	Voters       []Voter           `json:"-"` // communities the actor can vote for
	Cast         []string          `json:"voted" doc:"Communities that have cast a ballot (not how); signed-in readers only."`
	Voted        int               `json:"-"` // how many ballots were cast, for everyone
	// Excluded lists cast ballots that are not counted, and why (for
	// visitors without the community's name).
	Excluded []ExcludedBallot `json:"-"`
	// PrefLibType is the PrefLib data type (soc, soi, toc or toi) of the
	// export of a ranked round whose result is shown: the file's extension.
	PrefLibType string `json:"-"`
}

// Voter is a community the actor may cast a ballot for, with its current
// ballot when the actor leads the community.
type Voter struct {
	CommunityID   int64
	CommunitySlug string
	CommunityName string
	Cast          bool               // the community has cast a ballot
	Ballot        *model.BallotInput // its content: for its leads only
}

// Driver is the context shown beside each candidate: what drives its priority.
type Driver struct {
	InitiativeID int64  `json:"initiative_id"`
	Title        string `json:"title"`
	Slug         string `json:"slug"`
	Interested   int    `json:"interested" doc:"How often requested: communities interested."`
	CoFunding    int    `json:"co_funding" doc:"Communities co-funding: distinct communities with a live pledge (open or committed, not withdrawn) on its funding goals."`
	Narratives   int    `json:"narratives" doc:"Strategic fit: narratives it serves."`
	HoursLow     int64  `json:"hours_low"`
	HoursHigh    int64  `json:"hours_high" doc:"Effort."`
	Resonated    int    `json:"resonated" doc:"Impact seen in demos: communities the demo resonated with."`
	NotResonated int    `json:"did_not_resonate"`
	Neutral      int    `json:"neutral"`
}

// GetRound returns a round. Results are hidden until the round closes
// (unless it shows live results); after close staff see them and publish
// them to everyone who can see the consortium.
func (a *App) GetRound(ctx context.Context, actor *model.User, id int64) (*RoundView, error) {
	r, err := a.store.RoundByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := loadVisibleConsortium(ctx, a.store, actor, idStr(r.ConsortiumID))
	if err != nil {
		return nil, model.NotFound(model.EntityRound, id)
	}
	// Visitors see public initiatives only: other candidates keep their
	// place in the round, the tally and the export, under a neutral name.
	hidden := map[int64]bool{}
	if !model.SignedIn(actor) {
		r.ClosedEarlyBy = "" // who acted is for signed-in readers, as in the timeline
		for i, cand := range r.Candidates {
			if !cand.Public {
				hidden[cand.ID] = true
				r.Candidates[i].Title, r.Candidates[i].Slug = NonPublicCandidate, ""
			}
		}
	}
	v := &RoundView{Round: r, State: r.State(a.now()), Consortium: c}
	v.CanSeeResult = v.State == model.RoundPublished || (r.LiveResults && v.State != model.RoundDraft) ||
		(actor.IsAdmin() && v.State == model.RoundClosed)
	ballots, err := a.store.Ballots(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	v.Voted = len(ballots)
	if model.SignedIn(actor) {
		for _, b := range ballots {
			v.Cast = append(v.Cast, b.CommunityName)
		}
	}
	counted, excluded, err := countedBallots(ctx, a.store, r, ballots, a.now())
	if err != nil {
		return nil, err
	}
	if v.CanSeeResult {
		v.Excluded = excluded
		if !model.SignedIn(actor) {
			for i := range v.Excluded {
				v.Excluded[i].Community = ""
			}
		}
	}
	if v.CanSeeResult && len(counted) > 0 {
		e := election(r, counted)
		if v.Result, err = tally.Tally(e, tallyOptions(r)); err != nil {
			return nil, err
		}
		if r.BallotType == model.BallotRanked {
			v.PrefLibType, _ = tally.PrefLibDataType(e)
		}
	}
	if v.Drivers, err = a.drivers(ctx, r); err != nil {
		return nil, err
	}
	for i, d := range v.Drivers {
		if hidden[d.InitiativeID] {
			v.Drivers[i].Title, v.Drivers[i].Slug = NonPublicCandidate, ""
		}
	}
	if model.SignedIn(actor) {
		if v.Voters, err = a.voters(ctx, actor, c, ballots); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// voters lists the communities the actor leads that may vote: current
// members with the react & prioritize role (staff: all such members). A
// ballot's content is shown only to the leads of its community: staff, like
// everyone else, see only that it was cast.
func (a *App) voters(ctx context.Context, actor *model.User, c *model.Consortium, ballots []model.Ballot) ([]Voter, error) {
	members, err := a.store.Members(ctx, c.ID, false)
	if err != nil {
		return nil, err
	}
	led := map[int64]bool{}
	affs, err := a.store.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	for _, af := range affs {
		if af.Role == model.AffiliationLead {
			led[af.CommunityID] = true
		}
	}
	byCommunity := map[int64]*model.BallotInput{}
	for i := range ballots {
		byCommunity[ballots[i].CommunityID] = &ballots[i].Ballot
	}
	var out []Voter
	for _, m := range members {
		if !m.HasRole(model.RoleReactPrioritize) || !(actor.IsAdmin() || led[m.CommunityID]) {
			continue
		}
		vt := Voter{CommunityID: m.CommunityID, CommunitySlug: m.CommunitySlug, CommunityName: m.CommunityName}
		if b, cast := byCommunity[m.CommunityID]; cast {
			vt.Cast = true
			if led[m.CommunityID] {
				vt.Ballot = b
			}
		}
		out = append(out, vt)
	}
	return out, nil
}

func (a *App) drivers(ctx context.Context, r *model.Round) ([]Driver, error) {
	ids := make([]int64, len(r.Candidates))
	for i, c := range r.Candidates {
		ids[i] = c.ID
	}
	list, _, err := a.store.ListInitiatives(ctx, model.InitiativeFilter{Page: model.Page{Size: -1}, IDs: ids})
	if err != nil {
		return nil, err
	}
	reactions, err := a.store.ReactionsForInitiatives(ctx, ids)
	if err != nil {
		return nil, err
	}
	pledging, err := a.store.PledgingCommunities(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Driver, 0, len(list))
	for _, in := range list {
		re := reactions[in.ID]
		out = append(out, Driver{InitiativeID: in.ID, Title: in.Title, Slug: in.Slug, Interested: len(in.Interested), CoFunding: pledging[in.ID],
			Narratives: len(in.Narratives), HoursLow: in.HoursLow, HoursHigh: in.HoursHigh,
			Resonated: re[model.ReactionResonated], NotResonated: re[model.ReactionNotResonated], Neutral: re[model.ReactionNeutral]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out, nil
}

// CastBallot stores a community's ballot while the round is open. The
// community's lead casts it (staff for any member); the community must be a
// current member with the react & prioritize role. It can be changed until
// the round closes.
func (a *App) CastBallot(ctx context.Context, actor *model.User, roundID int64, communityRef string, b model.BallotInput) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		r, err := tx.RoundByID(ctx, roundID)
		if err != nil {
			return err
		}
		c, err := loadVisibleConsortium(ctx, tx, actor, idStr(r.ConsortiumID))
		if err != nil {
			return model.NotFound(model.EntityRound, roundID)
		}
		switch r.State(a.now()) {
		case model.RoundDraft:
			return model.Errorf(model.EConflict, "Voting opens %s.", r.OpensAt.Format("2 Jan 2006 15:04 MST"))
		case model.RoundClosed, model.RoundPublished:
			return model.Errorf(model.EConflict, "Voting closed %s; ballots can no longer be cast or changed.", r.ClosesAt.Format("2 Jan 2006 15:04 MST"))
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
			return forbidden("%s is archived, so it cannot vote.", com.Name)
		}
		m, err := tx.CurrentMember(ctx, c.ID, com.ID)
		if err != nil || !m.HasRole(model.RoleReactPrioritize) {
			return forbidden("%s does not have the react & prioritize role in %s, so it cannot vote.", com.Name, c.Name)
		}
		if err := model.CheckBallot(r, b); err != nil {
			return err
		}
		if err := tx.CastBallot(ctx, r.ID, com.ID, actor, b); err != nil {
			return err
		}
		// The audit records that a ballot was cast, not its content.
		return tx.Audit(ctx, actor, "round.ballot", "round", idStr(r.ID), nil, map[string]any{"community_id": com.ID})
	})
}

// PublishResults makes a closed round's results visible; staff only.
func (a *App) PublishResults(ctx context.Context, actor *model.User, roundID int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		r, err := tx.RoundByID(ctx, roundID)
		if err != nil {
			return err
		}
		if st := r.State(a.now()); st != model.RoundClosed {
			return model.Errorf(model.EConflict, "Only a closed, unpublished round can be published (this one is %s).", st)
		}
		ballots, err := tx.Ballots(ctx, r.ID)
		if err != nil {
			return err
		}
		// The audit keeps which ballots the published result leaves out, and why.
		_, excluded, err := countedBallots(ctx, tx, r, ballots, a.now())
		if err != nil {
			return err
		}
		if err := tx.SetRoundPublished(ctx, r.ID); err != nil {
			return err
		}
		if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventResultsPublished, ConsortiumID: &r.ConsortiumID, Consortium: r.ConsortiumName,
			Title: "Results: " + r.Title, Body: "The results of the round are published, with the ranking and why it came out this way.",
			URL: fmt.Sprintf("/rounds/%d", r.ID), Importance: model.ImportanceResult}, nil); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "round.publish", "round", idStr(r.ID), nil, map[string]any{"ballots_not_counted": excluded})
	})
}

// candidateLabel names a candidate in a tally: its title, made unique with
// its id when two titles collide.
func candidateLabels(r *model.Round) []string {
	seen := map[string]int{}
	for _, c := range r.Candidates {
		seen[c.Title]++
	}
	out := make([]string, len(r.Candidates))
	for i, c := range r.Candidates {
		out[i] = c.Title
		if seen[c.Title] > 1 {
			out[i] = c.Title + " (#" + strconv.FormatInt(c.ID, 10) + ")"
		}
	}
	return out
}

func candidateNames(r *model.Round) map[string]int64 {
	labels := candidateLabels(r)
	out := map[string]int64{}
	for i, c := range r.Candidates {
		out[labels[i]] = c.ID
	}
	return out
}

// Election turns a round's ballots into the tally package's election,
// anonymized: ballots are sorted by content, so their order says nothing
// about who cast them.
func Election(r *model.Round, ballots []model.Ballot) tally.Election {
	e := election(r, ballots)
	// Each ballot's sort key is computed once: formatting it inside the
	// comparison made a 500-ballot round's page take ~100 ms.
	keyed := make([]struct {
		key string
		b   tally.Ballot
	}, len(e.Ballots))
	for i, b := range e.Ballots {
		keyed[i].key, keyed[i].b = fmt.Sprint(b), b
	}
	sort.SliceStable(keyed, func(i, j int) bool { return keyed[i].key < keyed[j].key })
	for i := range keyed {
		e.Ballots[i] = keyed[i].b
	}
	return e
}

// election is Election without the anonymizing sort, for counting: a
// tally does not depend on the order of the ballots.
func election(r *model.Round, ballots []model.Ballot) tally.Election {
	index := map[int64]int{}
	for i, c := range r.Candidates {
		index[c.ID] = i
	}
	e := tally.Election{Title: r.ConsortiumName + ": " + r.Title, Candidates: candidateLabels(r), Type: tally.BallotType(r.BallotType),
		MaxScore: r.MaxScore, PointsBudget: r.DotPoints}
	for _, b := range ballots {
		w := 1
		if cw, ok := r.Weights[b.CommunityID]; ok {
			w = cw
		}
		if w == 0 {
			continue // a weight of 0 excludes the ballot
		}
		tb := tally.Ballot{Weight: w}
		switch r.BallotType {
		case model.BallotRanked:
			for _, tier := range b.Ballot.Ranking {
				var t []int
				for _, id := range tier {
					t = append(t, index[id])
				}
				sort.Ints(t)
				tb.Ranking = append(tb.Ranking, t)
			}
		case model.BallotApproval:
			for _, id := range b.Ballot.Approved {
				tb.Approved = append(tb.Approved, index[id])
			}
			sort.Ints(tb.Approved)
		case model.BallotScore:
			tb.Scores = map[int]int{}
			for k, s := range b.Ballot.Scores {
				id, _ := strconv.ParseInt(k, 10, 64)
				tb.Scores[index[id]] = s
			}
		case model.BallotDot:
			tb.Points = map[int]int{}
			for k, p := range b.Ballot.Points {
				id, _ := strconv.ParseInt(k, 10, 64)
				tb.Points[index[id]] = p
			}
		}
		e.Ballots = append(e.Ballots, tb)
	}
	return e
}

func tallyOptions(r *model.Round) tally.Options {
	return tally.Options{Method: tally.Method(r.Method), Strength: tally.LinkStrength(r.Strength), Unranked: tally.Unranked(r.Unranked)}
}

func tallyRound(r *model.Round, ballots []model.Ballot) (*tally.Result, error) {
	return tally.Tally(election(r, ballots), tallyOptions(r))
}

// ExportBallots writes a closed round's anonymized ballots as the project's
// JSON format ("json") or a PrefLib ordinal file ("preflib", ranked rounds
// only), with the file name to offer. Anyone who can see the published
// result can re-tally them with `consortia tally`.
func (a *App) ExportBallots(ctx context.Context, actor *model.User, roundID int64, format string) (name string, body []byte, err error) {
	v, err := a.GetRound(ctx, actor, roundID)
	if err != nil {
		return "", nil, err
	}
	if !v.CanSeeResult || v.State == model.RoundOpen {
		return "", nil, model.Errorf(model.EForbidden, "Ballots can be exported once the round has closed and its results are visible to you.")
	}
	ballots, err := a.store.Ballots(ctx, roundID)
	if err != nil {
		return "", nil, err
	}
	// The export holds the counted ballots, so re-counting it gives the result shown.
	counted, _, err := countedBallots(ctx, a.store, v.Round, ballots, a.now())
	if err != nil {
		return "", nil, err
	}
	e := Election(v.Round, counted)
	var buf bytes.Buffer
	base := fmt.Sprintf("round-%d-%s", v.ID, v.Quarter)
	switch format {
	case "json":
		err = tally.WriteJSON(&buf, e)
		name = base + ".json"
	case "preflib":
		if v.BallotType != model.BallotRanked {
			return "", nil, model.Errorf(model.EInvalid, "PrefLib ordinal files hold ranked ballots; export this %s round as JSON.", v.BallotType)
		}
		var ext string
		if ext, err = tally.PrefLibDataType(e); err == nil {
			err = tally.WritePrefLib(&buf, e)
			name = base + "." + ext
		}
	default:
		return "", nil, model.Errorf(model.EInvalid, "Unknown export format %q: use json or preflib.", format)
	}
	if err != nil {
		return "", nil, err
	}
	return name, buf.Bytes(), nil
}

// Rounds lists a consortium's rounds.
func (a *App) Rounds(ctx context.Context, actor *model.User, consortiumRef string) (*model.Consortium, []*model.Round, error) {
	c, err := loadVisibleConsortium(ctx, a.store, actor, consortiumRef)
	if err != nil {
		return nil, nil, err
	}
	rs, err := a.store.RoundsOf(ctx, c.ID)
	if !model.SignedIn(actor) {
		for _, r := range rs {
			r.ClosedEarlyBy = ""
		}
	}
	return c, rs, err
}
