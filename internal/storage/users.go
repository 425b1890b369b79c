package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"consortia/internal/model"
)

const userColumns = `id, email, name, role, created_at, disabled_at, last_login_at, session_version, calendar_key_version`

func scanUser(sc interface{ Scan(...any) error }) (*model.User, error) {
	var u model.User
	var disabled, lastLogin sql.NullTime
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &disabled, &lastLogin, &u.SessionVersion, &u.CalendarKeyVersion); err != nil {
		return nil, mapError(err)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	u.DisabledAt = nullTime(disabled)
	u.LastLoginAt = nullTime(lastLogin)
	return &u, nil
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// CreateUser inserts a user with a password hash ("" for no password yet).
func (q queries) CreateUser(ctx context.Context, in model.UserInput, passwordHash string) (*model.User, error) {
	row := q.queryRow(ctx, `INSERT INTO users (email, name, role, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING `+userColumns, in.Email, in.Name, in.Role, passwordHash, now())
	return scanUser(row)
}

// UserByID returns a user.
func (q queries) UserByID(ctx context.Context, id int64) (*model.User, error) {
	return scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// UserByEmail returns a user by (normalized) address.
func (q queries) UserByEmail(ctx context.Context, email string) (*model.User, error) {
	if !lookupKey(email) {
		return nil, mapError(sql.ErrNoRows)
	}
	return scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, model.NormalizeEmail(email)))
}

// PasswordHash returns the stored password hash of a user.
func (q queries) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var h string
	err := q.queryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&h)
	return h, mapError(err)
}

// SetPasswordHash replaces a user's password hash.
func (q queries) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	_, err := q.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	return err
}

// UpdateUser changes a user's name, email and role.
func (q queries) UpdateUser(ctx context.Context, id int64, in model.UserInput) (*model.User, error) {
	return scanUser(q.queryRow(ctx, `UPDATE users SET email = ?, name = ?, role = ? WHERE id = ? RETURNING `+userColumns,
		in.Email, in.Name, in.Role, id))
}

// SetUserDisabled disables (or re-enables) a user's sign-in.
func (q queries) SetUserDisabled(ctx context.Context, id int64, disabled bool) (*model.User, error) {
	var at any
	if disabled {
		at = now()
	}
	return scanUser(q.queryRow(ctx, `UPDATE users SET disabled_at = ? WHERE id = ? RETURNING `+userColumns, at, id))
}

// EndSessions raises a user's session version, which ends every session
// made before, and returns the new version.
func (q queries) EndSessions(ctx context.Context, id int64) (int64, error) {
	var v int64
	err := q.queryRow(ctx, `UPDATE users SET session_version = session_version + 1 WHERE id = ? RETURNING session_version`, id).Scan(&v)
	return v, mapError(err)
}

// RotateCalendarKey raises a user's calendar key version, which makes
// every calendar link given out before stop working.
func (q queries) RotateCalendarKey(ctx context.Context, id int64) (*model.User, error) {
	return scanUser(q.queryRow(ctx, `UPDATE users SET calendar_key_version = calendar_key_version + 1 WHERE id = ? RETURNING `+userColumns, id))
}

// TouchLogin records a successful sign-in.
func (q queries) TouchLogin(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, now(), id)
	return err
}

// CountAdmins counts enabled admins, so the last one cannot be demoted.
func (q queries) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`).Scan(&n)
	return n, mapError(err)
}

// ListUsers returns a page of people matching the filter, with the total.
func (q queries) ListUsers(ctx context.Context, f model.PeopleFilter) ([]*model.User, int, error) {
	where, args := []string{"1=1"}, []any{}
	if s := strings.TrimSpace(f.Query); s != "" {
		like := "%" + escapeLike(strings.ToLower(s)) + "%"
		emails := `lower(email) LIKE ? ESCAPE '\'`
		args = append(args, like, like)
		if scope := f.EmailsOf; scope != nil {
			// Only addresses the searcher may see can match.
			emails += ` AND (id = ?`
			args = append(args, scope.UserID)
			if len(scope.LedCommunityIDs) > 0 {
				ph, ids := placeholders(scope.LedCommunityIDs)
				emails += ` OR id IN (SELECT user_id FROM affiliations WHERE community_id IN (` + ph + `))`
				args = append(args, ids...)
			}
			emails += `)`
		}
		where = append(where, `(lower(name) LIKE ? ESCAPE '\' OR (`+emails+`))`)
	}
	if f.CommunityID != 0 {
		where = append(where, "id IN (SELECT user_id FROM affiliations WHERE community_id = ?)")
		args = append(args, f.CommunityID)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	p := f.Page.Normalize()
	out, err := collect(ctx, q, scanUser, `SELECT `+userColumns+` FROM users WHERE `+cond+` ORDER BY name, id LIMIT ? OFFSET ?`,
		append(args, p.Size, p.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// escapeLike escapes LIKE wildcards in user input, for patterns written
// with ESCAPE '\', so a search for "50%" matches the text "50%".
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// UsersNamed lists the enabled people whose name is one of names, compared
// without regard to case (mentions name people as they see them).
func (q queries) UsersNamed(ctx context.Context, names []string) ([]*model.User, error) {
	var keys []any
	for _, n := range names {
		if lookupKey(n) {
			keys = append(keys, strings.ToLower(n))
		}
	}
	if len(keys) == 0 {
		return []*model.User{}, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(keys)), ",")
	return collect(ctx, q, scanUser, `SELECT `+userColumns+` FROM users WHERE disabled_at IS NULL AND LOWER(name) IN (`+ph+`) ORDER BY id`, keys...)
}
