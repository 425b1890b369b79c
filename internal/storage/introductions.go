package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"consortia/internal/model"
)

// Introductions: rows of introductions, the communities' consents (double
// opt-in) and every move along the pipeline.

const introductionSelect = `SELECT x.id, x.kind, x.status, x.from_community_id, COALESCE(f.slug, ''), COALESCE(f.name, ''),
	x.to_community_id, COALESCE(t.slug, ''), COALESCE(t.name, ''), x.contact_name, x.contact_organization, x.contact_email,
	x.initiative_id, COALESCE(i.slug, ''), COALESCE(i.title, ''), COALESCE(i.status, ''), COALESCE(i.public, FALSE),
	x.note, x.introducer_id, x.introducer_name, x.outcome, x.outcome_consortium_id, COALESCE(o.slug, ''), COALESCE(o.name, ''),
	COALESCE(o.stage, ''), x.outcome_amount, x.outcome_currency, x.outcome_goal, x.created_at, x.updated_at, x.version
	FROM introductions x LEFT JOIN communities f ON f.id = x.from_community_id LEFT JOIN communities t ON t.id = x.to_community_id
	LEFT JOIN initiatives i ON i.id = x.initiative_id LEFT JOIN consortia o ON o.id = x.outcome_consortium_id`

func scanIntroduction(sc scanner) (*model.Introduction, error) {
	var in model.Introduction
	var from, to, initiative, introducer, consortium sql.NullInt64
	var fromRef, toRef model.CommunityRef
	var ini model.InitiativeRef
	var con model.ConsortiumRef
	var contact model.Contact
	if err := sc.Scan(&in.ID, &in.Kind, &in.Status, &from, &fromRef.Slug, &fromRef.Name, &to, &toRef.Slug, &toRef.Name,
		&contact.Name, &contact.Organization, &contact.Email, &initiative, &ini.Slug, &ini.Title, &ini.Status, &ini.Public,
		&in.Note, &introducer, &in.Introducer, &in.Outcome, &consortium, &con.Slug, &con.Name, &con.Stage,
		&in.OutcomeAmount, &in.OutcomeCurrency, &in.OutcomeGoal, &in.CreatedAt, &in.UpdatedAt, &in.Version); err != nil {
		return nil, mapError(err)
	}
	if from.Valid {
		fromRef.ID = from.Int64
		in.From = &fromRef
	}
	if to.Valid {
		toRef.ID = to.Int64
		in.To = &toRef
	}
	if initiative.Valid {
		ini.ID = initiative.Int64
		in.Initiative = &ini
	}
	if consortium.Valid {
		con.ID = consortium.Int64
		in.OutcomeConsortium = &con
	}
	in.IntroducerID = introducer.Int64
	if contact != (model.Contact{}) {
		in.Contact, in.HasContact = &contact, true
	}
	in.CreatedAt, in.UpdatedAt = in.CreatedAt.UTC(), in.UpdatedAt.UTC()
	in.Consents, in.Moves = []model.Consent{}, []model.IntroductionMove{}
	return &in, nil
}

// IntroductionRecord is what storage writes for a new or edited
// introduction: communities and the initiative already resolved to ids.
type IntroductionRecord struct {
	Kind         string
	FromID, ToID *int64
	Contact      model.Contact
	InitiativeID *int64
	Note         string
}

// CreateIntroduction records a suggested introduction and its first move.
func (q queries) CreateIntroduction(ctx context.Context, r IntroductionRecord, by *model.User) (int64, error) {
	t := now()
	var id int64
	err := q.queryRow(ctx, `INSERT INTO introductions (kind, status, from_community_id, to_community_id, contact_name,
		contact_organization, contact_email, initiative_id, note, introducer_id, introducer_name, created_at, updated_at)
		VALUES (?, 'suggested', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.Kind, r.FromID, r.ToID, r.Contact.Name,
		r.Contact.Organization, r.Contact.Email, r.InitiativeID, r.Note, by.ID, by.Name, t, t).Scan(&id)
	if err != nil {
		return 0, mapError(err)
	}
	return id, q.addIntroductionMove(ctx, id, "", model.IntroSuggested, by, "", t)
}

// UpdateIntroduction changes an introduction's parties and note while it is
// in status; a non-zero version must match.
func (q queries) UpdateIntroduction(ctx context.Context, id, version int64, r IntroductionRecord, status string) error {
	query := `UPDATE introductions SET kind = ?, from_community_id = ?, to_community_id = ?, contact_name = ?, contact_organization = ?,
		contact_email = ?, initiative_id = ?, note = ?, updated_at = ?, version = version + 1 WHERE id = ? AND status = ?`
	args := []any{r.Kind, r.FromID, r.ToID, r.Contact.Name, r.Contact.Organization, r.Contact.Email, r.InitiativeID, r.Note, now(), id, status}
	if version != 0 {
		query += ` AND version = ?`
		args = append(args, version)
	}
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &StaleError{What: model.EntityIntroduction, Version: version}
	}
	return nil
}

func (q queries) addIntroductionMove(ctx context.Context, id int64, from, to string, by *model.User, note string, at time.Time) error {
	var byID *int64
	name := "system"
	if by != nil {
		byID, name = &by.ID, by.Name
	}
	_, err := q.exec(ctx, `INSERT INTO introduction_moves (introduction_id, from_status, to_status, by_id, by_name, note, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, from, to, byID, name, note, at)
	return err
}

// IntroductionOutcome is what a move to the outcome records.
type IntroductionOutcome struct {
	Outcome      string
	ConsortiumID *int64
	Amount       int64
	Currency     string
	Goal         string
}

// MoveIntroduction moves an introduction from one status to another and
// records the move. It fails with a StaleError when the introduction is no
// longer in from (someone moved it meanwhile).
func (q queries) MoveIntroduction(ctx context.Context, id int64, from, to string, out IntroductionOutcome, by *model.User, note string) error {
	t := now()
	set := `status = ?, updated_at = ?, version = version + 1`
	args := []any{to, t}
	if to == model.IntroIntroduced {
		set += `, introduced_at = ?`
		args = append(args, t)
	}
	if to == model.IntroOutcome {
		set += `, outcome = ?, outcome_consortium_id = ?, outcome_amount = ?, outcome_currency = ?, outcome_goal = ?`
		args = append(args, out.Outcome, out.ConsortiumID, out.Amount, out.Currency, out.Goal)
	}
	res, err := q.exec(ctx, `UPDATE introductions SET `+set+` WHERE id = ? AND status = ?`, append(args, id, from)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &StaleError{What: model.EntityIntroduction}
	}
	return q.addIntroductionMove(ctx, id, from, to, by, note, t)
}

// LockIntroduction takes the introduction's row for the rest of the
// transaction while it is in status (a StaleError otherwise), so answers
// given at the same moment are recorded one after the other: the last one
// sees every other answer.
func (q queries) LockIntroduction(ctx context.Context, id int64, status string) error {
	res, err := q.exec(ctx, `UPDATE introductions SET updated_at = ? WHERE id = ? AND status = ?`, now(), id, status)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &StaleError{What: model.EntityIntroduction}
	}
	return nil
}

// RecordConsent records a community's answer; false when the community had
// already answered (nothing is written then).
func (q queries) RecordConsent(ctx context.Context, introductionID, communityID int64, answer string, by *model.User) (bool, error) {
	res, err := q.exec(ctx, `INSERT INTO introduction_consents (introduction_id, community_id, answer, by_id, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (introduction_id, community_id) DO NOTHING`, introductionID, communityID, answer, by.ID, by.Name, now())
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// IntroductionByID returns an introduction with its consents and moves.
func (q queries) IntroductionByID(ctx context.Context, id int64) (*model.Introduction, error) {
	in, err := scanIntroduction(q.queryRow(ctx, introductionSelect+` WHERE x.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityIntroduction, id)
	}
	if err := q.eachRow(ctx, `SELECT community_id, answer, by_name, at FROM introduction_consents WHERE introduction_id = ?
		ORDER BY at, community_id`, []any{id}, func(rows *sql.Rows) error {
		var c model.Consent
		if err := rows.Scan(&c.CommunityID, &c.Answer, &c.ByName, &c.At); err != nil {
			return err
		}
		c.At = c.At.UTC()
		in.Consents = append(in.Consents, c)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := q.eachRow(ctx, `SELECT from_status, to_status, by_name, note, at FROM introduction_moves WHERE introduction_id = ?
		ORDER BY id`, []any{id}, func(rows *sql.Rows) error {
		var m model.IntroductionMove
		if err := rows.Scan(&m.From, &m.To, &m.ByName, &m.Note, &m.At); err != nil {
			return err
		}
		m.At = m.At.UTC()
		in.Moves = append(in.Moves, m)
		return nil
	}); err != nil {
		return nil, err
	}
	return in, nil
}

// IntroductionFilter selects introductions. Unless All, only those the
// reader may see: introductions between two communities once both
// accepted, and, for a signed-in Reader, those the reader made or whose
// communities are a party. Community limits the list to those a community
// is a party of; Consortium to those whose connector is a current member.
type IntroductionFilter struct {
	All        bool
	Reader     int64
	Community  int64
	Consortium int64
	Limit      int
}

// publicIntroduction is the condition of an introduction anyone may see.
const publicIntroduction = `(x.from_community_id IS NOT NULL AND x.to_community_id IS NOT NULL
	AND x.status IN ('introduced', 'in_conversation', 'outcome'))`

// ListIntroductions lists introductions, newest first.
func (q queries) ListIntroductions(ctx context.Context, f IntroductionFilter) ([]*model.Introduction, error) {
	where, args := f.where()
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	return collect(ctx, q, scanIntroduction, introductionSelect+` WHERE `+where+` ORDER BY x.updated_at DESC, x.id DESC LIMIT ?`,
		append(args, limit)...)
}

// where is the filter's condition on introductions x.
func (f IntroductionFilter) where() (string, []any) {
	where, args := []string{"1=1"}, []any{}
	switch {
	case f.All:
	case f.Reader != 0:
		where = append(where, `(`+publicIntroduction+` OR x.introducer_id = ?
			OR x.from_community_id IN (SELECT community_id FROM affiliations WHERE user_id = ?)
			OR x.to_community_id IN (SELECT community_id FROM affiliations WHERE user_id = ?))`)
		args = append(args, f.Reader, f.Reader, f.Reader)
	default:
		where = append(where, publicIntroduction)
	}
	if f.Community != 0 {
		where = append(where, `(x.from_community_id = ? OR x.to_community_id = ?)`)
		args = append(args, f.Community, f.Community)
	}
	if f.Consortium != 0 {
		where = append(where, `(CASE WHEN x.kind = 'problem_solver' THEN x.to_community_id ELSE x.from_community_id END)
			IN (SELECT community_id FROM consortium_members WHERE consortium_id = ? AND left_at IS NULL)`)
		args = append(args, f.Consortium)
	}
	return strings.Join(where, " AND "), args
}

// PendingConsents lists the introductions waiting for an answer from a
// community the person leads.
func (q queries) PendingConsents(ctx context.Context, userID int64) ([]*model.Introduction, error) {
	return collect(ctx, q, scanIntroduction, introductionSelect+` WHERE x.status = 'asked' AND EXISTS (SELECT 1 FROM affiliations a
		WHERE a.user_id = ? AND a.role = 'lead' AND a.community_id IN (x.from_community_id, x.to_community_id)
		AND NOT EXISTS (SELECT 1 FROM introduction_consents c WHERE c.introduction_id = x.id AND c.community_id = a.community_id))
		ORDER BY x.id`, userID)
}
