package model

import (
	"cmp"
	"slices"
	"time"
)

// Kinds of to-do. Each feature that asks something of a person adds its
// kind here and registers a provider in app (see app/todos.go).
const (
	TodoBallot  = "ballot"  // a round the person's community can still vote in
	TodoRequest = "request" // a question from staff awaiting the person's answer
	TodoDemo    = "demo"    // a demo the person's community has not reacted to
	TodoMeeting = "meeting" // a meeting soon without the person's RSVP
	// TodoEndorsement is a proposal's endorsement request waiting for the
	// answer of a community the person leads.
	TodoEndorsement = "endorsement"
	// TodoTesting is a testing call a community the person leads may
	// enrol in, or one the person tests and has not reported on.
	TodoTesting = "testing"
	// TodoInvitation is a pending invitation to the person's address.
	TodoInvitation = "invitation"
	TodoSection    = "proposal_section" // an unfinished section the person owns in a proposal being written
)

// TodoMeetingWindow is how far ahead a meeting without an RSVP is a to-do.
const TodoMeetingWindow = 14 * 24 * time.Hour

// TodoMaxAge is how long after it was posted a demo or a question stays a
// to-do (older ones stay on their pages, not on the list).
const TodoMaxAge = 90 * 24 * time.Hour

// Todo is one thing waiting for a person, one click away.
type Todo struct {
	Kind string `json:"kind" doc:"What is asked: ballot, request, demo, meeting (more kinds as features add them)."`
	// Action is the verb phrase of the link ("Cast the ballot").
	Action string `json:"action" doc:"What to do, e.g. \"Cast Northfield's ballot\"."`
	Title  string `json:"title" doc:"What it is about."`
	URL    string `json:"url" doc:"Path of the page where it is done."`
	// Consortium is the name of the consortium it belongs to, if any.
	Consortium string `json:"consortium,omitempty"`
	// Community is the community the person acts for, if any.
	Community string     `json:"community,omitempty"`
	Due       *time.Time `json:"due,omitempty" doc:"Deadline or start time, when there is one."`
	// Key identifies the to-do among the person's (kind and the ids it is
	// about), stable while it waits.
	Key string `json:"key" doc:"Stable identifier, e.g. ballot:12:4."`
}

// SortTodos orders to-dos: the soonest due first, then those without a
// date, each group by key so the order is stable.
func SortTodos(list []Todo) {
	less := func(a, b Todo) int {
		switch {
		case a.Due != nil && b.Due != nil:
			if c := a.Due.Compare(*b.Due); c != 0 {
				return c
			}
		case a.Due != nil:
			return -1
		case b.Due != nil:
			return 1
		}
		return cmp.Compare(a.Key, b.Key)
	}
	slices.SortFunc(list, less)
}
