package tally

import (
	"bytes"
	"maps"
	"reflect"
	"strings"
	"testing"
)

// fuzzTallyLimit keeps fuzzing fast: tallying is only exercised on parsed
// elections with few candidates (parsing itself is exercised on everything).
const fuzzTallyLimit = 40

func FuzzParsePrefLib(f *testing.F) {
	f.Add(samplePrefLib, "")
	f.Add(samplePrefLib, "toi")
	f.Add("# DATA TYPE: soc\n# NUMBER ALTERNATIVES: 3\n3: 1,2,3\n2: 3,2,1\n", "soc")
	f.Add("# DATA TYPE: toc\n# NUMBER ALTERNATIVES: 3\n1: {1,2},3\n", "toc")
	f.Add("# NUMBER ALTERNATIVES: 2\n# NUMBER VOTERS: 1\n# NUMBER UNIQUE ORDERS: 1\n1: 2\n", "soi")
	f.Add("# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n1: {1, 2}\n5:\n", "")
	f.Add("# NUMBER ALTERNATIVES: 3\n1: 1,{2,\n", "")
	f.Add("\ufeff# NUMBER ALTERNATIVES: 1\r\n99999999999999999999: 1\r\n", "")
	f.Fuzz(func(t *testing.T, data, ext string) {
		if !isPrefLibType(ext) {
			ext = ""
		}
		e, err := ParsePrefLib(strings.NewReader(data), ext)
		if err != nil {
			if _, ok := err.(*InputError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("parsed election is invalid: %v", err)
		}
		var out bytes.Buffer
		if err := WritePrefLib(&out, e); err != nil {
			t.Fatalf("cannot write parsed election: %v", err)
		}
		back, err := ParsePrefLib(bytes.NewReader(out.Bytes()), "")
		if err != nil {
			t.Fatalf("cannot re-parse written file: %v\n%s", err, out.String())
		}
		if !reflect.DeepEqual(back.Candidates, e.Candidates) || !maps.Equal(canonicalBallots(back), canonicalBallots(e)) {
			t.Fatalf("round trip changed the election:\n%s", out.String())
		}
		if len(e.Candidates) <= fuzzTallyLimit {
			for _, m := range []Method{MethodSchulze, MethodRankedPairs, MethodBorda} {
				if _, err := Tally(e, Options{Method: m}); err != nil {
					t.Fatalf("%s: %v", m, err)
				}
			}
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add(sampleJSON)
	f.Add(`{"format":"consortia-ballots/1","ballot_type":"approval","candidates":["A","B"],"ballots":[{"approved":["A"]},{"weight":2,"approved":[]}]}`)
	f.Add(`{"format":"consortia-ballots/1","ballot_type":"score","candidates":["A","B"],"options":{"max_score":5},"ballots":[{"scores":{"A":5,"B":0}}]}`)
	f.Add(`{"format":"consortia-ballots/1","ballot_type":"dot","candidates":["A","B"],"options":{"points":3},"ballots":[{"points":{"B":3}}]}`)
	f.Add(`{"format":"consortia-ballots/1","ballot_type":"ranked","candidates":["A"],"ballots":[{"ranking":[["A"]]},{"ranking":[["A"]]`)
	f.Add(`{"format":"consortia-ballots/1","ballot_type":"ranked","candidates":["A","A"]}`)
	f.Add(`{"format":"consortia-ballots/1","ballot_type":"score","candidates":["A"],"options":{"max_score":5},"ballots":[{"scores":{"A":1e3}}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, data string) {
		e, err := ParseJSON(strings.NewReader(data))
		if err != nil {
			if _, ok := err.(*InputError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("parsed election is invalid: %v", err)
		}
		var out bytes.Buffer
		if err := WriteJSON(&out, e); err != nil {
			t.Fatalf("cannot write parsed election: %v", err)
		}
		back, err := ParseJSON(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("cannot re-parse written file: %v\n%s", err, out.String())
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("round trip changed the election:\n%+v\n%+v", e, back)
		}
		if len(e.Candidates) <= fuzzTallyLimit {
			if _, err := Tally(e, Options{}); err != nil {
				t.Fatalf("tally: %v", err)
			}
		}
	})
}
