package pledge

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Identifier handling for large inputs. Comparing strings through pointers is
// what makes naive sorting and binary searching of a million ids slow (every
// comparison is a cache miss). Instead ids are radix-sorted by 16-byte
// big-endian chunks stored inline next to them (see keyedSort), and
// pledger_active references are sorted in the same pass instead of being
// looked up one by one.

// idItem is an entry (node >= 0) or a pledger_active reference (node < 0)
// together with 16 bytes of its id, as two big-endian integers, and the
// id's length.
type idItem struct {
	hi, lo uint64
	node   int32
	n      int32
}

// keyedSort sorts items in strings.Compare order of their ids, stably, and
// sets same[k] when item k has the same id as item k-1. It radix-sorts by
// the 16 bytes of the id at off (read once per item, sequentially) and
// recurses into runs that agree on them with the next 16 bytes, so ids are
// only touched to extract chunks and most comparisons are on inline
// integers. Equal ids end up in one final run in which all chunks agree;
// ids of different length can only agree there if one has trailing zero
// bytes, and ordering such a run by length matches strings.Compare.
func keyedSort(items []idItem, same []bool, off int, str func(int32) string) {
	for i := range items {
		s := str(items[i].node)
		items[i].hi, items[i].lo = idKey(s, off), idKey(s, off+8)
	}
	radixSortIDs(items)
	for i := 0; i < len(items); {
		j := i + 1
		for j < len(items) && items[j].hi == items[i].hi && items[j].lo == items[i].lo {
			j++
		}
		if j-i > 1 {
			run, rs := items[i:j], same[i:j]
			longer := false
			for _, it := range run {
				if int(it.n) > off+16 {
					longer = true
					break
				}
			}
			if longer {
				keyedSort(run, rs, off+16, str)
			} else {
				slices.SortStableFunc(run, func(a, b idItem) int { return cmp.Compare(a.n, b.n) })
				for k := 1; k < len(run); k++ {
					rs[k] = run[k].n == run[k-1].n
				}
			}
		}
		i = j
	}
}

// radixSortIDs sorts by (hi, lo), stably: LSD radix sort on 16-bit digits,
// skipping digit positions where all keys agree.
func radixSortIDs(a []idItem) {
	if len(a) < 512 {
		slices.SortStableFunc(a, func(x, y idItem) int {
			return cmp.Or(cmp.Compare(x.hi, y.hi), cmp.Compare(x.lo, y.lo))
		})
		return
	}
	var orHi, andHi, orLo, andLo uint64 = 0, ^uint64(0), 0, ^uint64(0)
	for _, x := range a {
		orHi |= x.hi
		andHi &= x.hi
		orLo |= x.lo
		andLo &= x.lo
	}
	buf := make([]idItem, len(a))
	count := make([]int, 1<<16)
	src, dst := a, buf
	for _, useHi := range []bool{false, true} {
		varying := orLo ^ andLo
		if useHi {
			varying = orHi ^ andHi
		}
		for shift := uint(0); shift < 64; shift += 16 {
			if (varying>>shift)&0xffff == 0 {
				continue
			}
			clear(count)
			for i := range src {
				k := src[i].lo
				if useHi {
					k = src[i].hi
				}
				count[(k>>shift)&0xffff]++
			}
			sum := 0
			for i, c := range count {
				count[i] = sum
				sum += c
			}
			for i := range src {
				k := src[i].lo
				if useHi {
					k = src[i].hi
				}
				d := (k >> shift) & 0xffff
				dst[count[d]] = src[i]
				count[d]++
			}
			src, dst = dst, src
		}
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}

// sortIDs fills c.order (entries by id), reports duplicate ids and resolves
// every pledger_active reference to its target entry. Entries and references
// are sorted together (entries first among equal ids), so each reference
// lands right after the entry it names; no per-reference search is needed.
func (c *compiled) sortIDs(v *validator, refs []refReq) {
	// node >= 0 is an entry, node < 0 the reference refs[-node-1].
	items := make([]idItem, 0, c.n+len(refs))
	for e, id := range c.ids {
		items = append(items, idItem{node: int32(e), n: int32(len(id))})
	}
	for i, r := range refs {
		if len(r.id) > maxIDLen {
			v.add(c.nodeField(r.node, "id"), fmt.Sprintf("unknown pledger %q", r.id))
			continue
		}
		items = append(items, idItem{node: int32(-i - 1), n: int32(len(r.id))})
	}
	str := func(x int32) string {
		if x >= 0 {
			return c.ids[x]
		}
		return refs[-x-1].id
	}
	same := make([]bool, len(items))
	keyedSort(items, same, 0, str)
	c.order = make([]int32, 0, c.n)
	target := int32(-1) // entry whose id the current run of equal ids has
	for k, it := range items {
		if !same[k] {
			target = -1
		}
		if it.node >= 0 {
			c.order = append(c.order, it.node)
			if target < 0 {
				target = it.node
			} else if id := c.ids[it.node]; id != "" {
				v.add(c.path(it.node)+".id", fmt.Sprintf("duplicate id %q (already used by %s)", id, c.path(target)))
			}
			continue
		}
		r := refs[-it.node-1]
		owner := c.nown[r.node]
		switch {
		case target < 0 || (target == c.extraIdx && owner != c.extraIdx):
			// The what-if pledge is not part of the input: nothing in the
			// input may refer to it.
			v.add(c.nodeField(r.node, "id"), fmt.Sprintf("unknown pledger %q", r.id))
		case target == owner:
			v.add(c.nodeField(r.node, "id"), "a pledge cannot be conditional on itself")
		default:
			c.nval[r.node] = int64(target)
		}
	}
}

type refReq struct {
	id   string
	node int32
}

// lookup returns the entry with the given id (binary search; used for the
// occasional single lookup, not in bulk).
func (c *compiled) lookup(id string) (int32, bool) {
	k, ok := slices.BinarySearchFunc(c.order, id, func(e int32, t string) int {
		return strings.Compare(c.ids[e], t)
	})
	if !ok {
		return -1, false
	}
	return c.order[k], true
}

// nodeField reconstructs the JSON path of a condition node (error path only).
func (c *compiled) nodeField(node int32, name string) string {
	var idx []int
	for n := node; c.npar[n] >= 0; n = c.npar[n] {
		p := c.npar[n]
		k := 0
		for _, ch := range c.children(p) {
			if ch == n {
				break
			}
			k++
		}
		idx = append(idx, k)
	}
	var sb strings.Builder
	sb.WriteString(c.path(c.nown[node]))
	sb.WriteString(".condition")
	for i := len(idx) - 1; i >= 0; i-- {
		fmt.Fprintf(&sb, ".of[%d]", idx[i])
	}
	if name != "" {
		sb.WriteString(".")
		sb.WriteString(name)
	}
	return sb.String()
}

// idKey returns the 8 bytes of s starting at off as a big-endian integer,
// padded with zero bytes.
func idKey(s string, off int) uint64 {
	var k uint64
	for i := off; i < off+8; i++ {
		k <<= 8
		if i < len(s) {
			k |= uint64(s[i])
		}
	}
	return k
}
