package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"consortia/internal/model"
)

const testingCallSelect = `SELECT t.id, t.initiative_id, i.slug, i.title, t.title, t.instructions, t.environment_url, t.build,
	t.build_posted_at, t.risks, t.ends_on, t.questions, t.state, t.opened_by_name, t.created_at, t.updated_at
	FROM testing_calls t JOIN initiatives i ON i.id = t.initiative_id`

func scanTestingCall(sc scanner) (*model.TestingCall, error) {
	var c model.TestingCall
	var posted sql.NullTime
	var questions string
	if err := sc.Scan(&c.ID, &c.InitiativeID, &c.InitiativeSlug, &c.InitiativeTitle, &c.Title, &c.Instructions, &c.EnvironmentURL,
		&c.Build, &posted, &c.Risks, &c.EndsOn, &questions, &c.State, &c.OpenedByName, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, mapError(err)
	}
	c.BuildPostedAt = nullTime(posted)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.Questions = []string{}
	if questions != "" {
		c.Questions = strings.Split(questions, "\n")
	}
	c.Enrolled = []model.TestingEnrolment{}
	return &c, nil
}

// CreateTestingCall opens a testing call on an initiative.
func (q queries) CreateTestingCall(ctx context.Context, initiativeID int64, in model.TestingCallInput, byName string) (int64, error) {
	t := now()
	var posted *time.Time
	if in.Build != "" {
		posted = &t
	}
	var id int64
	err := q.queryRow(ctx, `INSERT INTO testing_calls (initiative_id, title, instructions, environment_url, build, build_posted_at, risks,
		ends_on, questions, state, opened_by_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		initiativeID, in.Title, in.Instructions, in.EnvironmentURL, in.Build, posted, in.Risks, in.EndsOn,
		strings.Join(in.Questions, "\n"), in.State, byName, t, t).Scan(&id)
	return id, mapError(err)
}

// UpdateTestingCall changes a call; newBuild records that its build was
// posted now.
func (q queries) UpdateTestingCall(ctx context.Context, id int64, in model.TestingCallInput, newBuild bool) error {
	t := now()
	query := `UPDATE testing_calls SET title = ?, instructions = ?, environment_url = ?, build = ?, risks = ?, ends_on = ?,
		questions = ?, state = ?, updated_at = ?`
	args := []any{in.Title, in.Instructions, in.EnvironmentURL, in.Build, in.Risks, in.EndsOn, strings.Join(in.Questions, "\n"), in.State, t}
	if newBuild {
		query += `, build_posted_at = ?`
		args = append(args, t)
	}
	_, err := q.exec(ctx, query+` WHERE id = ?`, append(args, id)...)
	return err
}

// TestingCallByID returns a call with its enrolled communities and testers.
func (q queries) TestingCallByID(ctx context.Context, id int64) (*model.TestingCall, error) {
	c, err := scanTestingCall(q.queryRow(ctx, testingCallSelect+` WHERE t.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityTestingCall, id)
	}
	if err := q.loadEnrolments(ctx, []*model.TestingCall{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// TestingCallsOf lists the calls on some initiatives (every open call when
// initiativeIDs is nil), newest first, with their enrolments.
func (q queries) TestingCallsOf(ctx context.Context, initiativeIDs []int64) ([]*model.TestingCall, error) {
	where, args := `t.state = 'open'`, []any(nil)
	if initiativeIDs != nil {
		if len(initiativeIDs) == 0 {
			return []*model.TestingCall{}, nil
		}
		var ph string
		ph, args = placeholders(initiativeIDs)
		where = `t.initiative_id IN (` + ph + `)`
	}
	list, err := collect(ctx, q, scanTestingCall, testingCallSelect+` WHERE `+where+` ORDER BY t.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	return list, q.loadEnrolments(ctx, list)
}

// loadEnrolments fills the calls' enrolments and testers, two queries for
// the whole list.
func (q queries) loadEnrolments(ctx context.Context, list []*model.TestingCall) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[int64]*model.TestingCall{}
	ids := make([]int64, len(list))
	for i, c := range list {
		byID[c.ID], ids[i] = c, c.ID
	}
	ph, args := placeholders(ids)
	if err := q.eachRow(ctx, `SELECT e.call_id, e.community_id, c.slug, c.name, e.enrolled_by_name, e.risks_acknowledged_at, e.enrolled_at
		FROM testing_enrolments e JOIN communities c ON c.id = e.community_id WHERE e.call_id IN (`+ph+`) ORDER BY c.name`, args,
		func(rows *sql.Rows) error {
			var callID int64
			e := model.TestingEnrolment{People: []model.PersonRef{}}
			if err := rows.Scan(&callID, &e.CommunityID, &e.CommunitySlug, &e.CommunityName, &e.EnrolledByName, &e.RisksAcknowledgedAt, &e.EnrolledAt); err != nil {
				return err
			}
			e.RisksAcknowledgedAt, e.EnrolledAt = e.RisksAcknowledgedAt.UTC(), e.EnrolledAt.UTC()
			byID[callID].Enrolled = append(byID[callID].Enrolled, e)
			return nil
		}); err != nil {
		return err
	}
	return q.eachRow(ctx, `SELECT t.call_id, t.community_id, u.id, u.name FROM testing_testers t JOIN users u ON u.id = t.user_id
		WHERE t.call_id IN (`+ph+`) ORDER BY u.name, u.id`, args, func(rows *sql.Rows) error {
		var callID, communityID int64
		var p model.PersonRef
		if err := rows.Scan(&callID, &communityID, &p.ID, &p.Name); err != nil {
			return err
		}
		if e := byID[callID].Enrolment(communityID); e != nil {
			e.People = append(e.People, p)
		}
		return nil
	})
}

// Enrol enrols a community in a call (or changes its testers when it is
// enrolled already), recording who acknowledged the risks.
func (q queries) Enrol(ctx context.Context, callID, communityID int64, byName string, people []int64) error {
	t := now()
	if _, err := q.exec(ctx, `INSERT INTO testing_enrolments (call_id, community_id, enrolled_by_name, risks_acknowledged_at, enrolled_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (call_id, community_id) DO UPDATE SET risks_acknowledged_at = excluded.risks_acknowledged_at`,
		callID, communityID, byName, t, t); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `DELETE FROM testing_testers WHERE call_id = ? AND community_id = ?`, callID, communityID); err != nil {
		return err
	}
	for _, uid := range people {
		if _, err := q.exec(ctx, `INSERT INTO testing_testers (call_id, community_id, user_id) VALUES (?, ?, ?)
			ON CONFLICT (call_id, community_id, user_id) DO NOTHING`, callID, communityID, uid); err != nil {
			return err
		}
	}
	return nil
}

// LeaveCall ends a community's enrolment; it reports whether there was one.
// The community's reports stay.
func (q queries) LeaveCall(ctx context.Context, callID, communityID int64) (bool, error) {
	if _, err := q.exec(ctx, `DELETE FROM testing_testers WHERE call_id = ? AND community_id = ?`, callID, communityID); err != nil {
		return false, err
	}
	res, err := q.exec(ctx, `DELETE FROM testing_enrolments WHERE call_id = ? AND community_id = ?`, callID, communityID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, mapError(err)
}

// TestingCandidates lists, by initiative, the current memberships of the
// communities that belong to an open consortium with the initiative in
// scope: those a call on it may invite. Two queries for any number of
// initiatives.
func (q queries) TestingCandidates(ctx context.Context, initiativeIDs []int64) (map[int64][]model.Member, error) {
	return q.scopeMembers(ctx, initiativeIDs, `AND k.stage NOT IN ('concluded', 'dissolved')`)
}

// ScopeMembers is TestingCandidates including closed consortia: the
// memberships whose choices (such as sharing credit) speak for the work.
func (q queries) ScopeMembers(ctx context.Context, initiativeIDs []int64) (map[int64][]model.Member, error) {
	return q.scopeMembers(ctx, initiativeIDs, "")
}

func (q queries) scopeMembers(ctx context.Context, initiativeIDs []int64, stages string) (map[int64][]model.Member, error) {
	out := map[int64][]model.Member{}
	if len(initiativeIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(initiativeIDs)
	scopes := map[int64][]int64{} // consortium → initiatives
	var consortia []int64
	if err := q.eachRow(ctx, `SELECT ci.consortium_id, ci.initiative_id FROM consortium_initiatives ci JOIN consortia k ON k.id = ci.consortium_id
		WHERE ci.initiative_id IN (`+ph+`) `+stages+` ORDER BY ci.consortium_id, ci.initiative_id`, args,
		func(rows *sql.Rows) error {
			var consortiumID, initiativeID int64
			if err := rows.Scan(&consortiumID, &initiativeID); err != nil {
				return err
			}
			if _, ok := scopes[consortiumID]; !ok {
				consortia = append(consortia, consortiumID)
			}
			scopes[consortiumID] = append(scopes[consortiumID], initiativeID)
			return nil
		}); err != nil || len(consortia) == 0 {
		return out, err
	}
	ph, args = placeholders(consortia)
	members, err := q.listMembers(ctx, `m.left_at IS NULL AND c.archived_at IS NULL AND m.consortium_id IN (`+ph+`) ORDER BY c.name, m.id`, args...)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		for _, initiativeID := range scopes[m.ConsortiumID] {
			out[initiativeID] = append(out[initiativeID], m)
		}
	}
	return out, nil
}

// TestedBy lists, by initiative, the communities that tested it: enrolled
// in one of its calls, now or when they reported.
func (q queries) TestedBy(ctx context.Context, initiativeIDs []int64) (map[int64][]model.CommunityRef, error) {
	out := map[int64][]model.CommunityRef{}
	if len(initiativeIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(initiativeIDs)
	err := q.eachRow(ctx, `SELECT DISTINCT t.initiative_id, c.id, c.slug, c.name FROM testing_calls t
		JOIN (SELECT call_id, community_id FROM testing_enrolments UNION SELECT call_id, community_id FROM testing_feedback) x ON x.call_id = t.id
		JOIN communities c ON c.id = x.community_id WHERE t.initiative_id IN (`+ph+`) ORDER BY c.name, c.id`, args, func(rows *sql.Rows) error {
		var initiativeID int64
		var c model.CommunityRef
		if err := rows.Scan(&initiativeID, &c.ID, &c.Slug, &c.Name); err != nil {
			return err
		}
		out[initiativeID] = append(out[initiativeID], c)
		return nil
	})
	return out, err
}
