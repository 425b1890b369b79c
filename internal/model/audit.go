package model

import (
	"encoding/json"
	"time"
)

// AuditEntry records one write: who did what to which thing, when, with the
// values before and after.
type AuditEntry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    *int64          `json:"actor_id,omitempty"`
	ActorName  string          `json:"actor_name"`
	Action     string          `json:"action"`
	EntityType string          `json:"entity_type"`
	EntityID   string          `json:"entity_id"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	ActorID    int64
	EntityType string
	EntityID   string
	Action     string
	Since      *time.Time
	Until      *time.Time
	Page       Page
}
