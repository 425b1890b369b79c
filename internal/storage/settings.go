package storage

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"consortia/internal/model"
)

// Setting returns a site setting, or def when it is not set.
func (q queries) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := q.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return def, nil
		}
		return "", mapError(err)
	}
	return v, nil
}

// SetSetting stores a site setting.
func (q queries) SetSetting(ctx context.Context, key, value string) error {
	_, err := q.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// SetSettingIfAbsent stores a setting unless it exists: when several
// instances start at once, the first value wins.
func (q queries) SetSettingIfAbsent(ctx context.Context, key, value string) error {
	_, err := q.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value)
	return err
}

// BlendedRate is the site's hourly rate for cost estimates.
func (q queries) BlendedRate(ctx context.Context) (model.Money, error) {
	amount, err := q.Setting(ctx, "blended_rate_minor", strconv.Itoa(model.DefaultRateMinor))
	if err != nil {
		return model.Money{}, err
	}
	cur, err := q.Setting(ctx, "blended_rate_currency", model.DefaultCurrency)
	if err != nil {
		return model.Money{}, err
	}
	n, err := strconv.ParseInt(amount, 10, 64)
	if err != nil {
		n = model.DefaultRateMinor
	}
	return model.Money{Amount: n, Currency: cur}, nil
}
