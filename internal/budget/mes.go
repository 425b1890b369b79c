package budget

import (
	"cmp"
	"context"
	"math"
	"math/big"
	"slices"
)

// mesPick is one project chosen by a run of the Method of Equal Shares.
type mesPick struct {
	project int
	// price is the payment asked per unit of (integer-scaled) per-voter
	// utility: for approval ballots it is the largest payment of a single
	// supporter. It is zero for free projects.
	price *big.Rat
}

// mesEngine runs MES repeatedly on one profile (add1 completion runs it
// with growing voter budgets), reusing its scratch memory between runs.
//
// Exactness: every voter budget is kept as an integer numerator over one
// common denominator d, so sums and comparisons are integer operations.
// Voters whose ballots agree on every selected project always hold the same
// budget; they share a "class" and each ballot group points at its class.
type mesEngine struct {
	pr  *profile
	ctx context.Context // checked once per pick: a cancelled request stops the run

	free  []int     // zero-cost projects with positive utility, taken first
	cands []int32   // projects MES may pick, sorted by lb0F
	lb0F  []float64 // per project: rho if all supporters could pay equally

	// per-run state
	d     *big.Int
	costD []*big.Int // cost * d
	// Budget classes. classN[c]/d(e) is the budget of class c, where e =
	// classEpoch[c] and d(e) was the common denominator after e picks;
	// mult[e] = d/d(e) brings it to the current denominator (see fresh).
	// Class 0 is the empty budget.
	classN     []*big.Int
	classEpoch []int32
	mult       []*big.Int
	epoch      int32
	cls        []int32 // group -> class
	// lbF[p] approximates the rho of p when last computed in this run, a
	// lower bound (up to rounding) for its rho now, since budgets only shrink.
	lbF []float64

	// scratch
	acc                   []int64 // class -> aggregated weight (uniform utilities)
	touched               []int32
	entries               []wfEntry
	memo                  []int32 // class -> class after the current payment
	memoStamp             []int32 // memo[c] is valid when memoStamp[c] == stamp
	stamp                 int32
	tmp, tmp2, total, rem big.Int
}

// wfEntry is one class of supporters in the water-filling: weight voters
// with budget n/d and per-voter utility u.
type wfEntry struct {
	n *big.Int
	u int64
	w int64
}

func newMESEngine(ctx context.Context, pr *profile) *mesEngine {
	m := len(pr.ids)
	e := &mesEngine{
		pr:    pr,
		ctx:   ctx,
		lb0F:  make([]float64, m),
		costD: make([]*big.Int, m),
		lbF:   make([]float64, m),
	}
	for p := 0; p < m; p++ {
		if pr.totalU[p] == 0 {
			continue
		}
		if pr.scaledCost[p].Sign() == 0 {
			e.free = append(e.free, p)
			continue
		}
		// Lowest conceivable rho: everybody pays an equal share.
		den := new(big.Int).Mul(pr.scale, big.NewInt(pr.totalU[p]))
		if f := pr.utilFactor[p]; f != nil {
			den.Mul(den, f)
		}
		e.lb0F[p], _ = new(big.Rat).SetFrac(pr.scaledCost[p], den).Float64()
		e.cands = append(e.cands, int32(p))
	}
	slices.SortFunc(e.free, func(a, b int) int { return cmp.Compare(pr.rank[a], pr.rank[b]) })
	e.sortCands(e.cands, e.lb0F)
	for p := range e.costD {
		e.costD[p] = new(big.Int)
	}
	e.cls = make([]int32, pr.groupCount())
	return e
}

func (e *mesEngine) sortCands(c []int32, key []float64) {
	rank := e.pr.rank
	slices.SortFunc(c, func(a, b int32) int {
		if x := cmp.Compare(key[a], key[b]); x != 0 {
			return x
		}
		return cmp.Compare(rank[a], rank[b])
	})
}

// clearlyAbove reports whether a exceeds b by more than any rounding error
// of the float64 approximations of two exact rationals.
func clearlyAbove(a, b float64) bool {
	const tiny, huge = 1e-290, 1e290
	if !(b > tiny && a < huge) {
		return false
	}
	return a > b*(1+1e-12)
}

// run computes MES when every voter starts with budget b (per voter, in
// currency units) and returns the picks in selection order. It fails only
// with the context's error, checked before each pick.
func (e *mesEngine) run(b *big.Rat) ([]mesPick, error) {
	pr := e.pr
	picks := make([]mesPick, 0, len(e.free)+8)
	for _, p := range e.free {
		picks = append(picks, mesPick{project: p, price: new(big.Rat)})
	}
	if b.Sign() <= 0 || len(e.cands) == 0 {
		return picks, e.ctx.Err()
	}

	// Common denominator: a multiple of the cost scale and of b's denominator.
	e.d = lcm(pr.scale, b.Denom())
	start := new(big.Int).Quo(e.d, b.Denom())
	start.Mul(start, b.Num())
	costFactor := new(big.Int).Quo(e.d, pr.scale)
	for p := range e.costD {
		e.costD[p].Mul(pr.scaledCost[p], costFactor)
	}
	e.classN = ensure(e.classN, 2)
	e.classN[0].SetInt64(0)
	e.classN[1].Set(start)
	e.classEpoch = append(e.classEpoch[:0], 0, 0)
	e.mult = ensure(e.mult, 1)
	e.mult[0].SetInt64(1)
	e.epoch = 0
	for g := range e.cls {
		e.cls[g] = 1
	}
	cands := slices.Clone(e.cands)
	copy(e.lbF, e.lb0F)

	// Candidates are compared by rho = rem/(d*richU*factor); d is common
	// to all of them within a round, so rem/(richU*factor) suffices.
	var bestRem, bestDen, den, lhs, rhs big.Int
	for len(cands) > 0 {
		if err := e.ctx.Err(); err != nil {
			return nil, err
		}
		best, bestRichU := -1, int64(0)
		bestF := math.Inf(1)
		for i := 0; i < len(cands); {
			p := int(cands[i])
			if best >= 0 && clearlyAbove(e.lbF[p], bestF) {
				break // lower bounds only grow: nobody further can win
			}
			richU, ok := e.price(p)
			if !ok {
				// Budgets only shrink, so p stays unaffordable in this run.
				cands = slices.Delete(cands, i, i+1)
				continue
			}
			den.SetInt64(richU)
			if f := pr.utilFactor[p]; f != nil {
				den.Mul(&den, f)
			}
			lhs.Mul(&den, e.d)
			e.lbF[p] = ratioFloat(&e.rem, &lhs)
			c := 1
			if best >= 0 {
				c = lhs.Mul(&e.rem, &bestDen).Cmp(rhs.Mul(&bestRem, &den))
			}
			if best < 0 || c < 0 || (c == 0 && pr.rank[p] < pr.rank[best]) {
				best, bestF, bestRichU = p, e.lbF[p], richU
				bestRem.Set(&e.rem)
				bestDen.Set(&den)
			}
			i++
		}
		if best < 0 {
			break
		}
		price := new(big.Rat).SetFrac(new(big.Int).Set(&bestRem), new(big.Int).Mul(e.d, big.NewInt(bestRichU)))
		picks = append(picks, mesPick{project: best, price: price})
		e.pay(best, &bestRem, bestRichU)
		cands = slices.DeleteFunc(cands, func(q int32) bool { return int(q) == best })
		e.sortCands(cands, e.lbF)
	}
	return picks, nil
}

// ratioFloat approximates num/den (both positive) within a few units in
// the last place, without the cost of an exact big.Rat conversion.
func ratioFloat(num, den *big.Int) float64 {
	nm, ne := top64(num)
	dm, de := top64(den)
	return math.Ldexp(float64(nm)/float64(dm), ne-de)
}

// top64 returns the leading 64 bits of x and the shift that was dropped.
func top64(x *big.Int) (uint64, int) {
	if n := x.BitLen(); n > 64 {
		var t big.Int
		return t.Rsh(x, uint(n-64)).Uint64(), n - 64
	}
	return x.Uint64(), 0
}

// ensure returns s with length n, reusing the integers already allocated
// in its backing array.
func ensure(s []*big.Int, n int) []*big.Int {
	s = s[:0]
	for len(s) < n {
		s = grow(s)
	}
	return s
}

// grow extends s by one integer, reusing an earlier allocation if the
// backing array still holds one.
func grow(s []*big.Int) []*big.Int {
	n := len(s)
	if n < cap(s) {
		s = s[:n+1]
		if s[n] == nil {
			s[n] = new(big.Int)
		}
		return s
	}
	return append(s, new(big.Int))
}

// collect aggregates the supporters of p with a positive budget into
// water-filling entries, one per (budget class, utility).
func (e *mesEngine) collect(p int) []wfEntry {
	pr := e.pr
	e.entries = e.entries[:0]
	if pr.supU[p] == nil {
		if len(e.acc) < len(e.classN) {
			e.acc = make([]int64, 2*len(e.classN))
		}
		e.touched = e.touched[:0]
		for _, g := range pr.sup[p] {
			c := e.cls[g]
			if c == 0 {
				continue
			}
			if e.acc[c] == 0 {
				e.touched = append(e.touched, c)
			}
			e.acc[c] += pr.weight[g]
		}
		for _, c := range e.touched {
			e.entries = append(e.entries, wfEntry{n: e.fresh(c), u: 1, w: e.acc[c]})
			e.acc[c] = 0
		}
		return e.entries
	}
	type key struct {
		c int32
		u int64
	}
	agg := map[key]int64{}
	var order []key
	for i, g := range pr.sup[p] {
		c := e.cls[g]
		if c == 0 {
			continue
		}
		k := key{c, pr.supU[p][i]}
		if _, ok := agg[k]; !ok {
			order = append(order, k)
		}
		agg[k] += pr.weight[g]
	}
	for _, k := range order {
		e.entries = append(e.entries, wfEntry{n: e.fresh(k.c), u: k.u, w: agg[k]})
	}
	return e.entries
}

// price computes, for project p under the current budgets, the smallest
// price s (payment per unit of per-voter utility) such that supporters
// paying min(budget, s*utility) cover the cost. It returns false if the
// supporters cannot afford p. Otherwise s = e.rem / (d * richU).
//
// Voters who cannot pay the equal price pay everything they have and the
// rest split the remainder in proportion to utility ("poor/rich"
// iteration). A few passes usually settle it; after that the remaining
// entries are sorted and water-filled, which bounds the work by k log k.
func (e *mesEngine) price(p int) (richU int64, ok bool) {
	entries := e.collect(p)
	total, tmp, tmp2, rem := &e.total, &e.tmp, &e.tmp2, &e.rem
	total.SetInt64(0)
	for _, en := range entries {
		tmp.SetInt64(en.w)
		total.Add(total, tmp.Mul(tmp, en.n))
		richU += en.w * en.u
	}
	if total.Cmp(e.costD[p]) < 0 {
		return 0, false
	}
	rem.Set(e.costD[p])
	// poor reports whether an entry cannot pay rem/(d*richU) per utility:
	// n/d < rem/(d*richU) * u  <=>  n*richU < rem*u.
	poor := func(en wfEntry) bool {
		tmp.Mul(en.n, big.NewInt(richU))
		tmp2.Mul(rem, big.NewInt(en.u))
		return tmp.Cmp(tmp2) < 0
	}
	charge := func(en wfEntry) {
		tmp.SetInt64(en.w)
		rem.Sub(rem, tmp.Mul(tmp, en.n))
		richU -= en.w * en.u
	}
	lo := 0 // entries[:lo] pay their whole budget
	for pass := 0; pass < 3; pass++ {
		start := lo
		for i := lo; i < len(entries); i++ {
			if poor(entries[i]) {
				entries[i], entries[lo] = entries[lo], entries[i]
				lo++
			}
		}
		if lo == start {
			return richU, true
		}
		for _, en := range entries[start:lo] {
			charge(en)
		}
	}
	rest := entries[lo:]
	slices.SortFunc(rest, func(a, b wfEntry) int {
		tmp.Mul(a.n, big.NewInt(b.u))
		tmp2.Mul(b.n, big.NewInt(a.u))
		return tmp.Cmp(tmp2)
	})
	for _, en := range rest {
		if !poor(en) {
			return richU, true
		}
		charge(en)
	}
	// Unreachable: an affordable project always keeps a paying supporter.
	return 0, false
}

// fresh brings the budget of class c to the current common denominator
// and returns it.
func (e *mesEngine) fresh(c int32) *big.Int {
	n := e.classN[c]
	if ep := e.classEpoch[c]; ep != e.epoch {
		n.Mul(n, e.mult[ep])
		e.classEpoch[c] = e.epoch
	}
	return n
}

// pay charges the supporters of p the price rem/(d*richU) per unit of
// utility (or their whole budget if smaller). Supporters move to new budget
// classes; everybody else keeps theirs. The common denominator becomes d*f,
// and classes not touched here are rescaled lazily by fresh.
func (e *mesEngine) pay(p int, rem *big.Int, richU int64) {
	pr := e.pr
	g64 := new(big.Int).GCD(nil, nil, rem, big.NewInt(richU))
	remR := new(big.Int).Quo(rem, g64)
	f := richU / g64.Int64()
	bigF := big.NewInt(f)

	if n := len(e.classN); len(e.memo) < n {
		e.memo = make([]int32, 2*n)
		e.memoStamp = make([]int32, 2*n)
		e.stamp = 0
	}
	e.stamp++
	type key struct {
		c int32
		u int64
	}
	var memoU map[key]int32
	if pr.supU[p] != nil {
		memoU = map[key]int32{}
	}
	next := e.epoch + 1
	for i, g := range pr.sup[p] {
		c := e.cls[g]
		if c == 0 {
			continue
		}
		u := int64(1)
		if memoU != nil {
			u = pr.supU[p][i]
			if id, ok := memoU[key{c, u}]; ok {
				e.cls[g] = id
				continue
			}
		} else if e.memoStamp[c] == e.stamp {
			e.cls[g] = e.memo[c]
			continue
		}
		// New budget (n*richU - rem*u)/(d*richU) = (n*f - remR*u)/(d*f).
		e.tmp.Mul(e.fresh(c), bigF)
		e.tmp2.Mul(remR, big.NewInt(u))
		var id int32
		if e.tmp.Cmp(&e.tmp2) > 0 {
			e.classN = grow(e.classN)
			id = int32(len(e.classN) - 1)
			e.classN[id].Sub(&e.tmp, &e.tmp2)
			e.classEpoch = append(e.classEpoch, next)
		}
		if memoU != nil {
			memoU[key{c, u}] = id
		} else {
			e.memo[c], e.memoStamp[c] = id, e.stamp
		}
		e.cls[g] = id
	}
	// Advance the epoch: every older denominator gains the factor f.
	if f != 1 {
		for _, m := range e.mult[:next] {
			m.Mul(m, bigF)
		}
		e.d.Mul(e.d, bigF)
		for _, c := range e.costD {
			c.Mul(c, bigF)
		}
	}
	e.mult = grow(e.mult)
	e.mult[next].SetInt64(1)
	e.epoch = next
}
