package web

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"consortia/internal/model"
)

// The pledge form's condition builder: "others give at least X", "at least
// N other communities pledge" and "this community also pledges", combined
// with all/any. Amounts are typed in the goal currency's major units; the
// API keeps the JSON condition in minor units.

// Labels of the builder's fields, used where a problem is named.
var conditionLabels = map[string]string{
	"cond_total":   "Only if the others give at least",
	"cond_count":   "Only if at least this many other communities pledge",
	"cond_pledger": "Only if this community also pledges",
	"cond_join":    "With several conditions",
}

func init() {
	for field, label := range conditionLabels {
		fieldLabels["pledge."+field] = label
	}
}

// conditionForm is a condition read from the builder, with the form field
// each of its parts came from.
type conditionForm struct {
	Condition *model.PledgeCondition
	fields    []string // builder field of each part, in order
}

// readConditionForm reads the builder's fields; every problem names its field.
func readConditionForm(f url.Values) (conditionForm, error) {
	var c conditionForm
	var atoms []model.PledgeCondition
	var p model.Problems
	if s := strings.TrimSpace(f.Get("cond_total")); s != "" {
		v, err := model.ParseMajorUnits(s)
		switch {
		case err != nil:
			p.Add("cond_total", "%v", err)
		case v <= 0:
			p.Add("cond_total", "must be more than 0 (leave it empty for no such condition)")
		default:
			atoms, c.fields = append(atoms, model.PledgeCondition{Type: model.CondOthersTotal, Value: v}), append(c.fields, "cond_total")
		}
	}
	if s := strings.TrimSpace(f.Get("cond_count")); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err != nil || strings.ContainsAny(s, "+-") || n < 1:
			p.Add("cond_count", "must be a whole number of communities, 1 or more")
		case n > 10000:
			p.Add("cond_count", "must be at most 10,000")
		default:
			atoms, c.fields = append(atoms, model.PledgeCondition{Type: model.CondOthersCount, Value: n}), append(c.fields, "cond_count")
		}
	}
	if s := strings.TrimSpace(f.Get("cond_pledger")); s != "" {
		atoms, c.fields = append(atoms, model.PledgeCondition{Type: model.CondPledger, Community: s}), append(c.fields, "cond_pledger")
	}
	join := f.Get("cond_join")
	if join != "" && join != "all" && join != "any" {
		p.Add("cond_join", "must be “all must hold” or “any one is enough”")
	}
	if err := p.Err(); err != nil {
		return c, err
	}
	switch len(atoms) {
	case 0:
	case 1:
		c.Condition = &atoms[0]
	default:
		t := model.CondAll
		if join == "any" {
			t = model.CondAny
		}
		c.Condition = &model.PledgeCondition{Type: t, Of: atoms}
	}
	return c, nil
}

var conditionPart = regexp.MustCompile(`^condition(?:\.of\[(\d+)\])?`)

// field names the builder field a problem about path (e.g.
// "condition.of[1].community") concerns; "" when it is none of them.
func (c conditionForm) field(path string) string {
	m := conditionPart.FindStringSubmatch(path)
	if m == nil || len(c.fields) == 0 {
		return ""
	}
	if m[1] == "" {
		if len(c.fields) == 1 {
			return c.fields[0]
		}
		return "cond_join"
	}
	i, err := strconv.Atoi(m[1])
	if err != nil || i >= len(c.fields) {
		return ""
	}
	return c.fields[i]
}

// relabel moves the application's problems about the condition's parts
// onto the builder's fields.
func (c conditionForm) relabel(err error) error {
	var me *model.Error
	if !errors.As(err, &me) || len(me.Fields) == 0 {
		return err
	}
	out := *me
	out.Fields = make([]model.FieldError, len(me.Fields))
	for i, fe := range me.Fields {
		if f := c.field(fe.Field); f != "" {
			fe.Field = f
		}
		out.Fields[i] = fe
	}
	return &out
}
