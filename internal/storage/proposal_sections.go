package storage

import (
	"context"
	"database/sql"
	"time"

	"consortia/internal/model"
)

const sectionSelect = `SELECT s.id, s.proposal_id, s.title, s.owner_id, COALESCE(u.name, ''), s.due_at, s.status, s.body,
	s.created_at, s.updated_at, s.version FROM proposal_sections s LEFT JOIN users u ON u.id = s.owner_id`

func scanSection(sc scanner) (model.Section, error) {
	var s model.Section
	var owner sql.NullInt64
	var due sql.NullTime
	if err := sc.Scan(&s.ID, &s.ProposalID, &s.Title, &owner, &s.OwnerName, &due, &s.Status, &s.Body, &s.CreatedAt, &s.UpdatedAt, &s.Version); err != nil {
		return s, mapError(err)
	}
	if owner.Valid {
		s.OwnerID = &owner.Int64
	}
	if due.Valid {
		t := due.Time.UTC()
		s.DueAt = &t
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, nil
}

// CreateSection adds a section to a proposal.
func (q queries) CreateSection(ctx context.Context, proposalID int64, in model.SectionInput) (int64, error) {
	t := now()
	var id int64
	err := q.queryRow(ctx, `INSERT INTO proposal_sections (proposal_id, title, owner_id, due_at, status, body, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, proposalID, in.Title, in.OwnerID, in.DueAt, in.Status, in.Body, t, t).Scan(&id)
	return id, mapError(err)
}

// UpdateSection changes a section; a new owner or due date makes it due
// for a reminder again. A non-zero version must match.
func (q queries) UpdateSection(ctx context.Context, before model.Section, version int64, in model.SectionInput) error {
	query := `UPDATE proposal_sections SET title = ?, owner_id = ?, due_at = ?, status = ?, body = ?, updated_at = ?, version = version + 1`
	if !sameOwnerAndDue(before, in) {
		query += `, reminded_at = NULL`
	}
	query += ` WHERE id = ?`
	args := []any{in.Title, in.OwnerID, in.DueAt, in.Status, in.Body, now(), before.ID}
	changed, err := q.versioned(ctx, query, args, version)
	if err != nil {
		return err
	}
	if !changed {
		return &StaleError{What: model.StaleSection, Version: version}
	}
	return nil
}

func sameOwnerAndDue(s model.Section, in model.SectionInput) bool {
	sameOwner := (s.OwnerID == nil) == (in.OwnerID == nil) && (s.OwnerID == nil || *s.OwnerID == *in.OwnerID)
	sameDue := (s.DueAt == nil) == (in.DueAt == nil) && (s.DueAt == nil || s.DueAt.Equal(*in.DueAt))
	return sameOwner && sameDue
}

// DeleteSection removes a section of a proposal.
func (q queries) DeleteSection(ctx context.Context, proposalID, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM proposal_sections WHERE id = ? AND proposal_id = ?`, id, proposalID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &NotFoundError{Entity: model.EntitySection, Key: id}
	}
	return nil
}

// SectionOf returns a section of a proposal.
func (q queries) SectionOf(ctx context.Context, proposalID, id int64) (model.Section, error) {
	s, err := scanSection(q.queryRow(ctx, sectionSelect+` WHERE s.id = ? AND s.proposal_id = ?`, id, proposalID))
	if err != nil {
		return s, notFound(err, model.EntitySection, id)
	}
	return s, nil
}

// Sections lists a proposal's sections in the order added.
func (q queries) Sections(ctx context.Context, proposalID int64) ([]model.Section, error) {
	return collect(ctx, q, scanSection, sectionSelect+` WHERE s.proposal_id = ? ORDER BY s.id`, proposalID)
}

// DueSections lists the unfinished, owned sections of proposals still
// being written that fall due before the given time and have had no
// reminder since their owner or due date was set.
func (q queries) DueSections(ctx context.Context, before time.Time) ([]model.Section, error) {
	return collect(ctx, q, scanSection, sectionSelect+` JOIN proposals p ON p.id = s.proposal_id
		WHERE s.owner_id IS NOT NULL AND s.due_at IS NOT NULL AND s.due_at < ? AND s.status <> 'done' AND s.reminded_at IS NULL
		AND p.status IN ('idea', 'drafting') ORDER BY s.due_at, s.id`, before)
}

// MarkSectionReminded records that a section's owner was reminded; false
// when someone else did so first.
func (q queries) MarkSectionReminded(ctx context.Context, id int64) (bool, error) {
	res, err := q.exec(ctx, `UPDATE proposal_sections SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL`, now(), id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DueDeadlines lists proposals still being written whose deadline falls
// before the given time (and has not passed at now) and whose owners were
// not yet reminded of it.
func (q queries) DueDeadlines(ctx context.Context, now, before time.Time) ([]*model.Proposal, error) {
	return collect(ctx, q, scanProposal, proposalSelect+` WHERE p.status IN ('idea', 'drafting') AND p.deadline > ? AND p.deadline < ?
		AND p.deadline_reminded_at IS NULL ORDER BY p.deadline, p.id`, now, before)
}

// MarkDeadlineReminded records that a proposal's owners were reminded of
// its deadline; false when someone else did so first.
func (q queries) MarkDeadlineReminded(ctx context.Context, id int64) (bool, error) {
	res, err := q.exec(ctx, `UPDATE proposals SET deadline_reminded_at = ? WHERE id = ? AND deadline_reminded_at IS NULL`, now(), id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SectionOwners lists who may own a proposal's sections: staff (the
// host's people) and the people of the lead community, by name.
func (q queries) SectionOwners(ctx context.Context, leadCommunityID *int64) ([]model.PersonRef, error) {
	var lead int64 = -1
	if leadCommunityID != nil {
		lead = *leadCommunityID
	}
	return collect(ctx, q, func(sc scanner) (model.PersonRef, error) {
		var p model.PersonRef
		return p, sc.Scan(&p.ID, &p.Name)
	}, `SELECT id, name FROM users WHERE disabled_at IS NULL AND (role = 'admin' OR id IN (SELECT user_id FROM affiliations WHERE community_id = ?))
		ORDER BY name, id`, lead)
}
