-- +goose Up
-- Full-text search. One row per searchable record in search_docs, whatever
-- its kind: its path, title and text, and what decides who may find it
-- (public: visitors too; staff_only: staff alone, e.g. archived communities;
-- consortium_id: only readers who may see that consortium). Triggers on
-- each searched table keep it current in the same transaction as every
-- write. A new kind adds its triggers in its own migration (same columns).
CREATE TABLE search_docs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
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

-- The FTS5 index over search_docs (external content), kept in step with it.
CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_docs', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2');

-- +goose StatementBegin
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_docs_au AFTER UPDATE OF title, body ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER search_initiatives_ai AFTER INSERT ON initiatives BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('initiative', new.id, '/initiatives/' || new.slug, new.title, new.persona || ' ' || new.problem || ' ' || new.solution || ' ' || new.implementation || ' ' || new.ecosystem_fit, new.public, FALSE, NULL)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_initiatives_au AFTER UPDATE OF slug, title, persona, problem, solution, implementation, ecosystem_fit, public ON initiatives BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('initiative', new.id, '/initiatives/' || new.slug, new.title, new.persona || ' ' || new.problem || ' ' || new.solution || ' ' || new.implementation || ' ' || new.ecosystem_fit, new.public, FALSE, NULL)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_initiatives_ad AFTER DELETE ON initiatives BEGIN
    DELETE FROM search_docs WHERE kind = 'initiative' AND item_id = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER search_narratives_ai AFTER INSERT ON narratives BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('narrative', new.id, '/narratives/' || new.slug, new.title, new.summary || ' ' || new.story || ' ' || new.gaps, new.public, FALSE, NULL)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_narratives_au AFTER UPDATE OF slug, title, summary, story, gaps, public ON narratives BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('narrative', new.id, '/narratives/' || new.slug, new.title, new.summary || ' ' || new.story || ' ' || new.gaps, new.public, FALSE, NULL)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_narratives_ad AFTER DELETE ON narratives BEGIN
    DELETE FROM search_docs WHERE kind = 'narrative' AND item_id = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER search_consortia_ai AFTER INSERT ON consortia BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('consortium', new.id, '/consortia/' || new.slug, new.name, new.problem || ' ' || new.goals || ' ' || new.closing_summary, TRUE, FALSE, new.id)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_consortia_au AFTER UPDATE OF slug, name, problem, goals, closing_summary ON consortia BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('consortium', new.id, '/consortia/' || new.slug, new.name, new.problem || ' ' || new.goals || ' ' || new.closing_summary, TRUE, FALSE, new.id)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_consortia_ad AFTER DELETE ON consortia BEGIN
    DELETE FROM search_docs WHERE kind = 'consortium' AND item_id = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER search_communities_ai AFTER INSERT ON communities BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('community', new.id, '/communities/' || new.slug, new.name, new.description || ' ' || new.hosted_services, TRUE, new.archived_at IS NOT NULL, NULL)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_communities_au AFTER UPDATE OF slug, name, description, hosted_services, archived_at ON communities BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('community', new.id, '/communities/' || new.slug, new.name, new.description || ' ' || new.hosted_services, TRUE, new.archived_at IS NOT NULL, NULL)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_communities_ad AFTER DELETE ON communities BEGIN
    DELETE FROM search_docs WHERE kind = 'community' AND item_id = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER search_meetings_ai AFTER INSERT ON meetings BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('meeting', new.id, '/meetings/' || new.id, new.title, new.location || ' ' || new.agenda || ' ' || new.notes || ' ' || new.decisions, TRUE, FALSE, new.consortium_id)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_meetings_au AFTER UPDATE OF title, location, agenda, notes, decisions, consortium_id ON meetings BEGIN
    INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
        VALUES ('meeting', new.id, '/meetings/' || new.id, new.title, new.location || ' ' || new.agenda || ' ' || new.notes || ' ' || new.decisions, TRUE, FALSE, new.consortium_id)
        ON CONFLICT (kind, item_id) DO UPDATE SET path = excluded.path, title = excluded.title, body = excluded.body,
            public = excluded.public, staff_only = excluded.staff_only, consortium_id = excluded.consortium_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_meetings_ad AFTER DELETE ON meetings BEGIN
    DELETE FROM search_docs WHERE kind = 'meeting' AND item_id = old.id;
END;
-- +goose StatementEnd

-- What is already there.
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'initiative', r.id, '/initiatives/' || r.slug, r.title, r.persona || ' ' || r.problem || ' ' || r.solution || ' ' || r.implementation || ' ' || r.ecosystem_fit, r.public, FALSE, NULL FROM initiatives r;
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'narrative', r.id, '/narratives/' || r.slug, r.title, r.summary || ' ' || r.story || ' ' || r.gaps, r.public, FALSE, NULL FROM narratives r;
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'consortium', r.id, '/consortia/' || r.slug, r.name, r.problem || ' ' || r.goals || ' ' || r.closing_summary, TRUE, FALSE, r.id FROM consortia r;
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'community', r.id, '/communities/' || r.slug, r.name, r.description || ' ' || r.hosted_services, TRUE, r.archived_at IS NOT NULL, NULL FROM communities r;
INSERT INTO search_docs (kind, item_id, path, title, body, public, staff_only, consortium_id)
    SELECT 'meeting', r.id, '/meetings/' || r.id, r.title, r.location || ' ' || r.agenda || ' ' || r.notes || ' ' || r.decisions, TRUE, FALSE, r.consortium_id FROM meetings r;

-- +goose Down
DROP TRIGGER search_initiatives_ai;
DROP TRIGGER search_initiatives_au;
DROP TRIGGER search_initiatives_ad;
DROP TRIGGER search_narratives_ai;
DROP TRIGGER search_narratives_au;
DROP TRIGGER search_narratives_ad;
DROP TRIGGER search_consortia_ai;
DROP TRIGGER search_consortia_au;
DROP TRIGGER search_consortia_ad;
DROP TRIGGER search_communities_ai;
DROP TRIGGER search_communities_au;
DROP TRIGGER search_communities_ad;
DROP TRIGGER search_meetings_ai;
DROP TRIGGER search_meetings_au;
DROP TRIGGER search_meetings_ad;
DROP TRIGGER search_docs_ai;
DROP TRIGGER search_docs_ad;
DROP TRIGGER search_docs_au;
DROP TABLE search_fts;
DROP TABLE user_visits;
DROP TABLE search_docs;
