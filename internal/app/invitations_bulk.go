package app

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// MaxBulkInvitations bounds one pasted list or CSV file.
const MaxBulkInvitations = 500

// BulkRow is one line of a bulk invitation: what it asks and, if it
// cannot be sent, why.
type BulkRow struct {
	Line    int                   `json:"line"`
	Input   model.InvitationInput `json:"input"`
	Problem string                `json:"problem,omitempty"`
}

// parseBulk reads "email,name,community,role" lines (a header line naming
// the columns may come first; a line may stop after any column, so a
// pasted list of addresses works). Blank lines are skipped.
func parseBulk(text string) ([]BulkRow, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord, r.TrimLeadingSpace, r.ReuseRecord = -1, true, false
	var rows []BulkRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var p model.Problems
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.Add("list", "line %d is not valid CSV: %v", pe.StartLine, pe.Err)
			} else {
				p.Add("list", "is not valid CSV: %v", err)
			}
			return nil, p.Err()
		}
		line, _ := r.FieldPos(0)
		if len(rows) == 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "email") {
			continue
		}
		if len(rec) > 4 {
			rows = append(rows, BulkRow{Line: line, Problem: "has more than 4 columns (email, name, community, role)"})
			continue
		}
		rec = append(rec, "", "", "")[:4]
		rows = append(rows, BulkRow{Line: line, Input: model.InvitationInput{Email: rec[0], Name: rec[1], Community: rec[2], Role: rec[3]}})
		if len(rows) > MaxBulkInvitations {
			return nil, model.Errorf(model.ETooLarge, "The list has more than %d lines; split it.", MaxBulkInvitations)
		}
	}
	if len(rows) == 0 {
		var p model.Problems
		p.Add("list", "is empty: paste one line per person, email,name,community,role")
		return nil, p.Err()
	}
	return rows, nil
}

// errDryRun rolls a preview's transaction back.
var errDryRun = errors.New("dry run")

// InviteMany invites every line of a pasted list or CSV
// ("email,name,community,role"). Every line is checked as a single
// invitation would be; if any cannot be sent, nothing is sent and the rows
// say why. With preview, the rows are checked and nothing is ever sent.
func (a *App) InviteMany(ctx context.Context, actor *model.User, text string, preview bool) ([]BulkRow, []*model.Invitation, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, nil, err
	}
	if err := a.requireLinks(); err != nil {
		return nil, nil, err
	}
	if msg := model.TextProblem(text, true); msg != "" {
		var p model.Problems
		p.Add("list", "%s", msg)
		return nil, nil, p.Err()
	}
	rows, err := parseBulk(text)
	if err != nil {
		return nil, nil, err
	}
	var sent []*model.Invitation
	failed := false
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		seen := map[string]int{}
		for i := range rows {
			row := &rows[i]
			if row.Problem != "" {
				failed = true
				continue
			}
			row.Input.Normalize()
			key := row.Input.Email + "\x00" + strings.ToLower(row.Input.Community)
			if first, dup := seen[key]; dup {
				row.Problem, failed = "repeats line "+itoa(first), true
				continue
			}
			seen[key] = row.Line
			if row.Input.Community == "" && !actor.IsAdmin() {
				row.Problem, failed = "needs a community you lead", true
				continue
			}
			if err := row.Input.Validate(); err != nil {
				row.Problem, failed = problemText(err), true
				continue
			}
			inv, err := a.invite(ctx, tx, actor, row.Input, 0)
			if err != nil {
				if model.ErrorCode(err) == model.EInternal {
					return err
				}
				row.Problem, failed = problemText(err), true
				continue
			}
			sent = append(sent, inv)
		}
		if failed || preview {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
		if failed {
			err = model.Errorf(model.EInvalid, "Some lines cannot be sent; nothing was sent. Correct them and try again.")
		}
		sent = nil
	}
	if len(sent) > 0 {
		a.wake()
	}
	return rows, sent, err
}

// problemText is an error as one line for a row of a list.
func problemText(err error) string {
	if fields := model.ErrorFields(err); len(fields) > 0 {
		parts := make([]string, len(fields))
		for i, f := range fields {
			parts[i] = f.Field + " " + f.Message
		}
		return strings.Join(parts, "; ")
	}
	return model.ErrorMessage(err)
}

func itoa(n int) string { return idStr(int64(n)) }
