package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"

	"consortia/internal/model"
)

const roundSelect = `SELECT r.id, r.consortium_id, c.slug, c.name, r.title, r.quarter, r.ballot_type, r.method, r.strength, r.unranked,
	r.max_score, r.dot_points, r.opens_at, r.closes_at, r.live_results, r.published_at, r.applied_at, r.created_at,
	r.closed_early_at, r.closed_early_by, r.close_reason,
	(SELECT COUNT(*) FROM ballots b WHERE b.round_id = r.id)
	FROM rounds r JOIN consortia c ON c.id = r.consortium_id`

func scanRound(sc interface{ Scan(...any) error }) (*model.Round, error) {
	var r model.Round
	var published, applied, closedEarly sql.NullTime
	err := sc.Scan(&r.ID, &r.ConsortiumID, &r.ConsortiumSlug, &r.ConsortiumName, &r.Title, &r.Quarter, &r.BallotType, &r.Method,
		&r.Strength, &r.Unranked, &r.MaxScore, &r.DotPoints, &r.OpensAt, &r.ClosesAt, &r.LiveResults, &published, &applied,
		&r.CreatedAt, &closedEarly, &r.ClosedEarlyBy, &r.CloseReason, &r.BallotCount)
	if err != nil {
		return nil, mapError(err)
	}
	r.OpensAt, r.ClosesAt, r.CreatedAt = r.OpensAt.UTC(), r.ClosesAt.UTC(), r.CreatedAt.UTC()
	r.PublishedAt, r.AppliedAt, r.ClosedEarlyAt = nullTime(published), nullTime(applied), nullTime(closedEarly)
	r.Candidates, r.Weights = []model.InitiativeRef{}, map[int64]int{}
	return &r, nil
}

// CreateRound inserts a round with its candidates and weights.
func (q queries) CreateRound(ctx context.Context, consortiumID int64, in model.RoundInput) (*model.Round, error) {
	var id int64
	err := q.queryRow(ctx, `INSERT INTO rounds (consortium_id, title, quarter, ballot_type, method, strength, unranked, max_score,
		dot_points, opens_at, closes_at, live_results, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		consortiumID, in.Title, in.Quarter, in.BallotType, in.Method, in.Strength, in.Unranked, in.MaxScore, in.DotPoints,
		in.OpensAt, in.ClosesAt, in.LiveResults, now()).Scan(&id)
	if err != nil {
		return nil, mapError(err)
	}
	if err := q.setRoundParts(ctx, id, in); err != nil {
		return nil, err
	}
	return q.RoundByID(ctx, id)
}

// UpdateRound changes a round that has no ballots yet.
func (q queries) UpdateRound(ctx context.Context, id int64, in model.RoundInput) (*model.Round, error) {
	_, err := q.exec(ctx, `UPDATE rounds SET title = ?, quarter = ?, ballot_type = ?, method = ?, strength = ?, unranked = ?,
		max_score = ?, dot_points = ?, opens_at = ?, closes_at = ?, live_results = ? WHERE id = ?`,
		in.Title, in.Quarter, in.BallotType, in.Method, in.Strength, in.Unranked, in.MaxScore, in.DotPoints, in.OpensAt, in.ClosesAt,
		in.LiveResults, id)
	if err != nil {
		return nil, err
	}
	if err := q.setRoundParts(ctx, id, in); err != nil {
		return nil, err
	}
	return q.RoundByID(ctx, id)
}

func (q queries) setRoundParts(ctx context.Context, id int64, in model.RoundInput) error {
	for _, stmt := range []string{`DELETE FROM round_candidates WHERE round_id = ?`, `DELETE FROM round_weights WHERE round_id = ?`} {
		if _, err := q.exec(ctx, stmt, id); err != nil {
			return err
		}
	}
	for _, c := range in.CandidateIDs {
		if _, err := q.exec(ctx, `INSERT INTO round_candidates (round_id, initiative_id) VALUES (?, ?)`, id, c); err != nil {
			return named(err, model.RuleRoundCandidate)
		}
	}
	for c, w := range in.Weights {
		if _, err := q.exec(ctx, `INSERT INTO round_weights (round_id, community_id, weight) VALUES (?, ?, ?)`, id, c, w); err != nil {
			return named(err, model.RuleRoundWeight)
		}
	}
	return nil
}

// SetRoundPublished publishes (or with at nil, unpublishes) results.
func (q queries) SetRoundPublished(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `UPDATE rounds SET published_at = ? WHERE id = ? AND published_at IS NULL`, now(), id)
	return err
}

// CloseRoundEarly closes an open round now, recording who closed it and why.
// The caller checks that the round is open; the condition here only makes a
// concurrent second close a no-op (it reports false).
func (q queries) CloseRoundEarly(ctx context.Context, id int64, at time.Time, by, reason string) (bool, error) {
	res, err := q.exec(ctx, `UPDATE rounds SET closes_at = ?, closed_early_at = ?, closed_early_by = ?, close_reason = ?
		WHERE id = ? AND closed_early_at IS NULL AND published_at IS NULL`, at, at, by, reason, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetRoundApplied records that the roadmap was set from the round.
func (q queries) SetRoundApplied(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `UPDATE rounds SET applied_at = ? WHERE id = ?`, now(), id)
	return err
}

// RoundByID returns a round with candidates and weights.
func (q queries) RoundByID(ctx context.Context, id int64) (*model.Round, error) {
	r, err := scanRound(q.queryRow(ctx, roundSelect+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityRound, id)
	}
	return r, q.loadRoundParts(ctx, []*model.Round{r})
}

// RoundsOf lists a consortium's rounds, newest first.
func (q queries) RoundsOf(ctx context.Context, consortiumID int64) ([]*model.Round, error) {
	out, err := collect(ctx, q, scanRound, roundSelect+` WHERE r.consortium_id = ? ORDER BY r.opens_at DESC, r.id DESC`, consortiumID)
	if err != nil {
		return nil, err
	}
	return out, q.loadRoundParts(ctx, out)
}

func (q queries) loadRoundParts(ctx context.Context, rounds []*model.Round) error {
	if len(rounds) == 0 {
		return nil
	}
	byID := map[int64]*model.Round{}
	ids := make([]int64, len(rounds))
	for i, r := range rounds {
		byID[r.ID], ids[i] = r, r.ID
	}
	ph, args := placeholders(ids)
	if err := q.eachRow(ctx, `SELECT rc.round_id, i.id, i.slug, i.title, i.status, i.public FROM round_candidates rc
		JOIN initiatives i ON i.id = rc.initiative_id WHERE rc.round_id IN (`+ph+`) ORDER BY i.title, i.id`, args, func(rows *sql.Rows) error {
		var id int64
		var in model.InitiativeRef
		if err := rows.Scan(&id, &in.ID, &in.Slug, &in.Title, &in.Status, &in.Public); err != nil {
			return err
		}
		byID[id].Candidates = append(byID[id].Candidates, in)
		return nil
	}); err != nil {
		return err
	}
	if err := q.eachRow(ctx, `SELECT round_id, community_id, weight FROM round_weights WHERE round_id IN (`+ph+`)`, args, func(rows *sql.Rows) error {
		var id, c int64
		var w int
		if err := rows.Scan(&id, &c, &w); err != nil {
			return err
		}
		byID[id].Weights[c] = w
		return nil
	}); err != nil {
		return err
	}
	return nil
}

// CastBallot stores (or replaces) a community's ballot.
func (q queries) CastBallot(ctx context.Context, roundID, communityID int64, by *model.User, b model.BallotInput) error {
	buf, err := json.Marshal(b)
	if err != nil {
		return err
	}
	_, err = q.exec(ctx, `INSERT INTO ballots (round_id, community_id, cast_by_id, cast_by_name, cast_at, ballot) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (round_id, community_id) DO UPDATE SET cast_by_id = excluded.cast_by_id, cast_by_name = excluded.cast_by_name,
		cast_at = excluded.cast_at, ballot = excluded.ballot`, roundID, communityID, by.ID, by.Name, now(), string(buf))
	return err
}

// Ballots lists a round's ballots.
func (q queries) Ballots(ctx context.Context, roundID int64) ([]model.Ballot, error) {
	return collect(ctx, q, func(rows scanner) (model.Ballot, error) {
		var b model.Ballot
		var raw string
		var archived sql.NullTime
		if err := rows.Scan(&b.CommunityID, &b.CommunityName, &archived, &b.CastByName, &b.CastAt, &raw); err != nil {
			return b, err
		}
		if err := json.Unmarshal([]byte(raw), &b.Ballot); err != nil {
			return b, err
		}
		b.CastAt, b.CommunityArchivedAt = b.CastAt.UTC(), nullTime(archived)
		return b, nil
	}, `SELECT b.community_id, c.name, c.archived_at, b.cast_by_name, b.cast_at, b.ballot FROM ballots b
		JOIN communities c ON c.id = b.community_id WHERE b.round_id = ? ORDER BY b.community_id`, roundID)
}

// SetPriorities moves initiatives to upcoming in the given order.
func (q queries) SetPriorities(ctx context.Context, ordered []int64, by *model.User, note string) error {
	for i, id := range ordered {
		in, err := q.InitiativeByRef(ctx, strconv.FormatInt(id, 10))
		if err != nil {
			return err
		}
		prio := i + 1
		to := in.Status
		if in.Status == model.StatusCandidate || in.Status == model.StatusIdea {
			to = model.StatusUpcoming
		}
		if to != in.Status {
			if err := q.SetInitiativeStatus(ctx, id, in.Status, to, by, note, &prio); err != nil {
				return err
			}
			continue
		}
		if _, err := q.exec(ctx, `UPDATE initiatives SET priority = ?, updated_at = ? WHERE id = ?`, prio, now(), id); err != nil {
			return err
		}
	}
	return nil
}

// LastMemberEvents returns, per community, the last membership event of a
// consortium at or before a time: what the community was then.
func (q queries) LastMemberEvents(ctx context.Context, consortiumID int64, at time.Time) (map[int64]model.MemberEvent, error) {
	out := map[int64]model.MemberEvent{}
	if err := q.eachRow(ctx, `SELECT community_id, action, roles, at FROM consortium_member_events
		WHERE consortium_id = ? AND at <= ? ORDER BY at, id`, []any{consortiumID, at}, func(rows *sql.Rows) error {
		var e model.MemberEvent
		var roles string
		if err := rows.Scan(&e.CommunityID, &e.Action, &roles, &e.At); err != nil {
			return err
		}
		e.Roles, e.At = splitRoles(roles), e.At.UTC()
		out[e.CommunityID] = e
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// AddToScope adds initiatives to a consortium's scope (a round's candidates
// picked from outside it).
func (q queries) AddToScope(ctx context.Context, consortiumID int64, initiativeIDs []int64) error {
	for _, id := range initiativeIDs {
		if _, err := q.exec(ctx, `INSERT INTO consortium_initiatives (consortium_id, initiative_id) VALUES (?, ?)`, consortiumID, id); err != nil {
			return named(err, model.RuleRoundCandidate)
		}
	}
	return nil
}
