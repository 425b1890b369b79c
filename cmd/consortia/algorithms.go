package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"consortia/internal/budget"
	"consortia/internal/matching"
	"consortia/internal/pledge"
	"consortia/internal/tally"
)

// The offline commands reuse exactly the code the web application runs, so
// anyone can reproduce a published result from exported files.

type tallyCmd struct {
	Method   string `name:"method" help:"Counting method: schulze (default for ranked ballots), ranked-pairs, borda, approval, score, dot."`
	Strength string `name:"strength" help:"Schulze and ranked pairs: how to measure a head-to-head win (default winning votes)."`
	Unranked string `name:"unranked" help:"Ranked ballots: unranked candidates are tied last (default) or ignored."`
	File     string `arg:"" name:"FILE" help:"PrefLib ordinal file (.soc, .soi, .toc, .toi) or the JSON ballot export (.json); - for standard input as JSON."`
}

func (c *tallyCmd) Run(e *env) error {
	for _, err := range []error{choice("tally", "method", c.Method, "schulze", "ranked-pairs", "borda", "approval", "score", "dot"),
		choice("tally", "strength", c.Strength, "winning", "margin", "ratio"),
		choice("tally", "unranked", c.Unranked, "tied-last", "ignore")} {
		if err != nil {
			return err
		}
	}
	r, name, closeFn, err := openInput(e, c.File, ".json")
	if err != nil {
		return err
	}
	defer closeFn()
	election, err := tally.ParseFile(name, r)
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	res, err := tally.Tally(election, tally.Options{Method: tally.Method(c.Method), Strength: tally.LinkStrength(c.Strength), Unranked: tally.Unranked(c.Unranked)})
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	return tally.WriteResultJSON(e.stdout, res)
}

type budgetCmd struct {
	Rule       string `name:"rule" enum:"mes,greedy" default:"mes" help:"Allocation rule: mes (Method of Equal Shares) or greedy (by votes)."`
	Utility    string `name:"utility" help:"MES utilities: cost (default for approval ballots) or cardinality."`
	Completion string `name:"completion" enum:"none,add1,greedy,add1-greedy" default:"none" help:"What to do with budget MES leaves unspent: none, add1 (raise each voter's budget by one unit until it would overspend), greedy, or add1 then greedy."`
	Stepwise   bool   `name:"add1-stepwise" help:"Run add1 one step at a time as the rule is defined, instead of the faster galloping search (they differ only where MES is not monotone in the voter budget; see internal/budget/FORMAT.md)."`
	File       string `arg:"" name:"FILE" help:"A pabulib .pb file; - for standard input."`
}

func (c *budgetCmd) Run(e *env) error {
	if err := choice("budget", "utility", c.Utility, "cost", "cardinality"); err != nil {
		return err
	}
	r, _, closeFn, err := openInput(e, c.File, ".pb")
	if err != nil {
		return err
	}
	defer closeFn()
	inst, err := budget.ParsePB(r)
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	res, err := budget.Allocate(inst, budget.Options{Rule: budget.Rule(c.Rule), Utility: budget.Utility(c.Utility),
		Completion: budget.Completion(c.Completion), Add1Stepwise: c.Stepwise})
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	return writeJSON(e.stdout, res)
}

// openInput opens a file argument, "-" meaning standard input (named with
// the given extension so format detection works).
func openInput(e *env, path, stdinExt string) (io.Reader, string, func(), error) {
	if path == "-" {
		return e.stdin, "stdin" + stdinExt, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, "", nil, fmt.Errorf("%s is a directory: name a file in it", path)
	}
	return f, path, func() { f.Close() }, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type pledgesCmd struct {
	Resolve pledgesResolveCmd `cmd:"" help:"Resolve conditional and matching pledges exactly and print which take effect, as JSON."`
}

type pledgesResolveCmd struct {
	File string `arg:"" name:"FILE" help:"The pledges JSON file (see the documentation of the format); - for standard input."`
}

func (c *pledgesResolveCmd) Run(e *env) error {
	r, _, closeFn, err := openInput(e, c.File, ".json")
	if err != nil {
		return err
	}
	defer closeFn()
	in, err := pledge.ParseInput(r)
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	res, err := pledge.Resolve(in)
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	return writeJSON(e.stdout, res)
}

type matchCmd struct {
	Rule string `name:"rule" enum:"qf" default:"qf" help:"Matching rule: qf (capital-constrained quadratic funding)."`
	File string `arg:"" name:"FILE" help:"The contributions JSON file; - for standard input."`
}

func (c *matchCmd) Run(e *env) error {
	r, _, closeFn, err := openInput(e, c.File, ".json")
	if err != nil {
		return err
	}
	defer closeFn()
	in, err := matching.ParseInput(r)
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	res, err := matching.QuadraticFunding(in)
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	return writeJSON(e.stdout, res)
}
