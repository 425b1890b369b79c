// Package matching distributes a matching pool over projects by quadratic
// funding (capital-constrained, with an optional per-project cap, as
// popularised by Gitcoin's CLR).
//
// ParseInput reads the JSON round format used by the CLI ("consortia match
// --rule qf FILE.json") and the web application, reporting every problem as
// a FieldError with a JSON path and a position; QuadraticFunding computes
// the matches. Amounts are integer minor units in and out; square roots are
// taken with 512-bit big.Float and every match is floored, the remainder
// staying in the pool. FORMAT.md documents the format and the semantics.
//
// The package is pure: no storage, network or output.
package matching
