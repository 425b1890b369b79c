// Package pledge resolves conditional pledges towards one funding goal:
// "we commit X if others invest 3X".
//
// A goal collects three kinds of entries, each identified by a unique id:
// fixed pledges (an amount), crowdmatching pledges ("r per unit the others
// give, up to a maximum") and matching offers ("we match ratio:1 what is
// pledged, up to a cap"). Each entry may carry a monotone condition on the
// others (money, number of pledgers, specific pledgers being active, and
// all/any combinations).
//
// Resolve computes the largest self-consistent set of entries (the greatest
// fixed point: mutual conditions such as "A if B" and "B if A" both
// activate) together with exact amounts for the rule-based entries (the
// greatest fixed point of a monotone piecewise-linear system, solved exactly
// with math/big.Rat), floors every amount to integer minor units and applies
// all-or-nothing goals. WhatIf answers "if you pledge X, Y more becomes
// active"; ClosestToUnlocking tells a dashboard how far each inactive pledge
// is from activating. ParseInput reads the JSON format used by the CLI
// ("consortia pledges resolve FILE.json") and the web application; every
// problem is reported as a FieldError with a JSON path and a position.
//
// The package is pure: no storage, network or output. Money is int64 minor
// units with an ISO 4217 currency; floating point is never used, and all
// arithmetic is overflow-checked.
//
// FORMAT.md documents the formats and the exact semantics (what "others"
// means, rounding, match_counts_as_others, why there is no "not");
// BENCHMARKS.md records performance.
package pledge
