-- +goose Up
-- Each message is claimed again, on its own, right before it is sent:
-- send_started_at marks a send in flight. A claim that takes over a message
-- whose send began but whose result was never recorded (the worker stopped
-- mid-send) counts an interrupted send: the receiver may have it twice.
ALTER TABLE outbox ADD COLUMN send_started_at TIMESTAMP;
ALTER TABLE outbox ADD COLUMN interrupted_sends INTEGER NOT NULL DEFAULT 0;
-- Webhook posts are signed when they are sent (the signature carries the
-- time), with the secret of their hook. No foreign key: a removed hook's
-- queued posts stay for the record and fail when their turn comes.
ALTER TABLE outbox ADD COLUMN hook_id INTEGER;

-- +goose Down
ALTER TABLE outbox DROP COLUMN hook_id;
ALTER TABLE outbox DROP COLUMN interrupted_sends;
ALTER TABLE outbox DROP COLUMN send_started_at;
