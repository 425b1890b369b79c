package pledge

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// keyedSort orders like strings.Compare (stable) and flags equal neighbours,
// including for ids with shared prefixes, trailing NUL bytes, lengths around
// the 16-byte chunk boundaries and enough items for the radix path.
func TestKeyedSortMatchesStringOrder(t *testing.T) {
	alphabet := []string{"a", "b", "\x00", "\xff", "é"}
	rapid.Check(t, func(t *rapid.T) {
		prefix := rapid.SampledFrom([]string{"", "p", "community-meetup-"}).Draw(t, "prefix")
		word := rapid.Custom(func(t *rapid.T) string {
			parts := rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, 40).Draw(t, "parts")
			return prefix + strings.Join(parts, "")
		})
		base := rapid.SliceOfN(word, 1, 30).Draw(t, "base")
		n := rapid.IntRange(1, 1500).Draw(t, "n")
		ids := make([]string, n)
		for i := range ids {
			ids[i] = base[rapid.IntRange(0, len(base)-1).Draw(t, "pick")]
		}
		items := make([]idItem, n)
		for i, id := range ids {
			items[i] = idItem{node: int32(i), n: int32(len(id))}
		}
		same := make([]bool, n)
		keyedSort(items, same, 0, func(x int32) string { return ids[x] })
		want := make([]int32, n)
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(ids[a], ids[b]) })
		for k, it := range items {
			if it.node != want[k] {
				t.Fatalf("position %d: %q, want %q", k, ids[it.node], ids[want[k]])
			}
			if eq := k > 0 && ids[it.node] == ids[items[k-1].node]; same[k] != eq {
				t.Fatalf("position %d: same=%v for %q after %q", k, same[k], ids[it.node], ids[items[max(k-1, 0)].node])
			}
		}
	})
}
