// Package budget allocates a participatory-budgeting pool among initiatives.
//
// It is a pure package: no storage, HTTP or printing. It reads and writes the
// pabulib ".pb" format (ParsePB, WritePB) and computes outcomes with the
// Method of Equal Shares (MES) or the utilitarian greedy rule (Allocate).
//
// All money is exact: costs and budgets are *big.Rat values parsed from
// decimal text, and MES works on exact rationals, so outcomes never depend on
// floating-point rounding. See FORMAT.md for the supported file format, the
// rule definitions, the tie-breaking order and the completion methods.
package budget
