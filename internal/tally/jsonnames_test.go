package tally

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// The fast name scanner must decode exactly what encoding/json decodes, for
// any names and any whitespace, including names it leaves to encoding/json.
func TestPropertyNameScannerMatchesEncodingJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tiers := rapid.SliceOfN(rapid.SliceOfN(rapid.String(), 0, 4), 0, 4).Draw(t, "tiers")
		data, _ := json.Marshal(tiers)
		text := string(data)
		if rapid.Bool().Draw(t, "spaces") {
			text = strings.NewReplacer("[", " [ ", ",", " ,\n", "]", "\t]").Replace(text)
			var check [][]string
			if json.Unmarshal([]byte(text), &check) != nil {
				return // the replacer hit a name; that input is not interesting
			}
		}
		var want [][]string
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			t.Fatal(err)
		}
		var got jsonRanking
		if err := json.Unmarshal([]byte(text), &got); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		var decoded [][]string
		for g := range got.groups() {
			start, end := got.group(g)
			tier := []string{}
			for k := start; k < end; k++ {
				tier = append(tier, got.name(k))
			}
			decoded = append(decoded, tier)
		}
		if len(want) == 0 && len(decoded) == 0 {
			return
		}
		for i := range want {
			if want[i] == nil {
				want[i] = []string{}
			}
		}
		if !reflect.DeepEqual(decoded, want) {
			t.Fatalf("%s: scanner %q, encoding/json %q", text, decoded, want)
		}
	})
}
