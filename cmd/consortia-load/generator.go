package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime/pprof"
	"slices"
	"sync"
	"time"
)

// newClient returns an HTTP/1.1 keep-alive client that holds up to conns
// connections to one host, without transparent gzip (so the bytes on the
// wire are the bytes measured).
func newClient(conns int) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is an answer, not something to follow
		},
	}
}

// load is one closed-loop run: conns workers each send a request, wait for
// the whole answer, and send the next, for warmup+d.
type load struct {
	URL      string
	Header   http.Header // credentials of an authenticated target
	Conns    int
	Warmup   time.Duration
	Duration time.Duration
}

// result sums up the requests that started after the warmup.
type result struct {
	Requests  int
	Errors    int
	FirstErr  string
	Bytes     int64
	Elapsed   time.Duration
	latencies []time.Duration // sorted
}

// RPS is the successful requests per second.
func (r *result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of the successful requests'
// latencies, by the nearest-rank method.
func (r *result) Quantile(q float64) time.Duration {
	n := len(r.latencies)
	if n == 0 {
		return 0
	}
	i := int(q*float64(n)+0.999999) - 1
	return r.latencies[min(max(i, 0), n-1)]
}

// worker is one connection's tally, merged at the end.
type worker struct {
	lat      []time.Duration
	errors   int
	firstErr string
	bytes    int64
	last     time.Time
}

// run drives the load and returns the tally. It stops early when ctx ends.
func (l load) run(ctx context.Context) (*result, error) {
	client := newClient(l.Conns)
	defer client.CloseIdleConnections()

	start := time.Now()
	measureFrom := start.Add(l.Warmup)
	end := measureFrom.Add(l.Duration)
	workers := make([]worker, l.Conns)
	var wg sync.WaitGroup
	for i := range workers {
		w := &workers[i]
		w.lat = make([]time.Duration, 0, 1<<14)
		wg.Go(func() {
			// Label the client's goroutines (and the transport's, which
			// inherit the label) so a CPU profile can tell them apart.
			pprof.Do(ctx, pprof.Labels("side", "client"), func(ctx context.Context) {
				l.worker(ctx, client, w, measureFrom, end)
			})
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	res := &result{}
	var last time.Time
	for i := range workers {
		w := &workers[i]
		res.latencies = append(res.latencies, w.lat...)
		res.Errors += w.errors
		res.Bytes += w.bytes
		if res.FirstErr == "" {
			res.FirstErr = w.firstErr
		}
		if w.last.After(last) {
			last = w.last
		}
	}
	slices.Sort(res.latencies)
	res.Requests = len(res.latencies)
	res.Elapsed = max(last.Sub(measureFrom), l.Duration)
	return res, nil
}

func (l load) worker(ctx context.Context, client *http.Client, w *worker, measureFrom, end time.Time) {
	for ctx.Err() == nil {
		t0 := time.Now()
		if !t0.Before(end) {
			return
		}
		n, err := get(ctx, client, l.URL, l.Header)
		t1 := time.Now()
		if t0.Before(measureFrom) {
			continue // warming up: connections, caches, the pool
		}
		w.last = t1
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			w.errors++
			if w.firstErr == "" {
				w.firstErr = err.Error()
			}
			continue
		}
		w.lat = append(w.lat, t1.Sub(t0))
		w.bytes += n
	}
}

// get fetches url, reads the whole body and fails on anything but 2xx.
func get(ctx context.Context, client *http.Client, url string, header http.Header) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return n, err
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return n, fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return n, nil
}
