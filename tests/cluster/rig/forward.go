package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"os"
	"runtime"
	"syscall"
)

// socketMaker creates sockets inside a network namespace. A socket keeps the namespace it was
// created in, so only the creation runs on the one OS thread that entered the namespace; connect,
// reads and writes happen on any thread, in Go's poller.
type socketMaker struct {
	requests chan chan socketResult
}

type socketResult struct {
	fd  int
	err error
}

func newSocketMaker(netnsPath string) (*socketMaker, error) {
	ready := make(chan error)
	m := &socketMaker{requests: make(chan chan socketResult)}
	go func() {
		// Never unlocked: the thread leaves the host's namespace for good, and a goroutine that
		// ends while locked takes its thread down with it rather than returning it to the pool.
		runtime.LockOSThread()
		f, err := os.Open(netnsPath)
		if err != nil {
			ready <- err
			return
		}
		_, _, errno := syscall.RawSyscall(sysSetns, f.Fd(), syscall.CLONE_NEWNET, 0)
		f.Close()
		if errno != 0 {
			ready <- fmt.Errorf("cannot enter the network namespace %s: %v", netnsPath, errno)
			return
		}
		ready <- nil
		for reply := range m.requests {
			fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
			reply <- socketResult{fd, err}
		}
	}()
	if err := <-ready; err != nil {
		return nil, err
	}
	return m, nil
}

func (m *socketMaker) dial(target netip.AddrPort) (*net.TCPConn, error) {
	reply := make(chan socketResult, 1)
	m.requests <- reply
	r := <-reply
	if r.err != nil {
		return nil, r.err
	}
	sa := &syscall.SockaddrInet4{Port: int(target.Port()), Addr: target.Addr().As4()}
	// A blocking connect to loopback inside the namespace: it completes or is refused at once.
	if err := syscall.Connect(r.fd, sa); err != nil {
		syscall.Close(r.fd)
		return nil, err
	}
	f := os.NewFile(uintptr(r.fd), "netns-conn")
	c, err := net.FileConn(f) // duplicates the descriptor
	f.Close()
	if err != nil {
		return nil, err
	}
	return c.(*net.TCPConn), nil
}

func forwardMain(args []string) error {
	fs := flag.NewFlagSet("forward", flag.ExitOnError)
	netns := fs.String("netns", "", "name of the network namespace (under /var/run/netns)")
	listen := fs.String("listen", "", "host address to listen on, 127.0.0.1:PORT")
	target := fs.String("target", "", "address inside the namespace, 127.0.0.1:PORT")
	fs.String("state", "", "the state folder (names it on the command line)")
	fs.Parse(args)
	to, err := netip.ParseAddrPort(*target)
	if err != nil || !to.Addr().Is4() {
		return fmt.Errorf("--target must be an IPv4 address and port, not %q", *target)
	}
	// Listen in the host's namespace before any thread leaves it.
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	maker, err := newSocketMaker("/var/run/netns/" + *netns)
	if err != nil {
		return err
	}
	log.Printf("forwarding %s to %s in network namespace %s", *listen, to, *netns)
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go forwardOne(c.(*net.TCPConn), maker, to)
	}
}

func forwardOne(client *net.TCPConn, maker *socketMaker, to netip.AddrPort) {
	server, err := maker.dial(to)
	if err != nil {
		client.Close()
		return
	}
	done := make(chan struct{}, 2)
	// io.Copy between two TCP connections splices in the kernel; each direction ends with a
	// half-close so a client that shuts down its sending side still gets the whole answer.
	// A direction that fails (a reset, not an end of stream) closes both, so the other
	// direction cannot wait forever on a peer that is gone.
	pipe := func(dst, src *net.TCPConn) {
		if _, err := io.Copy(dst, src); err != nil {
			client.Close()
			server.Close()
		} else {
			dst.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(server, client)
	go pipe(client, server)
	<-done
	<-done
	client.Close()
	server.Close()
}
