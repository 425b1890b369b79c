package app

import (
	"context"
	"strconv"

	"consortia/internal/model"
)

// threadSubject is what a discussion thread is about, loaded for one
// reader: its kind and id, how to name and link it, and its consortium
// (whose notification preferences its messages follow).
type threadSubject struct {
	Kind         string
	ID           int64
	Title        string
	URL          string
	ConsortiumID *int64
}

// subjectQueries are the reads the loaders need, on the store or in a
// transaction.
type subjectQueries interface {
	InitiativeByRef(context.Context, string) (*model.Initiative, error)
	NarrativeByRef(context.Context, string) (*model.Narrative, error)
	MeetingByID(context.Context, int64) (*model.Meeting, error)
	ConsortiumByRef(context.Context, string) (*model.Consortium, error)
	CanSeeConsortium(context.Context, int64, model.Visibility) (bool, error)
}

// subjectLoader loads the subject named by ref if reader may see it, with
// the same rule as the subject's own page; otherwise not found.
type subjectLoader func(ctx context.Context, q subjectQueries, reader *model.User, ref string) (*threadSubject, error)

// threadKinds are the kinds of things people discuss. A thread's
// visibility is exactly its subject's, decided by the subject's own rule
// (canSeeInitiative, canSeeNarrative, loadVisibleConsortium): never a copy.
// Proposals, when they exist, add their loader here (and nothing else).
var threadKinds = map[string]subjectLoader{
	model.ThreadInitiative: func(ctx context.Context, q subjectQueries, reader *model.User, ref string) (*threadSubject, error) {
		in, err := q.InitiativeByRef(ctx, ref)
		if err != nil {
			return nil, err
		}
		if !canSeeInitiative(reader, in) {
			return nil, model.NotFound(model.EntityInitiative, ref)
		}
		return &threadSubject{Kind: model.ThreadInitiative, ID: in.ID, Title: in.Title, URL: "/initiatives/" + in.Slug}, nil
	},
	model.ThreadNarrative: func(ctx context.Context, q subjectQueries, reader *model.User, ref string) (*threadSubject, error) {
		n, err := q.NarrativeByRef(ctx, ref)
		if err != nil {
			return nil, err
		}
		if !canSeeNarrative(reader, n) {
			return nil, model.NotFound(model.EntityNarrative, ref)
		}
		return &threadSubject{Kind: model.ThreadNarrative, ID: n.ID, Title: n.Title, URL: "/narratives/" + n.Slug}, nil
	},
	model.ThreadConsortium: func(ctx context.Context, q subjectQueries, reader *model.User, ref string) (*threadSubject, error) {
		c, err := loadVisibleConsortium(ctx, q, reader, ref)
		if err != nil {
			return nil, err
		}
		return &threadSubject{Kind: model.ThreadConsortium, ID: c.ID, Title: c.Name, URL: "/consortia/" + c.Slug, ConsortiumID: cid(c)}, nil
	},
	model.ThreadMeeting: func(ctx context.Context, q subjectQueries, reader *model.User, ref string) (*threadSubject, error) {
		id, err := strconv.ParseInt(ref, 10, 64)
		if err != nil || id <= 0 {
			return nil, model.NotFound(model.EntityMeeting, ref)
		}
		m, err := q.MeetingByID(ctx, id)
		if err != nil {
			return nil, err
		}
		c, err := loadVisibleConsortium(ctx, q, reader, idStr(m.ConsortiumID))
		if err != nil {
			return nil, model.NotFound(model.EntityMeeting, id)
		}
		return &threadSubject{Kind: model.ThreadMeeting, ID: m.ID, Title: m.Title + " (" + c.Name + ")", URL: "/meetings/" + idStr(m.ID), ConsortiumID: cid(c)}, nil
	},
}

// loadThreadSubject loads a subject of a known kind for a reader.
func loadThreadSubject(ctx context.Context, q subjectQueries, reader *model.User, kind, ref string) (*threadSubject, error) {
	load, ok := threadKinds[kind]
	if !ok {
		return nil, model.Errorf(model.ENotFound, "There are no discussions of %q.", kind)
	}
	return load(ctx, q, reader, ref)
}

// whoSee keeps the people who may see a subject, by its own rule, leaving
// out the ones in skip.
func whoSee(ctx context.Context, q subjectQueries, people []*model.User, s *threadSubject, skip map[int64]bool) ([]int64, error) {
	var out []int64
	for _, u := range people {
		if skip[u.ID] || u.DisabledAt != nil {
			continue
		}
		if _, err := loadThreadSubject(ctx, q, u, s.Kind, idStr(s.ID)); err != nil {
			if model.ErrorCode(err) == model.ENotFound {
				continue
			}
			return nil, err
		}
		out = append(out, u.ID)
	}
	return out, nil
}
