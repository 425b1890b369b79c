package pledge

import (
	"encoding/json"
	"io"
	"strconv"

	"consortia/internal/jsonin"
)

// maxConditionDepth bounds the nesting of all/any conditions.
const maxConditionDepth = 32

// ParseInput reads one pledge document (see FORMAT.md) and validates it. On
// failure the error is an Errors value whose FieldErrors carry the JSON path
// and the line and column of every problem. Unknown fields are rejected.
func ParseInput(r io.Reader) (Input, error) {
	return jsonin.ReadDocument(r, decodeInput, Validate)
}

// decodeInput performs the structural part of parsing: JSON syntax, types,
// unknown and missing fields. Value checks are left to Validate.
func decodeInput(data []byte) (Input, error) {
	r := newJSONReader(data)
	var in Input
	tok, off, err := r.Next("")
	if err != nil {
		return Input{}, err
	}
	haveCurrency := false
	err = r.Object("", tok, off, func(key, kpath string, koff int) error {
		var err error
		switch key {
		case "currency":
			in.Currency, haveCurrency, err = r.String(kpath)
		case "goal":
			var v int64
			var present bool
			v, present, err = r.Int(kpath, true)
			if present {
				in.Goal = &v
			}
		case "all_or_nothing":
			in.AllOrNothing, err = r.Bool(kpath)
		case "match_counts_as_others":
			in.MatchCountsAsOthers, err = r.Bool(kpath)
		case "pledges":
			err = r.Array(kpath, func(i int, epath string) error {
				p, err := r.pledge(epath)
				in.Pledges = append(in.Pledges, p)
				return err
			})
		case "matching":
			err = r.Array(kpath, func(i int, epath string) error {
				m, err := r.matchingOffer(epath)
				in.Matching = append(in.Matching, m)
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
	if !haveCurrency && len(r.Errs) == 0 && tok == json.Delim('{') {
		r.Fail("currency", off, "required field is missing")
	}
	if err := r.End(); err != nil {
		return Input{}, err
	}
	if len(r.Errs) > 0 {
		return Input{}, r.Errs
	}
	return in, nil
}

func (r *jsonReader) pledge(path string) (Pledge, error) {
	var p Pledge
	tok, off, err := r.Next(path)
	if err != nil {
		return p, err
	}
	var hasID, hasAmount, hasRate, hasMax bool
	isObject := tok == json.Delim('{')
	err = r.Object(path, tok, off, func(key, kpath string, koff int) error {
		var err error
		switch key {
		case "id":
			p.ID, hasID, err = r.String(kpath)
			hasID = true
		case "amount":
			hasAmount = true
			p.Amount, _, err = r.Int(kpath, false)
		case "rate":
			hasRate = true
			p.Rate, err = r.ratValue(kpath)
		case "max":
			hasMax = true
			p.Max, _, err = r.Int(kpath, false)
		case "condition":
			p.Condition, err = r.optionalCondition(kpath)
		case "currency":
			p.Currency, _, err = r.String(kpath)
		default:
			err = r.Unknown(key, kpath, koff)
		}
		return err
	})
	if err != nil || !isObject {
		return p, err
	}
	if !hasID {
		r.Fail(jsonin.Join(path, "id"), off, "required field is missing")
	}
	switch {
	case hasAmount && (hasRate || hasMax):
		r.Fail(path, off, "a pledge has either amount (fixed) or rate and max (crowdmatching), not both")
	case !hasAmount && !hasRate && !hasMax:
		r.Fail(path, off, "a pledge needs either amount (fixed) or rate and max (crowdmatching)")
	case hasRate && !hasMax:
		r.Fail(jsonin.Join(path, "max"), off, "required field is missing (a crowdmatching pledge needs a maximum)")
	case hasMax && !hasRate:
		r.Fail(jsonin.Join(path, "rate"), off, "required field is missing (max is only used with rate)")
	}
	return p, nil
}

func (r *jsonReader) matchingOffer(path string) (MatchingOffer, error) {
	var m MatchingOffer
	tok, off, err := r.Next(path)
	if err != nil {
		return m, err
	}
	var hasID, hasRatio, hasCap bool
	isObject := tok == json.Delim('{')
	err = r.Object(path, tok, off, func(key, kpath string, koff int) error {
		var err error
		switch key {
		case "id":
			hasID = true
			m.ID, _, err = r.String(kpath)
		case "ratio":
			hasRatio = true
			m.Ratio, err = r.ratValue(kpath)
		case "cap":
			hasCap = true
			m.Cap, _, err = r.Int(kpath, false)
		case "condition":
			m.Condition, err = r.optionalCondition(kpath)
		case "currency":
			m.Currency, _, err = r.String(kpath)
		default:
			err = r.Unknown(key, kpath, koff)
		}
		return err
	})
	if err != nil || !isObject {
		return m, err
	}
	for _, f := range []struct {
		name string
		has  bool
	}{{"id", hasID}, {"ratio", hasRatio}, {"cap", hasCap}} {
		if !f.has {
			r.Fail(jsonin.Join(path, f.name), off, "required field is missing")
		}
	}
	return m, nil
}

func (r *jsonReader) optionalCondition(path string) (*Condition, error) {
	tok, off, err := r.Next(path)
	if err != nil || tok == nil {
		return nil, err
	}
	c, err := r.condition(path, tok, off, 1)
	return &c, err
}

// nonMonotone explains condition types people ask for that cannot be offered.
var nonMonotone = map[string]string{
	"not":                    "negation",
	"none_of":                "\"none of\"",
	"pledger_inactive":       "\"pledger inactive\"",
	"others_total_at_most":   "an upper bound on the others' total",
	"others_count_at_most":   "an upper bound on the number of others",
	"at_most":                "an upper bound",
	"others_total_below":     "an upper bound on the others' total",
	"others_count_below":     "an upper bound on the number of others",
	"unless":                 "\"unless\"",
	"pledger_not_active":     "\"pledger not active\"",
	"others_total_less_than": "an upper bound on the others' total",
}

// ConditionTypeProblem returns why a condition type is not accepted, or ""
// for the supported (monotone) types.
func ConditionTypeProblem(t string) string {
	switch ConditionType(t) {
	case OthersTotalAtLeast, OthersCountAtLeast, PledgerActive, AllOf, AnyOf:
		return ""
	}
	if what, ok := nonMonotone[t]; ok {
		return "condition type " + strconv.Quote(t) + " is not supported: " + what +
			" is not monotone (more support could switch a pledge off), and only monotone conditions" +
			" guarantee a unique largest self-consistent set of pledges"
	}
	return "unknown condition type " + strconv.Quote(t) +
		" (expected others_total_at_least, others_count_at_least, pledger_active, all or any)"
}

func (r *jsonReader) condition(path string, tok json.Token, off int, depth int) (Condition, error) {
	var c Condition
	if depth > maxConditionDepth {
		r.Fail(path, off, "conditions are nested too deeply (at most 32 levels)")
		return c, r.Skip(path, tok)
	}
	var hasType, hasValue, hasID, hasOf bool
	var typeOff int
	keyOff := map[string]int{}
	isObject := tok == json.Delim('{')
	err := r.Object(path, tok, off, func(key, kpath string, koff int) error {
		var err error
		keyOff[key] = koff
		switch key {
		case "type":
			typeOff = r.Pos()
			var s string
			s, hasType, err = r.String(kpath)
			c.Type = ConditionType(s)
		case "value":
			hasValue = true
			c.Value, _, err = r.Int(kpath, false)
		case "id":
			hasID = true
			c.ID, _, err = r.String(kpath)
		case "of":
			hasOf = true
			c.Of = []Condition{}
			err = r.Array(kpath, func(i int, epath string) error {
				et, eoff, err := r.Next(epath)
				if err != nil {
					return err
				}
				sub, err := r.condition(epath, et, eoff, depth+1)
				c.Of = append(c.Of, sub)
				return err
			})
		default:
			err = r.Unknown(key, kpath, koff)
		}
		return err
	})
	if err != nil || !isObject {
		return c, err
	}
	if !hasType {
		r.Fail(jsonin.Join(path, "type"), off, "required field is missing")
		return c, nil
	}
	if msg := ConditionTypeProblem(string(c.Type)); msg != "" {
		r.Fail(jsonin.Join(path, "type"), typeOff, msg)
		return c, nil
	}
	want := map[ConditionType]string{
		OthersTotalAtLeast: "value", OthersCountAtLeast: "value",
		PledgerActive: "id", AllOf: "of", AnyOf: "of",
	}[c.Type]
	for _, f := range []struct {
		name string
		has  bool
	}{{"value", hasValue}, {"id", hasID}, {"of", hasOf}} {
		switch {
		case f.name == want && !f.has:
			r.Fail(jsonin.Join(path, f.name), off, "required field is missing for condition type "+strconv.Quote(string(c.Type)))
		case f.name != want && f.has:
			r.Fail(jsonin.Join(path, f.name), keyOff[f.name], "field not allowed for condition type "+strconv.Quote(string(c.Type)))
		}
	}
	return c, nil
}
