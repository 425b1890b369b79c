package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"consortia/internal/app"
	"consortia/internal/model"
)

// ballotForm is one community's ballot on the page.
type ballotForm struct {
	Key  string // form key: ballot_<slug>
	Slug string
	Name string
	Cast bool
	// Sealed: cast, but the reader does not lead the community, so its
	// content is not shown (staff casting for it replace it blind).
	Sealed bool
	Open   bool // expanded
	Items  []ballotItem
	N      int
	Spent  int
}

type ballotItem struct {
	ID       int64
	Title    string
	Slug     string
	Rank     string
	Approved bool
	Score    int
	Points   string
}

// newBallotForm lays out a community's ballot: from what was just posted
// when that failed, else from the ballot it cast, else empty.
func newBallotForm(rd *model.Round, vt app.Voter, key string, posted url.Values, open bool) ballotForm {
	bf := ballotForm{Key: key, Slug: vt.CommunitySlug, Name: vt.CommunityName, Cast: vt.Cast, Sealed: vt.Cast && vt.Ballot == nil,
		Open: open || !vt.Cast, N: len(rd.Candidates)}
	rank := map[int64]int{}
	approved := map[int64]bool{}
	var b model.BallotInput
	if vt.Ballot != nil {
		b = *vt.Ballot
	}
	for i, tier := range b.Ranking {
		for _, id := range tier {
			rank[id] = i + 1
		}
	}
	for _, id := range b.Approved {
		approved[id] = true
	}
	for _, c := range rd.Candidates {
		ids := strconv.FormatInt(c.ID, 10)
		it := ballotItem{ID: c.ID, Title: c.Title, Slug: c.Slug}
		if posted != nil {
			it.Rank = strings.TrimSpace(posted.Get("rank_" + ids))
			it.Approved = slices.Contains(posted["approved"], ids)
			it.Score, _ = strconv.Atoi(posted.Get("score_" + ids))
			it.Points = strings.TrimSpace(posted.Get("points_" + ids))
		} else {
			if n := rank[c.ID]; n > 0 {
				it.Rank = strconv.Itoa(n)
			}
			it.Approved = approved[c.ID]
			it.Score = b.Scores[ids]
			if n := b.Points[ids]; n > 0 {
				it.Points = strconv.Itoa(n)
			}
		}
		if n, err := strconv.Atoi(it.Points); err == nil {
			bf.Spent += n
		}
		bf.Items = append(bf.Items, it)
	}
	if rd.BallotType == model.BallotRanked {
		// Ranked candidates first, in ballot order; then the unranked.
		key := func(it ballotItem) int {
			if n, err := strconv.Atoi(it.Rank); err == nil {
				return n
			}
			return math.MaxInt
		}
		sort.SliceStable(bf.Items, func(i, j int) bool { return key(bf.Items[i]) < key(bf.Items[j]) })
	}
	return bf
}

// ballotInput reads a ballot form: rank_<id> (ranked: 1..n, equal numbers
// tie, empty leaves the candidate unranked), approved (approval),
// score_<id> (score) or points_<id> (dot).
func ballotInput(rd *model.Round, f url.Values) (model.BallotInput, error) {
	var b model.BallotInput
	var p model.Problems
	n := len(rd.Candidates)
	switch rd.BallotType {
	case model.BallotRanked:
		tiers := map[int][]int64{}
		for _, c := range rd.Candidates {
			field := "rank_" + strconv.FormatInt(c.ID, 10)
			s := strings.TrimSpace(f.Get(field))
			if s == "" {
				continue
			}
			k, err := strconv.Atoi(s)
			if err != nil || k < 1 || k > n {
				p.AddLabeled(field, c.Title, "must be a whole number from 1 to %d, or empty to leave it unranked", n)
				continue
			}
			tiers[k] = append(tiers[k], c.ID)
		}
		keys := make([]int, 0, len(tiers))
		for k := range tiers {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		for _, k := range keys {
			b.Ranking = append(b.Ranking, tiers[k])
		}
	case model.BallotApproval:
		ids, ok := parseIDs(f["approved"])
		if !ok {
			p.Add("approved", "must name candidates of this round")
		}
		b.Approved = ids
		if b.Approved == nil {
			b.Approved = []int64{}
		}
	case model.BallotScore, model.BallotDot:
		prefix, dst := "score_", map[string]int{}
		if rd.BallotType == model.BallotDot {
			prefix = "points_"
		}
		for _, c := range rd.Candidates {
			ids := strconv.FormatInt(c.ID, 10)
			s := strings.TrimSpace(f.Get(prefix + ids))
			if s == "" {
				continue
			}
			k, err := strconv.Atoi(s)
			if err != nil {
				p.AddLabeled(prefix+ids, c.Title, "must be a whole number")
				continue
			}
			dst[ids] = k
		}
		if rd.BallotType == model.BallotDot {
			b.Points = dst
		} else {
			b.Scores = dst
		}
	}
	return b, p.Err()
}

// CastBallot handles a community's ballot form.
func (ui *UI) CastBallot() http.Handler {
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
		rd, err := ui.app.GetRound(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		community := r.PathValue("community")
		form := "ballot_" + community
		b, err := ballotInput(rd.Round, r.PostForm)
		if err == nil {
			err = ui.app.CastBallot(r.Context(), user(r), id, community, b)
		}
		if err != nil {
			return ui.roundFailed(w, r, err, form)
		}
		name := community
		for _, vt := range rd.Voters {
			if vt.CommunitySlug == community {
				name = vt.CommunityName
			}
		}
		ui.flash(r, "The ballot of "+name+" is recorded. You can change it until the round closes on "+rd.ClosesAt.Format("2 Jan 2006 15:04 MST")+".")
		redirect(w, r, fmt.Sprintf("/rounds/%d#ballots", id))
		return nil
	})
}
