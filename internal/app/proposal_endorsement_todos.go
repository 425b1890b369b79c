package app

import (
	"context"
	"fmt"

	"consortia/internal/model"
)

// The "what needs you" entry of endorsement requests: a proposal waiting
// for the answer of a community the person leads, one click from its
// answer page. One query.

func init() { RegisterTodoProvider(model.TodoEndorsement, endorsementTodos) }

func endorsementTodos(ctx context.Context, q TodoQuery) ([]model.Todo, error) {
	rows, err := q.store.EndorsementRequestsFor(ctx, q.User.ID)
	if err != nil {
		return nil, err
	}
	out := make([]model.Todo, 0, len(rows))
	for _, r := range rows {
		due := r.Deadline
		out = append(out, model.Todo{Kind: model.TodoEndorsement, Action: "Answer for " + r.Community.Name, Title: "Endorse “" + r.Proposal + "”",
			URL: fmt.Sprintf("/proposals/%d/endorsements/%s/answer", r.ProposalID, r.Community.Slug), Community: r.Community.Name, Due: &due,
			Key: fmt.Sprintf("endorsement:%d:%d", r.ProposalID, r.Community.ID)})
	}
	return out, nil
}
