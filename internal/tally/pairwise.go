package tally

// pairwiseMatrix computes d[i*n+j], the total weight of ballots that rank
// candidate i strictly above candidate j, from the distinct rankings.
//
// Rankings become position arrays (tier index per candidate) packed several
// to a machine word, and each candidate's row is counted with word-wide
// arithmetic ("SIMD within a register"): one addition compares a candidate's
// position with 8 (or 4) others at once and one more adds the results into
// 8 (or 4) small counters. That is several times faster than adding the
// weight pair by pair and needs no memory beyond a block of positions.
func pairwiseMatrix(e *Election, p *rankedProfile, mode Unranked) []int64 {
	n := len(e.Candidates)
	d := make([]int64, n*n)
	if n < 2 {
		return d
	}
	c := newPairwiseCounter(n, mode == UnrankedIgnore)
	for start := 0; start < len(p.reps); start += pairwiseBlock {
		end := min(start+pairwiseBlock, len(p.reps))
		c.load(e, p.reps[start:end], p.weights[start:end])
		c.count(d)
	}
	return d
}

// pairwiseBlock is how many distinct rankings are packed and counted at a
// time: 256 rankings of 100 candidates take 26 KB, which stays in cache
// while every candidate's row is counted over them.
const pairwiseBlock = 256

// pairwiseCounter holds one block of packed position arrays.
//
// Each lane of a word holds one candidate's position: its tier index, or for
// unranked candidates the number of tiers (tied last) or the lane's largest
// value, "sentinel" (ignored). Lanes are 8 bits wide when positions fit in
// 0..126 and 16 bits otherwise, so a lane never reaches its top bit except
// through the comparison trick in count.
type pairwiseCounter struct {
	n, words    int    // candidates; words per packed ranking
	bits        uint   // lane width
	lanes       int    // lanes per word
	high, low   uint64 // top bit and bottom bit of every lane
	laneMask    uint64 // all bits of one lane
	sentinel    uint64 // largest lane value: 2^(bits-1) - 1
	lastWord    uint64 // lanes of the last word that hold candidates
	ignore      bool   // unranked candidates are compared with nobody
	counterCap  int64  // largest value a lane counter can hold
	packed      []uint64
	weights     []int64
	blockLength int
	counters    []uint64 // lane counters of the row being counted
}

func newPairwiseCounter(n int, ignore bool) *pairwiseCounter {
	c := &pairwiseCounter{n: n, ignore: ignore, bits: 8}
	if n > 126 {
		c.bits = 16
	}
	c.lanes = 64 / int(c.bits)
	c.words = (n + c.lanes - 1) / c.lanes
	c.laneMask = 1<<c.bits - 1
	c.sentinel = 1<<(c.bits-1) - 1
	for k := 0; k < c.lanes; k++ {
		c.low |= 1 << (uint(k) * c.bits)
	}
	c.high = c.low << (c.bits - 1)
	used := n - (c.words-1)*c.lanes
	c.lastWord = ^uint64(0)
	if used < c.lanes {
		c.lastWord = 1<<(uint(used)*c.bits) - 1
	}
	c.counterCap = int64(c.laneMask)
	c.packed = make([]uint64, pairwiseBlock*c.words)
	c.weights = make([]int64, pairwiseBlock)
	c.counters = make([]uint64, c.words)
	return c
}

// load packs the position arrays of a block of rankings.
func (c *pairwiseCounter) load(e *Election, reps []int, weights []int64) {
	c.blockLength = len(reps)
	copy(c.weights, weights)
	for t, bi := range reps {
		ranking := e.Ballots[bi].Ranking
		unranked := uint64(len(ranking))
		if c.ignore {
			unranked = c.sentinel
		}
		row := c.packed[t*c.words : (t+1)*c.words]
		for w := range row {
			row[w] = unranked * c.low
		}
		row[c.words-1] &= c.lastWord
		for tier, members := range ranking {
			for _, cand := range members {
				shift := uint(cand%c.lanes) * c.bits
				w := &row[cand/c.lanes]
				*w = *w&^(c.laneMask<<shift) | uint64(tier)<<shift
			}
		}
	}
}

// count adds the block's contribution to d, one candidate row at a time.
//
// For candidate a at position pa, adding (sentinel - pa) to every lane
// carries a lane into its top bit exactly when that lane's position is
// greater than pa, i.e. when a is ranked above that candidate. Positions and
// the addend are both at most the sentinel, so no lane overflows into its
// neighbour. With UnrankedIgnore, lanes holding the sentinel (unranked
// candidates) are masked out, and an unranked a never carries at all.
func (c *pairwiseCounter) count(d []int64) {
	// "& 63" tells the compiler the shift is below 64, which keeps the
	// inner loops free of Go's oversized-shift handling.
	n, words, shiftDown := c.n, c.words, (c.bits-1)&63
	high, low := c.high, c.low
	for a := range n {
		aWord, aShift := a/c.lanes, uint(a%c.lanes)*c.bits
		counters := c.counters[:words]
		clear(counters)
		var pending int64 // weight added to the counters since the last flush
		for t := 0; t < c.blockLength; t++ {
			row := c.packed[t*words : (t+1)*words : (t+1)*words]
			pa := row[aWord] >> aShift & c.laneMask
			if pa == c.sentinel {
				continue // a is unranked and ignored on this ballot
			}
			w := c.weights[t]
			if w > c.counterCap {
				c.addHeavy(d, a, row, pa, w)
				continue
			}
			if pending+w > c.counterCap {
				c.flush(d, a)
				pending = 0
			}
			pending += w
			addend := (c.sentinel - pa) * low
			weight := uint64(w)
			counters = counters[:len(row)]
			if c.ignore {
				for k, v := range row {
					above := (v + addend) &^ (v + low) & high
					counters[k] += above >> shiftDown * weight
				}
			} else {
				for k, v := range row {
					counters[k] += (v + addend) & high >> shiftDown * weight
				}
			}
		}
		c.flush(d, a)
	}
}

// flush moves the lane counters of row a into d and clears them.
func (c *pairwiseCounter) flush(d []int64, a int) {
	rowD := d[a*c.n : (a+1)*c.n]
	for k, v := range c.counters {
		if v == 0 {
			continue
		}
		for lane := 0; lane < c.lanes; lane++ {
			b := k*c.lanes + lane
			if b >= c.n {
				break
			}
			rowD[b] += int64(v >> (uint(lane) * c.bits) & c.laneMask)
		}
		c.counters[k] = 0
	}
}

// addHeavy handles a ranking whose weight does not fit a lane counter by
// adding its weight to d directly.
func (c *pairwiseCounter) addHeavy(d []int64, a int, row []uint64, pa uint64, w int64) {
	addend := (c.sentinel - pa) * c.low
	for k, v := range row {
		above := (v + addend) & c.high
		if c.ignore {
			above &^= (v + c.low) & c.high
		}
		for lane := 0; lane < c.lanes && above != 0; lane++ {
			if above>>(uint(lane)*c.bits+c.bits-1)&1 != 0 {
				d[a*c.n+k*c.lanes+lane] += w
			}
		}
	}
}
