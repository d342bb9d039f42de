package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// maxWorkers is the largest -workers the command accepts. More goroutines
// than this buy nothing on any machine the command runs on, and each one
// costs memory up front.
const maxWorkers = 256

// checkWorkers checks a -workers value.
func checkWorkers(n int) error {
	if n < 0 || n > maxWorkers {
		return fmt.Errorf("-workers must be 0 or more and at most %d, got %d", maxWorkers, n)
	}
	return nil
}

// errNotRegular is a path that names something other than a regular file
// (a device such as /dev/zero, a FIFO, a socket) where a file is required.
var errNotRegular = errors.New("not a regular file")

// tooLargeError is a file larger than the library accepts.
type tooLargeError struct {
	name        string
	size, limit int64
}

func (e *tooLargeError) Error() string {
	if e.size < 0 {
		return fmt.Sprintf("%s is larger than %d bytes, the most accepted", e.name, e.limit)
	}
	return fmt.Sprintf("%s is %d bytes; at most %d are accepted", e.name, e.size, e.limit)
}

// readArg reads a file named on the command line that must be a regular
// file (a symlink to one is fine), refusing one larger than limit bytes
// before reading it. It never holds more than limit+1 bytes, even if the
// file grows while it is read.
func readArg(name string, limit int64) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, pathErr(err))
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory; name a file", name)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("cannot read %s: %w (%s)", name, errNotRegular, fileKind(st.Mode()))
	}
	if st.Size() > limit {
		return nil, &tooLargeError{name, st.Size(), limit}
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, pathErr(err))
	}
	defer f.Close()
	return readLimited(name, f, limit)
}

// readLimited reads r to its end, failing with a *tooLargeError as soon as
// it passes limit bytes.
func readLimited(name string, r io.Reader, limit int64) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, pathErr(err))
	}
	if int64(len(src)) > limit {
		return nil, &tooLargeError{name, -1, limit}
	}
	return src, nil
}

// fileKind names the kind of a file that is not regular.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a plain file"
}
