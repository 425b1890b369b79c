package budget

import (
	"cmp"
	"encoding/binary"
	"math/big"
	"slices"
	"strings"
)

// profile is the rule-ready form of an instance: projects indexed in file
// order, ballots merged into weighted groups of identical ballots, and every
// money amount scaled to an integer number of minor units.
type profile struct {
	ids   []string
	costs []*big.Rat // exact costs
	// scaledCost[p] = costs[p] * scale is an integer; scale is the least
	// common denominator of all costs (a power of ten for decimal costs).
	scaledCost []*big.Int
	scale      *big.Int
	budget     *big.Rat
	voters     int64 // number of ballots, empty ones included

	weight []int64    // group -> number of identical ballots
	votes  []int64    // project -> number of ballots listing it
	points []*big.Rat // project -> total points (cumulative/scoring), else nil
	// pointScale turns points into the integer utilities of supU.
	pointScale *big.Int

	// Per-project MES supporters for the chosen utility: group ids and the
	// integer utility of one voter of that group (nil when all are 1).
	sup  [][]int32
	supU [][]int64
	// utilFactor[p] multiplies the per-voter utility: the scaled cost for
	// cost utilities, nil (meaning 1) otherwise. rho = price / factor.
	utilFactor []*big.Int
	totalU     []int64 // sum of weight*utility over supporters

	rank []int // tie-breaking rank, 0 is preferred
}

// utilityKind selects the per-voter utility of an approved project.
type utilityKind int

const (
	utilCost utilityKind = iota
	utilCardinality
	utilPoints
)

// maxUtilityTotal bounds weight*utility sums so they fit in int64.
const maxUtilityTotal = 1 << 60

func newProfile(inst *Instance, util utilityKind, tie TieBreak) (*profile, error) {
	m := len(inst.Projects)
	pr := &profile{
		ids:        make([]string, m),
		costs:      make([]*big.Rat, m),
		scaledCost: make([]*big.Int, m),
		budget:     inst.Budget,
		voters:     int64(len(inst.Votes)),
		votes:      make([]int64, m),
		sup:        make([][]int32, m),
		supU:       make([][]int64, m),
		utilFactor: make([]*big.Int, m),
		totalU:     make([]int64, m),
		rank:       make([]int, m),
	}
	index := make(map[string]int32, m)
	scale := big.NewInt(1)
	for i, p := range inst.Projects {
		pr.ids[i] = p.ID
		pr.costs[i] = p.Cost
		index[p.ID] = int32(i)
		scale = lcm(scale, p.Cost.Denom())
	}
	pr.scale = scale
	for i, c := range pr.costs {
		v := new(big.Int).Mul(c.Num(), scale)
		pr.scaledCost[i] = v.Quo(v, c.Denom())
	}

	cardinal := inst.VoteType.hasPoints()
	pointScale := big.NewInt(1)
	if cardinal {
		pr.points = make([]*big.Rat, m)
		for i := range pr.points {
			pr.points[i] = new(big.Rat)
		}
		for _, v := range inst.Votes {
			for _, pt := range v.Points {
				pointScale = lcm(pointScale, pt.Denom())
			}
		}
	}

	pr.pointScale = pointScale

	// Merge identical ballots. The key is the sorted list of (project,
	// points) pairs, so the grouping does not depend on the voter order.
	type entry struct {
		p int32
		u int64
	}
	groupOf := map[string]int32{}
	var groups [][]entry
	var key []byte
	for _, v := range inst.Votes {
		es := make([]entry, 0, len(v.Projects))
		for j, id := range v.Projects {
			p := index[id]
			pr.votes[p]++
			u := int64(1)
			if cardinal {
				pt := v.Points[j]
				pr.points[p].Add(pr.points[p], pt)
				if util == utilPoints {
					if pt.Sign() < 0 {
						return nil, &ValidationError{Line: v.Line, Section: sectionVotes, Field: "points",
							Message: "are negative; the Method of Equal Shares needs non-negative utilities"}
					}
					s := new(big.Int).Mul(pt.Num(), pointScale)
					s.Quo(s, pt.Denom())
					if !s.IsInt64() || s.Int64() > maxUtilityTotal {
						return nil, &ValidationError{Line: v.Line, Section: sectionVotes, Field: "points", Message: "are too large"}
					}
					u = s.Int64()
				} else if pt.Sign() <= 0 {
					u = 0 // with cost or cardinality utilities, positive points count as approval
				}
			}
			if u > 0 {
				es = append(es, entry{p, u})
			}
		}
		slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.p, b.p) })
		key = key[:0]
		for _, e := range es {
			key = binary.AppendUvarint(key, uint64(e.p))
			key = binary.AppendUvarint(key, uint64(e.u))
		}
		g, ok := groupOf[string(key)]
		if !ok {
			g = int32(len(groups))
			groupOf[string(key)] = g
			groups = append(groups, es)
			pr.weight = append(pr.weight, 0)
		}
		pr.weight[g]++
	}

	// Supporters per project, in group order (deterministic).
	for g, es := range groups {
		for _, e := range es {
			pr.sup[e.p] = append(pr.sup[e.p], int32(g))
			if util == utilPoints {
				pr.supU[e.p] = append(pr.supU[e.p], e.u)
			}
		}
	}
	for p := range pr.sup {
		if util == utilCost {
			if pr.costs[p].Sign() == 0 {
				pr.sup[p] = nil // a free project gives zero cost-utility
			}
			pr.utilFactor[p] = pr.scaledCost[p]
		}
		var total int64
		for i, g := range pr.sup[p] {
			u := int64(1)
			if pr.supU[p] != nil {
				u = pr.supU[p][i]
			}
			w := pr.weight[g]
			if u > 0 && w > (maxUtilityTotal-total)/u {
				return nil, &ValidationError{Section: sectionVotes, Field: "points", Message: "sum to more than the supported range"}
			}
			total += w * u
		}
		pr.totalU[p] = total
		if util != utilPoints {
			pr.supU[p] = nil
		}
	}

	// Tie-breaking ranks.
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if tie == TieBreakEqualShares {
			if c := pr.costs[a].Cmp(pr.costs[b]); c != 0 {
				return c
			}
			if c := cmp.Compare(pr.votes[b], pr.votes[a]); c != 0 {
				return c
			}
		}
		return strings.Compare(pr.ids[a], pr.ids[b])
	})
	for r, p := range order {
		pr.rank[p] = r
	}
	return pr, nil
}

func lcm(a, b *big.Int) *big.Int {
	g := new(big.Int).GCD(nil, nil, a, b)
	r := new(big.Int).Quo(a, g)
	return r.Mul(r, b)
}

// groupCount is the number of distinct ballots.
func (pr *profile) groupCount() int { return len(pr.weight) }
