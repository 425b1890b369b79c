package web

import (
	"net/url"
	"testing"

	"consortia/internal/model"
)

// A bad rank is reported under the candidate's title, not "rank_9".
func TestBallotProblemsNameTheCandidate(t *testing.T) {
	rd := &model.Round{BallotType: model.BallotRanked, Candidates: []model.InitiativeRef{{ID: 9, Title: "Cost dashboards"}, {ID: 4, Title: "Budget alerts"}}}
	_, err := ballotInput(rd, url.Values{"rank_9": {"7"}})
	f := model.ErrorFields(err)
	if len(f) != 1 || f[0].Field != "rank_9" || f[0].Label != "Cost dashboards" {
		t.Fatalf("problems: %+v", f)
	}
	rd.BallotType = model.BallotScore
	_, err = ballotInput(rd, url.Values{"score_4": {"lots"}})
	if f := model.ErrorFields(err); len(f) != 1 || f[0].Label != "Budget alerts" {
		t.Fatalf("problems: %+v", f)
	}
}
