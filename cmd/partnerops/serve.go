package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/partnerops/partnerops/workbench"
)

var serveCommand = &command{
	name:    "serve",
	summary: "open a local web page to edit, check, test and try the programs of a folder",
	usage:   "serve [-addr HOST:PORT] [-public] [-hosts NAMES] [DIR]",
	about: `
Serve starts a web server for the program files of DIR (default: the
working directory) and prints its address. The page edits a program with
its errors shown at their line and column as you type, runs its tests with
one click (pass/fail, differences, coverage), explains a pasted deal or a
deal of a deals file in plain words, draws the payout curve of the program,
and diffs two versions over a deals file. It needs no network: the page,
its style and its script are built into the binary. The page reads no
partners file and no rates file: a deal is explained only when it carries
its partner's record (partner: {id, tier, ...}), and a deal in another
currency than the program's cannot be evaluated there (use 'partnerops
explain -partners FILE -rates FILE').

The server listens on 127.0.0.1 unless -addr names another address, which
must be a loopback address unless -public is given. It reads and writes
only the .yaml, .yml and .json files directly in DIR (Save writes the open
file), refuses requests that name another host or come from another
origin, and stops on Ctrl-C.`,
	example: "partnerops serve examples/programs",
	setup: func(fs *flag.FlagSet) action {
		o := &serveOptions{}
		fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0 picks a free port)")
		fs.BoolVar(&o.public, "public", false, "allow an address other than loopback (anyone who can reach it can edit the folder's files)")
		fs.StringVar(&o.hosts, "hosts", "", "with -public, the comma-separated `NAMES` (host:port) browsers may use to reach the server")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return o.run(ctx, args, stdout, stderr)
		}
	},
}

type serveOptions struct {
	addr   string
	public bool
	hosts  string
	// ready, when set, receives the listening address (for tests).
	ready func(addr string)
}

// serveReadTimeout bounds the time a client may take to send a whole
// request, body included (a program file is at most 1 MiB, which a
// local browser sends in far less). Tests shorten it.
var serveReadTimeout = time.Minute

// serveContext is the context the server runs until: Ctrl-C ends it.
// Tests replace it so that a serve command line returns.
var serveContext = func(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt)
}

// isLoopback reports whether a listen host is a loopback address or
// "localhost". An empty host listens on every interface.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (o *serveOptions) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "serve"
	if len(args) > 1 {
		return usageError(stderr, cmd, "want at most one DIR, got %d arguments", len(args))
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usageError(stderr, cmd, "%s is not a directory", dir)
	}
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		return usageError(stderr, cmd, "bad -addr %q: %v", o.addr, err)
	}
	if !isLoopback(host) && !o.public {
		return usageError(stderr, cmd, "refusing to listen on %q, which is not a loopback address: anyone who reaches it could edit %s; add -public if that is meant", o.addr, dir)
	}
	if o.hosts != "" && !o.public {
		return usageError(stderr, cmd, "-hosts needs -public")
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	addr := ln.Addr().String()
	hosts := []string{addr}
	if isLoopback(host) && host == "localhost" {
		_, port, _ := net.SplitHostPort(addr)
		hosts = append(hosts, net.JoinHostPort("localhost", port))
	}
	for _, h := range strings.Split(o.hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	srv, err := workbench.NewServer(workbench.ServerConfig{Dir: dir, Hosts: hosts})
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	defer srv.Close()
	if o.ready == nil {
		var stop context.CancelFunc
		ctx, stop = serveContext(ctx)
		defer stop()
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: serveReadTimeout,
		IdleTimeout: 2 * time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	fmt.Fprintf(stdout, "partnerops workbench for %s on http://%s/ (Ctrl-C stops it)\n", dir, addr)
	if o.ready != nil {
		o.ready(addr)
	}
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	return exitOK
}
