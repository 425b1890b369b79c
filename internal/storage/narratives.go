package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"consortia/internal/model"
)

const narrativeColumns = `id, slug, title, summary, story, gaps, public, created_at, updated_at, version`

func scanNarrative(sc interface{ Scan(...any) error }) (*model.Narrative, error) {
	var n model.Narrative
	if err := sc.Scan(&n.ID, &n.Slug, &n.Title, &n.Summary, &n.Story, &n.Gaps, &n.Public, &n.CreatedAt, &n.UpdatedAt, &n.Version); err != nil {
		return nil, mapError(err)
	}
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	n.Themes, n.Initiatives, n.Endorsers, n.Endorsements = []string{}, []model.InitiativeRef{}, []model.CommunityRef{}, []model.NarrativeEndorsement{}
	return &n, nil
}

// CreateNarrative inserts a narrative.
func (q queries) CreateNarrative(ctx context.Context, in model.NarrativeInput) (*model.Narrative, error) {
	t := now()
	var id int64
	err := q.queryRow(ctx, `INSERT INTO narratives (slug, title, summary, story, gaps, public, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Slug, in.Title, in.Summary, in.Story, in.Gaps, in.Public, t, t).Scan(&id)
	if err != nil {
		return nil, mapError(err)
	}
	if err := q.setNarrativeThemes(ctx, id, in.Themes); err != nil {
		return nil, err
	}
	return q.NarrativeByRef(ctx, strconv.FormatInt(id, 10))
}

// UpdateNarrative replaces a narrative's fields; a non-zero version must match.
func (q queries) UpdateNarrative(ctx context.Context, id, version int64, in model.NarrativeInput) (*model.Narrative, error) {
	query := `UPDATE narratives SET slug = ?, title = ?, summary = ?, story = ?, gaps = ?, public = ?, updated_at = ?, version = version + 1 WHERE id = ?`
	args := []any{in.Slug, in.Title, in.Summary, in.Story, in.Gaps, in.Public, now(), id}
	if version != 0 {
		query += ` AND version = ?`
		args = append(args, version)
	}
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, &StaleError{What: model.StaleNarrative, Version: version}
	}
	if err := q.setNarrativeThemes(ctx, id, in.Themes); err != nil {
		return nil, err
	}
	return q.NarrativeByRef(ctx, strconv.FormatInt(id, 10))
}

func (q queries) setNarrativeThemes(ctx context.Context, id int64, themes []string) error {
	if _, err := q.exec(ctx, `DELETE FROM narrative_themes WHERE narrative_id = ?`, id); err != nil {
		return err
	}
	for _, t := range themes {
		if _, err := q.exec(ctx, `INSERT INTO narrative_themes (narrative_id, theme) VALUES (?, ?)`, id, t); err != nil {
			return err
		}
	}
	return nil
}

// SetNarrativeInitiative links or unlinks an initiative to a narrative.
func (q queries) SetNarrativeInitiative(ctx context.Context, narrativeID, initiativeID int64, on bool) error {
	if !on {
		_, err := q.exec(ctx, `DELETE FROM narrative_initiatives WHERE narrative_id = ? AND initiative_id = ?`, narrativeID, initiativeID)
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO narrative_initiatives (narrative_id, initiative_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, narrativeID, initiativeID)
	return err
}

// PutNarrativeEndorsement records a community's endorsement with its content,
// replacing an earlier one (its first date stays).
func (q queries) PutNarrativeEndorsement(ctx context.Context, narrativeID, communityID int64, consent model.NamingConsent, story model.Story) error {
	_, err := q.exec(ctx, `INSERT INTO narrative_endorsements (narrative_id, community_id, created_at, consent_to_be_named, consent_wording,
			consent_by_name, consent_at, story_who, story_before, story_after, story_quote, story_numbers)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (narrative_id, community_id) DO UPDATE SET consent_to_be_named = excluded.consent_to_be_named,
			consent_wording = excluded.consent_wording, consent_by_name = excluded.consent_by_name, consent_at = excluded.consent_at,
			story_who = excluded.story_who, story_before = excluded.story_before, story_after = excluded.story_after,
			story_quote = excluded.story_quote, story_numbers = excluded.story_numbers`,
		narrativeID, communityID, now(), consent.Given, consent.Wording, consent.ByName, consent.At,
		story.Who, story.Before, story.After, story.Quote, story.Numbers)
	return err
}

// DeleteNarrativeEndorsement removes a community's endorsement.
func (q queries) DeleteNarrativeEndorsement(ctx context.Context, narrativeID, communityID int64) error {
	_, err := q.exec(ctx, `DELETE FROM narrative_endorsements WHERE narrative_id = ? AND community_id = ?`, narrativeID, communityID)
	return err
}

// NarrativeByRef returns a narrative by id or slug with its initiatives and endorsers.
func (q queries) NarrativeByRef(ctx context.Context, ref string) (*model.Narrative, error) {
	var n *model.Narrative
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		n, err = scanNarrative(q.queryRow(ctx, `SELECT `+narrativeColumns+` FROM narratives WHERE id = ?`, id))
	} else if !lookupKey(ref) {
		err = mapError(sql.ErrNoRows)
	} else {
		n, err = scanNarrative(q.queryRow(ctx, `SELECT `+narrativeColumns+` FROM narratives WHERE slug = ?`, strings.ToLower(ref)))
	}
	if err != nil {
		return nil, notFound(err, model.EntityNarrative, ref)
	}
	return n, q.loadNarrativeParts(ctx, []*model.Narrative{n})
}

// ListNarratives returns all narratives (there are tens, not thousands).
func (q queries) ListNarratives(ctx context.Context, publicOnly bool) ([]*model.Narrative, error) {
	query := `SELECT ` + narrativeColumns + ` FROM narratives`
	var args []any
	if publicOnly {
		query += ` WHERE public = ?`
		args = append(args, true)
	}
	out, err := collect(ctx, q, scanNarrative, query+` ORDER BY title`, args...)
	if err != nil {
		return nil, err
	}
	return out, q.loadNarrativeParts(ctx, out)
}

func (q queries) loadNarrativeParts(ctx context.Context, list []*model.Narrative) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[int64]*model.Narrative{}
	ids := make([]int64, len(list))
	for i, n := range list {
		byID[n.ID], ids[i] = n, n.ID
	}
	ph, args := placeholders(ids)
	run := func(query string, fn func(*sql.Rows) error) error {
		return q.eachRow(ctx, query, args, fn)
	}
	if err := run(`SELECT narrative_id, theme FROM narrative_themes WHERE narrative_id IN (`+ph+`) ORDER BY theme`, func(r *sql.Rows) error {
		var id int64
		var t string
		if err := r.Scan(&id, &t); err != nil {
			return err
		}
		byID[id].Themes = append(byID[id].Themes, t)
		return nil
	}); err != nil {
		return err
	}
	if err := run(`SELECT ni.narrative_id, i.id, i.slug, i.title, i.status, i.public FROM narrative_initiatives ni
		JOIN initiatives i ON i.id = ni.initiative_id WHERE ni.narrative_id IN (`+ph+`) ORDER BY i.title`, func(r *sql.Rows) error {
		var id int64
		var in model.InitiativeRef
		if err := r.Scan(&id, &in.ID, &in.Slug, &in.Title, &in.Status, &in.Public); err != nil {
			return err
		}
		byID[id].Initiatives = append(byID[id].Initiatives, in)
		return nil
	}); err != nil {
		return err
	}
	return run(`SELECT e.narrative_id, c.id, c.slug, c.name, e.created_at, e.consent_to_be_named, e.consent_wording, e.consent_by_name,
			e.consent_at, e.story_who, e.story_before, e.story_after, e.story_quote, e.story_numbers
		FROM narrative_endorsements e JOIN communities c ON c.id = e.community_id
		WHERE e.narrative_id IN (`+ph+`) AND c.archived_at IS NULL ORDER BY c.name`, func(r *sql.Rows) error {
		var id int64
		var e model.NarrativeEndorsement
		var story model.Story
		var at sql.NullTime
		if err := r.Scan(&id, &e.Community.ID, &e.Community.Slug, &e.Community.Name, &e.CreatedAt, &e.Consent.Given, &e.Consent.Wording,
			&e.Consent.ByName, &at, &story.Who, &story.Before, &story.After, &story.Quote, &story.Numbers); err != nil {
			return err
		}
		e.CreatedAt = e.CreatedAt.UTC()
		if at.Valid {
			t := at.Time.UTC()
			e.Consent.At = &t
		}
		if !story.Empty() {
			e.Story = &story
		}
		byID[id].Endorsers = append(byID[id].Endorsers, e.Community)
		byID[id].Endorsements = append(byID[id].Endorsements, e)
		return nil
	})
}
