package storage

import (
	"context"
	"strings"

	"consortia/internal/model"
)

// Full-text search over search_docs, the one table every searchable kind
// writes to through its triggers (migration 00018): FTS5 on SQLite, a
// tsvector with a GIN index and websearch_to_tsquery on PostgreSQL. The
// query arrives parsed (model.ParseSearch) and is rendered here for each
// database; the reader's visibility, decided in app, arrives as a
// Visibility.

// SearchRow is a record found: its kind, id, path, and the title and best
// passage with model.MarkStart/MarkEnd around the words that matched.
type SearchRow struct {
	Kind    string
	ItemID  int64
	Path    string
	Title   string
	Snippet string
}

// searchVisible limits search_docs (as d) to what the reader may see:
// staff see everything; others never see staff-only records, visitors only
// public ones, and nobody a record of a consortium they may not see (the
// same rule as the consortia lists).
func searchVisible(v model.Visibility) (string, []any) {
	if v.All {
		return "1=1", nil
	}
	public := "d.public = TRUE"
	if v.SignedIn {
		public = "1=1"
	}
	return "d.staff_only = FALSE AND " + public + " AND (d.consortium_id IS NULL OR d.consortium_id IN (SELECT id FROM consortia WHERE " +
		visibilityClause(v) + "))", visibilityArgs(v)
}

// ftsMatch renders a query as an FTS5 expression: each term a quoted
// phrase (only letters and digits inside), the typed word with *, groups
// joined by OR, negated terms with NOT.
func ftsMatch(q model.SearchQuery) string {
	var groups []string
	for _, g := range q.Groups {
		var pos, neg []string
		for _, t := range g {
			s := `"` + strings.Join(t.Words, " ") + `"`
			if t.Prefix {
				s += "*"
			}
			if t.Not {
				neg = append(neg, s)
			} else {
				pos = append(pos, s)
			}
		}
		e := strings.Join(pos, " AND ")
		for _, n := range neg {
			e += " NOT " + n
		}
		groups = append(groups, "("+e+")")
	}
	return strings.Join(groups, " OR ")
}

// webSearch renders a query for PostgreSQL: the text websearch_to_tsquery
// reads (words, "phrases", -word, or), without the typed prefix word,
// which is returned apart for to_tsquery('…:*'). last is the rendering of
// the group holding the prefix word (without it), others the rest.
func webSearch(q model.SearchQuery) (others, last, prefix string) {
	render := func(g []model.SearchTerm) string {
		var parts []string
		for _, t := range g {
			if t.Prefix {
				prefix = t.Words[0]
				continue
			}
			s := strings.Join(t.Words, " ")
			if len(t.Words) > 1 {
				s = `"` + s + `"`
			}
			if t.Not {
				s = "-" + s
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " ")
	}
	var rest []string
	for i, g := range q.Groups {
		if i == len(q.Groups)-1 {
			last = render(g)
		} else {
			rest = append(rest, render(g))
		}
	}
	return strings.Join(rest, " or "), last, prefix
}

// pgQuery is the tsquery of a search: the other groups OR (the last group
// AND the prefix word).
const pgQuery = `(websearch_to_tsquery('english', ?) || (websearch_to_tsquery('english', ?) && CASE WHEN ? = '' THEN websearch_to_tsquery('english', ?) ELSE to_tsquery('english', ? || ':*') END))`

func pgQueryArgs(q model.SearchQuery) []any {
	others, last, prefix := webSearch(q)
	return []any{others, last, prefix, last, prefix}
}

// SearchFacets counts what the reader may find, by kind.
func (q queries) SearchFacets(ctx context.Context, sq model.SearchQuery, v model.Visibility) (map[string]int, error) {
	out := map[string]int{}
	if sq.Empty() {
		return out, nil
	}
	vis, vargs := searchVisible(v)
	var query string
	var args []any
	if q.dialect == Postgres {
		query = `SELECT d.kind, count(*) FROM search_docs d WHERE d.tsv @@ ` + pgQuery + ` AND ` + vis + ` GROUP BY d.kind`
		args = append(pgQueryArgs(sq), vargs...)
	} else {
		query = `SELECT d.kind, count(*) FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
			WHERE search_fts MATCH ? AND ` + vis + ` GROUP BY d.kind`
		args = append([]any{ftsMatch(sq)}, vargs...)
	}
	type facet struct {
		kind string
		n    int
	}
	rows, err := collect(ctx, q, func(r scanner) (facet, error) {
		var f facet
		return f, r.Scan(&f.kind, &f.n)
	}, query, args...)
	for _, f := range rows {
		out[f.kind] = f.n
	}
	return out, err
}

// Search returns a page of what the reader may find, best first, of one
// kind ("" for all).
func (q queries) Search(ctx context.Context, sq model.SearchQuery, kind string, v model.Visibility, limit, offset int) ([]SearchRow, error) {
	if sq.Empty() {
		return []SearchRow{}, nil
	}
	vis, vargs := searchVisible(v)
	if kind != "" {
		vis += " AND d.kind = ?"
		vargs = append(vargs, kind)
	}
	scan := func(r scanner) (SearchRow, error) {
		var x SearchRow
		return x, r.Scan(&x.Kind, &x.ItemID, &x.Path, &x.Title, &x.Snippet)
	}
	if q.dialect == Postgres {
		// Rank and cut the page first; headlines only for its rows.
		marks := `'StartSel=' || chr(1) || ', StopSel=' || chr(2)`
		args := append(pgQueryArgs(sq), vargs...)
		args = append(args, limit, offset)
		return collect(ctx, q, scan, `WITH query AS (SELECT `+pgQuery+` AS tq)
			SELECT x.kind, x.item_id, x.path,
				ts_headline('english', x.title, query.tq, 'HighlightAll=true, ' || `+marks+`),
				ts_headline('english', x.body, query.tq, 'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", ' || `+marks+`)
			FROM (SELECT d.id, d.kind, d.item_id, d.path, d.title, d.body, ts_rank(d.tsv, query.tq) AS r
				FROM search_docs d, query WHERE d.tsv @@ query.tq AND `+vis+`
				ORDER BY r DESC, d.id LIMIT ? OFFSET ?) x, query
			ORDER BY x.r DESC, x.id`, args...)
	}
	match := ftsMatch(sq)
	args := append([]any{match, match}, vargs...)
	args = append(args, limit, offset)
	// The inner query ranks and cuts the page; highlights only for its rows.
	return collect(ctx, q, scan, `SELECT d.kind, d.item_id, d.path, highlight(search_fts, 0, char(1), char(2)),
			snippet(search_fts, 1, char(1), char(2), '…', 24)
		FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
		WHERE search_fts MATCH ? AND search_fts.rowid IN (
			SELECT f.rowid FROM search_fts f JOIN search_docs d ON d.id = f.rowid
			WHERE search_fts MATCH ? AND `+vis+` ORDER BY bm25(search_fts, 10.0, 1.0), f.rowid LIMIT ? OFFSET ?)
		ORDER BY bm25(search_fts, 10.0, 1.0), d.id`, args...)
}
