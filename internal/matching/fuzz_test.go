package matching

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzParseInput: never panics; failures are FieldErrors with positions;
// accepted inputs compute without error and survive a JSON round trip.
func FuzzParseInput(f *testing.F) {
	for _, s := range []string{
		`{"match_pool":1000,"contributions":[{"contributor":"a","recipient":"A","amount":25},{"contributor":"b","recipient":"A","amount":25}]}`,
		`{"match_pool":250,"matching_cap_per_project":"1/2","ignore_saturation":true,"contributions":[{"contributor":"a","recipient":"B","amount":100}]}`,
		`{"match_pool":10,"matching_cap_per_project":0.25,"contributions":[{"contributor":"a","recipient":"A","amount":9223372036854775807}]}`,
		`{"match_pool":1,"contributions":[{"x":1}]}`, `[`, ``, `{"a":}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseInput(bytes.NewReader(data))
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v is not Errors", err)
			}
			for _, fe := range es {
				if fe.Message == "" || fe.Line < 1 || fe.Column < 1 {
					t.Fatalf("incomplete FieldError %#v", fe)
				}
			}
			return
		}
		res, err := QuadraticFunding(in)
		if err != nil {
			t.Fatalf("valid input fails: %v", err)
		}
		if res.TotalMatched > in.MatchPool || res.Leftover < 0 {
			t.Fatalf("matches exceed the pool: %+v", res)
		}
		enc, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseInput(bytes.NewReader(enc))
		if err != nil || !reflect.DeepEqual(in, again) {
			t.Fatalf("round trip of %s: %v", enc, err)
		}
	})
}
