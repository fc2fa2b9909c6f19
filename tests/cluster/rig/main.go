// Command rig is the pod network of the local control plane (scripts/cluster).
//
//	rig forward --netns NAME --listen 127.0.0.1:PORT --target 127.0.0.1:PORT
//	    runs on the host and connects every accepted connection to the target inside the
//	    network namespace NAME, so the kubeconfigs' address keeps working from the host.
//	rig pod-app --kubeconfig FILE --ports 3000,4000,8080 --state DIR
//	    runs inside the namespace and answers GET /health at every pod IP by the pod's
//	    annotation test.signalbox.v-sekai.org/health, and gives every pod a log for kwok to serve
//	    (DIR/pod-logs/NAMESPACE/POD/current.log, previous.log; see podlogs.go). Any other path
//	    answers by the annotations test.signalbox.v-sekai.org/error-ratio and /latency, and
//	    /metrics serves the pod's request counter and latency histogram (metrics.go).
//	rig traffic --kubeconfig FILE --service NAMESPACE/SERVICE --rate N --duration D [--path P]
//	    runs inside the namespace and sends N requests a second for D to the Service's ready
//	    endpoints (its first port), then prints the answers' count by status (traffic.go).
//
// Every subcommand accepts --state DIR, which only names the state folder on the command line so
// the script can tell its own processes from others.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rig forward|pod-app|traffic [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "forward":
		err = forwardMain(os.Args[2:])
	case "pod-app":
		err = podAppMain(os.Args[2:])
	case "traffic":
		err = trafficMain(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q; use forward, pod-app or traffic", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rig:", err)
		os.Exit(1)
	}
}
