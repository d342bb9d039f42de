package main

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A client that sends its headers and then trickles (or withholds) the
// body must not hold a connection and a goroutine forever: the server
// drops it after its read timeout.
func TestReviewServeDropsSlowBody(t *testing.T) {
	chdirRoot(t)
	old := serveReadTimeout
	serveReadTimeout = 300 * time.Millisecond
	t.Cleanup(func() { serveReadTimeout = old })
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	o := &serveOptions{addr: "127.0.0.1:0", ready: func(a string) { addr <- a }}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		o.run(ctx, []string{"examples/programs"}, io.Discard, io.Discard)
	}()
	a := <-addr
	conn, err := net.Dial("tcp", a)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "PUT /api/file HTTP/1.1\r\nHost: "+a+"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"name\":")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = io.ReadAll(conn)
	assert.NoError(t, err, "the server should close the connection, not wait for the body")
	cancel()
	wg.Wait()
}
