package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The bounds of a traffic run: it plays a few users, never a load test, and always ends.
const (
	maxRate     = 200
	maxDuration = 10 * time.Minute
	maxInFlight = 256
)

// endpoints are the ready addresses of a Service's port, re-read from its EndpointSlices while
// the traffic runs, as kube-proxy follows them.
type endpoints struct {
	mu    sync.Mutex
	addrs []string // IP:port
}

func (e *endpoints) pick() (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.addrs) == 0 {
		return "", false
	}
	// kube-proxy's iptables mode picks an endpoint at random for each connection.
	return e.addrs[rand.IntN(len(e.addrs))], true
}

func (e *endpoints) set(addrs []string) {
	e.mu.Lock()
	e.addrs = addrs
	e.mu.Unlock()
}

type servicePort struct {
	Name       string `json:"name"`
	Port       int    `json:"port"`
	TargetPort any    `json:"targetPort"`
}

type endpointSliceList struct {
	Items []struct {
		Endpoints []struct {
			Addresses  []string `json:"addresses"`
			Conditions struct {
				Ready *bool `json:"ready"`
			} `json:"conditions"`
		} `json:"endpoints"`
		Ports []struct {
			Name string `json:"name"`
			Port int    `json:"port"`
		} `json:"ports"`
	} `json:"items"`
}

func (c *apiClient) getJSON(ctx context.Context, path string, q url.Values, out any) error {
	resp, err := c.get(ctx, path, q)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// readyAddresses lists IP:port of the ready endpoints of the Service's port `port`.
func (c *apiClient) readyAddresses(ctx context.Context, ns, service string, port servicePort) ([]string, error) {
	var slices endpointSliceList
	err := c.getJSON(ctx, "/apis/discovery.k8s.io/v1/namespaces/"+ns+"/endpointslices",
		url.Values{"labelSelector": {"kubernetes.io/service-name=" + service}}, &slices)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range slices.Items {
		target := 0
		for _, p := range s.Ports {
			if p.Name == port.Name {
				target = p.Port
			}
		}
		if target == 0 {
			continue
		}
		for _, e := range s.Endpoints {
			if e.Conditions.Ready != nil && !*e.Conditions.Ready {
				continue // a nil condition means ready
			}
			for _, a := range e.Addresses {
				out = append(out, net.JoinHostPort(a, strconv.Itoa(target)))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// tally counts the answers by status, and the requests that got none by their first error.
type tally struct {
	mu       sync.Mutex
	byStatus map[int]int
	errors   int
	firstErr string
	noTarget int
	skipped  int
}

func (t *tally) add(status int, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		t.errors++
		if t.firstErr == "" {
			t.firstErr = err.Error()
		}
		return
	}
	t.byStatus[status]++
}

func (t *tally) print(name string, took time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	total := t.errors + t.noTarget + t.skipped
	statuses := make([]int, 0, len(t.byStatus))
	for s, n := range t.byStatus {
		statuses = append(statuses, s)
		total += n
	}
	sort.Ints(statuses)
	fmt.Printf("traffic: %s: %d requests in %s\n", name, total, took.Round(100*time.Millisecond))
	for _, s := range statuses {
		fmt.Printf("%d %d\n", s, t.byStatus[s])
	}
	if t.errors > 0 {
		fmt.Printf("error %d (the first: %s)\n", t.errors, t.firstErr)
	}
	if t.noTarget > 0 {
		fmt.Printf("no-endpoint %d (the Service had no ready endpoint then)\n", t.noTarget)
	}
	if t.skipped > 0 {
		fmt.Printf("skipped %d (%d requests were already waiting for an answer)\n", t.skipped, maxInFlight)
	}
}

func trafficMain(args []string) error {
	fs := flag.NewFlagSet("traffic", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "an admin kubeconfig written by scripts/cluster")
	service := fs.String("service", "", "NAMESPACE/SERVICE")
	rate := fs.Int("rate", 10, fmt.Sprintf("requests per second, 1 to %d", maxRate))
	duration := fs.Duration("duration", 10*time.Second, fmt.Sprintf("how long, up to %s", maxDuration))
	path := fs.String("path", "/", "the path asked")
	fs.String("state", "", "the state folder (names it on the command line)")
	fs.Parse(args)
	ns, name, ok := strings.Cut(*service, "/")
	if !ok || ns == "" || name == "" {
		return fmt.Errorf("the service must be NAMESPACE/SERVICE, not %q", *service)
	}
	if *rate < 1 || *rate > maxRate {
		return fmt.Errorf("the rate must be 1 to %d requests per second, not %d", maxRate, *rate)
	}
	if *duration <= 0 || *duration > maxDuration {
		return fmt.Errorf("the duration must be above 0 and at most %s, not %s", maxDuration, *duration)
	}
	if !strings.HasPrefix(*path, "/") {
		return fmt.Errorf("the path must begin with /, not %q", *path)
	}
	client, err := readKubeconfig(*kubeconfig)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	var svc struct {
		Spec struct {
			Ports []servicePort `json:"ports"`
		} `json:"spec"`
	}
	if err := client.getJSON(ctx, "/api/v1/namespaces/"+ns+"/services/"+name, nil, &svc); err != nil {
		return err
	}
	if len(svc.Spec.Ports) == 0 {
		return fmt.Errorf("the Service %s has no port", *service)
	}
	port := svc.Spec.Ports[0]
	eps := &endpoints{}
	refresh := func() {
		if addrs, err := client.readyAddresses(ctx, ns, name, port); err == nil {
			eps.set(addrs)
		} else if ctx.Err() == nil {
			fmt.Printf("traffic: reading the endpoints of %s: %v\n", *service, err)
		}
	}
	refresh()
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				refresh()
			}
		}
	}()

	httpClient := &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 10 * time.Second}}
	t := &tally{byStatus: map[int]int{}}
	inFlight := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	send := func(addr string) {
		defer wg.Done()
		defer func() { <-inFlight }()
		// The requests already sent finish after the duration: their own timeout bounds them.
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+*path, nil)
		req.Host = name + "." + ns + ".svc"
		resp, err := httpClient.Do(req)
		if err != nil {
			t.add(0, err)
			return
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // read, so the connection is reused
		resp.Body.Close()
		t.add(resp.StatusCode, nil)
	}
	began := time.Now()
	tick := time.NewTicker(time.Second / time.Duration(*rate))
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			addr, ok := eps.pick()
			if !ok {
				t.mu.Lock()
				t.noTarget++
				t.mu.Unlock()
				continue
			}
			select {
			case inFlight <- struct{}{}:
				wg.Add(1)
				go send(addr)
			default:
				t.mu.Lock()
				t.skipped++
				t.mu.Unlock()
			}
		}
	}
	wg.Wait()
	t.print(*service, time.Since(began))
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil
	}
	return ctx.Err()
}
