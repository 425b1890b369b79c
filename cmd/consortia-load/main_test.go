package main

import (
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	r := &result{}
	for i := 1; i <= 100; i++ {
		r.latencies = append(r.latencies, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.9, 90 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}} {
		if got := r.Quantile(c.q); got != c.want {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if got := (&result{}).Quantile(0.5); got != 0 {
		t.Errorf("Quantile of nothing = %v", got)
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://127.0.0.2"} {
		if err := checkLoopback(u); err != nil {
			t.Errorf("checkLoopback(%q) = %v", u, err)
		}
	}
	for _, u := range []string{"http://example.org", "http://10.0.0.1:80", "ftp://127.0.0.1", "127.0.0.1:8080", ""} {
		if err := checkLoopback(u); err == nil {
			t.Errorf("checkLoopback(%q) accepted", u)
		}
	}
}

func TestCPUShares(t *testing.T) {
	a := cpuSample{total: 1000, idle: 500, self: 100, db: 50, ok: true}
	// 200 ticks pass: 40 idle, so 160 busy: 100 ours, 20 PostgreSQL, 40 others.
	b := cpuSample{total: 1200, idle: 540, self: 200, db: 70, ok: true}
	db, others := cpuShares(a, b)
	if db != 10 || others != 20 {
		t.Errorf("cpuShares = %v, %v; want 10, 20", db, others)
	}
	if db, others := cpuShares(a, cpuSample{}); db != -1 || others != -1 {
		t.Errorf("unknown sample gave %v, %v", db, others)
	}
}
