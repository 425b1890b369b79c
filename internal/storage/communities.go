package storage

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"consortia/internal/model"
)

const communityColumns = `id, slug, name, kind, website, description, tier, member_since,
	support_contact, hosted_services, archived_at, created_at, updated_at, version`

func scanCommunity(sc interface{ Scan(...any) error }) (*model.Community, error) {
	var c model.Community
	var since, archived sql.NullTime
	err := sc.Scan(&c.ID, &c.Slug, &c.Name, &c.Kind, &c.Website, &c.Description, &c.Tier, &since,
		&c.SupportContact, &c.HostedServices, &archived, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	if err != nil {
		return nil, mapError(err)
	}
	c.MemberSince, c.ArchivedAt = nullTime(since), nullTime(archived)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.Tags = []string{}
	return &c, nil
}

// CreateCommunity inserts a community with its tags.
func (q queries) CreateCommunity(ctx context.Context, in model.CommunityInput) (*model.Community, error) {
	t := now()
	c, err := scanCommunity(q.queryRow(ctx, `INSERT INTO communities
		(slug, name, kind, website, description, tier, member_since, support_contact, hosted_services, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+communityColumns,
		in.Slug, in.Name, in.Kind, in.Website, in.Description, in.Tier, in.MemberSince,
		in.SupportContact, in.HostedServices, t, t))
	if err != nil {
		return nil, err
	}
	if err := q.setTags(ctx, c.ID, in.Tags); err != nil {
		return nil, err
	}
	c.Tags = append(c.Tags, in.Tags...)
	return c, nil
}

// UpdateCommunity replaces a community's editable fields. When version is
// not zero the update only applies to that version (optimistic locking): a
// stale edit gets a conflict instead of silently overwriting another one.
func (q queries) UpdateCommunity(ctx context.Context, id, version int64, in model.CommunityInput) (*model.Community, error) {
	query := `UPDATE communities SET slug = ?, name = ?, kind = ?, website = ?, description = ?, tier = ?,
		member_since = ?, support_contact = ?, hosted_services = ?, updated_at = ?, version = version + 1
		WHERE id = ?`
	args := []any{in.Slug, in.Name, in.Kind, in.Website, in.Description, in.Tier, in.MemberSince,
		in.SupportContact, in.HostedServices, now(), id}
	if version != 0 {
		query += ` AND version = ?`
		args = append(args, version)
	}
	c, err := scanCommunity(q.queryRow(ctx, query+` RETURNING `+communityColumns, args...))
	if errors.Is(err, ErrNotFound) && version != 0 {
		return nil, &StaleError{What: model.StaleCommunity, Version: version}
	}
	if err != nil {
		return nil, err
	}
	if err := q.setTags(ctx, id, in.Tags); err != nil {
		return nil, err
	}
	c.Tags = append(c.Tags, in.Tags...)
	return c, nil
}

// SetCommunityArchived archives a community (hiding it from lists) or
// restores it.
func (q queries) SetCommunityArchived(ctx context.Context, id int64, archived bool) (*model.Community, error) {
	var at any
	if archived {
		at = now()
	}
	c, err := scanCommunity(q.queryRow(ctx, `UPDATE communities SET archived_at = ?, updated_at = ?, version = version + 1
		WHERE id = ? RETURNING `+communityColumns, at, now(), id))
	if err != nil {
		return nil, err
	}
	return c, q.loadTags(ctx, []*model.Community{c})
}

func (q queries) setTags(ctx context.Context, id int64, tags []string) error {
	if _, err := q.exec(ctx, `DELETE FROM community_tags WHERE community_id = ?`, id); err != nil {
		return err
	}
	for _, t := range tags {
		if _, err := q.exec(ctx, `INSERT INTO community_tags (community_id, tag) VALUES (?, ?)`, id, t); err != nil {
			return err
		}
	}
	return nil
}

// CommunityByRef returns a community by numeric id or by slug.
func (q queries) CommunityByRef(ctx context.Context, ref string) (*model.Community, error) {
	var c *model.Community
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		c, err = scanCommunity(q.queryRow(ctx, `SELECT `+communityColumns+` FROM communities WHERE id = ?`, id))
	} else if !lookupKey(ref) {
		err = mapError(sql.ErrNoRows)
	} else {
		c, err = scanCommunity(q.queryRow(ctx, `SELECT `+communityColumns+` FROM communities WHERE slug = ?`, strings.ToLower(ref)))
	}
	if err != nil {
		return nil, notFound(err, model.EntityCommunity, ref)
	}
	return c, q.loadTags(ctx, []*model.Community{c})
}

// ListCommunities returns a page of communities matching the filter, with
// the total count. Tags are loaded in one query for the whole page.
func (q queries) ListCommunities(ctx context.Context, f model.CommunityFilter) ([]*model.Community, int, error) {
	where, args := []string{"1=1"}, []any{}
	if !f.IncludeArchived {
		where = append(where, "archived_at IS NULL")
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		like := "%" + escapeLike(strings.ToLower(s)) + "%"
		where = append(where, `(lower(name) LIKE ? ESCAPE '\' OR lower(slug) LIKE ? ESCAPE '\' OR lower(description) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, f.Kind)
	}
	if f.Tag != "" {
		where = append(where, "id IN (SELECT community_id FROM community_tags WHERE tag = ?)")
		args = append(args, strings.ToLower(f.Tag))
	}
	switch f.Tier {
	case "":
	case "member":
		where = append(where, "tier <> ''")
	case "non-member":
		where = append(where, "tier = ''")
	default:
		where = append(where, "tier = ?")
		args = append(args, f.Tier)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM communities WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	p := f.Page.Normalize()
	out, err := collect(ctx, q, scanCommunity, `SELECT `+communityColumns+` FROM communities WHERE `+cond+
		` ORDER BY lower(name), id LIMIT ? OFFSET ?`, append(args, p.Size, p.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, q.loadTags(ctx, out)
}

// loadTags fills the tags of the given communities with one query.
func (q queries) loadTags(ctx context.Context, cs []*model.Community) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[int64]*model.Community, len(cs))
	ph := make([]string, len(cs))
	args := make([]any, len(cs))
	for i, c := range cs {
		byID[c.ID] = c
		c.Tags = []string{}
		ph[i], args[i] = "?", c.ID
	}
	if err := q.eachRow(ctx, `SELECT community_id, tag FROM community_tags WHERE community_id IN (`+
		strings.Join(ph, ",")+`) ORDER BY tag`, args, func(rows *sql.Rows) error {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return err
		}
		byID[id].Tags = append(byID[id].Tags, tag)
		return nil
	}); err != nil {
		return err
	}
	return nil
}

// CommunityTags lists the tags in use by active communities, most used first.
func (q queries) CommunityTags(ctx context.Context) ([]model.TagCount, error) {
	return collect(ctx, q, func(rows scanner) (model.TagCount, error) {
		var tc model.TagCount
		if err := rows.Scan(&tc.Tag, &tc.Count); err != nil {
			return tc, err
		}
		return tc, nil
	}, `SELECT t.tag, COUNT(*) FROM community_tags t
		JOIN communities c ON c.id = t.community_id WHERE c.archived_at IS NULL
		GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT 200`)
}

// CountStats counts communities and people in one query.
func (q queries) CountStats(ctx context.Context) (model.Stats, error) {
	var s model.Stats
	err := q.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM communities WHERE archived_at IS NULL),
		(SELECT COUNT(*) FROM communities WHERE archived_at IS NULL AND tier <> ''),
		(SELECT COUNT(*) FROM users WHERE disabled_at IS NULL),
		(SELECT COUNT(*) FROM communities WHERE archived_at IS NOT NULL)`).
		Scan(&s.Communities, &s.MemberCommunities, &s.People, &s.Archived)
	return s, mapError(err)
}
