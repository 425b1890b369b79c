package tally

// rankedProfile is the set of distinct rankings of an election with the total
// weight of each. Counting every distinct ranking once is what keeps large
// elections fast: real ballot sets repeat rankings a lot (PrefLib counts,
// Debian tally sheets), and the pairwise work per ranking is quadratic.
type rankedProfile struct {
	reps    []int   // index in Election.Ballots of one ballot per distinct ranking
	weights []int64 // summed weight per distinct ranking
	total   int64   // summed weight of all ballots
}

// buildProfile merges identical rankings. Two rankings are identical when
// they have the same tiers in the same order; order inside a tier does not
// matter. The election must be valid.
func buildProfile(e *Election) *rankedProfile {
	p := &rankedProfile{}
	byHash := make(map[uint64]int32, len(e.Ballots)/4+1)
	var next []int32 // chains distinct rankings whose hashes collide
	mark := make([]uint32, len(e.Candidates))
	stamp := uint32(0)
	for i := range e.Ballots {
		b := &e.Ballots[i]
		w := b.EffectiveWeight()
		p.total += w
		h := rankingHash(b.Ranking)
		head, ok := byHash[h]
		if ok {
			found := false
			for u := head; u >= 0; u = next[u] {
				stamp++
				if sameRanking(e.Ballots[p.reps[u]].Ranking, b.Ranking, mark, stamp) {
					p.weights[u] += w
					found = true
					break
				}
			}
			if found {
				continue
			}
		} else {
			head = -1
		}
		byHash[h] = int32(len(p.reps))
		next = append(next, head)
		p.reps = append(p.reps, i)
		p.weights = append(p.weights, w)
	}
	return p
}

// rankingHash hashes a ranking so that the order of candidates inside a tier
// does not matter (their mixed hashes are summed) but the order of tiers does.
func rankingHash(r [][]int) uint64 {
	h := mix64(uint64(len(r)) + 0x9e3779b97f4a7c15)
	for _, tier := range r {
		var sum uint64
		for _, c := range tier {
			sum += mix64(uint64(c) + 1)
		}
		h = mix64(h ^ sum ^ uint64(len(tier))<<48)
	}
	return h
}

// mix64 is the SplitMix64 finalizer: a cheap bijective scrambler.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// sameRanking reports whether a and b have the same tiers. mark is scratch
// space indexed by candidate; stamp must be fresh for this call.
func sameRanking(a, b [][]int, mark []uint32, stamp uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for t := range a {
		if len(a[t]) != len(b[t]) {
			return false
		}
		for _, c := range a[t] {
			mark[c] = stamp
		}
		for _, c := range b[t] {
			if mark[c] != stamp {
				return false
			}
		}
	}
	return true
}
