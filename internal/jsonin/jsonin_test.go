package jsonin

import (
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
)

// readDoc reads a small format covering every helper:
// {"s": string, "n": integer, "opt": integer or null, "b": bool, "r": rat,
// "list": [integer], "sub": {"s": string}}.
func readDoc(data string) (map[string]any, error) {
	r := NewReader([]byte(data))
	got := map[string]any{}
	tok, off, err := r.Next("")
	if err != nil {
		return nil, err
	}
	err = r.Object("", tok, off, func(key, kpath string, koff int) error {
		var err error
		switch key {
		case "s":
			var s string
			var ok bool
			if s, ok, err = r.String(kpath); ok {
				got[kpath] = s
			}
		case "n", "opt":
			var v int64
			var ok bool
			if v, ok, err = r.Int(kpath, key == "opt"); ok {
				got[kpath] = v
			}
		case "b":
			got[kpath], err = r.Bool(kpath)
		case "r":
			var v *big.Rat
			v, err = r.Rat(kpath, "a fraction", func(s string) (*big.Rat, error) {
				if v, ok := new(big.Rat).SetString(s); ok {
					return v, nil
				}
				return nil, errors.New("not a fraction")
			})
			if v != nil {
				got[kpath] = v.RatString()
			}
		case "list":
			err = r.Array(kpath, func(i int, epath string) error {
				v, ok, err := r.Int(epath, false)
				if ok {
					got[epath] = v
				}
				return err
			})
		case "sub":
			st, soff, err := r.Next(kpath)
			if err != nil {
				return err
			}
			return r.Object(kpath, st, soff, func(key, kpath string, koff int) error {
				if key != "s" {
					return r.Unknown(key, kpath, koff)
				}
				s, _, err := r.String(kpath)
				got[kpath] = s
				return err
			})
		default:
			err = r.Unknown(key, kpath, koff)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := r.End(); err != nil {
		return nil, err
	}
	if len(r.Errs) > 0 {
		return got, r.Errs
	}
	return got, nil
}

func problems(err error) []string {
	var es Errors
	if !errors.As(err, &es) {
		return []string{fmt.Sprintf("not Errors: %v", err)}
	}
	var out []string
	for _, fe := range es {
		out = append(out, fe.Error())
	}
	return out
}

func TestReaderValues(t *testing.T) {
	got, err := readDoc(`{"s":"x","n":-7,"opt":null,"b":true,"r":"1/3","list":[1,2],"sub":{"s":"y"}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"s": "x", "n": int64(-7), "b": true, "r": "1/3",
		"list[0]": int64(1), "list[1]": int64(2), "sub.s": "y"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got, err := readDoc(`{"list":null}`); err != nil || len(got) != 0 {
		t.Fatalf("null list: %v, %v", got, err)
	}
}

func TestReaderProblems(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"not an object", `[1]`, []string{"must be an object, not an array (line 1, column 1)"}},
		{"wrong types", `{"s":1,"n":"1","b":null,"r":true,"list":{},"sub":[]}`, []string{
			"s: must be a string, not a number (line 1, column 6)",
			"n: must be an integer number of minor units, not a string (line 1, column 12)",
			"b: must be true or false, not null (line 1, column 20)",
			"r: must be a fraction, not a boolean (line 1, column 29)",
			"list: must be an array, not an object (line 1, column 41)",
			"sub: must be an object, not an array (line 1, column 50)",
		}},
		{"null is not an integer", `{"n":null}`, []string{
			"n: must be an integer number of minor units, not null (line 1, column 6)"}},
		{"integers", `{"list":[1.5,2e3,99999999999999999999]}`, []string{
			"list[0]: must be an integer number of minor units (no fractions or exponents), got 1.5 (line 1, column 10)",
			"list[1]: must be an integer number of minor units (no fractions or exponents), got 2e3 (line 1, column 14)",
			"list[2]: out of range: amounts are limited to 64-bit minor units (line 1, column 18)",
		}},
		{"parse error of a rat", `{"r":"x"}`, []string{"r: not a fraction (line 1, column 6)"}},
		{"unknown and duplicate fields", "{\"s\":\"a\",\n  \"x\":{\"y\":[1]},\n  \"s\":2,\"sub\":{\"z\":1}}", []string{
			`x: unknown field "x" (line 2, column 3)`,
			"s: duplicate field (line 3, column 3)",
			`sub.z: unknown field "z" (line 3, column 16)`,
		}},
		{"columns count characters", "{\"sub\":{\"s\":\"äö\",\n\"äö\":1}}", []string{
			`sub.äö: unknown field "äö" (line 2, column 1)`}},
		// encoding/json's offset for this error is that of the byte
		// before the '}'.
		{"syntax error keeps earlier problems", `{"x":1,"s":}`, []string{
			`x: unknown field "x" (line 1, column 2)`,
			"s: malformed JSON: invalid character '}' looking for beginning of value (line 1, column 11)",
		}},
		{"unexpected end", "{\"list\":[1,\n", []string{
			"list[1]: malformed JSON: unexpected end of input (line 2, column 1)"}},
		{"empty input", "", []string{"malformed JSON: unexpected end of input (line 1, column 1)"}},
		{"trailing data", `{} {}`, []string{
			"malformed JSON: unexpected data after the top-level value (line 1, column 4)"}},
		// encoding/json counts this offset from the start of the second
		// value, hence column 1; pinned so a change is noticed.
		{"trailing garbage", `{} x`, []string{
			"malformed JSON: invalid character 'x' looking for beginning of value (line 1, column 1)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readDoc(tc.doc)
			if got := problems(err); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// Past 16 keys Object switches from a slice to a map; duplicates must still
// be found on both sides of the switch.
func TestObjectDuplicatesInLargeObjects(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"sub":{"s":"a"`)
	for i := range 20 {
		fmt.Fprintf(&b, `,"k%d":%d`, i, i)
	}
	b.WriteString(`,"k3":0,"k19":0,"s":"b"}}`)
	_, err := readDoc(b.String())
	var dups []string
	for _, p := range problems(err) {
		if strings.Contains(p, "duplicate") {
			dups = append(dups, p[:strings.Index(p, ":")])
		}
	}
	if want := []string{"sub.k3", "sub.k19", "sub.s"}; !reflect.DeepEqual(dups, want) {
		t.Fatalf("duplicates %v, want %v", dups, want)
	}
}

func TestMaxErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"s":"a"`)
	for i := range 2 * MaxErrors {
		fmt.Fprintf(&b, `,"x%d":[{}]`, i)
	}
	b.WriteString(`,}`)
	_, err := readDoc(b.String())
	got := problems(err)
	// The syntax error is added even when the list is full: it says why
	// reading stopped.
	if len(got) != MaxErrors+1 || !strings.Contains(got[MaxErrors], "malformed JSON") {
		t.Fatalf("%d problems, last %q", len(got), got[len(got)-1])
	}
}

func TestPos(t *testing.T) {
	r := NewReader([]byte(`{"a" :  "b"}`))
	for range 2 {
		if _, _, err := r.Next(""); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.Pos(); got != 8 {
		t.Fatalf("Pos() = %d, want 8", got)
	}
	if _, off, _ := r.Next("a"); off != 8 {
		t.Fatalf("Next offset %d, want 8", off)
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\nçd\n\nx")
	for _, tc := range []struct{ off, line, col int }{
		{-1, 1, 1}, {0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 2}, {6, 2, 3}, {7, 3, 1}, {8, 4, 1}, {99, 4, 2},
	} {
		if l, c := lineCol(data, tc.off); l != tc.line || c != tc.col {
			t.Errorf("lineCol(%d) = %d, %d; want %d, %d", tc.off, l, c, tc.line, tc.col)
		}
	}
}

func TestPaths(t *testing.T) {
	if got := Index(Join(Join("", "pledges"), "of"), 3); got != "pledges.of[3]" {
		t.Fatal(got)
	}
}

func TestErrors(t *testing.T) {
	if got := (Errors{}).Error(); got != "invalid input" {
		t.Fatal(got)
	}
	es := Errors{{Field: "a.b", Message: "bad", Line: 2, Column: 5}, {Message: "worse"}}
	if got := es[:1].Error(); got != "a.b: bad (line 2, column 5)" {
		t.Fatal(got)
	}
	if got := es.Error(); got != "a.b: bad (line 2, column 5) (and 1 more)" {
		t.Fatal(got)
	}
	if got := es[1].Error(); got != "worse" {
		t.Fatal(got)
	}
	var fe *FieldError
	if err := fmt.Errorf("wrapped: %w", es); !errors.As(err, &fe) || fe != es[0] {
		t.Fatalf("errors.As found %v", fe)
	}
}

func TestLocate(t *testing.T) {
	data := []byte("{\"a\": [\n  {\"b\": 1, \"c\": {\"d\": 2}},\n  {\"b\": 3}\n], \"e\": 4}")
	es := Errors{
		{Field: "e", Message: "1"},
		{Field: "a[1].b", Message: "2"},
		{Field: "a[0].c.d", Message: "3"},
		{Field: "a[1].missing", Message: "4"}, // deepest existing ancestor: a[1]
		{Field: "a[7]", Message: "5"},         // ancestor a
		{Field: "", Message: "6"},             // the document
		{Field: "a[0].c.dd", Message: "7"},    // "d" is not on the way to "dd"
	}
	es.Locate(data)
	var got []string
	for _, fe := range es {
		got = append(got, fmt.Sprintf("%s %d:%d", fe.Message, fe.Line, fe.Column))
	}
	want := []string{"6 1:1", "5 1:7", "7 2:17", "3 2:23", "4 3:3", "2 3:9", "1 4:9"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
