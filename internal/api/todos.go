package api

import (
	"context"

	"consortia/internal/model"
)

// TodoList is what waits for the signed-in person.
type TodoList struct {
	Count int          `json:"count" doc:"How many to-dos there are (the number the menu shows)."`
	Items []model.Todo `json:"items" doc:"Soonest due first, then the rest."`
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
	return &TodoOutput{Body: TodoList{Count: len(items), Items: items}}, nil
}
