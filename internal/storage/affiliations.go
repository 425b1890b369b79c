package storage

import (
	"context"
	"database/sql"

	"consortia/internal/model"
)

const affiliationSelect = `SELECT a.community_id, c.slug, c.name, a.user_id, u.name, u.email, a.role, a.created_at
	FROM affiliations a JOIN communities c ON c.id = a.community_id JOIN users u ON u.id = a.user_id`

func (q queries) listAffiliations(ctx context.Context, where string, args ...any) ([]model.Affiliation, error) {
	return collect(ctx, q, func(rows scanner) (model.Affiliation, error) {
		var a model.Affiliation
		if err := rows.Scan(&a.CommunityID, &a.CommunitySlug, &a.CommunityName, &a.UserID, &a.UserName,
			&a.UserEmail, &a.Role, &a.CreatedAt); err != nil {
			return a, err
		}
		a.CreatedAt = a.CreatedAt.UTC()
		return a, nil
	}, affiliationSelect+` WHERE `+where, args...)
}

// AffiliationsOfUser lists the communities a person belongs to.
func (q queries) AffiliationsOfUser(ctx context.Context, userID int64) ([]model.Affiliation, error) {
	return q.listAffiliations(ctx, `a.user_id = ? ORDER BY c.name`, userID)
}

// AffiliationsOfCommunity lists a community's people, leads first.
func (q queries) AffiliationsOfCommunity(ctx context.Context, communityID int64) ([]model.Affiliation, error) {
	return q.listAffiliations(ctx, `a.community_id = ? ORDER BY CASE a.role WHEN 'lead' THEN 0 WHEN 'contact' THEN 1 ELSE 2 END, u.name`, communityID)
}

// AffiliationsOfUsers lists the affiliations of several people in one query.
func (q queries) AffiliationsOfUsers(ctx context.Context, userIDs []int64) (map[int64][]model.Affiliation, error) {
	out := map[int64][]model.Affiliation{}
	if len(userIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(userIDs)
	list, err := q.listAffiliations(ctx, `a.user_id IN (`+ph+`) ORDER BY c.name`, args...)
	for _, a := range list {
		out[a.UserID] = append(out[a.UserID], a)
	}
	return out, err
}

// LeadsOf lists the people who lead any of the given communities, once each.
func (q queries) LeadsOf(ctx context.Context, communityIDs []int64) ([]int64, error) {
	out := []int64{}
	if len(communityIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(communityIDs)
	err := q.eachRow(ctx, `SELECT DISTINCT user_id FROM affiliations WHERE role = 'lead' AND community_id IN (`+ph+`) ORDER BY user_id`, args,
		func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out = append(out, id)
			return nil
		})
	return out, err
}

// SetAffiliation adds a person to a community or changes their role there.
func (q queries) SetAffiliation(ctx context.Context, communityID, userID int64, role string) error {
	_, err := q.exec(ctx, `INSERT INTO affiliations (community_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (community_id, user_id) DO UPDATE SET role = excluded.role`, communityID, userID, role, now())
	return err
}

// RemoveAffiliation removes a person from a community.
func (q queries) RemoveAffiliation(ctx context.Context, communityID, userID int64) error {
	res, err := q.exec(ctx, `DELETE FROM affiliations WHERE community_id = ? AND user_id = ?`, communityID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &NotFoundError{Entity: model.EntityAffiliation}
	}
	return nil
}

func placeholders(ids []int64) (string, []any) {
	b := make([]byte, 0, 2*len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
		args[i] = id
	}
	return string(b), args
}
