package model

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Full-text search: what people type is parsed here, once, into terms that
// storage renders for each database (FTS5 on SQLite, websearch_to_tsquery
// on PostgreSQL). Only letters and digits reach either engine, so no input
// can be read as query syntax by them.

// Limits of a search.
const (
	SearchMaxLength = 200 // characters of the query text
	SearchMaxTerms  = 16  // words and quoted phrases
	SearchPerPage   = 20
)

// SearchTerm is a word, or several that must follow each other (a quoted
// phrase, or a word with inner punctuation such as "per-course").
type SearchTerm struct {
	Words  []string
	Not    bool // -word: results must not hold it
	Or     bool // joined to the term before by OR
	Prefix bool // the word being typed: also matches longer words
}

// SearchQuery is a parsed search: groups of terms joined by OR, each group
// holding terms that must all match (and negated ones that must not). Every
// group has at least one positive term; a query without one finds nothing.
type SearchQuery struct {
	Groups [][]SearchTerm
}

// Empty reports whether the query can match nothing.
func (q SearchQuery) Empty() bool { return len(q.Groups) == 0 }

// stopWords are left out of the words searched alone (not out of phrases):
// PostgreSQL's English configuration ignores them, SQLite's tokenizer does
// not, so leaving them out makes both databases find the same.
var stopWords = map[string]bool{"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true,
	"by": true, "for": true, "from": true, "in": true, "is": true, "it": true, "of": true, "on": true, "the": true,
	"this": true, "that": true, "to": true, "with": true}

// ParseSearch reads what a person typed: words (all must match), "quoted
// phrases", -word (must not match) and OR between alternatives, as on
// common web search engines. The last word, when the text does not end
// with a space, matches as a prefix (search as you type). Any other
// punctuation separates words. Text longer than SearchMaxLength, with more
// than SearchMaxTerms terms or with control characters is refused, naming
// the field q.
func ParseSearch(text string) (SearchQuery, error) {
	var p Problems
	if msg := TextProblem(text, false); msg != "" {
		p.Add("q", "%s", msg)
		return SearchQuery{}, p.Err()
	}
	if n := utf8.RuneCountInString(text); n > SearchMaxLength {
		p.Add("q", "must be at most %d characters (it has %d)", SearchMaxLength, n)
		return SearchQuery{}, p.Err()
	}
	var terms []SearchTerm
	not, or := false, false
	rest := text
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		var token string
		quoted := rest[0] == '"'
		if quoted {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				token, rest = rest[1:], ""
			} else {
				token, rest = rest[1:1+end], rest[2+end:]
			}
		} else {
			end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(rest)
			}
			token, rest = rest[:end], rest[end:]
			if strings.EqualFold(token, "or") {
				or = len(terms) > 0
				continue
			}
			if strings.HasPrefix(token, "-") {
				not, token = true, strings.TrimLeft(token, "-")
				if token == "" { // a lone minus negates what follows
					continue
				}
			}
		}
		words := searchWords(token)
		if !quoted && len(words) == 1 && stopWords[words[0]] && rest != "" {
			words = nil
		}
		if len(words) == 0 {
			continue
		}
		terms = append(terms, SearchTerm{Words: words, Not: not, Or: or})
		not, or = false, false
	}
	if len(terms) > SearchMaxTerms {
		p.Add("q", "must have at most %d words or phrases (it has %d)", SearchMaxTerms, len(terms))
		return SearchQuery{}, p.Err()
	}
	if n := len(terms); n > 0 && !terms[n-1].Not && len(terms[n-1].Words) == 1 &&
		!strings.HasSuffix(text, "\"") && !unicode.IsSpace(lastRune(text)) {
		terms[n-1].Prefix = true
	}
	var q SearchQuery
	var group []SearchTerm
	flush := func() {
		for _, t := range group {
			if !t.Not {
				q.Groups = append(q.Groups, group)
				break
			}
		}
		group = nil
	}
	for _, t := range terms {
		if t.Or {
			flush()
		}
		group = append(group, t)
	}
	flush()
	return q, nil
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// searchWords splits text into lowercase runs of letters and digits.
func searchWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Marks that storage puts around matched words in titles and snippets; no
// stored text holds control characters, so they cannot come from a record.
const (
	MarkStart = "\x01"
	MarkEnd   = "\x02"
)

// markdownMarks are the Markdown characters left out of passages of text
// (cut out of context they would only clutter it); titles are plain text.
var markdownMarks = strings.NewReplacer("**", "", "__", "", "#", "", "`", "", "\n", " ", "\r", " ", "\t", " ")

// PlainSnippet is a marked passage of Markdown with the emphasis, heading
// and code marks and the line breaks left out.
func PlainSnippet(s string) string { return markdownMarks.Replace(s) }

// MarkedHTML turns a marked title or snippet into HTML: the text escaped,
// matched words in <mark>.
func MarkedHTML(s string) string {
	s = html.EscapeString(s)
	return strings.NewReplacer(MarkStart, "<mark>", MarkEnd, "</mark>").Replace(s)
}

// Unmarked is a marked title or snippet as plain text.
func Unmarked(s string) string {
	return strings.TrimSpace(strings.NewReplacer(MarkStart, "", MarkEnd, "").Replace(s))
}

// SearchHit is one record found, as a reader may see it.
type SearchHit struct {
	Kind        string `json:"kind" doc:"initiative, narrative, consortium, community, meeting (more as features add them)."`
	ID          int64  `json:"id"`
	URL         string `json:"url" doc:"Path of the record's page."`
	Title       string `json:"title"`
	TitleHTML   string `json:"title_html" doc:"The title as HTML, matched words in <mark>."`
	Snippet     string `json:"snippet" doc:"The passage that matched best, as plain text."`
	SnippetHTML string `json:"snippet_html" doc:"The passage as HTML, matched words in <mark>."`
}

// SearchFacet counts a kind's results.
type SearchFacet struct {
	Kind  string `json:"kind"`
	Label string `json:"label" doc:"e.g. Initiatives."`
	Count int    `json:"count"`
}

// Kinds of record search finds; each is a value of search_docs.kind that
// its table's triggers write (app/search.go registers their labels).
const (
	SearchInitiative = "initiative"
	SearchNarrative  = "narrative"
	SearchConsortium = "consortium"
	SearchCommunity  = "community"
	SearchMeeting    = "meeting"
)
