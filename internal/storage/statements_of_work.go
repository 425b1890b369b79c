package storage

import (
	"context"
	"database/sql"
	"encoding/json"

	"consortia/internal/model"
)

// Statements of work: versions per initiative (content kept as JSON, as it
// was when the version was made) and the co-funders' acknowledgements.

// CreateStatement adds the initiative's next version and returns it.
func (q queries) CreateStatement(ctx context.Context, initiativeID int64, content model.StatementContent, by *model.User) (*model.StatementOfWork, error) {
	raw, err := json.Marshal(content)
	if err != nil {
		return nil, err
	}
	var version int
	if err := q.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM statements_of_work WHERE initiative_id = ?`, initiativeID).Scan(&version); err != nil {
		return nil, mapError(err)
	}
	s := &model.StatementOfWork{InitiativeID: initiativeID, Version: version, Content: content, CreatedByName: actorName(by),
		CreatedAt: now(), Acknowledgements: []model.Acknowledgement{}}
	if err := q.queryRow(ctx, `INSERT INTO statements_of_work (initiative_id, version, content, created_by_id, created_by_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, initiativeID, version, string(raw), userID(by), s.CreatedByName, s.CreatedAt).Scan(&s.ID); err != nil {
		return nil, mapError(err)
	}
	return s, nil
}

// StatementsOfInitiative lists an initiative's versions, newest first, with
// their acknowledgements.
func (q queries) StatementsOfInitiative(ctx context.Context, initiativeID int64) ([]*model.StatementOfWork, error) {
	list, err := collect(ctx, q, func(r scanner) (*model.StatementOfWork, error) {
		var s model.StatementOfWork
		var raw string
		if err := r.Scan(&s.ID, &s.InitiativeID, &s.Version, &raw, &s.CreatedByName, &s.CreatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &s.Content); err != nil {
			return nil, err
		}
		s.CreatedAt = s.CreatedAt.UTC()
		s.Acknowledgements, s.Waiting = []model.Acknowledgement{}, []model.CommunityRef{}
		return &s, nil
	}, `SELECT id, initiative_id, version, content, created_by_name, created_at FROM statements_of_work
		WHERE initiative_id = ? ORDER BY version DESC`, initiativeID)
	if err != nil || len(list) == 0 {
		return list, err
	}
	byID := map[int64]*model.StatementOfWork{}
	for _, s := range list {
		byID[s.ID] = s
	}
	return list, q.eachRow(ctx, `SELECT a.statement_id, c.id, c.slug, c.name, a.by_name, a.at FROM statement_acknowledgements a
		JOIN communities c ON c.id = a.community_id JOIN statements_of_work s ON s.id = a.statement_id
		WHERE s.initiative_id = ? ORDER BY a.at, c.name`, []any{initiativeID}, func(r *sql.Rows) error {
		var id int64
		var a model.Acknowledgement
		if err := r.Scan(&id, &a.Community.ID, &a.Community.Slug, &a.Community.Name, &a.ByName, &a.At); err != nil {
			return err
		}
		a.At = a.At.UTC()
		byID[id].Acknowledgements = append(byID[id].Acknowledgements, a)
		return nil
	})
}

// AcknowledgeStatement records a co-funder's acknowledgement of a version;
// false when the community had already acknowledged it.
func (q queries) AcknowledgeStatement(ctx context.Context, statementID, communityID int64, by *model.User) (bool, error) {
	res, err := q.exec(ctx, `INSERT INTO statement_acknowledgements (statement_id, community_id, by_id, by_name, at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, statementID, communityID, userID(by), actorName(by), now())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AwardsFunding lists the awarded proposals that fund an initiative.
func (q queries) AwardsFunding(ctx context.Context, initiativeID int64) ([]model.FundingAward, error) {
	return collect(ctx, q, func(r scanner) (model.FundingAward, error) {
		var a model.FundingAward
		err := r.Scan(&a.ProposalID, &a.Proposal, &a.Funder, &a.Amount.Amount, &a.Amount.Currency)
		return a, err
	}, `SELECT p.id, p.title, p.funder, COALESCE(p.award_amount, 0), p.currency FROM proposals p
		JOIN proposal_initiatives pi ON pi.proposal_id = p.id
		WHERE pi.initiative_id = ? AND pi.funded = ? AND p.status = ? ORDER BY p.id`, initiativeID, true, model.ProposalAwarded)
}

// userID is the user's id for a by_id column, NULL for the system.
func userID(u *model.User) any {
	if u == nil {
		return nil
	}
	return u.ID
}
