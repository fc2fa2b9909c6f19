package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

const restartedAnnotation = "test.signalbox.v-sekai.org/restarted"

// podLogs gives every pod a log that kwok's kubelet server serves for pods/log: it writes
// DIR/NAMESPACE/POD/current.log (CRI format, a few lines shaped like a Phoenix app's start) and,
// for a pod annotated test.signalbox.v-sekai.org/restarted, previous.log (the crashed container's
// last lines), and creates a kwok Logs object of the pod's name pointing at them. The object is
// owned by the pod, so the garbage collector removes it with the pod.
type podLogs struct {
	dir    string
	client *apiClient
	mu     sync.Mutex
	done   map[string]bool // namespace/name/uid
	slots  chan struct{}   // at most this many writes at once, off the watch loop
}

// CRI log line: "<RFC 3339 nano> stdout F <text>".
func criLine(t time.Time, text string) string {
	return t.UTC().Format(time.RFC3339Nano) + " stdout F " + t.UTC().Format("15:04:05.000") + " " + text + "\n"
}

func (l *podLogs) see(o *podObject) {
	if o.Metadata.UID == "" || o.Metadata.DeletionTimestamp != "" {
		return
	}
	key := o.Metadata.Namespace + "/" + o.Metadata.Name + "/" + o.Metadata.UID
	l.mu.Lock()
	if l.done[key] {
		l.mu.Unlock()
		return
	}
	l.done[key] = true
	l.mu.Unlock()
	copied := *o
	go func() {
		l.slots <- struct{}{}
		defer func() { <-l.slots }()
		if err := l.write(&copied); err != nil {
			log.Printf("logs of %s/%s: %v", copied.Metadata.Namespace, copied.Metadata.Name, err)
		}
	}()
}

func (l *podLogs) forget(o *podObject) {
	l.mu.Lock()
	delete(l.done, o.Metadata.Namespace+"/"+o.Metadata.Name+"/"+o.Metadata.UID)
	l.mu.Unlock()
}

func (l *podLogs) write(o *podObject) error {
	dir := filepath.Join(l.dir, o.Metadata.Namespace, o.Metadata.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	restarted := o.Metadata.Annotations[restartedAnnotation] == "true"
	now := time.Now()
	current := filepath.Join(dir, "current.log")
	previous := filepath.Join(dir, "previous.log")
	if restarted {
		var b bytes.Buffer
		t := now.Add(-30 * time.Second)
		for i, text := range []string{
			"[info] Running migrations for Uro.Repo",
			"[error] Could not create schema migrations table. This error usually happens due to the following:",
			"** (DBConnection.ConnectionError) connection not available and request was dropped from queue after 2000ms",
			"[notice] Application uro exited: shutdown",
		} {
			b.WriteString(criLine(t.Add(time.Duration(i)*10*time.Millisecond), text))
		}
		if err := os.WriteFile(previous, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if _, err := os.Stat(current); err != nil {
		var b bytes.Buffer
		for i, text := range []string{
			"[info] Running UroWeb.Endpoint with Bandit 1.5.7 at :::4000 (http)",
			"[info] Access UroWeb.Endpoint at http://localhost:4000",
			"[info] GET /health",
			"[info] Sent 200 in 412µs",
		} {
			b.WriteString(criLine(now.Add(time.Duration(i)*10*time.Millisecond), text))
		}
		if err := os.WriteFile(current, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	entry := map[string]any{"logsFile": current, "follow": true}
	if restarted {
		entry["previousLogsFile"] = previous
	}
	body := map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "Logs",
		"metadata": map[string]any{
			"name":      o.Metadata.Name,
			"namespace": o.Metadata.Namespace,
			"ownerReferences": []map[string]any{{
				"apiVersion": "v1", "kind": "Pod", "name": o.Metadata.Name, "uid": o.Metadata.UID,
			}},
		},
		"spec": map[string]any{"logs": []any{entry}},
	}
	return l.client.create(context.Background(),
		"/apis/kwok.x-k8s.io/v1alpha1/namespaces/"+o.Metadata.Namespace+"/logs", body)
}

// create POSTs an object; one that exists already counts as created.
func (c *apiClient) create(ctx context.Context, path string, body any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.server+path, bytes.NewReader(data))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.http.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 300 || resp.StatusCode == http.StatusConflict {
				return nil
			}
			err = fmt.Errorf("POST %s: %s", path, resp.Status)
		}
		if attempt >= 5 {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
}
