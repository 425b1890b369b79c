package budget

import (
	"math/big"
)

// naiveMES is a deliberately simple reference implementation of MES used
// to check the optimised engine: one big.Rat budget per voter, every
// project re-evaluated in every round. It follows the definition on
// equalshares.net and in pabutools (cost/cardinality/points utilities,
// free projects taken first, ties by rank).
func naiveMES(inst *Instance, util Utility, tie TieBreak, perVoter *big.Rat) []string {
	pr, err := newProfile(inst, util.kind(), tie)
	if err != nil {
		panic(err)
	}
	index := map[string]int{}
	for i, id := range pr.ids {
		index[id] = i
	}
	n := len(inst.Votes)
	budgets := make([]*big.Rat, n)
	for i := range budgets {
		budgets[i] = new(big.Rat).Set(perVoter)
	}
	// utility[i][p]
	utility := make([]map[int]*big.Rat, n)
	for i, v := range inst.Votes {
		utility[i] = map[int]*big.Rat{}
		for j, id := range v.Projects {
			p := index[id]
			var u *big.Rat
			switch util {
			case UtilityCost:
				u = new(big.Rat).Set(pr.costs[p])
			case UtilityCardinality:
				u = big.NewRat(1, 1)
			case UtilityPoints:
				u = new(big.Rat).Set(v.Points[j])
			}
			if inst.VoteType.hasPoints() && util != UtilityPoints && v.Points[j].Sign() <= 0 {
				u = new(big.Rat)
			}
			if u.Sign() > 0 {
				utility[i][p] = u
			}
		}
	}
	var out []string
	remaining := map[int]bool{}
	for p := range pr.ids {
		total := new(big.Rat)
		for i := range utility {
			if u, ok := utility[i][p]; ok {
				total.Add(total, u)
			}
		}
		if total.Sign() == 0 {
			continue
		}
		if pr.costs[p].Sign() == 0 {
			continue
		}
		remaining[p] = true
	}
	// free projects first, by rank
	var free []int
	for p := range pr.ids {
		if pr.costs[p].Sign() == 0 {
			for i := range utility {
				if _, ok := utility[i][p]; ok {
					free = append(free, p)
					break
				}
			}
		}
	}
	for r := 0; r < len(pr.ids); r++ {
		for _, p := range free {
			if pr.rank[p] == r {
				out = append(out, pr.ids[p])
			}
		}
	}
	for {
		best := -1
		var bestRho *big.Rat
		for p := range pr.ids {
			if !remaining[p] {
				continue
			}
			rho := naiveRho(budgets, utility, p, pr.costs[p])
			if rho == nil {
				delete(remaining, p)
				continue
			}
			if best < 0 || rho.Cmp(bestRho) < 0 || (rho.Cmp(bestRho) == 0 && pr.rank[p] < pr.rank[best]) {
				best, bestRho = p, rho
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, pr.ids[best])
		delete(remaining, best)
		for i := range budgets {
			if u, ok := utility[i][best]; ok {
				pay := new(big.Rat).Mul(bestRho, u)
				if pay.Cmp(budgets[i]) > 0 {
					pay.Set(budgets[i])
				}
				budgets[i].Sub(budgets[i], pay)
			}
		}
	}
}

// naiveRho returns the smallest rho with sum_i min(b_i, rho*u_i) >= cost,
// or nil if the supporters cannot afford the project (the "poor/rich"
// iteration of pabutools).
func naiveRho(budgets []*big.Rat, utility []map[int]*big.Rat, p int, cost *big.Rat) *big.Rat {
	var rich, poor []int
	avail := new(big.Rat)
	for i := range budgets {
		if _, ok := utility[i][p]; ok {
			rich = append(rich, i)
			avail.Add(avail, budgets[i])
		}
	}
	if avail.Cmp(cost) < 0 {
		return nil
	}
	for {
		paid := new(big.Rat)
		for _, i := range poor {
			paid.Add(paid, budgets[i])
		}
		den := new(big.Rat)
		for _, i := range rich {
			den.Add(den, utility[i][p])
		}
		rho := new(big.Rat).Sub(cost, paid)
		rho.Quo(rho, den)
		var still []int
		moved := false
		for _, i := range rich {
			if budgets[i].Cmp(new(big.Rat).Mul(rho, utility[i][p])) < 0 {
				poor = append(poor, i)
				moved = true
			} else {
				still = append(still, i)
			}
		}
		if !moved {
			return rho
		}
		rich = still
	}
}
