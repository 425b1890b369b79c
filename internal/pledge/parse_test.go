package pledge

import (
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
)

func TestParseInputValid(t *testing.T) {
	doc := `{
  "currency": "EUR",
  "goal": 100000,
  "all_or_nothing": true,
  "match_counts_as_others": true,
  "pledges": [
    {"id": "alpha", "amount": 25000, "condition": {"type": "others_total_at_least", "value": 75000}},
    {"id": "beta", "rate": 0.1, "max": 5000},
    {"id": "gamma", "rate": "1/3", "max": 300, "currency": "EUR"},
    {"id": "delta", "amount": 1, "condition": {"type": "any", "of": [
      {"type": "pledger_active", "id": "alpha"},
      {"type": "all", "of": [{"type": "others_count_at_least", "value": 3}]}
    ]}},
    {"id": "eps", "amount": 2, "condition": null}
  ],
  "matching": [{"id": "sponsor", "ratio": 2, "cap": 50000, "condition": {"type": "pledger_active", "id": "beta"}}]
}`
	in, err := ParseInput(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := Input{
		Currency: "EUR", Goal: ptr(int64(100000)), AllOrNothing: true, MatchCountsAsOthers: true,
		Pledges: []Pledge{
			Fixed("alpha", 25000, TotalAtLeast(75000)),
			Crowdmatching("beta", big.NewRat(1, 10), 5000, nil),
			{ID: "gamma", Rate: big.NewRat(1, 3), Max: 300, Currency: "EUR"},
			Fixed("delta", 1, Any(Active("alpha"), All(CountAtLeast(3)))),
			Fixed("eps", 2, nil),
		},
		Matching: []MatchingOffer{{ID: "sponsor", Ratio: big.NewRat(2, 1), Cap: 50000, Condition: Active("beta")}},
	}
	if !reflect.DeepEqual(in, want) {
		t.Fatalf("got  %+v\nwant %+v", in, want)
	}
	// Round trip through the Go types' JSON encoding.
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseInput(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("re-parse %s: %v", b, err)
	}
	if !reflect.DeepEqual(again, want) {
		t.Fatalf("round trip changed the input:\n%s", b)
	}
}

func TestParseRatExact(t *testing.T) {
	for lit, want := range map[string]string{
		"0.1": "1/10", "1/3": "1/3", "2": "2", "1.25e-1": "1/8", "3E2": "300", "0.333": "333/1000", "-1": "-1",
	} {
		r, err := ParseRat(lit)
		if err != nil || r.RatString() != want {
			t.Errorf("ParseRat(%q) = %v, %v; want %s", lit, r, err, want)
		}
	}
	for _, lit := range []string{"", ".5", "1.", "1/0", "1e999", "0x10", "1/2/3", "1e", "NaN", "Inf", "+1", strings.Repeat("1", 70)} {
		if r, err := ParseRat(lit); err == nil {
			t.Errorf("ParseRat(%q) = %v, want an error", lit, r)
		}
	}
}

type badCase struct {
	name  string
	doc   string
	field string
	msg   string // substring of the message
	line  int    // 0: not checked
}

const pfx = `{"currency":"EUR","pledges":[`

func TestParseInputErrors(t *testing.T) {
	cases := []badCase{
		{"empty input", ``, "", "unexpected end of input", 1},
		{"malformed JSON", "{\"currency\":\"EUR\",\n\"pledges\":[{\"id\":\"a\",\"amount\":1,}]}", "pledges[0]", "malformed JSON", 2},
		{"truncated", pfx + `{"id":"a","amount":1}`, "pledges", "unexpected end of input", 1},
		{"trailing data", `{"currency":"EUR"} {}`, "", "after the top-level value", 1},
		{"not an object", `[1,2]`, "", "must be an object", 1},
		{"unknown top-level field", `{"currency":"EUR","colour":"red"}`, "colour", `unknown field "colour"`, 1},
		{"unknown pledge field", pfx + "\n" + `{"id":"a","amount":1,"note":"x"}]}`, "pledges[0].note", `unknown field "note"`, 2},
		{"unknown condition field", pfx + `{"id":"a","amount":1,"condition":{"type":"all","of":[{"type":"others_total_at_least","value":1,"x":2}]}}]}`,
			"pledges[0].condition.of[0].x", `unknown field "x"`, 1},
		{"duplicate JSON key", pfx + `{"id":"a","amount":1,"amount":2}]}`, "pledges[0].amount", "duplicate field", 1},
		{"missing currency", `{"pledges":[]}`, "currency", "required", 1},
		{"unknown currency", `{"currency":"XYZ","pledges":[]}`, "currency", `unknown currency "XYZ"`, 1},
		{"lower-case currency", `{"currency":"eur","pledges":[]}`, "currency", "unknown currency", 1},
		{"currency not a string", `{"currency":978}`, "currency", "must be a string", 1},
		{"mixed currency", pfx + `{"id":"a","amount":1},` + "\n" + `{"id":"b","amount":1,"currency":"USD"}]}`, "pledges[1].currency", "mixed currencies", 2},
		{"mixed currency on a matching offer", `{"currency":"EUR","matching":[{"id":"m","ratio":1,"cap":5,"currency":"GBP"}]}`, "matching[0].currency", "mixed currencies", 1},
		{"amount as string", pfx + `{"id":"a","amount":"10"}]}`, "pledges[0].amount", "must be an integer", 1},
		{"fractional amount", pfx + `{"id":"a","amount":10.5}]}`, "pledges[0].amount", "no fractions", 1},
		{"exponent amount", pfx + `{"id":"a","amount":1e3}]}`, "pledges[0].amount", "no fractions", 1},
		{"amount too large", pfx + `{"id":"a","amount":9223372036854775808}]}`, "pledges[0].amount", "out of range", 1},
		{"zero amount", pfx + "\n\n" + `{"id":"a","amount":0}]}`, "pledges[0].amount", "must be positive", 3},
		{"negative amount", pfx + `{"id":"a","amount":-5}]}`, "pledges[0].amount", "must be positive", 1},
		{"missing id", pfx + `{"amount":5}]}`, "pledges[0].id", "required", 1},
		{"empty id", pfx + `{"id":"","amount":5}]}`, "pledges[0].id", "must not be empty", 1},
		{"neither amount nor rate", pfx + `{"id":"a"}]}`, "pledges[0]", "needs either amount", 1},
		{"amount and rate", pfx + `{"id":"a","amount":1,"rate":1,"max":3}]}`, "pledges[0]", "not both", 1},
		{"rate without max", pfx + `{"id":"a","rate":1}]}`, "pledges[0].max", "required", 1},
		{"max without rate", pfx + `{"id":"a","max":1}]}`, "pledges[0].rate", "required", 1},
		{"zero rate", pfx + `{"id":"a","rate":0,"max":1}]}`, "pledges[0].rate", "must be positive", 1},
		{"negative rate", pfx + `{"id":"a","rate":"-1/2","max":1}]}`, "pledges[0].rate", "must be positive", 1},
		{"zero max", pfx + `{"id":"a","rate":1,"max":0}]}`, "pledges[0].max", "must be positive", 1},
		{"rate not a number", pfx + `{"id":"a","rate":"half","max":1}]}`, "pledges[0].rate", "not a decimal number or fraction", 1},
		{"rate with a huge exponent", pfx + `{"id":"a","rate":1e999999999,"max":1}]}`, "pledges[0].rate", "exponent out of range", 1},
		{"rate as boolean", pfx + `{"id":"a","rate":true,"max":1}]}`, "pledges[0].rate", "must be a decimal number", 1},
		{"missing ratio", `{"currency":"EUR","matching":[{"id":"m","cap":5}]}`, "matching[0].ratio", "required", 1},
		{"zero cap", `{"currency":"EUR","matching":[{"id":"m","ratio":1,"cap":0}]}`, "matching[0].cap", "must be positive", 1},
		{"matching not an array", `{"currency":"EUR","matching":{}}`, "matching", "must be an array", 1},
		{"pledge not an object", pfx + `42]}`, "pledges[0]", "must be an object", 1},
		{"duplicate ids", pfx + `{"id":"a","amount":1},` + "\n" + `{"id":"a","amount":2}]}`, "pledges[1].id", `duplicate id "a" (already used by pledges[0])`, 2},
		{"duplicate id across pledges and matching", pfx + `{"id":"a","amount":1}],"matching":[{"id":"a","ratio":1,"cap":1}]}`, "matching[0].id", "duplicate id", 1},
		{"unknown pledger", pfx + `{"id":"a","amount":1,"condition":{"type":"pledger_active","id":"ghost"}}]}`, "pledges[0].condition.id", `unknown pledger "ghost"`, 1},
		{"self reference", pfx + `{"id":"a","amount":1,"condition":{"type":"all","of":[{"type":"pledger_active","id":"a"}]}}]}`, "pledges[0].condition.of[0].id", "itself", 1},
		{"empty all", pfx + `{"id":"a","amount":1,"condition":{"type":"all","of":[]}}]}`, "pledges[0].condition.of", "at least one", 1},
		{"empty any", pfx + `{"id":"a","amount":1,"condition":{"type":"any","of":[]}}]}`, "pledges[0].condition.of", "at least one", 1},
		{"unknown condition type (the example from the brief)", pfx +
			`{"id":"p0","amount":1},{"id":"p1","amount":1},{"id":"p2","amount":1},` + "\n" +
			`{"id":"p3","amount":1,"condition":{"type":"all","of":[{"type":"pledger_active","id":"p0"},{"type":"foo"}]}}]}`,
			"pledges[3].condition.of[1].type", `unknown condition type "foo"`, 2},
		{"non-monotone none_of", pfx + `{"id":"a","amount":1,"condition":{"type":"none_of","of":[]}}]}`, "pledges[0].condition.type", "not monotone", 1},
		{"non-monotone not", pfx + `{"id":"a","amount":1,"condition":{"type":"not","of":[]}}]}`, "pledges[0].condition.type", "unique largest self-consistent set", 1},
		{"non-monotone at_most", pfx + `{"id":"a","amount":1,"condition":{"type":"others_total_at_most","value":5}}]}`, "pledges[0].condition.type", "not monotone", 1},
		{"condition type not a string", pfx + `{"id":"a","amount":1,"condition":{"type":1}}]}`, "pledges[0].condition.type", "must be a string", 1},
		{"condition missing type", pfx + `{"id":"a","amount":1,"condition":{"value":1}}]}`, "pledges[0].condition.type", "required", 1},
		{"condition missing value", pfx + `{"id":"a","amount":1,"condition":{"type":"others_count_at_least"}}]}`, "pledges[0].condition.value", "required", 1},
		{"condition field not for its type", pfx + `{"id":"a","amount":1},{"id":"b","amount":1,"condition":{"type":"others_total_at_least","value":1,"id":"a"}}]}`, "pledges[1].condition.id", "not allowed", 1},
		{"negative threshold", pfx + `{"id":"a","amount":1,"condition":{"type":"others_total_at_least","value":-1}}]}`, "pledges[0].condition.value", "must not be negative", 1},
		{"condition not an object", pfx + `{"id":"a","amount":1,"condition":"always"}]}`, "pledges[0].condition", "must be an object", 1},
		{"nesting too deep", pfx + `{"id":"a","amount":1,"condition":` + strings.Repeat(`{"type":"all","of":[`, 40) +
			`{"type":"others_total_at_least","value":1}` + strings.Repeat(`]}`, 40) + `}]}`, "", "nested too deeply", 1},
		{"goal not positive", `{"currency":"EUR","goal":0}`, "goal", "must be positive", 1},
		{"all_or_nothing without goal", `{"currency":"EUR","all_or_nothing":true}`, "all_or_nothing", "requires a goal", 1},
		{"all_or_nothing not a boolean", `{"currency":"EUR","all_or_nothing":"yes"}`, "all_or_nothing", "true or false", 1},
		{"total overflows", pfx + `{"id":"a","amount":9223372036854775807},` + "\n" + `{"id":"b","amount":1}]}`, "pledges[1]", "64-bit", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseInput(strings.NewReader(tc.doc))
			if err == nil {
				t.Fatal("no error")
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %T %v is not Errors", err, err)
			}
			var found *FieldError
			for _, fe := range es {
				if (tc.field == "" || fe.Field == tc.field || strings.HasPrefix(fe.Field, tc.field)) && strings.Contains(fe.Message, tc.msg) {
					found = fe
					break
				}
			}
			if found == nil {
				t.Fatalf("want %s: ...%s..., got %v", tc.field, tc.msg, es)
			}
			if tc.field != "" && found.Field != tc.field {
				t.Fatalf("field = %q, want %q (%v)", found.Field, tc.field, found)
			}
			if tc.line != 0 && found.Line != tc.line {
				t.Fatalf("line = %d, want %d (%v)", found.Line, tc.line, found)
			}
			if found.Column == 0 {
				t.Fatalf("no column in %v", found)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatal("errors.As does not find a *FieldError")
			}
		})
	}
}

func TestParseInputErrorPosition(t *testing.T) {
	doc := "{\n  \"currency\": \"EUR\",\n  \"pledges\": [\n    {\"id\": \"a\", \"amount\": -3}\n  ]\n}"
	_, err := ParseInput(strings.NewReader(doc))
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatal(err)
	}
	if fe.Field != "pledges[0].amount" || fe.Line != 4 || fe.Column != 27 {
		t.Fatalf("got %+v", fe)
	}
	if got := fe.Error(); got != "pledges[0].amount: must be positive (line 4, column 27)" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestParseInputCollectsSeveralErrors(t *testing.T) {
	_, err := ParseInput(strings.NewReader(pfx + `{"id":"a","amount":"x","y":1},{"id":"b","amount":1.5}]}`))
	var es Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
	_, err = ParseInput(strings.NewReader(pfx + `{"id":"a","amount":0},{"id":"a","amount":-1,"condition":{"type":"pledger_active","id":"zz"}}]}`))
	if !errors.As(err, &es) || len(es) != 4 {
		t.Fatalf("want 4 errors, got %v", err)
	}
}

// Validate reports the same problems for programmatic input, without lines.
func TestValidateProgrammatic(t *testing.T) {
	err := Validate(Input{Currency: "EUR", Pledges: []Pledge{
		Fixed("a", 1, &Condition{Type: "sometimes"}),
		{ID: "b", Amount: 5, Rate: big.NewRat(1, 2), Max: 3},
		Fixed("c", 1, &Condition{Type: OthersTotalAtLeast, Value: 1, Of: []Condition{*TotalAtLeast(1)}}),
	}})
	var es Errors
	if !errors.As(err, &es) {
		t.Fatal(err)
	}
	got := []string{}
	for _, fe := range es {
		got = append(got, fe.Field)
		if fe.Line != 0 {
			t.Errorf("line in a programmatic error: %v", fe)
		}
	}
	// Order: top-level fields, entry fields, conditions, ids.
	want := []string{"pledges[1].amount", "pledges[0].condition.type", "pledges[2].condition.of"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fields = %v, want %v (%v)", got, want, es)
	}
}
