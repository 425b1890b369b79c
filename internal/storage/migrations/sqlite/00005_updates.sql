-- +goose Up
CREATE TABLE events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    audience      TEXT NOT NULL,
    consortium_id INTEGER REFERENCES consortia (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL DEFAULT '',
    url           TEXT NOT NULL DEFAULT '',
    importance    INTEGER NOT NULL DEFAULT 0,
    request_id    INTEGER,
    actor_name    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX events_consortium ON events (consortium_id, id);

-- One row per person an event concerns. It is delivered either at once
-- (sent_immediately) or in exactly one digest (digest_outbox_id).
CREATE TABLE notifications (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id         INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    period           TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending',
    digest_outbox_id INTEGER,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX notifications_pending ON notifications (state, period, user_id);
CREATE INDEX notifications_user ON notifications (user_id, id);

CREATE TABLE preferences (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    consortium_id INTEGER NOT NULL DEFAULT 0,
    channel       TEXT NOT NULL,
    mode          TEXT NOT NULL,
    PRIMARY KEY (user_id, consortium_id, channel)
);

CREATE TABLE digest_runs (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    period  TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, period)
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    subject         TEXT NOT NULL DEFAULT '',
    text_body       TEXT NOT NULL DEFAULT '',
    html_body       TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL DEFAULT '',
    headers         TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_by       TEXT NOT NULL DEFAULT '',
    locked_until    TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE delivery_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id   INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    worker      TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    ok          BOOLEAN NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX delivery_attempts_outbox ON delivery_attempts (outbox_id);

CREATE TABLE requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id INTEGER REFERENCES consortia (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    question      TEXT NOT NULL,
    options       TEXT NOT NULL,
    url           TEXT NOT NULL DEFAULT '',
    deadline      TIMESTAMP,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE request_answers (
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answer     TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    PRIMARY KEY (request_id, user_id)
);

CREATE TABLE hooks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id INTEGER REFERENCES consortia (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('slack', 'webhook')),
    url           TEXT NOT NULL,
    secret        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX hooks_consortium ON hooks (consortium_id);

-- +goose Down
DROP TABLE hooks;
DROP TABLE request_answers;
DROP TABLE requests;
DROP TABLE delivery_attempts;
DROP TABLE outbox;
DROP TABLE digest_runs;
DROP TABLE preferences;
DROP TABLE notifications;
DROP TABLE events;
