package app

import "consortia/internal/model"

// checkSignInEmail refuses an address that is not one line of clean text
// before it is counted or looked up: a NUL byte fails every query on
// PostgreSQL and would be stored as a failed attempt's key on SQLite.
func checkSignInEmail(email string) error {
	var p model.Problems
	if msg := model.TextProblem(email, false); msg != "" {
		p.Add("email", "%s", msg)
	}
	return p.Err()
}
