package main

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFailNextSpacesFailuresEvenly(t *testing.T) {
	for _, tc := range []struct {
		ppm  uint64
		n    int
		want string // F for a failure, . for a success
	}{
		{200000, 10, "....F....F"},
		{0, 5, "....."},
		{1000000, 3, "FFF"},
		{500000, 6, ".F.F.F"},
		{333333, 9, "...F..F.."}, // a third, rounded down: each failure comes one request late
	} {
		c := newPodCounters()
		var got strings.Builder
		for i := 0; i < tc.n; i++ {
			if c.failNext(tc.ppm) {
				got.WriteByte('F')
			} else {
				got.WriteByte('.')
			}
		}
		if got.String() != tc.want {
			t.Errorf("ratio %d ppm: got %s, want %s", tc.ppm, got.String(), tc.want)
		}
	}
}

func TestFailNextCountsExactlyAtScale(t *testing.T) {
	c := newPodCounters()
	failed := 0
	for i := 0; i < 1000; i++ {
		if c.failNext(200000) {
			failed++
		}
	}
	if failed != 200 {
		t.Errorf("1000 requests at 0.2: %d failed, want 200", failed)
	}
}

func TestWriteServesCountersAndHistogram(t *testing.T) {
	c := newPodCounters()
	c.observe("GET", 200, 4*time.Millisecond)
	c.observe("GET", 200, 300*time.Millisecond)
	c.observe("GET", 500, 20*time.Second)
	c.observe("POST", 404, 46*time.Millisecond)
	var b bytes.Buffer
	c.write(&b)
	for _, line := range []string{
		"# TYPE http_requests_total counter",
		`http_requests_total{method="GET",status="200"} 2`,
		`http_requests_total{method="GET",status="500"} 1`,
		`http_requests_total{method="POST",status="404"} 1`,
		"# TYPE http_request_duration_seconds histogram",
		`http_request_duration_seconds_bucket{le="0.005"} 1`,
		`http_request_duration_seconds_bucket{le="0.025"} 1`,
		`http_request_duration_seconds_bucket{le="0.05"} 2`,
		`http_request_duration_seconds_bucket{le="0.25"} 2`,
		`http_request_duration_seconds_bucket{le="0.5"} 3`,
		`http_request_duration_seconds_bucket{le="10"} 3`,
		`http_request_duration_seconds_bucket{le="+Inf"} 4`,
		"http_request_duration_seconds_count 4",
	} {
		if !strings.Contains(b.String()+"\n", line+"\n") {
			t.Errorf("missing line %q in:\n%s", line, b.String())
		}
	}
	_, sum, _ := strings.Cut(b.String(), "http_request_duration_seconds_sum ")
	sum, _, _ = strings.Cut(sum, "\n")
	if v, err := strconv.ParseFloat(sum, 64); err != nil || math.Abs(v-20.35) > 1e-9 {
		t.Errorf("sum %q, want 20.35", sum)
	}
}

func TestNewPodStartsAtZero(t *testing.T) {
	var b bytes.Buffer
	newPodCounters().write(&b)
	for _, line := range []string{
		`http_requests_total{method="GET",status="200"} 0`,
		`http_requests_total{method="GET",status="500"} 0`,
		`http_request_duration_seconds_bucket{le="+Inf"} 0`,
		"http_request_duration_seconds_count 0",
	} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("missing line %q in:\n%s", line, b.String())
		}
	}
}

func TestForgetDropsAPodsCounters(t *testing.T) {
	m := &metrics{byPod: map[string]*podCounters{}}
	m.of("ns/a").observe("GET", 200, time.Millisecond)
	m.forget("ns/a")
	if len(m.byPod) != 0 {
		t.Fatalf("counters left after forget: %d", len(m.byPod))
	}
	var b bytes.Buffer
	m.of("ns/a").write(&b)
	if !strings.Contains(b.String(), "http_request_duration_seconds_count 0\n") {
		t.Errorf("a pod of the same name does not start from zero:\n%s", b.String())
	}
}
