package api

import (
	"context"
	"time"

	"consortia/internal/model"
)

// TodoList is what waits for the signed-in person.
type TodoList struct {
	Count int          `json:"count" doc:"How many to-dos there are (the number the menu shows)."`
	Items []model.Todo `json:"items" doc:"Soonest due first, then the rest."`
	// Since and Changes: what happened in the person's consortia.
	Since   time.Time     `json:"changes_since" doc:"When the person's last visit to the site ended (or a week ago when unknown)."`
	Changes []model.Event `json:"changes" doc:"What happened in the person's consortia since then, newest first (at most 20)."`
}

// TodoOutput is the signed-in person's to-do list.
type TodoOutput struct {
	Body TodoList
}

func (h *Handler) getMyTodo(ctx context.Context, _ *struct{}) (*TodoOutput, error) {
	items, err := h.app.Todos(ctx, actor(ctx))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	u := actor(ctx)
	since, err := h.app.LastVisit(ctx, u)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	changes, since, err := h.app.Changes(ctx, u, since)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &TodoOutput{Body: TodoList{Count: len(items), Items: items, Since: since, Changes: changes}}, nil
}
