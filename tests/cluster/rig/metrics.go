package main

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"
)

// The histogram's upper bounds in seconds, Prometheus's client defaults (the contract of issue 23).
var durationBuckets = [...]float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type requestKey struct {
	method string
	status int
}

// podCounters are one pod's metrics: about three hundred bytes, made only for a pod that was asked
// something (a request or a scrape), so thousands of pods that nobody asks cost nothing.
type podCounters struct {
	mu       sync.Mutex
	requests map[requestKey]uint64
	buckets  [len(durationBuckets)]uint64 // per bucket, not cumulative; summed when written
	count    uint64
	sum      float64
	injected uint64 // the any-path requests so far, which space the injected failures evenly
}

func newPodCounters() *podCounters {
	// 200 and 500 exist from the first scrape, at zero, so a ratio of the two has data (0) before
	// the first failure rather than none, and rate() sees the first failure as an increase.
	return &podCounters{requests: map[requestKey]uint64{{"GET", 200}: 0, {"GET", 500}: 0}}
}

// observe counts one answered request.
func (c *podCounters) observe(method string, status int, took time.Duration) {
	seconds := took.Seconds()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests[requestKey{method, status}]++
	c.count++
	c.sum += seconds
	for i, le := range durationBuckets {
		if seconds <= le {
			c.buckets[i]++
			break
		}
	}
}

// failNext says whether the next any-path request fails, for a ratio in parts per million: the
// n-th fails when n × ratio passes a whole number, so at 0.2 exactly every fifth does. Integers
// keep it exact (0.2 is no binary fraction).
func (c *podCounters) failNext(ppm uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.injected++
	n := c.injected
	return n*ppm/1000000 > (n-1)*ppm/1000000
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// write serves the counters in the Prometheus text format (version 0.0.4).
func (c *podCounters) write(w io.Writer) {
	c.mu.Lock()
	keys := make([]requestKey, 0, len(c.requests))
	for k := range c.requests {
		keys = append(keys, k)
	}
	requests := make(map[requestKey]uint64, len(c.requests))
	for k, v := range c.requests {
		requests[k] = v
	}
	buckets, count, sum := c.buckets, c.count, c.sum
	c.mu.Unlock()
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].method != keys[j].method {
			return keys[i].method < keys[j].method
		}
		return keys[i].status < keys[j].status
	})
	b := bufio.NewWriter(w)
	defer b.Flush()
	fmt.Fprint(b, "# HELP http_requests_total Requests answered, by method and status.\n"+
		"# TYPE http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(b, "http_requests_total{method=%q,status=\"%d\"} %d\n", k.method, k.status, requests[k])
	}
	fmt.Fprint(b, "# HELP http_request_duration_seconds Time to answer a request, injected latency included.\n"+
		"# TYPE http_request_duration_seconds histogram\n")
	var cumulative uint64
	for i, le := range durationBuckets {
		cumulative += buckets[i]
		fmt.Fprintf(b, "http_request_duration_seconds_bucket{le=\"%s\"} %d\n", formatFloat(le), cumulative)
	}
	fmt.Fprintf(b, "http_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", count)
	fmt.Fprintf(b, "http_request_duration_seconds_sum %s\n", formatFloat(sum))
	fmt.Fprintf(b, "http_request_duration_seconds_count %d\n", count)
}

// metrics holds the counters of the pods that were asked, by namespace/name.
type metrics struct {
	mu    sync.Mutex
	byPod map[string]*podCounters
}

func (m *metrics) of(pod string) *podCounters {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.byPod[pod]
	if !ok {
		c = newPodCounters()
		m.byPod[pod] = c
	}
	return c
}

// forget drops a deleted pod's counters: a new pod of the same name starts from zero, as a new
// container would.
func (m *metrics) forget(pod string) {
	m.mu.Lock()
	delete(m.byPod, pod)
	m.mu.Unlock()
}
