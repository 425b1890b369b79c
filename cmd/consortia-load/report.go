package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets of the issue: the API list at ≥ 50% of its ceiling, with a
// p99 under 25 ms at 32 connections.
const (
	targetRatio = 0.5
	targetP99   = 25 * time.Millisecond
	targetConns = 32
	// Authenticated: the API list with a bearer token at ≥ 35% of the
	// API's ceiling and p99 under 15 ms; the signed-in page at most 2×
	// slower than the anonymous page past the micro-cache.
	targetAuthRatio   = 0.35
	targetAuthP99     = 15 * time.Millisecond
	targetSignedInMax = 2.0
	// busyLimit is the share of CPU other processes may use before a run
	// without a warning.
	busyLimit = 10
)

type report struct {
	Database    string        `json:"database"`
	Communities int           `json:"communities"`
	Conns       int           `json:"connections"`
	Duration    string        `json:"duration"`
	Warmup      string        `json:"warmup"`
	Machine     machineInfo   `json:"machine"`
	Results     []measurement `json:"results"`
	// APIRatio is the API's requests/s over its ceiling's.
	APIRatio  float64 `json:"api_ratio"`
	PageRatio float64 `json:"page_ratio"`
	// TokenAPIRatio is the API with a bearer token over the API's ceiling.
	TokenAPIRatio float64 `json:"token_api_ratio,omitempty"`
	// SignedInSlowdown is the anonymous uncached page's requests/s over the
	// signed-in page's.
	SignedInSlowdown float64 `json:"signed_in_slowdown,omitempty"`
	Targets          targets `json:"targets"`
}

type measurement struct {
	Target    string  `json:"target"`
	Path      string  `json:"path"`
	Variant   string  `json:"variant,omitempty"`
	Ceiling   bool    `json:"ceiling"`
	BodyBytes int     `json:"body_bytes"`
	Requests  int     `json:"requests"`
	RPS       float64 `json:"requests_per_second"`
	P50ms     float64 `json:"p50_ms"`
	P90ms     float64 `json:"p90_ms"`
	P99ms     float64 `json:"p99_ms"`
	MaxMs     float64 `json:"max_ms"`
	Errors    int     `json:"errors"`
	// DBCPU is the share of all CPUs the local PostgreSQL server used.
	DBCPU float64 `json:"db_cpu_pct"`
	// OthersCPU is the share of all CPUs that other processes used during
	// the run (with -url, that includes the server).
	OthersCPU  float64 `json:"others_cpu_pct"`
	FirstError string  `json:"first_error,omitempty"`
}

type targets struct {
	RatioMet bool `json:"api_ratio_met"`
	// P99Met is only judged at 32 connections; nil otherwise.
	P99Met *bool `json:"api_p99_met"`
	// The authenticated targets, nil when not measured (with -url).
	TokenRatioMet *bool `json:"token_api_ratio_met,omitempty"`
	TokenP99Met   *bool `json:"token_api_p99_met,omitempty"`
	SignedInMet   *bool `json:"signed_in_page_met,omitempty"`
	Met           bool  `json:"met"`
}

type machineInfo struct {
	CPU        string `json:"cpu"`
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Go         string `json:"go"`
	OS         string `json:"os"`
	// BusyBefore is the share of all CPUs other processes used in the
	// second before the run (-1 when unknown): anything well above 0 makes
	// the figures unreliable.
	BusyBefore float64 `json:"busy_before_pct"`
}

func machine() machineInfo {
	return machineInfo{CPU: cpuModel(), NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
}

// cpuSample is a reading of the CPU time counters, in clock ticks.
type cpuSample struct {
	total, idle, self, db uint64
	ok                    bool
}

// sampleCPU reads all CPUs' time from /proc/stat, this process's from
// /proc/self/stat and the local PostgreSQL server's (processes named
// postgres) from /proc/PID/stat (Linux; ok is false elsewhere).
func sampleCPU() (s cpuSample) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return s
	}
	for i, v := range f[1:] {
		n, _ := strconv.ParseUint(v, 10, 64)
		s.total += n
		if i == 3 || i == 4 { // idle, iowait
			s.idle += n
		}
	}
	var ok bool
	if s.self, _, ok = procTicks("/proc/self/stat"); !ok {
		return s
	}
	pids, _ := os.ReadDir("/proc")
	for _, p := range pids {
		if p.Name()[0] < '1' || p.Name()[0] > '9' {
			continue
		}
		if t, comm, ok := procTicks("/proc/" + p.Name() + "/stat"); ok && comm == "postgres" {
			s.db += t
		}
	}
	s.ok = true
	return s
}

// procTicks returns a process's user+system clock ticks and its name.
func procTicks(path string) (ticks uint64, comm string, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, "", false
	}
	before, after, _ := strings.Cut(string(b), ") ") // the name may hold spaces
	_, comm, _ = strings.Cut(before, " (")
	f := strings.Fields(after)
	if len(f) < 13 {
		return 0, "", false
	}
	utime, _ := strconv.ParseUint(f[11], 10, 64)
	stime, _ := strconv.ParseUint(f[12], 10, 64)
	return utime + stime, comm, true
}

// cpuShares returns the shares of all CPUs, in percent, that the local
// PostgreSQL server and all other processes (but this one) used between
// two samples; -1 if unknown.
func cpuShares(a, b cpuSample) (db, others float64) {
	if !a.ok || !b.ok || b.total <= a.total {
		return -1, -1
	}
	total := float64(b.total - a.total)
	busy := total - float64(b.idle-a.idle)
	dbTicks := float64(b.db) - float64(a.db) // backends may exit in between
	db = max(0, 100*dbTicks/total)
	others = max(0, 100*(busy-float64(b.self-a.self)-max(0, dbTicks))/total)
	return db, others
}

// busy measures the share of CPUs other processes use over d.
func busy(ctx context.Context, d time.Duration) float64 {
	a := sampleCPU()
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
	_, others := cpuShares(a, sampleCPU())
	return others
}

// cpuModel reads the processor's name on Linux; "" elsewhere.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (r *report) add(t target, res *result, db, others float64) {
	bodyBytes := 0
	if res.Requests > 0 {
		bodyBytes = int(res.Bytes / int64(res.Requests))
	}
	r.Results = append(r.Results, measurement{
		Target: t.name, Path: t.path, Variant: t.variant, Ceiling: strings.HasPrefix(t.name, "ceiling"), BodyBytes: bodyBytes,
		Requests: res.Requests, RPS: res.RPS(),
		P50ms: ms(res.Quantile(0.50)), P90ms: ms(res.Quantile(0.90)), P99ms: ms(res.Quantile(0.99)), MaxMs: ms(res.Quantile(1)),
		Errors: res.Errors, FirstError: res.FirstErr, DBCPU: db, OthersCPU: others,
	})
}

// find returns the anonymous measurement of a path, of the app or of its
// ceiling.
func (r *report) find(path string, ceiling bool) *measurement {
	for i := range r.Results {
		if m := &r.Results[i]; m.Path == path && m.Ceiling == ceiling && m.Variant == "" {
			return m
		}
	}
	return nil
}

// findVariant returns the app's measurement of a path in a variant.
func (r *report) findVariant(path, variant string) *measurement {
	for i := range r.Results {
		if m := &r.Results[i]; m.Path == path && !m.Ceiling && m.Variant == variant {
			return m
		}
	}
	return nil
}

func ratio(m, ceiling *measurement) float64 {
	if m == nil || ceiling == nil || ceiling.RPS == 0 {
		return 0
	}
	return m.RPS / ceiling.RPS
}

// judge computes the ratios and checks the targets.
func (r *report) judge() {
	api := r.find(apiPath, false)
	r.APIRatio = ratio(api, r.find(apiPath, true))
	r.PageRatio = ratio(r.find(pagePath, false), r.find(pagePath, true))
	r.Targets.RatioMet = r.APIRatio >= targetRatio
	r.Targets.Met = r.Targets.RatioMet
	if r.Conns == targetConns && api != nil {
		met := api.P99ms < ms(targetP99)
		r.Targets.P99Met = &met
		r.Targets.Met = r.Targets.Met && met
	} else {
		r.Targets.Met = false
	}
	r.judgeAuthenticated()
}

// judgeAuthenticated checks the targets of the token and signed-in
// measurements, when there are some.
func (r *report) judgeAuthenticated() {
	judged := func(ok bool) *bool {
		r.Targets.Met = r.Targets.Met && ok
		return &ok
	}
	if tok := r.findVariant(apiPath, variantToken); tok != nil {
		r.TokenAPIRatio = ratio(tok, r.find(apiPath, true))
		r.Targets.TokenRatioMet = judged(r.TokenAPIRatio >= targetAuthRatio)
		if r.Conns == targetConns {
			r.Targets.TokenP99Met = judged(tok.P99ms < ms(targetAuthP99))
		}
	}
	signed, anon := r.findVariant(pagePath, variantSession), r.findVariant(pagePath, variantUncached)
	if signed != nil && anon != nil && signed.RPS > 0 {
		r.SignedInSlowdown = anon.RPS / signed.RPS
		r.Targets.SignedInMet = judged(r.SignedInSlowdown <= targetSignedInMax)
	}
}

func (r *report) errors() int {
	n := 0
	for _, m := range r.Results {
		n += m.Errors
	}
	return n
}

func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func busyWarning(pct float64) string {
	if pct > busyLimit {
		return " (too busy: these figures understate the server)"
	}
	return ""
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

func (r *report) writeTable(w io.Writer) error {
	fmt.Fprintf(w, "database %s, %d communities, %d connections, %s per target after %s warmup\n",
		r.Database, r.Communities, r.Conns, r.Duration, r.Warmup)
	fmt.Fprintf(w, "machine: %s, %d CPUs (GOMAXPROCS %d), %s; client and servers share these CPUs\n",
		r.Machine.CPU, r.Machine.NumCPU, r.Machine.GOMAXPROCS, r.Machine.Go)
	if r.Machine.BusyBefore >= 0 {
		fmt.Fprintf(w, "CPUs busy with other processes just before the run: %.0f%%%s\n", r.Machine.BusyBefore, busyWarning(r.Machine.BusyBefore))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	width := len("target")
	for _, m := range r.Results {
		width = max(width, len(m.Target))
	}
	fmt.Fprintf(tw, "%-*s\tbody\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\tdb CPU\tothers' CPU\t\n", width, "target")
	for _, m := range r.Results {
		fmt.Fprintf(tw, "%-*s\t%.1f kB\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%.0f%%\t%.0f%%\t\n",
			width, m.Target, float64(m.BodyBytes)/1000, m.RPS, m.P50ms, m.P90ms, m.P99ms, m.MaxMs, m.Errors, m.DBCPU, m.OthersCPU)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, m := range r.Results {
		if m.OthersCPU > busyLimit {
			fmt.Fprintf(w, "warning: other processes used %.0f%% of the CPUs during %s; its figures are unreliable\n", m.OthersCPU, m.Target)
		}
		if m.FirstError != "" {
			fmt.Fprintf(w, "first error of %s: %s\n", m.Target, m.FirstError)
		}
	}
	fmt.Fprintf(w, "\n%s / ceiling: %.1f%%   (%s / ceiling: %.1f%%)\n", apiPath, 100*r.APIRatio, pagePath, 100*r.PageRatio)
	fmt.Fprintf(w, "target: API ≥ %.0f%% of ceiling: %s\n", 100*targetRatio, verdict(r.Targets.RatioMet))
	if r.Targets.P99Met != nil {
		fmt.Fprintf(w, "target: API p99 < %s at %d connections: %s (%.2f ms)\n", targetP99, targetConns,
			verdict(*r.Targets.P99Met), r.find(apiPath, false).P99ms)
	} else {
		fmt.Fprintf(w, "target: API p99 < %s at %d connections: not judged (run with -c %d)\n", targetP99, targetConns, targetConns)
	}
	if t := r.Targets; t.TokenRatioMet != nil {
		fmt.Fprintf(w, "target: API with a token ≥ %.0f%% of ceiling: %s (%.0f%%)\n", 100*targetAuthRatio, verdict(*t.TokenRatioMet), 100*r.TokenAPIRatio)
		if t.TokenP99Met != nil {
			fmt.Fprintf(w, "target: API with a token p99 < %s at %d connections: %s (%.2f ms)\n", targetAuthP99, targetConns,
				verdict(*t.TokenP99Met), r.findVariant(apiPath, variantToken).P99ms)
		}
	}
	if t := r.Targets; t.SignedInMet != nil {
		fmt.Fprintf(w, "target: signed-in %s within %.0f× of the anonymous uncached page: %s (%.2f×)\n", pagePath, targetSignedInMax,
			verdict(*t.SignedInMet), r.SignedInSlowdown)
	}
	_, err := fmt.Fprintf(w, "all targets: %s\n", verdict(r.Targets.Met))
	return err
}
