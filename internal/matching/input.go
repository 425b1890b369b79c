package matching

import (
	"consortia/internal/jsonin"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// Contribution is money one contributor gives one recipient (project), in
// integer minor units.
type Contribution struct {
	Contributor string `json:"contributor"`
	Recipient   string `json:"recipient"`
	Amount      int64  `json:"amount"`
}

// Input is a quadratic funding round.
type Input struct {
	// MatchPool is the matching money available, in minor units.
	MatchPool int64 `json:"match_pool"`
	// MatchingCapPerProject, when set, is the largest share of MatchPool a
	// single project may receive, as a fraction in (0, 1] (0.25 = a quarter
	// of the pool), like Gitcoin's CLR.
	MatchingCapPerProject *big.Rat `json:"matching_cap_per_project,omitempty"`
	// MatchingCapAmount, when set, is the same cap as an amount in minor
	// units (Gitcoin's matchingCapAmount). At most one of the two caps.
	MatchingCapAmount *int64 `json:"matching_cap_amount,omitempty"`
	// IgnoreSaturation has Gitcoin's meaning: distribute the whole pool even
	// when the round is not saturated (the ideal matches add up to less than
	// the pool) by scaling every match up by the same factor. Without it an
	// unsaturated round pays the ideal matches and the rest stays in the pool.
	IgnoreSaturation bool `json:"ignore_saturation,omitempty"`
	// KeepCapOverflow keeps the money the cap cuts off in the pool instead of
	// redistributing it to the projects below the cap.
	KeepCapOverflow bool           `json:"keep_cap_overflow,omitempty"`
	Contributions   []Contribution `json:"contributions"`
}

// MarshalJSON writes the input in the format ParseInput reads (the cap as an
// exact string such as "1/4").
func (in Input) MarshalJSON() ([]byte, error) {
	type plain Input
	out := struct {
		plain
		Cap string `json:"matching_cap_per_project,omitempty"`
	}{plain: plain(in)}
	out.plain.MatchingCapPerProject = nil
	if in.MatchingCapPerProject != nil {
		out.Cap = in.MatchingCapPerProject.RatString()
	}
	return json.Marshal(out)
}

const (
	maxIDLen      = 256
	maxRatLiteral = 64
)

// ParseInput reads one round document (see FORMAT.md) and validates it.
// Unknown fields are rejected; every problem is reported with its JSON path,
// line and column.
func ParseInput(r io.Reader) (Input, error) {
	return jsonin.ReadDocument(r, decode, Validate)
}

func decode(data []byte) (Input, error) {
	r := newReader(data)
	var in Input
	var hasPool, hasContribs bool
	isObject, off, err := r.object("", func(key, kpath string, koff int) error {
		var err error
		switch key {
		case "match_pool":
			hasPool = true
			in.MatchPool, _, err = r.Int(kpath, false)
		case "matching_cap_per_project":
			in.MatchingCapPerProject, err = r.fraction(kpath)
		case "matching_cap_amount":
			var v int64
			v, _, err = r.Int(kpath, false)
			in.MatchingCapAmount = &v
		case "ignore_saturation":
			in.IgnoreSaturation, err = r.Bool(kpath)
		case "keep_cap_overflow":
			in.KeepCapOverflow, err = r.Bool(kpath)
		case "contributions":
			hasContribs = true
			in.Contributions = []Contribution{}
			err = r.Array(kpath, func(i int, epath string) error {
				c, err := r.contribution(epath)
				in.Contributions = append(in.Contributions, c)
				return err
			})
		default:
			err = r.Unknown(key, kpath, koff)
		}
		return err
	})
	if err != nil {
		return Input{}, err
	}
	if isObject {
		if !hasPool {
			r.Fail("match_pool", off, "required field is missing")
		}
		if !hasContribs {
			r.Fail("contributions", off, "required field is missing")
		}
	}
	if err := r.End(); err != nil {
		return Input{}, err
	}
	if len(r.Errs) > 0 {
		return Input{}, r.Errs
	}
	return in, nil
}

func (r *reader) contribution(path string) (Contribution, error) {
	var c Contribution
	var has [3]bool
	isObject, off, err := r.object(path, func(key, kpath string, koff int) error {
		var err error
		switch key {
		case "contributor":
			has[0] = true
			c.Contributor, _, err = r.String(kpath)
		case "recipient":
			has[1] = true
			c.Recipient, _, err = r.String(kpath)
		case "amount":
			has[2] = true
			c.Amount, _, err = r.Int(kpath, false)
		default:
			err = r.Unknown(key, kpath, koff)
		}
		return err
	})
	if err != nil || !isObject {
		return c, err
	}
	for i, name := range []string{"contributor", "recipient", "amount"} {
		if !has[i] {
			r.Fail(path+"."+name, off, "required field is missing")
		}
	}
	return c, nil
}

// fraction reads an exact decimal or a/b fraction (JSON number or string).
func (r *reader) fraction(path string) (*big.Rat, error) {
	return r.Rat(path, `a fraction of the pool such as 0.25, "0.25" or "1/4"`, parseRat)
}

// parseRat parses "0.25", "1/4" or "2.5e-1" exactly, with bounded size.
func parseRat(s string) (*big.Rat, error) {
	bad := errors.New("must be a decimal number or a fraction such as \"1/4\"")
	if s == "" || len(s) > maxRatLiteral || strings.Trim(s, "0123456789./eE+-") != "" {
		return nil, bad
	}
	body := strings.TrimPrefix(s, "-")
	if i := strings.IndexAny(body, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(body[i+1:], "+"))
		if err != nil || e > 40 || e < -40 {
			return nil, errors.New("exponent out of range (at most 40)")
		}
		body = body[:i]
	}
	num, den, isFrac := strings.Cut(body, "/")
	ip, fp, hasDot := strings.Cut(num, ".")
	digits := func(d string) bool { return d != "" && strings.Trim(d, "0123456789") == "" }
	if !digits(ip) || (hasDot && !digits(fp)) || (isFrac && (hasDot || !digits(den) || strings.ContainsAny(s, "eE"))) {
		return nil, bad
	}
	v, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, bad
	}
	return v, nil
}

// Validate checks an Input. Problems carry JSON paths (no line numbers).
func Validate(in Input) error {
	var es Errors
	add := func(field, msg string) {
		if len(es) < maxErrors {
			es = append(es, &FieldError{Field: field, Message: msg})
		}
	}
	if in.MatchPool <= 0 {
		add("match_pool", "must be positive")
	}
	if f := in.MatchingCapPerProject; f != nil && (f.Sign() <= 0 || f.Cmp(big.NewRat(1, 1)) > 0) {
		add("matching_cap_per_project", "must be a fraction of the pool greater than 0 and at most 1 (e.g. 0.25)")
	}
	if a := in.MatchingCapAmount; a != nil {
		switch {
		case in.MatchingCapPerProject != nil:
			add("matching_cap_amount", "give the cap either as matching_cap_per_project (a fraction) or as matching_cap_amount (minor units), not both")
		case *a <= 0:
			add("matching_cap_amount", "must be a positive amount in minor units")
		}
	}
	if len(in.Contributions) == 0 {
		add("contributions", "must not be empty")
	}
	type pair struct{ recipient, contributor string }
	perPair := map[pair]int64{}
	perRecipient := map[string]int64{}
	var total int64
	overflow := false
	for i, c := range in.Contributions {
		path := fmt.Sprintf("contributions[%d]", i)
		for _, f := range []struct{ name, v string }{{"contributor", c.Contributor}, {"recipient", c.Recipient}} {
			switch {
			case f.v == "":
				add(path+"."+f.name, "must not be empty")
			case len(f.v) > maxIDLen:
				add(path+"."+f.name, "too long (at most 256 bytes)")
			}
		}
		if c.Amount <= 0 {
			add(path+".amount", "must be positive")
			continue
		}
		if overflow {
			continue
		}
		p := pair{c.Recipient, c.Contributor}
		s1, ok1 := addInt64(perPair[p], c.Amount)
		s2, ok2 := addInt64(perRecipient[c.Recipient], c.Amount)
		s3, ok3 := addInt64(total, c.Amount)
		if !ok1 || !ok2 || !ok3 {
			overflow = true
			add(path+".amount", "the total of contributions exceeds the 64-bit range of minor units")
			continue
		}
		perPair[p], perRecipient[c.Recipient], total = s1, s2, s3
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

func addInt64(a, b int64) (int64, bool) {
	s := a + b
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, false
	}
	return s, true
}
