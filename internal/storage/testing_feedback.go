package storage

import (
	"context"
	"database/sql"
	"encoding/json"

	"consortia/internal/model"
)

const feedbackSelect = `SELECT f.id, f.call_id, f.community_id, c.slug, c.name, f.author_id, f.author_name, f.outcome, f.tried,
	f.summary, f.link, f.answers, f.response, f.responded_by_name, f.addressed_at, f.created_at, f.updated_at
	FROM testing_feedback f JOIN communities c ON c.id = f.community_id`

func scanFeedback(sc scanner) (*model.TestingFeedback, error) {
	var f model.TestingFeedback
	var author sql.NullInt64
	var addressed sql.NullTime
	var answers string
	if err := sc.Scan(&f.ID, &f.CallID, &f.CommunityID, &f.CommunitySlug, &f.CommunityName, &author, &f.AuthorName, &f.Outcome,
		&f.Tried, &f.Summary, &f.Link, &answers, &f.Response, &f.RespondedByName, &addressed, &f.CreatedAt, &f.UpdatedAt); err != nil {
		return nil, mapError(err)
	}
	if author.Valid {
		f.AuthorID = &author.Int64
	}
	f.AddressedAt = nullTime(addressed)
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(answers), &f.Answers); err != nil || f.Answers == nil {
		f.Answers = []string{}
	}
	return &f, nil
}

func answersJSON(answers []string) string {
	if answers == nil {
		answers = []string{}
	}
	b, _ := json.Marshal(answers) // a slice of strings always marshals
	return string(b)
}

// AddFeedback records a tester's report.
func (q queries) AddFeedback(ctx context.Context, callID, communityID int64, author *model.User, in model.FeedbackInput) (int64, error) {
	t := now()
	var id int64
	err := q.queryRow(ctx, `INSERT INTO testing_feedback (call_id, community_id, author_id, author_name, outcome, tried, summary, link,
		answers, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		callID, communityID, author.ID, author.Name, in.Outcome, in.Tried, in.Summary, in.Link, answersJSON(in.Answers), t, t).Scan(&id)
	return id, mapError(err)
}

// UpdateFeedback changes what a report says.
func (q queries) UpdateFeedback(ctx context.Context, id int64, in model.FeedbackInput) error {
	_, err := q.exec(ctx, `UPDATE testing_feedback SET outcome = ?, tried = ?, summary = ?, link = ?, answers = ?, updated_at = ? WHERE id = ?`,
		in.Outcome, in.Tried, in.Summary, in.Link, answersJSON(in.Answers), now(), id)
	return err
}

// RespondToFeedback records staff's response and whether the report is
// addressed (the time it was first marked so is kept).
func (q queries) RespondToFeedback(ctx context.Context, id int64, response, byName string, addressed bool) error {
	var at any
	if addressed {
		at = now()
	}
	_, err := q.exec(ctx, `UPDATE testing_feedback SET response = ?, responded_by_name = ?,
		addressed_at = CASE WHEN ? THEN COALESCE(addressed_at, ?) ELSE NULL END WHERE id = ?`, response, byName, addressed, at, id)
	return err
}

// FeedbackByID returns one report.
func (q queries) FeedbackByID(ctx context.Context, id int64) (*model.TestingFeedback, error) {
	f, err := scanFeedback(q.queryRow(ctx, feedbackSelect+` WHERE f.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityFeedback, id)
	}
	return f, nil
}

// FeedbackOf lists the reports on some calls, oldest first.
func (q queries) FeedbackOf(ctx context.Context, callIDs []int64) ([]*model.TestingFeedback, error) {
	if len(callIDs) == 0 {
		return []*model.TestingFeedback{}, nil
	}
	ph, args := placeholders(callIDs)
	return collect(ctx, q, scanFeedback, feedbackSelect+` WHERE f.call_id IN (`+ph+`) ORDER BY f.id`, args...)
}
