package storage

import (
	"context"
	"database/sql"
	"time"

	"consortia/internal/model"
)

// Endorsements of proposals (one row per proposal and community) and their
// letters of support, kept as bytes with their history.

const endorsementSelect = `SELECT e.proposal_id, c.id, c.slug, c.name, e.status, e.ask_letter, e.ask_story, e.ask_consent, e.ask_reference,
	e.message, e.consent_wording, e.consent_to_be_named, e.consent_by_name, e.consent_at, e.revoked_after_submission,
	e.story_who, e.story_before, e.story_after, e.story_quote, e.story_numbers, e.reference_name, e.reference_email, e.reference_role,
	e.requested_by_name, e.requested_at, e.reminded_at, e.reminders, e.answered_by_name, e.answered_at
	FROM proposal_endorsements e JOIN communities c ON c.id = e.community_id`

func scanEndorsement(sc scanner) (*model.ProposalEndorsement, error) {
	var e model.ProposalEndorsement
	var st model.Story
	var ref model.Reference
	var consentAt, requested, reminded, answered sql.NullTime
	if err := sc.Scan(&e.ProposalID, &e.Community.ID, &e.Community.Slug, &e.Community.Name, &e.Status, &e.Asks.Letter, &e.Asks.Story,
		&e.Asks.Consent, &e.Asks.Reference, &e.Message, &e.ConsentWording, &e.Consent.Given, &e.Consent.ByName, &consentAt,
		&e.RevokedAfterSubmission, &st.Who, &st.Before, &st.After, &st.Quote, &st.Numbers, &ref.Name, &ref.Email, &ref.Role,
		&e.RequestedByName, &requested, &reminded, &e.Reminders, &e.AnsweredByName, &answered); err != nil {
		return nil, err
	}
	e.Consent.At, e.RequestedAt, e.RemindedAt, e.AnsweredAt = nullTime(consentAt), nullTime(requested), nullTime(reminded), nullTime(answered)
	if e.Consent.ByName != "" {
		e.Consent.Wording = e.ConsentWording
	}
	if !st.Empty() {
		e.Story = &st
	}
	if ref.Name != "" || ref.Email != "" {
		e.Reference = &ref
	}
	e.LetterHistory = []model.LetterInfo{}
	return &e, nil
}

// ProposalEndorsements lists a proposal's endorsements by community name,
// with each one's current letter and letter history (metadata only).
func (q queries) ProposalEndorsements(ctx context.Context, proposalID int64) ([]*model.ProposalEndorsement, error) {
	list, err := collect(ctx, q, scanEndorsement, endorsementSelect+` WHERE e.proposal_id = ? ORDER BY c.name`, proposalID)
	if err != nil || len(list) == 0 {
		return list, err
	}
	byCommunity := map[int64]*model.ProposalEndorsement{}
	for _, e := range list {
		byCommunity[e.Community.ID] = e
	}
	return list, q.eachRow(ctx, `SELECT community_id, id, file_name, size, sha256, uploaded_by_name, uploaded_at, ended_at, ended_how
		FROM endorsement_letters WHERE proposal_id = ? ORDER BY id DESC`, []any{proposalID}, func(r *sql.Rows) error {
		var cid int64
		var l model.LetterInfo
		var ended sql.NullTime
		if err := r.Scan(&cid, &l.ID, &l.FileName, &l.Size, &l.SHA256, &l.UploadedByName, &l.UploadedAt, &ended, &l.EndedHow); err != nil {
			return err
		}
		l.UploadedAt, l.EndedAt = l.UploadedAt.UTC(), nullTime(ended)
		e := byCommunity[cid]
		if e == nil {
			return nil
		}
		if l.EndedAt == nil {
			e.Letter = &l
		} else {
			e.LetterHistory = append(e.LetterHistory, l)
		}
		return nil
	})
}

// EndorsementRequest is what a request stores for one community.
type EndorsementRequest struct {
	Asks           model.EndorsementAsks
	Message        string
	ConsentWording string
}

// RequestEndorsement asks a community (again): the asks and message are
// replaced, a declined request is asked again, and the wording changes only
// while no consent is on record. The community becomes involved in the
// proposal as an endorser (a lead or partner keeps its role).
func (q queries) RequestEndorsement(ctx context.Context, proposalID, communityID int64, in EndorsementRequest, by *model.User) error {
	t := now()
	if _, err := q.exec(ctx, `INSERT INTO proposal_endorsements (proposal_id, community_id, status, ask_letter, ask_story, ask_consent,
			ask_reference, message, consent_wording, requested_by_name, requested_at)
		VALUES (?, ?, 'asked', ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (proposal_id, community_id) DO UPDATE SET ask_letter = excluded.ask_letter, ask_story = excluded.ask_story,
			ask_consent = excluded.ask_consent, ask_reference = excluded.ask_reference, message = excluded.message,
			consent_wording = CASE WHEN proposal_endorsements.consent_by_name = '' THEN excluded.consent_wording ELSE proposal_endorsements.consent_wording END,
			status = CASE WHEN proposal_endorsements.status = 'declined' THEN 'asked' ELSE proposal_endorsements.status END,
			requested_by_name = excluded.requested_by_name, requested_at = excluded.requested_at`,
		proposalID, communityID, in.Asks.Letter, in.Asks.Story, in.Asks.Consent, in.Asks.Reference, in.Message, in.ConsentWording,
		actorName(by), t); err != nil {
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO proposal_communities (proposal_id, community_id, role, added_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (proposal_id, community_id) DO NOTHING`, proposalID, communityID, model.ProposalRoleEndorser, t)
	return err
}

// EndorsementAnswer is what an answer stores.
type EndorsementAnswer struct {
	Status                 string
	ConsentWording         string
	Consent                model.NamingConsent
	RevokedAfterSubmission bool
	Story                  model.Story
	Reference              model.Reference
}

// AnswerEndorsement records a community's answer (an answer without a
// request creates the endorsement) and involves the community as an endorser.
func (q queries) AnswerEndorsement(ctx context.Context, proposalID, communityID int64, a EndorsementAnswer, by *model.User) error {
	t := now()
	if _, err := q.exec(ctx, `INSERT INTO proposal_endorsements (proposal_id, community_id, status, consent_wording, consent_to_be_named,
			consent_by_name, consent_at, revoked_after_submission, story_who, story_before, story_after, story_quote, story_numbers,
			reference_name, reference_email, reference_role, answered_by_name, answered_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (proposal_id, community_id) DO UPDATE SET status = excluded.status, consent_wording = excluded.consent_wording,
			consent_to_be_named = excluded.consent_to_be_named, consent_by_name = excluded.consent_by_name, consent_at = excluded.consent_at,
			revoked_after_submission = excluded.revoked_after_submission, story_who = excluded.story_who, story_before = excluded.story_before,
			story_after = excluded.story_after, story_quote = excluded.story_quote, story_numbers = excluded.story_numbers,
			reference_name = excluded.reference_name, reference_email = excluded.reference_email, reference_role = excluded.reference_role,
			answered_by_name = excluded.answered_by_name, answered_at = excluded.answered_at`,
		proposalID, communityID, a.Status, a.ConsentWording, a.Consent.Given, a.Consent.ByName, a.Consent.At, a.RevokedAfterSubmission,
		a.Story.Who, a.Story.Before, a.Story.After, a.Story.Quote, a.Story.Numbers, a.Reference.Name, a.Reference.Email, a.Reference.Role,
		actorName(by), t); err != nil {
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO proposal_communities (proposal_id, community_id, role, added_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (proposal_id, community_id) DO NOTHING`, proposalID, communityID, model.ProposalRoleEndorser, t)
	return err
}

// SetEndorsementConsent records consent given or revoked.
func (q queries) SetEndorsementConsent(ctx context.Context, proposalID, communityID int64, c model.NamingConsent, afterSubmission bool) error {
	_, err := q.exec(ctx, `UPDATE proposal_endorsements SET consent_to_be_named = ?, consent_by_name = ?, consent_at = ?,
		revoked_after_submission = ? WHERE proposal_id = ? AND community_id = ?`, c.Given, c.ByName, c.At, afterSubmission, proposalID, communityID)
	return err
}

// RemindEndorsement counts a reminder sent now.
func (q queries) RemindEndorsement(ctx context.Context, proposalID, communityID int64) error {
	_, err := q.exec(ctx, `UPDATE proposal_endorsements SET reminded_at = ?, reminders = reminders + 1 WHERE proposal_id = ? AND community_id = ?`,
		now(), proposalID, communityID)
	return err
}

// AddLetter stores a letter as the community's current one; the previous
// current letter becomes history (replaced).
func (q queries) AddLetter(ctx context.Context, proposalID, communityID int64, fileName, sha string, content []byte, by *model.User) (int64, error) {
	t := now()
	if _, err := q.exec(ctx, `UPDATE endorsement_letters SET ended_at = ?, ended_how = ? WHERE proposal_id = ? AND community_id = ? AND ended_at IS NULL`,
		t, model.LetterReplaced, proposalID, communityID); err != nil {
		return 0, err
	}
	var id int64
	err := q.queryRow(ctx, `INSERT INTO endorsement_letters (proposal_id, community_id, file_name, size, sha256, content, uploaded_by_id,
		uploaded_by_name, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		proposalID, communityID, fileName, len(content), sha, content, userID(by), actorName(by), t).Scan(&id)
	return id, mapError(err)
}

// WithdrawLetter ends the community's current letter; false when there was none.
func (q queries) WithdrawLetter(ctx context.Context, proposalID, communityID int64) (bool, error) {
	res, err := q.exec(ctx, `UPDATE endorsement_letters SET ended_at = ?, ended_how = ? WHERE proposal_id = ? AND community_id = ? AND ended_at IS NULL`,
		now(), model.LetterWithdrawn, proposalID, communityID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// LetterContent returns one letter's bytes, if it belongs to the proposal.
func (q queries) LetterContent(ctx context.Context, proposalID, letterID int64) ([]byte, error) {
	var b []byte
	err := q.queryRow(ctx, `SELECT content FROM endorsement_letters WHERE id = ? AND proposal_id = ?`, letterID, proposalID).Scan(&b)
	if err != nil {
		return nil, notFound(err, model.EntityLetter, letterID)
	}
	return b, nil
}

// WaitingEndorsement is an endorsement request waiting for a community's
// answer.
type WaitingEndorsement struct {
	ProposalID int64
	Proposal   string
	Deadline   time.Time
	Community  model.CommunityRef
}

// EndorsementRequestsFor lists, in one query, the endorsement requests still
// waiting for the answer of a community the person leads, on proposals not
// yet decided.
func (q queries) EndorsementRequestsFor(ctx context.Context, userID int64) ([]WaitingEndorsement, error) {
	return collect(ctx, q, func(r scanner) (WaitingEndorsement, error) {
		var w WaitingEndorsement
		err := r.Scan(&w.ProposalID, &w.Proposal, &w.Deadline, &w.Community.ID, &w.Community.Slug, &w.Community.Name)
		w.Deadline = w.Deadline.UTC()
		return w, err
	}, `SELECT p.id, p.title, p.deadline, c.id, c.slug, c.name FROM proposal_endorsements e
		JOIN affiliations a ON a.community_id = e.community_id AND a.user_id = ? AND a.role = ?
		JOIN proposals p ON p.id = e.proposal_id JOIN communities c ON c.id = e.community_id
		WHERE e.status = ? AND p.status IN (?, ?, ?) AND c.archived_at IS NULL ORDER BY p.deadline, p.id, c.id`,
		userID, model.AffiliationLead, model.EndorsementAsked, model.ProposalIdea, model.ProposalDrafting, model.ProposalSubmitted)
}
