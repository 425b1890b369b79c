package storage

import (
	"context"
	"database/sql"
	"time"

	"consortia/internal/model"
)

// The rows the network is drawn from, each kind in one query: active
// communities with their themes, the consortia a reader may see with their
// current members, and the introductions that were made.

// NetworkCommunity is a community of the network.
type NetworkCommunity struct {
	model.CommunityRef
	Themes []string
}

// NetworkMember is a current membership.
type NetworkMember struct {
	ConsortiumID, CommunityID int64
	JoinedAt                  time.Time
}

// NetworkIntroduction is an introduction that was made.
type NetworkIntroduction struct {
	ID, IntroducerID       int64
	Kind, Status           string
	FromID, ToID           *int64
	ContactName, ContactOf string // the contact's name and organization
	IntroducedAt           time.Time
}

// NetworkRows are everything the network shows, before the app decides
// what of it the reader sees.
type NetworkRows struct {
	Communities   []NetworkCommunity
	Consortia     []model.ConsortiumRef
	Members       []NetworkMember
	Introductions []NetworkIntroduction
}

// Network reads the network's rows: consortia as vis allows, the
// introductions made that f allows.
func (q queries) Network(ctx context.Context, vis model.Visibility, f IntroductionFilter) (*NetworkRows, error) {
	out := &NetworkRows{}
	byID := map[int64]int{}
	if err := q.eachRow(ctx, `SELECT id, slug, name FROM communities WHERE archived_at IS NULL ORDER BY id`, nil, func(rows *sql.Rows) error {
		var c NetworkCommunity
		if err := rows.Scan(&c.ID, &c.Slug, &c.Name); err != nil {
			return err
		}
		byID[c.ID] = len(out.Communities)
		out.Communities = append(out.Communities, c)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := q.eachRow(ctx, `SELECT community_id, tag FROM community_tags ORDER BY community_id, tag`, nil, func(rows *sql.Rows) error {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return err
		}
		if i, ok := byID[id]; ok {
			out.Communities[i].Themes = append(out.Communities[i].Themes, tag)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var err error
	out.Consortia, err = collect(ctx, q, func(sc scanner) (model.ConsortiumRef, error) {
		var c model.ConsortiumRef
		return c, sc.Scan(&c.ID, &c.Slug, &c.Name, &c.Stage)
	}, `SELECT id, slug, name, stage FROM consortia WHERE `+visibilityClause(vis)+` ORDER BY name, id`, visibilityArgs(vis)...)
	if err != nil {
		return nil, err
	}
	out.Members, err = collect(ctx, q, func(sc scanner) (NetworkMember, error) {
		var m NetworkMember
		err := sc.Scan(&m.ConsortiumID, &m.CommunityID, &m.JoinedAt)
		m.JoinedAt = m.JoinedAt.UTC()
		return m, err
	}, `SELECT m.consortium_id, m.community_id, m.joined_at FROM consortium_members m
		WHERE m.left_at IS NULL AND m.consortium_id IN (SELECT id FROM consortia WHERE `+visibilityClause(vis)+`)
		ORDER BY m.consortium_id, m.community_id`, visibilityArgs(vis)...)
	if err != nil {
		return nil, err
	}
	where, args := f.where()
	out.Introductions, err = collect(ctx, q, func(sc scanner) (NetworkIntroduction, error) {
		var in NetworkIntroduction
		var from, to, by sql.NullInt64
		err := sc.Scan(&in.ID, &in.Kind, &in.Status, &from, &to, &in.ContactName, &in.ContactOf, &by, &in.IntroducedAt)
		if from.Valid {
			in.FromID = &from.Int64
		}
		if to.Valid {
			in.ToID = &to.Int64
		}
		in.IntroducerID, in.IntroducedAt = by.Int64, in.IntroducedAt.UTC()
		return in, err
	}, `SELECT x.id, x.kind, x.status, x.from_community_id, x.to_community_id, x.contact_name, x.contact_organization, x.introducer_id,
		x.introduced_at FROM introductions x WHERE x.introduced_at IS NOT NULL AND `+where+` ORDER BY x.id`, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}
