package pledge

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzParseInput: the parser never panics, every failure is a list of
// FieldErrors with a message, every accepted document resolves without
// error, and accepted documents survive a JSON round trip unchanged.
func FuzzParseInput(f *testing.F) {
	for _, seed := range []string{
		`{"currency":"EUR","goal":1000,"all_or_nothing":true,"pledges":[{"id":"a","amount":100,"condition":{"type":"others_total_at_least","value":300}},{"id":"b","amount":300}]}`,
		`{"currency":"USD","match_counts_as_others":true,"pledges":[{"id":"c1","rate":"1/2","max":100},{"id":"c2","rate":0.5,"max":100},{"id":"f","amount":10}],"matching":[{"id":"m","ratio":2,"cap":50}]}`,
		`{"currency":"JPY","pledges":[{"id":"a","amount":1,"condition":{"type":"any","of":[{"type":"pledger_active","id":"b"},{"type":"all","of":[{"type":"others_count_at_least","value":2}]}]}},{"id":"b","amount":2,"condition":{"type":"pledger_active","id":"a"}}]}`,
		`{"currency":"EUR","pledges":[{"id":"a","amount":1.5,"x":1,"condition":{"type":"none_of"}}]}`,
		`{"currency":"EUR","pledges":[{"id":"a","rate":"1e40","max":9223372036854775807}]}`,
		`[`, ``, `{"currency":"EUR"}{}`, `{"a":1,"a":2}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseInput(bytes.NewReader(data))
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v is not a non-empty Errors", err)
			}
			for _, fe := range es {
				if fe.Message == "" || fe.Line < 1 || fe.Column < 1 {
					t.Fatalf("incomplete FieldError %#v", fe)
				}
			}
			return
		}
		res, err := Resolve(in)
		if err != nil {
			t.Fatalf("valid input does not resolve: %v", err)
		}
		if res.Collected < 0 || res.TotalPledged < 0 || res.Matched < 0 {
			t.Fatalf("negative totals: %+v", res)
		}
		enc, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseInput(bytes.NewReader(enc))
		if err != nil {
			t.Fatalf("re-parsing %s: %v", enc, err)
		}
		if !reflect.DeepEqual(in, again) {
			t.Fatalf("round trip changed the input:\n%#v\n%#v", in, again)
		}
	})
}
