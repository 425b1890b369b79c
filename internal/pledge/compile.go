package pledge

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"consortia/internal/jsonin"
)

// This file turns an Input into the flat, index-based representation the
// resolver works on, validating everything on the way. Validation and
// compilation are one pass so that a million pledges are only walked once.

type entryKind uint8

const (
	kindFixed entryKind = iota // pledge with a fixed amount
	kindCrowd                  // crowdmatching pledge (rate, max)
	kindMatch                  // matching offer (ratio, cap)
)

type nodeKind uint8

const (
	nodeTotal  nodeKind = iota // others_total_at_least
	nodeCount                  // others_count_at_least
	nodeActive                 // pledger_active
	nodeAll
	nodeAny
)

// keyNode is a threshold atom together with the key it is compared against:
// the atom holds iff key <= the current counted total (or count).
type keyNode struct {
	key  uint64
	node int32
}

// Limits for programmatically built rationals and identifiers.
const (
	maxRatBits = 512
	maxIDLen   = 256
)

type compiled struct {
	ctx      context.Context // set by ResolveContext; nil (WhatIf) is never cancelled
	in       *Input
	extra    *Pledge
	mcao     bool
	n        int
	nPledges int   // entries [0,nPledges) are in.Pledges
	nMatch   int   // entries [nPledges,nPledges+nMatch) are in.Matching
	extraIdx int32 // index of the what-if pledge, or -1

	ids  []string
	kind []entryKind
	amt  []int64 // fixed: amount; crowd: max; match: cap

	varying []int32    // entries whose amount is rule based (crowd and match)
	rule    []*big.Rat // parallel to varying: crowd r/(1+r), match ratio
	rawRule []*big.Rat // parallel to varying: the rate or ratio as given

	root []int32 // root condition node of each entry, -1 for none

	// Condition nodes, flattened.
	nk    []nodeKind
	npar  []int32 // parent node, -1 for a root
	nown  []int32 // entry owning the condition tree
	nval  []int64 // threshold value, or referenced entry for nodeActive
	nkids []int32 // number of children of all/any

	refStart []int32 // nodes referencing entry e: refNode[refStart[e]:refStart[e+1]]
	refNode  []int32

	totStatic []keyNode // others_total atoms with a fixed key, key descending
	cntStatic []keyNode // others_count atoms with a fixed key, key descending
	totDyn    []int32   // others_total atoms whose owner's own amount varies
	cntDyn    []int32

	order []int32 // entries sorted by id
	total int64   // sum of all amounts, maxima and caps (fits in int64)
}

type validator struct{ errs Errors }

func (v *validator) add(field, msg string) {
	if len(v.errs) < maxErrors {
		v.errs = append(v.errs, &FieldError{Field: field, Message: msg})
	}
}

// Validate checks an Input without resolving it. It reports the same
// problems (with JSON paths, but without line numbers) as ParseInput.
func Validate(in Input) error {
	_, err := compile(&in, nil)
	return err
}

func (c *compiled) path(e int32) string {
	switch {
	case int(e) < c.nPledges:
		return jsonin.Index("pledges", int(e))
	case int(e) < c.nPledges+c.nMatch:
		return jsonin.Index("matching", int(e)-c.nPledges)
	default:
		return "pledge"
	}
}

// countsAsOthers reports whether entry e's money and presence count for the
// others_total/others_count conditions of other entries.
func (c *compiled) countsAsOthers(e int32) bool {
	return c.kind[e] != kindMatch || c.mcao
}

// dynamicOwn reports whether e's own counted amount depends on the resolution.
func (c *compiled) dynamicOwn(e int32) bool {
	return c.kind[e] == kindCrowd || (c.kind[e] == kindMatch && c.mcao)
}

func compile(in *Input, extra *Pledge) (*compiled, error) {
	v := &validator{}
	if in.Currency == "" {
		v.add("currency", "required field is missing")
	} else if _, ok := LookupCurrency(in.Currency); !ok {
		v.add("currency", fmt.Sprintf("unknown currency %q (expected an upper-case ISO 4217 code such as EUR)", in.Currency))
	}
	if in.Goal != nil && *in.Goal <= 0 {
		v.add("goal", "must be positive")
	}
	if in.AllOrNothing && in.Goal == nil {
		v.add("all_or_nothing", "requires a goal")
	}

	n := len(in.Pledges) + len(in.Matching)
	c := &compiled{
		in: in, extra: extra, mcao: in.MatchCountsAsOthers,
		nPledges: len(in.Pledges), nMatch: len(in.Matching), extraIdx: -1,
	}
	if extra != nil {
		c.extraIdx = int32(n)
		n++
	}
	c.n = n
	c.ids = make([]string, n)
	c.kind = make([]entryKind, n)
	c.amt = make([]int64, n)
	c.root = make([]int32, n)

	var sum int64
	overflowed := false
	addSum := func(e int32, a int64) {
		if overflowed || a <= 0 {
			return
		}
		s, ok := addInt64(sum, a)
		if !ok {
			overflowed = true
			v.add(c.path(e), "the total of all amounts, maxima and caps exceeds the 64-bit range of minor units")
			return
		}
		sum = s
	}
	checkRat := func(field string, r *big.Rat) bool {
		switch {
		case r == nil:
			v.add(field, "required field is missing")
		case r.Sign() <= 0:
			v.add(field, "must be positive")
		case r.Num().BitLen() > maxRatBits || r.Denom().BitLen() > maxRatBits:
			v.add(field, "number too large or too precise")
		default:
			return true
		}
		return false
	}
	checkCommon := func(e int32, id, currency string) {
		switch {
		case id == "":
			v.add(c.path(e)+".id", "must not be empty")
		case len(id) > maxIDLen:
			v.add(c.path(e)+".id", "too long (at most 256 bytes)")
		}
		if currency != "" && currency != in.Currency {
			v.add(c.path(e)+".currency", fmt.Sprintf("mixed currencies: %q differs from the goal's currency %q", currency, in.Currency))
		}
	}
	addPledge := func(e int32, p *Pledge) {
		c.ids[e] = p.ID
		checkCommon(e, p.ID, p.Currency)
		if p.Rate == nil {
			c.kind[e] = kindFixed
			c.amt[e] = p.Amount
			if p.Amount <= 0 {
				v.add(c.path(e)+".amount", "must be positive")
			}
			if p.Max != 0 {
				v.add(c.path(e)+".max", "only allowed together with rate (crowdmatching)")
			}
		} else {
			c.kind[e] = kindCrowd
			c.amt[e] = p.Max
			if p.Amount != 0 {
				v.add(c.path(e)+".amount", "not allowed together with rate: a pledge is either fixed or crowdmatching")
			}
			if checkRat(c.path(e)+".rate", p.Rate) {
				s := new(big.Rat).Add(p.Rate, big.NewRat(1, 1))
				s.Quo(p.Rate, s)
				c.varying = append(c.varying, e)
				c.rule = append(c.rule, s)
				c.rawRule = append(c.rawRule, new(big.Rat).Set(p.Rate))
			}
			if p.Max <= 0 {
				v.add(c.path(e)+".max", "must be positive")
			}
		}
		addSum(e, c.amt[e])
	}
	for i := range in.Pledges {
		addPledge(int32(i), &in.Pledges[i])
	}
	for j := range in.Matching {
		e := int32(c.nPledges + j)
		m := &in.Matching[j]
		c.ids[e] = m.ID
		c.kind[e] = kindMatch
		c.amt[e] = m.Cap
		checkCommon(e, m.ID, m.Currency)
		if checkRat(c.path(e)+".ratio", m.Ratio) {
			c.varying = append(c.varying, e)
			c.rule = append(c.rule, new(big.Rat).Set(m.Ratio))
			c.rawRule = append(c.rawRule, new(big.Rat).Set(m.Ratio))
		}
		if m.Cap <= 0 {
			v.add(c.path(e)+".cap", "must be positive")
		}
		addSum(e, m.Cap)
	}
	if extra != nil {
		addPledge(c.extraIdx, extra)
	}

	// Conditions.
	nodes, refs := 0, 0
	for e := int32(0); int(e) < n; e++ {
		countNodes(c.condition(e), 1, &nodes, &refs)
	}
	c.nk = make([]nodeKind, 0, nodes)
	c.npar = make([]int32, 0, nodes)
	c.nown = make([]int32, 0, nodes)
	c.nval = make([]int64, 0, nodes)
	c.nkids = make([]int32, 0, nodes)
	b := &condBuilder{c: c, v: v, refs: make([]refReq, 0, refs)}
	for e := int32(0); int(e) < n; e++ {
		c.root[e] = -1
		if cond := c.condition(e); cond != nil {
			b.e = e
			c.root[e] = b.node(cond, -1, 1)
		}
	}
	// Sort entries by id: gives duplicate detection, reference resolution
	// and the output order in one O(n log n) step (see ids.go).
	c.sortIDs(v, b.refs)
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	c.total = sum
	c.index()
	return c, nil
}

type condBuilder struct {
	c     *compiled
	v     *validator
	e     int32
	stack []int    // of[] indices on the way to the current node
	refs  []refReq // pledger_active nodes, resolved in bulk afterwards
}

// condition returns the condition of entry e (nil for none).
func (c *compiled) condition(e int32) *Condition {
	switch {
	case int(e) < c.nPledges:
		return c.in.Pledges[e].Condition
	case int(e) < c.nPledges+c.nMatch:
		return c.in.Matching[int(e)-c.nPledges].Condition
	default:
		return c.extra.Condition
	}
}

// countNodes adds the number of nodes compile creates for cond, and the
// number of pledger_active nodes among them, to *nodes and *refs.
func countNodes(cond *Condition, depth int, nodes, refs *int) {
	if cond == nil {
		return
	}
	*nodes++
	if cond.Type == PledgerActive {
		*refs++
	}
	if depth <= maxConditionDepth {
		for i := range cond.Of {
			countNodes(&cond.Of[i], depth+1, nodes, refs)
		}
	}
}

func (b *condBuilder) field(name string) string {
	var sb strings.Builder
	sb.WriteString(b.c.path(b.e))
	sb.WriteString(".condition")
	for _, k := range b.stack {
		sb.WriteString(".of[")
		sb.WriteString(strconv.Itoa(k))
		sb.WriteString("]")
	}
	if name != "" {
		sb.WriteString(".")
		sb.WriteString(name)
	}
	return sb.String()
}

func (b *condBuilder) node(cond *Condition, parent int32, depth int) int32 {
	c := b.c
	id := int32(len(c.nk))
	push := func(k nodeKind, val int64) {
		c.nk = append(c.nk, k)
		c.npar = append(c.npar, parent)
		c.nown = append(c.nown, b.e)
		c.nval = append(c.nval, val)
		c.nkids = append(c.nkids, 0)
	}
	notAllowed := func(name string, present bool) {
		if present {
			b.v.add(b.field(name), "field not allowed for condition type "+strconv.Quote(string(cond.Type)))
		}
	}
	switch cond.Type {
	case OthersTotalAtLeast, OthersCountAtLeast:
		if cond.Value < 0 {
			b.v.add(b.field("value"), "must not be negative")
		}
		notAllowed("id", cond.ID != "")
		notAllowed("of", len(cond.Of) > 0)
		k := nodeTotal
		if cond.Type == OthersCountAtLeast {
			k = nodeCount
		}
		push(k, cond.Value)
	case PledgerActive:
		notAllowed("value", cond.Value != 0)
		notAllowed("of", len(cond.Of) > 0)
		if cond.ID == "" {
			b.v.add(b.field("id"), "required field is missing")
		} else {
			b.refs = append(b.refs, refReq{id: cond.ID, node: id})
		}
		push(nodeActive, -1)
	case AllOf, AnyOf:
		notAllowed("value", cond.Value != 0)
		notAllowed("id", cond.ID != "")
		if len(cond.Of) == 0 {
			b.v.add(b.field("of"), "must list at least one condition")
		}
		if depth > maxConditionDepth {
			b.v.add(b.field(""), "conditions are nested too deeply (at most 32 levels)")
			push(nodeAll, 0)
			return id
		}
		k := nodeAll
		if cond.Type == AnyOf {
			k = nodeAny
		}
		push(k, 0)
		c.nkids[id] = int32(len(cond.Of))
		for i := range cond.Of {
			b.stack = append(b.stack, i)
			b.node(&cond.Of[i], id, depth+1)
			b.stack = b.stack[:len(b.stack)-1]
		}
	default:
		b.v.add(b.field("type"), ConditionTypeProblem(string(cond.Type)))
		push(nodeAll, 0)
	}
	return id
}

// index builds the reverse edges of pledger_active and the sorted threshold
// lists used by the resolver.
func (c *compiled) index() {
	c.refStart = make([]int32, c.n+1)
	for i, k := range c.nk {
		if k == nodeActive {
			c.refStart[c.nval[i]+1]++
		}
	}
	for e := 0; e < c.n; e++ {
		c.refStart[e+1] += c.refStart[e]
	}
	c.refNode = make([]int32, c.refStart[c.n])
	fill := slices.Clone(c.refStart[:c.n])
	for i, k := range c.nk {
		if k == nodeActive {
			t := c.nval[i]
			c.refNode[fill[t]] = int32(i)
			fill[t]++
		}
	}
	for i, k := range c.nk {
		if k != nodeTotal && k != nodeCount {
			continue
		}
		e := c.nown[i]
		if c.dynamicOwn(e) {
			if k == nodeTotal {
				c.totDyn = append(c.totDyn, int32(i))
			} else {
				c.cntDyn = append(c.cntDyn, int32(i))
			}
			continue
		}
		// Static owners: fixed pledges (own = amount, counted once) and
		// matching offers when they do not count as others (own = 0).
		var own, ownCount uint64
		if c.kind[e] == kindFixed {
			own, ownCount = uint64(c.amt[e]), 1
		}
		if k == nodeTotal {
			c.totStatic = append(c.totStatic, keyNode{key: uint64(c.nval[i]) + own, node: int32(i)})
		} else {
			c.cntStatic = append(c.cntStatic, keyNode{key: uint64(c.nval[i]) + ownCount, node: int32(i)})
		}
	}
	sortKeysDesc(c.totStatic)
	sortKeysDesc(c.cntStatic)
}
