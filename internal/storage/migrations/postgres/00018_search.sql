-- +goose Up
-- Full-text search. One row per searchable record in search_docs, whatever
-- its kind: its path, title and text, and what decides who may find it
-- (public: visitors too; staff_only: staff alone, e.g. archived communities;
-- consortium_id: only readers who may see that consortium). Triggers on
-- each searched table keep it current in the same transaction as every
-- write. A new kind adds its triggers in its own migration (same columns).
CREATE TABLE search_docs (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL,
    item_id       BIGINT NOT NULL,
    path          TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    public        BOOLEAN NOT NULL,
    staff_only    BOOLEAN NOT NULL,
    consortium_id BIGINT REFERENCES consortia (id) ON DELETE CASCADE,
    UNIQUE (kind, item_id)
);
CREATE INDEX search_docs_consortium ON search_docs (consortium_id);

-- When a person was last seen and where their previous visit ended, for
-- "what changed since your last visit" (written at most every 15 minutes).
CREATE TABLE user_visits (
    user_id     BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    seen_at     TIMESTAMP NOT NULL,
    previous_at TIMESTAMP
);

-- PostgreSQL keeps the words in a generated tsvector (the title weighs
-- more than the text) with a GIN index.
ALTER TABLE search_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS
    (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED;
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);

-- +goose StatementBegin
CREATE FUNCTION search_initiatives() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_docs WHERE kind = 'initiative' AND item_id = OLD.id;
        RETURN NULL;
    END IF;
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('initiative', NEW.id, '/initiatives/' || NEW.slug, NEW.title, concat_ws(' ', NEW.persona, NEW.problem, NEW.solution, NEW.implementation, NEW.ecosystem_fit), NEW.public, FALSE, NULL)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_initiatives_ai AFTER INSERT ON initiatives FOR EACH ROW EXECUTE FUNCTION search_initiatives();
CREATE TRIGGER search_initiatives_au AFTER UPDATE OF slug, title, persona, problem, solution, implementation, ecosystem_fit, public ON initiatives FOR EACH ROW EXECUTE FUNCTION search_initiatives();
CREATE TRIGGER search_initiatives_ad AFTER DELETE ON initiatives FOR EACH ROW EXECUTE FUNCTION search_initiatives();

-- +goose StatementBegin
CREATE FUNCTION search_narratives() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_docs WHERE kind = 'narrative' AND item_id = OLD.id;
        RETURN NULL;
    END IF;
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('narrative', NEW.id, '/narratives/' || NEW.slug, NEW.title, concat_ws(' ', NEW.summary, NEW.story, NEW.gaps), NEW.public, FALSE, NULL)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_narratives_ai AFTER INSERT ON narratives FOR EACH ROW EXECUTE FUNCTION search_narratives();
CREATE TRIGGER search_narratives_au AFTER UPDATE OF slug, title, summary, story, gaps, public ON narratives FOR EACH ROW EXECUTE FUNCTION search_narratives();
CREATE TRIGGER search_narratives_ad AFTER DELETE ON narratives FOR EACH ROW EXECUTE FUNCTION search_narratives();

-- +goose StatementBegin
CREATE FUNCTION search_consortia() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_docs WHERE kind = 'consortium' AND item_id = OLD.id;
        RETURN NULL;
    END IF;
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('consortium', NEW.id, '/consortia/' || NEW.slug, NEW.name, concat_ws(' ', NEW.problem, NEW.goals, NEW.closing_summary), TRUE, FALSE, NEW.id)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_consortia_ai AFTER INSERT ON consortia FOR EACH ROW EXECUTE FUNCTION search_consortia();
CREATE TRIGGER search_consortia_au AFTER UPDATE OF slug, name, problem, goals, closing_summary ON consortia FOR EACH ROW EXECUTE FUNCTION search_consortia();
CREATE TRIGGER search_consortia_ad AFTER DELETE ON consortia FOR EACH ROW EXECUTE FUNCTION search_consortia();

-- +goose StatementBegin
CREATE FUNCTION search_communities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_docs WHERE kind = 'community' AND item_id = OLD.id;
        RETURN NULL;
    END IF;
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('community', NEW.id, '/communities/' || NEW.slug, NEW.name, concat_ws(' ', NEW.description, NEW.hosted_services), TRUE, NEW.archived_at IS NOT NULL, NULL)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_communities_ai AFTER INSERT ON communities FOR EACH ROW EXECUTE FUNCTION search_communities();
CREATE TRIGGER search_communities_au AFTER UPDATE OF slug, name, description, hosted_services, archived_at ON communities FOR EACH ROW EXECUTE FUNCTION search_communities();
CREATE TRIGGER search_communities_ad AFTER DELETE ON communities FOR EACH ROW EXECUTE FUNCTION search_communities();

-- +goose StatementBegin
CREATE FUNCTION search_meetings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_docs WHERE kind = 'meeting' AND item_id = OLD.id;
        RETURN NULL;
    END IF;
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('meeting', NEW.id, '/meetings/' || NEW.id, NEW.title, concat_ws(' ', NEW.location, NEW.agenda, NEW.notes, NEW.decisions), TRUE, FALSE, NEW.consortium_id)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_meetings_ai AFTER INSERT ON meetings FOR EACH ROW EXECUTE FUNCTION search_meetings();
CREATE TRIGGER search_meetings_au AFTER UPDATE OF title, location, agenda, notes, decisions, consortium_id ON meetings FOR EACH ROW EXECUTE FUNCTION search_meetings();
CREATE TRIGGER search_meetings_ad AFTER DELETE ON meetings FOR EACH ROW EXECUTE FUNCTION search_meetings();

-- What is already there.
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'initiative', r.id, '/initiatives/' || r.slug, r.title, concat_ws(' ', r.persona, r.problem, r.solution, r.implementation, r.ecosystem_fit), r.public, FALSE, NULL FROM initiatives r;
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'narrative', r.id, '/narratives/' || r.slug, r.title, concat_ws(' ', r.summary, r.story, r.gaps), r.public, FALSE, NULL FROM narratives r;
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'consortium', r.id, '/consortia/' || r.slug, r.name, concat_ws(' ', r.problem, r.goals, r.closing_summary), TRUE, FALSE, r.id FROM consortia r;
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'community', r.id, '/communities/' || r.slug, r.name, concat_ws(' ', r.description, r.hosted_services), TRUE, r.archived_at IS NOT NULL, NULL FROM communities r;
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'meeting', r.id, '/meetings/' || r.id, r.title, concat_ws(' ', r.location, r.agenda, r.notes, r.decisions), TRUE, FALSE, r.consortium_id FROM meetings r;

-- +goose Down
DROP TRIGGER search_initiatives_ai ON initiatives;
DROP TRIGGER search_initiatives_au ON initiatives;
DROP TRIGGER search_initiatives_ad ON initiatives;
DROP FUNCTION search_initiatives();
DROP TRIGGER search_narratives_ai ON narratives;
DROP TRIGGER search_narratives_au ON narratives;
DROP TRIGGER search_narratives_ad ON narratives;
DROP FUNCTION search_narratives();
DROP TRIGGER search_consortia_ai ON consortia;
DROP TRIGGER search_consortia_au ON consortia;
DROP TRIGGER search_consortia_ad ON consortia;
DROP FUNCTION search_consortia();
DROP TRIGGER search_communities_ai ON communities;
DROP TRIGGER search_communities_au ON communities;
DROP TRIGGER search_communities_ad ON communities;
DROP FUNCTION search_communities();
DROP TRIGGER search_meetings_ai ON meetings;
DROP TRIGGER search_meetings_au ON meetings;
DROP TRIGGER search_meetings_ad ON meetings;
DROP FUNCTION search_meetings();
DROP TABLE user_visits;
DROP TABLE search_docs;
