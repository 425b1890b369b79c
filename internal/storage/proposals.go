package storage

import (
	"context"
	"database/sql"
	"time"

	"consortia/internal/model"
)

// ProposalRow is what a proposal's write stores: its fields with the
// references already resolved to ids.
type ProposalRow struct {
	model.ProposalInput
	LeadCommunityID *int64
	ConsortiumID    *int64
}

const proposalSelect = `SELECT p.id, p.title, p.funder, p.funder_website, p.programme, p.call_url, p.deadline, p.time_zone,
	p.amount, p.currency, p.period_start, p.period_end, p.summary, p.status, p.host_role, p.lead_community_id,
	COALESCE(lc.slug, ''), COALESCE(lc.name, ''), p.consortium_id, COALESCE(c.slug, ''), COALESCE(c.name, ''), COALESCE(c.stage, ''),
	p.public_award, p.award_amount, p.awarded_on, p.created_by_name, p.created_at, p.updated_at, p.version
	FROM proposals p LEFT JOIN communities lc ON lc.id = p.lead_community_id LEFT JOIN consortia c ON c.id = p.consortium_id`

func scanProposal(sc scanner) (*model.Proposal, error) {
	var p model.Proposal
	var lead, cons, award sql.NullInt64
	var start, end, awardedOn sql.NullTime
	var leadSlug, leadName, cSlug, cName, cStage string
	if err := sc.Scan(&p.ID, &p.Title, &p.Funder, &p.FunderWebsite, &p.Programme, &p.CallURL, &p.Deadline, &p.TimeZone,
		&p.Amount.Amount, &p.Amount.Currency, &start, &end, &p.Summary, &p.Status, &p.HostRole, &lead, &leadSlug, &leadName,
		&cons, &cSlug, &cName, &cStage, &p.PublicAward, &award, &awardedOn, &p.CreatedByName, &p.CreatedAt, &p.UpdatedAt, &p.Version); err != nil {
		return nil, mapError(err)
	}
	utc := func(t sql.NullTime) *time.Time {
		if !t.Valid {
			return nil
		}
		v := t.Time.UTC()
		return &v
	}
	p.Deadline, p.CreatedAt, p.UpdatedAt = p.Deadline.UTC(), p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.PeriodStart, p.PeriodEnd, p.AwardedOn = utc(start), utc(end), utc(awardedOn)
	if lead.Valid {
		p.LeadCommunityID = &lead.Int64
		p.LeadCommunity = &model.CommunityRef{ID: lead.Int64, Slug: leadSlug, Name: leadName}
	}
	if cons.Valid {
		p.ConsortiumID = &cons.Int64
		p.Consortium = &model.ConsortiumRef{ID: cons.Int64, Slug: cSlug, Name: cName, Stage: cStage}
	}
	if award.Valid {
		p.AwardAmount = &model.Money{Amount: award.Int64, Currency: p.Amount.Currency}
	}
	return &p, nil
}

// CreateProposal stores a new proposal in status idea, with its lead
// community (when a community leads) as an involved community.
func (q queries) CreateProposal(ctx context.Context, in ProposalRow, by *model.User) (int64, error) {
	t := now()
	var id int64
	err := q.queryRow(ctx, `INSERT INTO proposals (title, funder, funder_website, programme, call_url, deadline, time_zone, amount,
		currency, period_start, period_end, summary, status, host_role, lead_community_id, consortium_id, public_award,
		created_by_id, created_by_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`, in.Title, in.Funder, in.FunderWebsite, in.Programme, in.CallURL, in.Deadline, in.TimeZone, in.Amount,
		in.Currency, in.PeriodStart, in.PeriodEnd, in.Summary, model.ProposalIdea, in.HostRole, in.LeadCommunityID, in.ConsortiumID,
		in.PublicAward, by.ID, by.Name, t, t).Scan(&id)
	if err != nil {
		return 0, mapError(err)
	}
	return id, q.setLead(ctx, id, in.LeadCommunityID)
}

// UpdateProposal changes a proposal's fields (not its status). A non-zero
// version must match.
func (q queries) UpdateProposal(ctx context.Context, id, version int64, in ProposalRow) error {
	query := `UPDATE proposals SET title = ?, funder = ?, funder_website = ?, programme = ?, call_url = ?, deadline = ?, time_zone = ?,
		amount = ?, currency = ?, period_start = ?, period_end = ?, summary = ?, host_role = ?, lead_community_id = ?, consortium_id = ?,
		public_award = ?, updated_at = ?, version = version + 1 WHERE id = ?`
	args := []any{in.Title, in.Funder, in.FunderWebsite, in.Programme, in.CallURL, in.Deadline, in.TimeZone, in.Amount, in.Currency,
		in.PeriodStart, in.PeriodEnd, in.Summary, in.HostRole, in.LeadCommunityID, in.ConsortiumID, in.PublicAward, now(), id}
	changed, err := q.versioned(ctx, query, args, version)
	if err != nil {
		return err
	}
	if !changed {
		if version != 0 {
			return &StaleError{What: model.StaleProposal, Version: version}
		}
		return &NotFoundError{Entity: model.EntityProposal, Key: id}
	}
	return q.setLead(ctx, id, in.LeadCommunityID)
}

// setLead makes the proposal's involved communities hold its lead (and no
// other lead).
func (q queries) setLead(ctx context.Context, id int64, lead *int64) error {
	if _, err := q.exec(ctx, `DELETE FROM proposal_communities WHERE proposal_id = ? AND role = ?`, id, model.ProposalRoleLead); err != nil {
		return err
	}
	if lead == nil {
		return nil
	}
	return q.SetProposalCommunity(ctx, id, *lead, model.ProposalRoleLead)
}

// SetProposalCommunity involves a community in a proposal with a role (or
// changes its role).
func (q queries) SetProposalCommunity(ctx context.Context, proposalID, communityID int64, role string) error {
	_, err := q.exec(ctx, `INSERT INTO proposal_communities (proposal_id, community_id, role, added_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (proposal_id, community_id) DO UPDATE SET role = excluded.role`, proposalID, communityID, role, now())
	return err
}

// SetProposalPartners replaces the proposal's partner communities (the
// lead and endorsers stay).
func (q queries) SetProposalPartners(ctx context.Context, proposalID int64, communityIDs []int64) error {
	if _, err := q.exec(ctx, `DELETE FROM proposal_communities WHERE proposal_id = ? AND role = ?`, proposalID, model.ProposalRolePartner); err != nil {
		return err
	}
	for _, cid := range communityIDs {
		if _, err := q.exec(ctx, `INSERT INTO proposal_communities (proposal_id, community_id, role, added_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (proposal_id, community_id) DO NOTHING`, proposalID, cid, model.ProposalRolePartner, now()); err != nil {
			return err
		}
	}
	return nil
}

// SetProposalInitiatives replaces the initiatives a proposal includes, in
// the given order.
func (q queries) SetProposalInitiatives(ctx context.Context, proposalID int64, initiativeIDs []int64) error {
	if _, err := q.exec(ctx, `DELETE FROM proposal_initiatives WHERE proposal_id = ?`, proposalID); err != nil {
		return err
	}
	for i, iid := range initiativeIDs {
		if _, err := q.exec(ctx, `INSERT INTO proposal_initiatives (proposal_id, initiative_id, position) VALUES (?, ?, ?)`,
			proposalID, iid, i); err != nil {
			return err
		}
	}
	return nil
}

// ProposalByID returns a proposal.
func (q queries) ProposalByID(ctx context.Context, id int64) (*model.Proposal, error) {
	p, err := scanProposal(q.queryRow(ctx, proposalSelect+` WHERE p.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityProposal, id)
	}
	return p, nil
}

// ProposalReader says whose proposals a list holds: all (staff), or those
// involving a community the person belongs to, those with a section the
// person owns, and awarded proposals listed publicly.
type ProposalReader struct {
	All    bool
	UserID int64 // 0 for a visitor
}

func (r ProposalReader) clause() (string, []any) {
	if r.All {
		return "1=1", nil
	}
	public := `(p.status = 'awarded' AND p.public_award)`
	if r.UserID == 0 {
		return public, nil
	}
	return `(` + public + ` OR p.id IN (SELECT pc.proposal_id FROM proposal_communities pc JOIN affiliations a ON a.community_id = pc.community_id
		WHERE a.user_id = ?) OR p.id IN (SELECT s.proposal_id FROM proposal_sections s WHERE s.owner_id = ?))`, []any{r.UserID, r.UserID}
}

// ProposalFilter narrows a list of proposals.
type ProposalFilter struct {
	ConsortiumID int64 // 0: any
	InitiativeID int64 // 0: any
	Statuses     []string
}

// ListProposals lists the proposals the reader may see, by deadline.
func (q queries) ListProposals(ctx context.Context, r ProposalReader, f ProposalFilter) ([]*model.Proposal, error) {
	where, args := r.clause()
	if f.ConsortiumID != 0 {
		where += ` AND p.consortium_id = ?`
		args = append(args, f.ConsortiumID)
	}
	if f.InitiativeID != 0 {
		where += ` AND p.id IN (SELECT proposal_id FROM proposal_initiatives WHERE initiative_id = ?)`
		args = append(args, f.InitiativeID)
	}
	if len(f.Statuses) > 0 {
		where += ` AND p.status IN (`
		for i, s := range f.Statuses {
			if i > 0 {
				where += `, `
			}
			where += `?`
			args = append(args, s)
		}
		where += `)`
	}
	return collect(ctx, q, scanProposal, proposalSelect+` WHERE `+where+` ORDER BY p.deadline, p.id`, args...)
}

// CanSeeProposal reports whether the reader may see the proposal.
func (q queries) CanSeeProposal(ctx context.Context, id int64, r ProposalReader) (bool, error) {
	where, args := r.clause()
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM proposals p WHERE p.id = ? AND `+where, append([]any{id}, args...)...).Scan(&n)
	return n > 0, mapError(err)
}

// ProposalInitiatives returns the initiatives of each proposal, in order.
// Rate is the initiative's own (zero when it uses the blended rate).
func (q queries) ProposalInitiatives(ctx context.Context, proposalIDs []int64) (map[int64][]model.ProposalInitiative, error) {
	out := map[int64][]model.ProposalInitiative{}
	if len(proposalIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(proposalIDs)
	err := q.eachRow(ctx, `SELECT pi.proposal_id, i.id, i.slug, i.title, i.public, i.hours_low, i.hours_high, i.rate_minor, i.currency, pi.funded
		FROM proposal_initiatives pi JOIN initiatives i ON i.id = pi.initiative_id WHERE pi.proposal_id IN (`+ph+`)
		ORDER BY pi.proposal_id, pi.position, i.id`, args, func(rows *sql.Rows) error {
		var pid int64
		var it model.ProposalInitiative
		if err := rows.Scan(&pid, &it.ID, &it.Slug, &it.Title, &it.Public, &it.HoursLow, &it.HoursHigh, &it.Rate.Amount,
			&it.Rate.Currency, &it.Funded); err != nil {
			return err
		}
		out[pid] = append(out[pid], it)
		return nil
	})
	return out, err
}

// ProposalCommunities returns the communities involved in each proposal,
// the lead first.
func (q queries) ProposalCommunities(ctx context.Context, proposalIDs []int64) (map[int64][]model.ProposalCommunity, error) {
	out := map[int64][]model.ProposalCommunity{}
	if len(proposalIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(proposalIDs)
	err := q.eachRow(ctx, `SELECT pc.proposal_id, c.id, c.slug, c.name, pc.role, pc.credited FROM proposal_communities pc
		JOIN communities c ON c.id = pc.community_id WHERE pc.proposal_id IN (`+ph+`)
		ORDER BY pc.proposal_id, CASE pc.role WHEN 'lead' THEN 0 ELSE 1 END, c.name`, args, func(rows *sql.Rows) error {
		var pid int64
		var pc model.ProposalCommunity
		if err := rows.Scan(&pid, &pc.ID, &pc.Slug, &pc.Name, &pc.Role, &pc.Credited); err != nil {
			return err
		}
		out[pid] = append(out[pid], pc)
		return nil
	})
	return out, err
}

// MoveProposal changes a proposal's status from one to another and records
// the move; an award is stored with an awarded move. A proposal no longer
// in status from answers StaleError (someone moved it meanwhile).
func (q queries) MoveProposal(ctx context.Context, id int64, from string, m model.ProposalMove, by *model.User) error {
	t := now()
	var amount any
	var on any
	if m.Award != nil {
		amount, on = m.Award.Amount, m.Award.On
	}
	res, err := q.exec(ctx, `UPDATE proposals SET status = ?, award_amount = COALESCE(?, award_amount), awarded_on = COALESCE(?, awarded_on),
		updated_at = ?, version = version + 1 WHERE id = ? AND status = ?`, m.To, amount, on, t, id, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &StaleError{What: model.StaleProposalStatus}
	}
	_, err = q.exec(ctx, `INSERT INTO proposal_status_changes (proposal_id, from_status, to_status, by_id, by_name, at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, from, m.To, by.ID, by.Name, t, m.Note)
	return err
}

// ProposalHistory lists a proposal's status moves, oldest first.
func (q queries) ProposalHistory(ctx context.Context, id int64) ([]model.StatusChange, error) {
	return collect(ctx, q, func(sc scanner) (model.StatusChange, error) {
		var c model.StatusChange
		var by sql.NullInt64
		err := sc.Scan(&c.From, &c.To, &by, &c.ByName, &c.At, &c.Note)
		if by.Valid {
			c.ByID = &by.Int64
		}
		c.At = c.At.UTC()
		return c, err
	}, `SELECT from_status, to_status, by_id, by_name, at, note FROM proposal_status_changes WHERE proposal_id = ? ORDER BY id`, id)
}

// CreditAward marks an awarded proposal's initiatives funded and its
// involved communities credited.
func (q queries) CreditAward(ctx context.Context, id int64) error {
	if _, err := q.exec(ctx, `UPDATE proposal_initiatives SET funded = TRUE WHERE proposal_id = ?`, id); err != nil {
		return err
	}
	_, err := q.exec(ctx, `UPDATE proposal_communities SET credited = TRUE WHERE proposal_id = ?`, id)
	return err
}

// OwnedSection is a section someone owns in a proposal still being written.
type OwnedSection struct {
	ProposalID    int64
	ProposalTitle string
	SectionID     int64
	Title         string
	Status        string
	DueAt         *time.Time
}

// SectionsOwnedBy lists the unfinished sections a person owns in proposals
// still being written (idea, drafting), by due date.
func (q queries) SectionsOwnedBy(ctx context.Context, userID int64) ([]OwnedSection, error) {
	return collect(ctx, q, func(sc scanner) (OwnedSection, error) {
		var o OwnedSection
		var due sql.NullTime
		err := sc.Scan(&o.ProposalID, &o.ProposalTitle, &o.SectionID, &o.Title, &o.Status, &due)
		if due.Valid {
			t := due.Time.UTC()
			o.DueAt = &t
		}
		return o, err
	}, `SELECT p.id, p.title, s.id, s.title, s.status, s.due_at FROM proposal_sections s JOIN proposals p ON p.id = s.proposal_id
		WHERE s.owner_id = ? AND s.status <> 'done' AND p.status IN ('idea', 'drafting')
		ORDER BY CASE WHEN s.due_at IS NULL THEN 1 ELSE 0 END, s.due_at, p.deadline, s.id`, userID)
}

// ClearDeadlineReminder makes a proposal due for a deadline reminder again
// (its deadline moved).
func (q queries) ClearDeadlineReminder(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `UPDATE proposals SET deadline_reminded_at = NULL WHERE id = ?`, id)
	return err
}

// versioned runs an UPDATE ending in its WHERE clause, adding "AND version
// = ?" for a non-zero version, and reports whether it changed a row.
func (q queries) versioned(ctx context.Context, query string, args []any, version int64) (bool, error) {
	if version != 0 {
		query += ` AND version = ?`
		args = append(args, version)
	}
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
