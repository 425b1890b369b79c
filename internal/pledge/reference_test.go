package pledge

import (
	"fmt"
	"math/big"
	"slices"

	"pgregory.net/rapid"
)

// A deliberately naive reference implementation used as a test oracle. It
// shares no code with the resolver: amounts come from enumerating which
// rule-based amounts are capped and solving the remaining linear system by
// Gauss–Jordan elimination, and activation is the textbook greatest fixed
// point iteration that re-evaluates every condition each round.

type refEntry struct {
	id     string
	kind   entryKind
	amount int64    // fixed amount, crowdmatching max or matching cap
	rate   *big.Rat // crowdmatching rate or matching ratio
	cond   *Condition
}

func refEntries(in Input) []refEntry {
	var es []refEntry
	for _, p := range in.Pledges {
		if p.Rate == nil {
			es = append(es, refEntry{p.ID, kindFixed, p.Amount, nil, p.Condition})
		} else {
			es = append(es, refEntry{p.ID, kindCrowd, p.Max, p.Rate, p.Condition})
		}
	}
	for _, m := range in.Matching {
		es = append(es, refEntry{m.ID, kindMatch, m.Cap, m.Ratio, m.Condition})
	}
	return es
}

func ratInt(v int64) *big.Rat { return new(big.Rat).SetInt64(v) }

// refRuleRHS evaluates the rule of variable u (an entry index) at amounts v.
func refRuleRHS(es []refEntry, in []bool, mcao bool, v []*big.Rat, u int) *big.Rat {
	sum := new(big.Rat)
	for w := range es {
		if !in[w] || w == u {
			continue
		}
		switch {
		case es[w].kind == kindFixed:
			sum.Add(sum, v[w])
		case es[w].kind == kindCrowd:
			sum.Add(sum, v[w])
		case es[w].kind == kindMatch && es[u].kind == kindCrowd && mcao:
			sum.Add(sum, v[w])
		}
	}
	return sum.Mul(sum, es[u].rate)
}

// refAmounts returns the exact greatest fixed point amounts of all entries
// in the set (nil for entries outside it) by brute force.
func refAmounts(es []refEntry, in []bool, mcao bool) []*big.Rat {
	var vars []int
	base := make([]*big.Rat, len(es))
	for i, e := range es {
		if !in[i] {
			continue
		}
		if e.kind == kindFixed {
			base[i] = ratInt(e.amount)
		} else {
			vars = append(vars, i)
		}
	}
	k := len(vars)
	var points [][]*big.Rat
	for mask := 0; mask < 1<<k; mask++ {
		v := slices.Clone(base)
		var free []int
		for b, i := range vars {
			if mask&(1<<b) != 0 {
				v[i] = ratInt(es[i].amount)
			} else {
				free = append(free, i)
			}
		}
		// Equations for free variables: v_u − Σ_w a_uw v_w = b_u, written as
		// an augmented matrix over the free variables.
		m := len(free)
		mat := make([][]*big.Rat, m)
		for r, u := range free {
			row := make([]*big.Rat, m+1)
			for c := range row {
				row[c] = new(big.Rat)
			}
			row[r].SetInt64(1)
			// b_u: rule applied to the known (fixed and capped) amounts.
			known := slices.Clone(v)
			for _, f := range free {
				known[f] = new(big.Rat)
			}
			row[m] = refRuleRHS(es, in, mcao, known, u)
			for c, w := range free {
				if w == u {
					continue
				}
				unit := make([]*big.Rat, len(es))
				for i := range unit {
					unit[i] = new(big.Rat)
				}
				unit[w].SetInt64(1)
				coef := refRuleRHS(es, in, mcao, unit, u)
				row[c].Sub(row[c], coef)
			}
			mat[r] = row
		}
		sol, ok := gaussJordan(mat)
		if !ok {
			continue
		}
		for r, u := range free {
			v[u] = sol[r]
		}
		// Keep it only if it is an exact fixed point of the capped rules.
		fixed := true
		for _, u := range vars {
			want := refRuleRHS(es, in, mcao, v, u)
			if c := ratInt(es[u].amount); want.Cmp(c) > 0 {
				want = c
			}
			if v[u].Sign() < 0 || v[u].Cmp(want) != 0 {
				fixed = false
				break
			}
		}
		if fixed {
			points = append(points, v)
		}
	}
	if len(points) == 0 {
		panic("reference: no fixed point found")
	}
	// The greatest fixed point dominates every other fixed point.
	best := points[0]
	for _, p := range points[1:] {
		if ratSum(p).Cmp(ratSum(best)) > 0 {
			best = p
		}
	}
	for _, p := range points {
		for _, u := range vars {
			if p[u].Cmp(best[u]) > 0 {
				panic(fmt.Sprintf("reference: fixed points not dominated: %v vs %v", p, best))
			}
		}
	}
	return best
}

func ratSum(v []*big.Rat) *big.Rat {
	s := new(big.Rat)
	for _, x := range v {
		if x != nil {
			s.Add(s, x)
		}
	}
	return s
}

// gaussJordan solves an augmented system exactly; ok is false if singular.
func gaussJordan(mat [][]*big.Rat) ([]*big.Rat, bool) {
	m := len(mat)
	for col := 0; col < m; col++ {
		piv := -1
		for r := col; r < m; r++ {
			if mat[r][col].Sign() != 0 {
				piv = r
				break
			}
		}
		if piv < 0 {
			return nil, false
		}
		mat[col], mat[piv] = mat[piv], mat[col]
		inv := new(big.Rat).Inv(mat[col][col])
		for c := col; c <= m; c++ {
			mat[col][c].Mul(mat[col][c], inv)
		}
		for r := 0; r < m; r++ {
			if r == col || mat[r][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(mat[r][col])
			for c := col; c <= m; c++ {
				mat[r][c].Sub(mat[r][c], new(big.Rat).Mul(f, mat[col][c]))
			}
		}
	}
	sol := make([]*big.Rat, m)
	for r := range sol {
		sol[r] = mat[r][m]
	}
	return sol, true
}

func refFloor(x *big.Rat) int64 {
	f, ok := floorRat(x)
	if !ok {
		panic("reference: floor overflow")
	}
	return f
}

// refHolds evaluates cond for entry self given the active set and the
// floored amounts (conditions look at floored amounts, see FORMAT.md).
func refHolds(es []refEntry, in []bool, floors []int64, mcao bool, self int, cond *Condition) bool {
	if cond == nil {
		return true
	}
	counted := func(j int) int64 {
		if es[j].kind == kindMatch && !mcao {
			return 0
		}
		return floors[j]
	}
	switch cond.Type {
	case OthersTotalAtLeast:
		var t int64
		for j := range es {
			if in[j] && j != self {
				t += counted(j)
			}
		}
		return t >= cond.Value
	case OthersCountAtLeast:
		var n int64
		for j := range es {
			if in[j] && j != self && counted(j) > 0 {
				n++
			}
		}
		return n >= cond.Value
	case PledgerActive:
		for j := range es {
			if es[j].id == cond.ID {
				return in[j]
			}
		}
		return false
	case AllOf:
		for i := range cond.Of {
			if !refHolds(es, in, floors, mcao, self, &cond.Of[i]) {
				return false
			}
		}
		return true
	case AnyOf:
		for i := range cond.Of {
			if refHolds(es, in, floors, mcao, self, &cond.Of[i]) {
				return true
			}
		}
		return false
	}
	panic("reference: unknown condition type")
}

func refFloors(es []refEntry, in []bool, mcao bool) ([]int64, []*big.Rat) {
	amts := refAmounts(es, in, mcao)
	floors := make([]int64, len(es))
	for i, a := range amts {
		if a != nil {
			floors[i] = refFloor(a)
		}
	}
	return floors, amts
}

// refSelfConsistent reports whether every member of the set satisfies its
// condition in the state the set produces.
func refSelfConsistent(es []refEntry, in []bool, mcao bool) bool {
	floors, _ := refFloors(es, in, mcao)
	for i := range es {
		if in[i] && !refHolds(es, in, floors, mcao, i, es[i].cond) {
			return false
		}
	}
	return true
}

// refResolve is the textbook greatest fixed point: start with everything and
// drop, in rounds, every entry whose condition fails.
func refResolve(in Input) (map[string]bool, map[string]*big.Rat) {
	es := refEntries(in)
	set := make([]bool, len(es))
	for i := range set {
		set[i] = true
	}
	for {
		floors, _ := refFloors(es, set, in.MatchCountsAsOthers)
		next := slices.Clone(set)
		changed := false
		for i := range es {
			if set[i] && !refHolds(es, set, floors, in.MatchCountsAsOthers, i, es[i].cond) {
				next[i] = false
				changed = true
			}
		}
		set = next
		if !changed {
			break
		}
	}
	_, amts := refFloors(es, set, in.MatchCountsAsOthers)
	active := map[string]bool{}
	exact := map[string]*big.Rat{}
	for i, e := range es {
		if set[i] {
			active[e.id] = true
			exact[e.id] = amts[i]
		}
	}
	return active, exact
}

// Generators for small random inputs.

var testRates = []string{"1/7", "1/4", "1/3", "1/2", "2/3", "1", "3/2", "2"}

func genCondition(t *rapid.T, ids []string, self int, n int, depth int) *Condition {
	max := 4
	if depth > 0 {
		max = 6
	}
	switch rapid.IntRange(0, max).Draw(t, "cond") {
	case 0, 1:
		return TotalAtLeast(rapid.Int64Range(0, 250).Draw(t, "total"))
	case 2:
		return CountAtLeast(rapid.Int64Range(0, int64(n)).Draw(t, "count"))
	case 3, 4:
		if len(ids) < 2 {
			return TotalAtLeast(0)
		}
		j := rapid.IntRange(0, len(ids)-2).Draw(t, "target")
		if j >= self {
			j++
		}
		return Active(ids[j])
	default:
		k := rapid.IntRange(1, 3).Draw(t, "kids")
		var of []*Condition
		for range k {
			of = append(of, genCondition(t, ids, self, n, depth-1))
		}
		if rapid.Bool().Draw(t, "all") {
			return All(of...)
		}
		return Any(of...)
	}
}

// genInput draws up to maxN entries, at most maxRules of them rule based.
func genInput(t *rapid.T, maxN, maxRules int) Input {
	n := rapid.IntRange(0, maxN).Draw(t, "n")
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("e%d", i)
	}
	in := Input{Currency: "EUR", MatchCountsAsOthers: rapid.Bool().Draw(t, "mcao")}
	rules := 0
	for i := 0; i < n; i++ {
		var cond *Condition
		if rapid.IntRange(0, 2).Draw(t, "conditional") > 0 {
			cond = genCondition(t, ids, i, n, 2)
		}
		kind := rapid.IntRange(0, 9).Draw(t, "kind")
		if rules >= maxRules {
			kind = 0
		}
		switch {
		case kind < 7:
			in.Pledges = append(in.Pledges, Fixed(ids[i], rapid.Int64Range(1, 60).Draw(t, "amount"), cond))
		case kind < 9:
			rules++
			r, _ := ParseRat(rapid.SampledFrom(testRates).Draw(t, "rate"))
			in.Pledges = append(in.Pledges, Crowdmatching(ids[i], r, rapid.Int64Range(1, 80).Draw(t, "max"), cond))
		default:
			rules++
			r, _ := ParseRat(rapid.SampledFrom(testRates).Draw(t, "ratio"))
			in.Matching = append(in.Matching, MatchingOffer{ID: ids[i], Ratio: r, Cap: rapid.Int64Range(1, 80).Draw(t, "cap"), Condition: cond})
		}
	}
	return in
}
