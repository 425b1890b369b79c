package storage

import (
	"context"
	"database/sql"
	"time"

	"consortia/internal/model"
)

const commentColumns = `c.id, c.subject_kind, c.subject_id, c.parent_id, c.author_id, u.name, c.body, c.created_at,
	c.edited_at, c.deleted_at, c.hidden_at, c.hidden_by_name, c.hidden_reason`

const commentFrom = ` FROM comments c JOIN users u ON u.id = c.author_id`

func scanComment(sc scanner) (*model.Comment, error) {
	var c model.Comment
	var parent sql.NullInt64
	var edited, deleted, hidden sql.NullTime
	if err := sc.Scan(&c.ID, &c.SubjectKind, &c.SubjectID, &parent, &c.AuthorID, &c.AuthorName, &c.Body, &c.CreatedAt,
		&edited, &deleted, &hidden, &c.HiddenBy, &c.HiddenReason); err != nil {
		return nil, mapError(err)
	}
	if parent.Valid {
		c.ParentID = &parent.Int64
	}
	c.CreatedAt = c.CreatedAt.UTC()
	c.EditedAt = nullTime(edited)
	c.Deleted, c.Hidden = deleted.Valid, hidden.Valid
	c.History = []model.CommentEdit{}
	return &c, nil
}

// InsertComment adds a comment by author on a subject.
func (q queries) InsertComment(ctx context.Context, kind string, subjectID int64, parentID *int64, authorID int64, body string) (*model.Comment, error) {
	var id int64
	if err := q.queryRow(ctx, `INSERT INTO comments (subject_kind, subject_id, parent_id, author_id, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, kind, subjectID, parentID, authorID, body, now()).Scan(&id); err != nil {
		return nil, mapError(err)
	}
	return q.CommentByID(ctx, id)
}

// CommentByID returns a comment with its earlier versions.
func (q queries) CommentByID(ctx context.Context, id int64) (*model.Comment, error) {
	c, err := scanComment(q.queryRow(ctx, `SELECT `+commentColumns+commentFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityComment, id)
	}
	return c, q.loadCommentHistory(ctx, []*model.Comment{c})
}

// Comments lists the comments on a subject, oldest first, each with its
// earlier versions (one query for all of them).
func (q queries) Comments(ctx context.Context, kind string, subjectID int64) ([]*model.Comment, error) {
	list, err := collect(ctx, q, scanComment, `SELECT `+commentColumns+commentFrom+
		` WHERE c.subject_kind = ? AND c.subject_id = ? ORDER BY c.id`, kind, subjectID)
	if err != nil {
		return nil, err
	}
	return list, q.loadCommentHistory(ctx, list)
}

func (q queries) loadCommentHistory(ctx context.Context, list []*model.Comment) error {
	byID := map[int64]*model.Comment{}
	var ids []int64
	for _, c := range list {
		if c.EditedAt != nil {
			byID[c.ID] = c
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ph, args := placeholders(ids)
	return q.eachRow(ctx, `SELECT comment_id, body, written_at FROM comment_edits WHERE comment_id IN (`+ph+`) ORDER BY comment_id, id`, args,
		func(rows *sql.Rows) error {
			var id int64
			var e model.CommentEdit
			if err := rows.Scan(&id, &e.Body, &e.WrittenAt); err != nil {
				return err
			}
			e.WrittenAt = e.WrittenAt.UTC()
			byID[id].History = append(byID[id].History, e)
			return nil
		})
}

// EditComment replaces a live comment's text, keeping the earlier one in
// its history.
func (q queries) EditComment(ctx context.Context, id int64, body string) error {
	c, err := q.CommentByID(ctx, id)
	if err != nil {
		return err
	}
	written := c.CreatedAt
	if c.EditedAt != nil {
		written = *c.EditedAt
	}
	if _, err := q.exec(ctx, `INSERT INTO comment_edits (comment_id, body, written_at) VALUES (?, ?, ?)`, id, c.Body, written); err != nil {
		return err
	}
	res, err := q.exec(ctx, `UPDATE comments SET body = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL`, body, now(), id)
	return changedOne(res, err, id)
}

// DeleteComment removes a comment's text and history; the comment keeps
// its place so that its replies stay in the thread.
func (q queries) DeleteComment(ctx context.Context, id int64) error {
	if _, err := q.exec(ctx, `DELETE FROM comment_edits WHERE comment_id = ?`, id); err != nil {
		return err
	}
	res, err := q.exec(ctx, `UPDATE comments SET body = '', deleted_at = ? WHERE id = ? AND deleted_at IS NULL`, now(), id)
	return changedOne(res, err, id)
}

// HideComment hides a comment with staff's reason, or shows it again.
func (q queries) HideComment(ctx context.Context, id int64, hidden bool, byName, reason string) error {
	var at *time.Time
	if hidden {
		t := now()
		at = &t
	} else {
		byName, reason = "", ""
	}
	res, err := q.exec(ctx, `UPDATE comments SET hidden_at = ?, hidden_by_name = ?, hidden_reason = ? WHERE id = ?`, at, byName, reason, id)
	return changedOne(res, err, id)
}

func changedOne(res sql.Result, err error, id int64) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &NotFoundError{Entity: model.EntityComment, Key: id}
	}
	return nil
}
