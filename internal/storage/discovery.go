package storage

import (
	"context"
	"database/sql"
	"sort"
	"strings"

	"consortia/internal/model"
)

type peerSet map[int64]*model.Peer

func (ps peerSet) add(ref model.CommunityRef, score int, reason string) {
	p, ok := ps[ref.ID]
	if !ok {
		p = &model.Peer{CommunityRef: ref}
		ps[ref.ID] = p
	}
	p.Score += score
	for _, r := range p.Reasons {
		if r == reason {
			return
		}
	}
	p.Reasons = append(p.Reasons, reason)
}

func (ps peerSet) top(n int) []model.Peer {
	out := make([]model.Peer, 0, len(ps))
	for _, p := range ps {
		if len(p.Reasons) > 3 {
			p.Reasons = p.Reasons[:3]
		}
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func (q queries) collect(ctx context.Context, ps peerSet, score int, query string, args ...any) error {
	if err := q.eachRow(ctx, query, args, func(rows *sql.Rows) error {
		var ref model.CommunityRef
		var reason string
		if err := rows.Scan(&ref.ID, &ref.Slug, &ref.Name, &reason); err != nil {
			return err
		}
		ps.add(ref, score, reason)
		return nil
	}); err != nil {
		return err
	}
	return nil
}

// SimilarCommunities suggests "other communities with this problem": those
// interested in the same initiatives, endorsing the same narratives, or
// sharing themes. publicOnly limits initiative reasons to public ones.
func (q queries) SimilarCommunities(ctx context.Context, communityID int64, publicOnly bool, n int) ([]model.Peer, error) {
	ps := peerSet{}
	pub := ""
	if publicOnly {
		pub = " AND i.public = TRUE"
	}
	err := q.collect(ctx, ps, 3, `SELECT DISTINCT c.id, c.slug, c.name, 'also interested in ' || i.title
		FROM initiative_interest mine JOIN initiative_interest other ON other.initiative_id = mine.initiative_id AND other.community_id <> mine.community_id
		JOIN communities c ON c.id = other.community_id JOIN initiatives i ON i.id = mine.initiative_id
		WHERE mine.community_id = ? AND c.archived_at IS NULL`+pub, communityID)
	if err != nil {
		return nil, err
	}
	err = q.collect(ctx, ps, 2, `SELECT DISTINCT c.id, c.slug, c.name, 'also endorses ' || n.title
		FROM narrative_endorsements mine JOIN narrative_endorsements other ON other.narrative_id = mine.narrative_id AND other.community_id <> mine.community_id
		JOIN communities c ON c.id = other.community_id JOIN narratives n ON n.id = mine.narrative_id
		WHERE mine.community_id = ? AND c.archived_at IS NULL`, communityID)
	if err != nil {
		return nil, err
	}
	err = q.collect(ctx, ps, 1, `SELECT DISTINCT c.id, c.slug, c.name, 'shares the theme ' || mine.tag
		FROM community_tags mine JOIN community_tags other ON other.tag = mine.tag AND other.community_id <> mine.community_id
		JOIN communities c ON c.id = other.community_id WHERE mine.community_id = ? AND c.archived_at IS NULL`, communityID)
	if err != nil {
		return nil, err
	}
	return ps.top(n), nil
}

// SolvedBy suggests "communities that already solved something like this":
// communities interested in or co-funding initiatives that are done and
// share a theme with the given themes.
func (q queries) SolvedBy(ctx context.Context, themes []string, excludeCommunityID int64, publicOnly bool, n int) ([]model.Peer, error) {
	ps := peerSet{}
	if len(themes) == 0 {
		return []model.Peer{}, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(themes)), ",")
	args := []any{}
	for _, t := range themes {
		args = append(args, t)
	}
	args = append(args, excludeCommunityID)
	pub := ""
	if publicOnly {
		pub = " AND i.public = TRUE"
	}
	err := q.collect(ctx, ps, 2, `SELECT DISTINCT c.id, c.slug, c.name, 'worked on ' || i.title || ' (done)'
		FROM initiative_interest x JOIN initiatives i ON i.id = x.initiative_id JOIN communities c ON c.id = x.community_id
		WHERE i.status = 'done' AND i.id IN (SELECT initiative_id FROM initiative_themes WHERE theme IN (`+ph+`))
		AND c.id <> ? AND c.archived_at IS NULL`+pub, args...)
	if err != nil {
		return nil, err
	}
	return ps.top(n), nil
}

// CommunitiesWithThemes suggests communities whose tags match the themes
// but who have not said they are interested in the initiative yet.
func (q queries) CommunitiesWithThemes(ctx context.Context, themes []string, initiativeID int64, n int) ([]model.Peer, error) {
	ps := peerSet{}
	if len(themes) == 0 {
		return []model.Peer{}, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(themes)), ",")
	args := []any{}
	for _, t := range themes {
		args = append(args, t)
	}
	args = append(args, initiativeID)
	err := q.collect(ctx, ps, 1, `SELECT DISTINCT c.id, c.slug, c.name, 'works on ' || t.tag
		FROM community_tags t JOIN communities c ON c.id = t.community_id
		WHERE t.tag IN (`+ph+`) AND c.archived_at IS NULL
		AND c.id NOT IN (SELECT community_id FROM initiative_interest WHERE initiative_id = ?)`, args...)
	if err != nil {
		return nil, err
	}
	return ps.top(n), nil
}
