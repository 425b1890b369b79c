package pledge

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// resolved returns the resolved (not all-or-nothing voided) outcome.
func resolved(res Result) Outcome {
	if res.WouldBe != nil {
		return *res.WouldBe
	}
	return res.Outcome
}

func mustResolveT(t interface {
	Helper()
	Fatalf(string, ...any)
}, in Input) Result {
	t.Helper()
	res, err := Resolve(in)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	return res
}

// checkAgainstReference compares the resolver with the naive reference.
func checkAgainstReference(t *rapid.T, in Input) Result {
	res := mustResolveT(t, in)
	o := resolved(res)
	wantActive, wantExact := refResolve(in)
	var want []string
	for id := range wantActive {
		want = append(want, id)
	}
	slices.Sort(want)
	if !slices.Equal(o.Active, want) {
		t.Fatalf("active = %v, reference %v", o.Active, want)
	}
	for id, x := range wantExact {
		got, _ := o.Amounts.Get(id)
		if got != refFloor(x) {
			t.Fatalf("amount of %s = %d, reference %s", id, got, x.RatString())
		}
		if e, ok := o.Exact[id]; ok && e != x.RatString() {
			t.Fatalf("exact amount of %s = %s, reference %s", id, e, x.RatString())
		}
	}
	return res
}

func TestPropertyMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkAgainstReference(t, genInput(t, 12, 4))
	})
}

func TestPropertyLargerMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkAgainstReference(t, genInput(t, 60, 3))
	})
}

// Every active entry's condition holds in the resolved state, and every
// rule-based amount is exactly its rule applied to the others.
func TestPropertySelfConsistent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, 14, 5)
		o := resolved(mustResolveT(t, in))
		es := refEntries(in)
		set := make([]bool, len(es))
		floors := make([]int64, len(es))
		exact := make([]*big.Rat, len(es))
		for i, e := range es {
			a, ok := o.Amounts.Get(e.id)
			set[i], floors[i] = ok, a
			if ok {
				exact[i] = ratInt(a)
				if s, isRule := o.Exact[e.id]; isRule {
					exact[i], _ = new(big.Rat).SetString(s)
				}
			}
		}
		for i, e := range es {
			if !set[i] {
				continue
			}
			if !refHolds(es, set, floors, in.MatchCountsAsOthers, i, e.cond) {
				t.Fatalf("%s is active but its condition fails", e.id)
			}
			if e.kind == kindFixed {
				continue
			}
			want := refRuleRHS(es, set, in.MatchCountsAsOthers, exact, i)
			if c := ratInt(e.amount); want.Cmp(c) > 0 {
				want = c
			}
			if want.Cmp(exact[i]) != 0 {
				t.Fatalf("%s pays %s, its rule gives %s", e.id, exact[i].RatString(), want.RatString())
			}
			if floors[i] != refFloor(exact[i]) {
				t.Fatalf("%s: floored %d of %s", e.id, floors[i], exact[i].RatString())
			}
		}
	})
}

// No self-consistent set is missing from the result: brute force over all
// subsets. The result is itself self-consistent, so it is the largest one.
func TestPropertyMaximalBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, 10, 3)
		o := resolved(mustResolveT(t, in))
		es := refEntries(in)
		inResult := make([]bool, len(es))
		for i, e := range es {
			_, inResult[i] = o.Amounts.Get(e.id)
		}
		if !refSelfConsistent(es, inResult, in.MatchCountsAsOthers) {
			t.Fatalf("result %v is not self-consistent", o.Active)
		}
		set := make([]bool, len(es))
		for mask := 0; mask < 1<<len(es); mask++ {
			for i := range es {
				set[i] = mask&(1<<i) != 0
			}
			if !refSelfConsistent(es, set, in.MatchCountsAsOthers) {
				continue
			}
			for i := range es {
				if set[i] && !inResult[i] {
					t.Fatalf("self-consistent set %b contains %s, which the result lacks (%v)", mask, es[i].id, o.Active)
				}
			}
		}
	})
}

// Shuffling pledges and matching offers does not change the result.
func TestPropertyOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, 30, 4)
		in.Goal = ptr(rapid.Int64Range(1, 600).Draw(t, "goal"))
		in.AllOrNothing = rapid.Bool().Draw(t, "aon")
		a := mustResolveT(t, in)
		shuffled := in
		shuffled.Pledges = rapid.Permutation(in.Pledges).Draw(t, "pledges")
		shuffled.Matching = rapid.Permutation(in.Matching).Draw(t, "matching")
		b := mustResolveT(t, shuffled)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("order changes the result:\n%s\n%s", ja, jb)
		}
	})
}

// Adding a pledge never deactivates another one, never lowers an amount,
// and WhatIf reports exactly the difference.
func TestPropertyMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, 25, 4)
		ids := make([]string, 0, len(in.Pledges)+len(in.Matching))
		for _, p := range in.Pledges {
			ids = append(ids, p.ID)
		}
		for _, m := range in.Matching {
			ids = append(ids, m.ID)
		}
		newID := "new"
		var cond *Condition
		if rapid.Bool().Draw(t, "newConditional") {
			cond = genCondition(t, append(slices.Clone(ids), newID), len(ids), len(ids)+1, 2)
		}
		var p Pledge
		if rapid.IntRange(0, 3).Draw(t, "newKind") == 0 {
			r, _ := ParseRat(rapid.SampledFrom(testRates).Draw(t, "newRate"))
			p = Crowdmatching(newID, r, rapid.Int64Range(1, 80).Draw(t, "newMax"), cond)
		} else {
			p = Fixed(newID, rapid.Int64Range(1, 200).Draw(t, "newAmount"), cond)
		}
		before := resolved(mustResolveT(t, in))
		grown := in
		grown.Pledges = append(slices.Clone(in.Pledges), p)
		after := resolved(mustResolveT(t, grown))
		var newly []string
		for _, a := range after.Amounts {
			if a.ID == newID {
				continue
			}
			if _, was := before.Amounts.Get(a.ID); !was {
				newly = append(newly, a.ID)
			}
		}
		for _, b := range before.Amounts {
			a, ok := after.Amounts.Get(b.ID)
			if !ok {
				t.Fatalf("adding %v deactivated %s", p, b.ID)
			}
			if a < b.Amount {
				t.Fatalf("adding a pledge lowered %s from %d to %d", b.ID, b.Amount, a)
			}
		}
		if after.Collected < before.Collected {
			t.Fatalf("collected went down")
		}
		w, err := WhatIf(in, p)
		if err != nil {
			t.Fatalf("WhatIf: %v", err)
		}
		amount, active := after.Amounts.Get(newID)
		want := WhatIfResult{
			ID: newID, Active: active, Amount: amount,
			CollectedBefore: before.Collected, CollectedAfter: after.Collected,
			DeltaCollected: after.Collected - before.Collected,
			Unlocked:       after.Collected - before.Collected - amount,
			NewlyActive:    append([]string{}, newly...),
			FundedBefore:   true, FundedAfter: true,
		}
		if fmt.Sprint(w) != fmt.Sprint(want) {
			t.Fatalf("WhatIf = %+v, want %+v", w, want)
		}
	})
}

// The exact amount solver against brute force on its own, with more
// rule-based entries and larger rates than the end-to-end tests.
func TestPropertySolverMatchesBruteForce(t *testing.T) {
	rates := append(slices.Clone(testRates), "3", "1/10", "9/10", "5")
	rapid.Check(t, func(t *rapid.T) {
		mcao := rapid.Bool().Draw(t, "mcao")
		fixed := rapid.Int64Range(0, 100).Draw(t, "fixed")
		nc := rapid.IntRange(0, 4).Draw(t, "crowd")
		nm := rapid.IntRange(0, 3).Draw(t, "match")
		es := []refEntry{}
		if fixed > 0 {
			es = append(es, refEntry{id: "f", kind: kindFixed, amount: fixed})
		}
		var crowd, match []ruleVar
		for i := 0; i < nc; i++ {
			r, _ := ParseRat(rapid.SampledFrom(rates).Draw(t, "rate"))
			mx := rapid.Int64Range(1, 1000).Draw(t, "max")
			es = append(es, refEntry{id: fmt.Sprint("c", i), kind: kindCrowd, amount: mx, rate: r})
			s := new(big.Rat).Quo(r, new(big.Rat).Add(r, big.NewRat(1, 1)))
			crowd = append(crowd, ruleVar{k: s, cap: ratInt(mx)})
		}
		for j := 0; j < nm; j++ {
			r, _ := ParseRat(rapid.SampledFrom(rates).Draw(t, "ratio"))
			cp := rapid.Int64Range(1, 1000).Draw(t, "cap")
			es = append(es, refEntry{id: fmt.Sprint("m", j), kind: kindMatch, amount: cp, rate: r})
			match = append(match, ruleVar{k: r, cap: ratInt(cp)})
		}
		x, m, err := solveRules(fixed, crowd, match, mcao)
		if err != nil {
			t.Fatal(err)
		}
		set := make([]bool, len(es))
		for i := range set {
			set[i] = true
		}
		want := refAmounts(es, set, mcao)
		got := []*big.Rat{}
		if fixed > 0 {
			got = append(got, ratInt(fixed))
		}
		got = append(append(got, x...), m...)
		for i := range es {
			if got[i].Cmp(want[i]) != 0 {
				t.Fatalf("%s: got %s, brute force %s", es[i].id, got[i].RatString(), want[i].RatString())
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }
