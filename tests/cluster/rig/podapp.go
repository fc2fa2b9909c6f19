package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

const healthAnnotation = "test.signalbox.v-sekai.org/health"

// What an app may shape itself, for the tests that treat its answers as untrusted text: a failing
// answer whose body is a Kubernetes-style Status with this message, and another X-Pod header.
const messageAnnotation = "test.signalbox.v-sekai.org/health-message"
const servedByAnnotation = "test.signalbox.v-sekai.org/served-by"

// How the pod answers any other path: that fraction of the requests fail with 500 (spread evenly,
// every fifth at 0.2), each after that long (a Go duration).
const errorRatioAnnotation = "test.signalbox.v-sekai.org/error-ratio"
const latencyAnnotation = "test.signalbox.v-sekai.org/latency"

// podInfo is all the app keeps per pod, so twenty thousand pods cost a few MiB.
type podInfo struct {
	name, namespace, health string
	message, servedBy       string
	errorPPM                uint64 // the error ratio in parts per million
	latency                 time.Duration
	invalid                 string // what is wrong with the error-ratio or latency annotation
}

func (i podInfo) key() string { return i.namespace + "/" + i.name }

// pods maps pod IPs to pods, fed by a cluster-wide list and watch.
type pods struct {
	mu      sync.RWMutex
	byIP    map[string]podInfo
	ipOf    map[string]string // namespace/name -> IP, to drop a pod's old IP when it changes
	ready   chan struct{}
	once    sync.Once
	logs    *podLogs
	metrics *metrics
}

func (p *pods) lookup(ip string) (podInfo, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	info, ok := p.byIP[ip]
	return info, ok
}

func (p *pods) replace(byIP map[string]podInfo, ipOf map[string]string) {
	p.mu.Lock()
	p.byIP, p.ipOf = byIP, ipOf
	p.mu.Unlock()
	p.once.Do(func() { close(p.ready) })
}

func (p *pods) apply(kind string, o *podObject) {
	if kind == "DELETED" {
		p.logs.forget(o)
		p.metrics.forget(o.Metadata.Namespace + "/" + o.Metadata.Name)
	} else {
		p.logs.see(o)
	}
	key := o.Metadata.Namespace + "/" + o.Metadata.Name
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.ipOf[key]; ok {
		if cur, ok := p.byIP[old]; ok && cur.namespace == o.Metadata.Namespace && cur.name == o.Metadata.Name {
			delete(p.byIP, old)
		}
		delete(p.ipOf, key)
	}
	if kind == "DELETED" || o.Status.PodIP == "" {
		return
	}
	p.byIP[o.Status.PodIP] = o.info()
	p.ipOf[key] = o.Status.PodIP
}

// The few fields decoded of a pod; the decoder skips the rest.
type podObject struct {
	Metadata struct {
		Name              string            `json:"name"`
		Namespace         string            `json:"namespace"`
		UID               string            `json:"uid"`
		DeletionTimestamp string            `json:"deletionTimestamp"`
		ResourceVersion   string            `json:"resourceVersion"`
		Annotations       map[string]string `json:"annotations"`
	} `json:"metadata"`
	Status struct {
		PodIP string `json:"podIP"`
	} `json:"status"`
}

func (o *podObject) info() podInfo {
	a := o.Metadata.Annotations
	info := podInfo{name: o.Metadata.Name, namespace: o.Metadata.Namespace, health: a[healthAnnotation],
		message: a[messageAnnotation], servedBy: a[servedByAnnotation]}
	if v, ok := a[errorRatioAnnotation]; ok {
		r, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || r < 0 || r > 1 {
			info.invalid = fmt.Sprintf("unknown value %q of %s; use a number from 0 to 1", v, errorRatioAnnotation)
		}
		info.errorPPM = uint64(math.Round(r * 1e6))
	}
	if v, ok := a[latencyAnnotation]; ok {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < 0 || d > time.Minute {
			info.invalid = fmt.Sprintf("unknown value %q of %s; use a Go duration up to 1m (300ms)", v, latencyAnnotation)
		}
		info.latency = d
	}
	return info
}

type podList struct {
	Metadata struct {
		ResourceVersion string `json:"resourceVersion"`
		Continue        string `json:"continue"`
	} `json:"metadata"`
	Items []podObject `json:"items"`
}

type watchEvent struct {
	Type   string          `json:"type"`
	Object json.RawMessage `json:"object"`
}

type apiClient struct {
	server string
	token  string
	http   *http.Client
}

// readKubeconfig reads the server, CA file and token of a kubeconfig as scripts/cluster writes it
// (one cluster, one user with a bearer token).
func readKubeconfig(path string) (*apiClient, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var server, ca, token string
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(s.Text()), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "server":
			server = v
		case "certificate-authority":
			ca = v
		case "token":
			token = v
		}
	}
	if server == "" || ca == "" || token == "" {
		return nil, fmt.Errorf("%s lacks a server, certificate-authority or token", path)
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no certificate", ca)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ResponseHeaderTimeout: 30 * time.Second}
	return &apiClient{server: server, token: token, http: &http.Client{Transport: tr}}, nil
}

func (c *apiClient) get(ctx context.Context, path string, q url.Values) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.server+path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	return resp, nil
}

// list reads every pod in pages and returns the list's resourceVersion.
func (c *apiClient) list(ctx context.Context, p *pods) (string, error) {
	byIP, ipOf := map[string]podInfo{}, map[string]string{}
	cont := ""
	for {
		q := url.Values{"limit": {"500"}}
		if cont != "" {
			q.Set("continue", cont)
		}
		resp, err := c.get(ctx, "/api/v1/pods", q)
		if err != nil {
			return "", err
		}
		var l podList
		err = json.NewDecoder(resp.Body).Decode(&l)
		resp.Body.Close()
		if err != nil {
			return "", err
		}
		for i := range l.Items {
			o := &l.Items[i]
			p.logs.see(o)
			if o.Status.PodIP != "" {
				byIP[o.Status.PodIP] = o.info()
				ipOf[o.Metadata.Namespace+"/"+o.Metadata.Name] = o.Status.PodIP
			}
		}
		if l.Metadata.Continue == "" {
			p.replace(byIP, ipOf)
			return l.Metadata.ResourceVersion, nil
		}
		cont = l.Metadata.Continue
	}
}

var errExpired = errors.New("the watch's resourceVersion expired")

// watch follows pod changes from rv until the stream ends; it returns the last resourceVersion.
func (c *apiClient) watch(ctx context.Context, p *pods, rv string) (string, error) {
	q := url.Values{"watch": {"1"}, "resourceVersion": {rv}, "allowWatchBookmarks": {"true"},
		"timeoutSeconds": {"300"}}
	resp, err := c.get(ctx, "/api/v1/pods", q)
	if err != nil {
		return rv, err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	for {
		var ev watchEvent
		if err := dec.Decode(&ev); err != nil {
			if err == io.EOF {
				return rv, nil
			}
			return rv, err
		}
		if ev.Type == "ERROR" {
			var status struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			json.Unmarshal(ev.Object, &status)
			if status.Code == http.StatusGone {
				return rv, errExpired
			}
			return rv, fmt.Errorf("watch error %d: %s", status.Code, status.Message)
		}
		var o podObject
		if err := json.Unmarshal(ev.Object, &o); err != nil {
			return rv, err
		}
		if o.Metadata.ResourceVersion != "" {
			rv = o.Metadata.ResourceVersion
		}
		if ev.Type == "ADDED" || ev.Type == "MODIFIED" || ev.Type == "DELETED" {
			p.apply(ev.Type, &o)
		}
	}
}

// follow keeps p current: list, watch from the list's version, list again after any error.
func (c *apiClient) follow(ctx context.Context, p *pods) {
	for ctx.Err() == nil {
		rv, err := c.list(ctx, p)
		for err == nil && ctx.Err() == nil {
			rv, err = c.watch(ctx, p, rv)
		}
		if ctx.Err() == nil {
			log.Printf("pods: %v; listing again", err)
			time.Sleep(time.Second)
		}
	}
}

type podApp struct {
	pods    *pods
	metrics *metrics
}

func localIP(addr net.Addr) string {
	if a, ok := addr.(*net.TCPAddr); ok {
		return a.IP.String()
	}
	return ""
}

// knownListener closes at once every connection made to an address that belongs to no pod.
type knownListener struct {
	net.Listener
	pods *pods
}

func (l knownListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if _, ok := l.pods.lookup(localIP(c.LocalAddr())); ok {
			return c, nil
		}
		c.Close()
	}
}

func closeConnection(w http.ResponseWriter, reset bool) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		tc.SetLinger(0) // close sends a RST instead of a FIN
	}
	conn.Close()
}

// answered notes the status of an answer, so a request counts only when it was really answered (not
// when the connection was reset, or the client left during an injected delay).
type answered struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (w *answered) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *answered) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *answered) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	return w.ResponseWriter.(http.Hijacker).Hijack()
}

func (a *podApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	addr, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	pod, ok := a.pods.lookup(localIP(addr))
	if !ok {
		closeConnection(w, false)
		return
	}
	if pod.servedBy != "" {
		w.Header()["X-Pod"] = []string{pod.servedBy} // as written, unchecked
	} else {
		w.Header().Set("X-Pod", pod.name)
	}
	counters := a.metrics.of(pod.key())
	if r.URL.Path == "/metrics" {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		counters.write(w)
		return
	}
	began := time.Now()
	rec := &answered{ResponseWriter: w}
	if r.URL.Path == "/health" {
		answerHealth(rec, r, pod)
	} else {
		answerAnyPath(rec, r, pod, counters)
	}
	if rec.status != 0 && !rec.hijacked {
		counters.observe(r.Method, rec.status, time.Since(began))
	}
}

// answerAnyPath answers every path but /health and /metrics by the pod's error-ratio and latency
// annotations.
func answerAnyPath(w http.ResponseWriter, r *http.Request, pod podInfo, counters *podCounters) {
	w.Header().Set("Content-Type", "application/json")
	if pod.invalid != "" {
		w.WriteHeader(http.StatusInternalServerError)
		json.NewEncoder(w).Encode(map[string]string{"error": pod.invalid})
		return
	}
	fail := counters.failNext(pod.errorPPM)
	if pod.latency > 0 {
		select {
		case <-time.After(pod.latency):
		case <-r.Context().Done():
			return
		}
	}
	if fail {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":"injected failure"}`)
		return
	}
	json.NewEncoder(w).Encode(struct {
		OK   bool   `json:"ok"`
		Pod  string `json:"pod"`
		Path string `json:"path"`
	}{true, pod.name, r.URL.Path})
}

func answerHealth(w http.ResponseWriter, r *http.Request, pod podInfo) {
	w.Header().Set("Content-Type", "text/plain")
	if pod.message != "" {
		body, _ := json.Marshal(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure",
			"message": pod.message, "code": http.StatusInternalServerError})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write(body)
		return
	}
	switch pod.health {
	case "", "ok":
		io.WriteString(w, "ok")
	case "fail":
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "fail")
	case "slow":
		select {
		case <-time.After(10 * time.Second):
			io.WriteString(w, "ok")
		case <-r.Context().Done():
		}
	case "reset":
		closeConnection(w, true)
	default:
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "unknown value %q of %s; use ok, fail, slow or reset", pod.health, healthAnnotation)
	}
}

func podAppMain(args []string) error {
	fs := flag.NewFlagSet("pod-app", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "an admin kubeconfig written by scripts/cluster")
	ports := fs.String("ports", "3000,4000,8080", "ports to answer on, comma-separated")
	state := fs.String("state", "", "the state folder; pod logs are written under STATE/pod-logs")
	fs.Parse(args)
	client, err := readKubeconfig(*kubeconfig)
	if err != nil {
		return err
	}
	m := &metrics{byPod: map[string]*podCounters{}}
	p := &pods{byIP: map[string]podInfo{}, ipOf: map[string]string{}, ready: make(chan struct{}), metrics: m,
		logs: &podLogs{dir: filepath.Join(*state, "pod-logs"), client: client, done: map[string]bool{}, slots: make(chan struct{}, 8)}}
	app := &podApp{pods: p, metrics: m}
	errs := make(chan error)
	for _, port := range strings.Split(*ports, ",") {
		ln, err := net.Listen("tcp", ":"+strings.TrimSpace(port))
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
		go func() { errs <- srv.Serve(knownListener{ln, p}) }()
	}
	go client.follow(context.Background(), p)
	<-p.ready
	log.Printf("answering on ports %s for every pod IP", *ports)
	return <-errs
}
