package api

import (
	"context"

	"consortia/internal/app"
)

// SearchInput is a full-text search.
type SearchInput struct {
	Q    string `query:"q" maxLength:"200" doc:"What to look for: words (all must match), \"quoted phrases\", -word to leave out, OR between alternatives; the last word also matches longer words (search as you type)."`
	Kind string `query:"kind" maxLength:"40" doc:"Only results of this kind: initiative, narrative, consortium, community, meeting (more as features add them)."`
	Page int    `query:"page" minimum:"1" maximum:"50" default:"1" doc:"Page number, from 1 (20 results a page)."`
}

// SearchOutput is a page of results with the count of each kind.
type SearchOutput struct {
	Body *app.SearchResult
}

func (h *Handler) search(ctx context.Context, in *SearchInput) (*SearchOutput, error) {
	r, err := h.app.Search(ctx, actor(ctx), in.Q, in.Kind, in.Page)
	if err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"q": "query.q", "kind": "query.kind", "page": "query.page"})
	}
	return &SearchOutput{Body: r}, nil
}
