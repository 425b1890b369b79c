package storage

import (
	"context"
	"time"
)

// TakeLoginSlot counts one more attempt in a bucket's current window (a
// fixed window that starts at the first attempt and lasts window) and
// returns the new count and when the window ends. Counting and reading are
// one upsert, which both databases apply atomically per row: concurrent
// attempts each get a distinct count, so none can slip past a limit by
// reading the counter before another attempt is recorded.
func (q queries) TakeLoginSlot(ctx context.Context, bucket string, window time.Duration) (count int, resets time.Time, err error) {
	t := now()
	stale := t.Add(-window)
	err = q.queryRow(ctx, `INSERT INTO login_limits (bucket, window_start, count) VALUES (?, ?, 1)
		ON CONFLICT (bucket) DO UPDATE SET
			count = CASE WHEN login_limits.window_start <= ? THEN 1 ELSE login_limits.count + 1 END,
			window_start = CASE WHEN login_limits.window_start <= ? THEN excluded.window_start ELSE login_limits.window_start END
		RETURNING count, window_start`, bucket, t, stale, stale).Scan(&count, &resets)
	if err != nil {
		return 0, time.Time{}, mapError(err)
	}
	return count, resets.UTC().Add(window), nil
}

// ReleaseLoginSlot gives back one attempt taken in a bucket (a successful
// sign-in does not count against the address it came from).
func (q queries) ReleaseLoginSlot(ctx context.Context, bucket string) error {
	_, err := q.exec(ctx, `UPDATE login_limits SET count = count - 1 WHERE bucket = ? AND count > 0`, bucket)
	return err
}

// ClearLoginSlots forgets a bucket's attempts.
func (q queries) ClearLoginSlots(ctx context.Context, bucket string) error {
	_, err := q.exec(ctx, `DELETE FROM login_limits WHERE bucket = ?`, bucket)
	return err
}
