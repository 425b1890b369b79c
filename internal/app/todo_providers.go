package app

import (
	"context"
	"fmt"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// The to-dos of the prioritization and updates features: ballots, staff's
// questions, demos and meetings. Other features register theirs in their
// own files (see todos.go).

func init() {
	RegisterTodoProvider(model.TodoBallot, ballotTodos)
	RegisterTodoProvider(model.TodoRequest, requestTodos)
	RegisterTodoProvider(model.TodoDemo, demoTodos)
	RegisterTodoProvider(model.TodoMeeting, meetingTodos)
}

// todosOf turns a provider's rows into to-dos.
func todosOf(rows []storage.TodoRow, err error, todo func(storage.TodoRow) model.Todo) ([]model.Todo, error) {
	if err != nil {
		return nil, err
	}
	out := make([]model.Todo, 0, len(rows))
	for _, r := range rows {
		out = append(out, todo(r))
	}
	return out, nil
}

// ballotTodos: open rounds in which a community the person leads, a member
// with the react & prioritize role, has not voted.
func ballotTodos(ctx context.Context, q TodoQuery) ([]model.Todo, error) {
	byID, ids := leadMemberships(q.Scope, model.RoleReactPrioritize)
	rows, err := q.store.OpenRoundsWithoutBallot(ctx, ids, q.Now)
	return todosOf(rows, err, func(r storage.TodoRow) model.Todo {
		m := byID[r.MemberID]
		return model.Todo{Kind: model.TodoBallot, Action: "Cast " + m.CommunityName + "'s ballot",
			Title: r.Title, URL: fmt.Sprintf("/rounds/%d", r.ID), Consortium: m.ConsortiumName, Community: m.CommunityName,
			Due: r.At, Key: fmt.Sprintf("ballot:%d:%d", r.ID, m.CommunityID)}
	})
}

// demoTodos: recent demos that a member community the person leads has not
// reacted to.
func demoTodos(ctx context.Context, q TodoQuery) ([]model.Todo, error) {
	byID, ids := leadMemberships(q.Scope, "")
	rows, err := q.store.DemosWithoutReaction(ctx, ids, q.Now.Add(-model.TodoMaxAge))
	return todosOf(rows, err, func(r storage.TodoRow) model.Todo {
		m := byID[r.MemberID]
		return model.Todo{Kind: model.TodoDemo, Action: "React for " + m.CommunityName,
			Title: r.Title, URL: fmt.Sprintf("/demos/%d", r.ID), Consortium: m.ConsortiumName, Community: m.CommunityName,
			Key: fmt.Sprintf("demo:%d:%d", r.ID, m.CommunityID)}
	})
}

// meetingTodos: meetings of the person's consortia in the next 14 days
// that they have not said whether they attend.
func meetingTodos(ctx context.Context, q TodoQuery) ([]model.Todo, error) {
	rows, err := q.store.MeetingsWithoutRSVP(ctx, q.User.ID, q.Scope.ConsortiumIDs(), q.Now, q.Now.Add(model.TodoMeetingWindow))
	return todosOf(rows, err, func(r storage.TodoRow) model.Todo {
		return model.Todo{Kind: model.TodoMeeting, Action: "Say whether you attend",
			Title: r.Title, URL: fmt.Sprintf("/meetings/%d", r.ID), Consortium: q.Scope.Consortia[r.ConsortiumID],
			Due: r.At, Key: fmt.Sprintf("meeting:%d", r.ID)}
	})
}

// requestTodos: staff's questions addressed to the person (in their
// consortia's updates, or site-wide ones for people of the host's member
// communities) that they have not answered, open and at most 90 days old.
func requestTodos(ctx context.Context, q TodoQuery) ([]model.Todo, error) {
	rows, err := q.store.UnansweredRequests(ctx, q.User.ID, q.Scope.ConsortiumIDs(), q.Scope.MemberOfHost,
		q.Now.Add(-model.TodoMaxAge), q.Now)
	return todosOf(rows, err, func(r storage.TodoRow) model.Todo {
		return model.Todo{Kind: model.TodoRequest, Action: "Answer",
			Title: r.Title, URL: fmt.Sprintf("/requests/%d", r.ID), Consortium: q.Scope.Consortia[r.ConsortiumID],
			Due: r.At, Key: fmt.Sprintf("request:%d", r.ID)}
	})
}
