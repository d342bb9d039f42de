package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Limits on program files, checked before and while parsing so that a
// hostile or broken file costs bounded time and memory.
const (
	// MaxFileSize is the largest program or tests file Compile accepts, in
	// bytes. It is checked before parsing.
	MaxFileSize = 1 << 20
	// MaxDocuments is the largest number of YAML documents in one file.
	MaxDocuments = 100
	// MaxNodes is the largest number of YAML nodes (keys, values, list
	// items) in one file.
	MaxNodes = 200_000
	// MaxDepth is the deepest nesting of YAML collections in one file: a
	// top-level mapping is depth 1. Program files nest about 8 deep.
	MaxDepth = 64
)

// limits are the bounds parseDocuments enforces on one file.
type limits struct {
	docs, nodes, depth int
}

// source is the text of one file, kept for error snippets.
type source struct {
	name  string
	lines []string // without line terminators
}

func newSource(name string, data []byte) *source {
	s := &source{name: name, lines: strings.Split(string(data), "\n")}
	for i, l := range s.lines {
		s.lines[i] = strings.TrimSuffix(l, "\r")
	}
	return s
}

// line returns line n (1-based), or "".
func (s *source) line(n int) string {
	if n < 1 || n > len(s.lines) {
		return ""
	}
	return s.lines[n-1]
}

// diag collects the diagnostics of one file.
type diag struct {
	src   *source
	errs  ErrorList
	warns []*Error
}

func (d *diag) add(sev Severity, line, col int, path, msg string) *Error {
	e := &Error{File: d.src.name, Line: line, Col: col, Path: path, Msg: msg,
		Severity: sev, Source: d.src.line(line)}
	if sev == SeverityWarning {
		d.warns = append(d.warns, e)
	} else {
		d.errs = append(d.errs, e)
	}
	return e
}

// errorf reports an error at node n (or at line 0 when n is nil).
func (d *diag) errorf(n *yaml.Node, path, format string, args ...any) *Error {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	return d.add(SeverityError, line, col, path, fmt.Sprintf(format, args...))
}

// warnf reports a warning at node n.
func (d *diag) warnf(n *yaml.Node, path, format string, args ...any) *Error {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	return d.add(SeverityWarning, line, col, path, fmt.Sprintf(format, args...))
}

// document is one YAML document of a file.
type document struct {
	// root is the document's top node (usually a mapping); positions are
	// file lines, not document lines.
	root *yaml.Node
	// hash is the hex SHA-256 of the document's source bytes.
	hash string
}

// isSeparator reports whether a line is a "---" document marker.
func isSeparator(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) {
		return false
	}
	rest := line[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n'
}

// chunk is the byte range of one document.
type chunk struct {
	start     int // byte offset of the first byte handed to the parser
	bodyStart int // byte offset of the first byte after the "---" line
	end       int
	line      int // file line of byte start (1-based)
	bad       bool
}

// splitDocuments cuts data at "---" lines. A "---" at the start of a line
// always starts a document (YAML forbids it inside a scalar), so the cut is
// exact. Content after "---" on the marker line is reported as an error.
func splitDocuments(data []byte, d *diag) []chunk {
	var out []chunk
	cur := chunk{line: 1}
	line := 1
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		l := data[off:next]
		if isSeparator(l) {
			if off > 0 {
				cur.end = off
				out = append(out, cur)
			}
			cur = chunk{start: off, bodyStart: next, line: line}
			rest := strings.TrimSpace(string(l[3:]))
			if rest != "" && !strings.HasPrefix(rest, "#") {
				d.add(SeverityError, line, 5, "", "put the document on the line after \"---\"")
				cur.bad = true
			}
		}
		off = next
		line++
	}
	cur.end = len(data)
	return append(out, cur)
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseDocuments splits and parses a file into documents, enforcing the
// limits and rejecting anchors, aliases and tags. It reports problems to d
// and returns the documents that parsed.
func parseDocuments(data []byte, d *diag, maxDocs, maxNodes int) []*document {
	return parseDocumentsLimited(data, d, limits{docs: maxDocs, nodes: maxNodes, depth: MaxDepth})
}

// parseDocumentsLimited is parseDocuments with every limit given.
func parseDocumentsLimited(data []byte, d *diag, lim limits) []*document {
	maxDocs, maxNodes := lim.docs, lim.nodes
	chunks := splitDocuments(data, d)
	var docs []*document
	// broken counts the documents refused below: they count towards
	// maxDocs as the good ones do, so that a file of many broken
	// documents is refused as over the limit, not parsed to its end.
	nodes, broken := 0, 0
	for _, c := range chunks {
		if c.bad {
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(data[c.start:c.end]))
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			continue // only comments and blank lines
		}
		if len(docs)+broken == maxDocs {
			d.add(SeverityError, c.line, 1, "", fmt.Sprintf("too many documents: this file may hold at most %d", maxDocs)).cause = ErrLimit
			break
		}
		if err != nil {
			reportSyntax(err, c, d)
			broken++
			continue
		}
		var extra yaml.Node
		if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
			if err != nil {
				reportSyntax(err, c, d)
			} else {
				d.add(SeverityError, extra.Line+c.line-1, 1, "", "a second document must start with a \"---\" line")
			}
			broken++
			continue
		}
		ok, aliased, deep := true, false, false
		walkDepth(&n, 0, func(x *yaml.Node, depth int) {
			x.Line += c.line - 1
			nodes++
			switch {
			case nodes == maxNodes+1:
				d.add(SeverityError, x.Line, x.Column, "", fmt.Sprintf("file too complex: more than %d YAML nodes", maxNodes)).cause = ErrLimit
				ok = false
			case depth > lim.depth && !deep:
				deep = true
				d.add(SeverityError, x.Line, x.Column, "", fmt.Sprintf("nested too deep: more than %d levels of mappings and lists", lim.depth)).cause = ErrLimit
				ok = false
			case aliased && (x.Kind == yaml.AliasNode || x.Anchor != ""):
				// one report per document is enough
			case x.Kind == yaml.AliasNode:
				aliased = true
				d.add(SeverityError, x.Line, x.Column, "", "aliases (*"+x.Value+") are not allowed in program files; write the value out")
				ok = false
			case x.Anchor != "":
				aliased = true
				d.add(SeverityError, x.Line, x.Column, "", "anchors (&"+x.Anchor+") are not allowed in program files; write the value out")
				ok = false
			case x.Style&yaml.TaggedStyle != 0:
				d.add(SeverityError, x.Line, x.Column, "", "YAML tags ("+x.Tag+") are not allowed; quote the value if it should be text")
				ok = false
			}
		})
		if !ok {
			broken++
			continue
		}
		if len(n.Content) == 0 {
			continue
		}
		if r := n.Content[0]; r.Kind == yaml.ScalarNode && r.Tag == "!!null" && r.Value == "" {
			continue // an empty document: "---" followed by comments only
		}
		sum := sha256.Sum256(data[c.bodyStart:c.end])
		docs = append(docs, &document{root: n.Content[0], hash: hex.EncodeToString(sum[:])})
	}
	return docs
}

// walkDepth visits n and its descendants with their depth, the number of
// collections (mappings, lists) around them; a document's root collection
// is at depth 1.
func walkDepth(n *yaml.Node, depth int, f func(*yaml.Node, int)) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		depth++
	}
	f(n, depth)
	for _, c := range n.Content {
		walkDepth(c, depth, f)
	}
}

// reportSyntax turns a yaml.v3 parse error into a positioned error. yaml.v3
// gives a line but no column; a tab in the indentation, the most common
// cause, is found and pointed at exactly.
func reportSyntax(err error, c chunk, d *diag) {
	for i := c.line; i <= len(d.src.lines); i++ {
		l := d.src.line(i)
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if j := strings.IndexByte(indent, '\t'); j >= 0 {
			d.add(SeverityError, i, j+1, "", "tab character in indentation; YAML indents with spaces only")
			return
		}
		if i > c.line && isSeparator([]byte(l)) {
			break
		}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.Contains(msg, "UTF-8") {
		// yaml.v3 gives no line for bad encoding: find the first invalid
		// byte of the document and point at it.
		for i := c.line; i <= len(d.src.lines); i++ {
			l := d.src.line(i)
			if i > c.line && isSeparator([]byte(l)) {
				break
			}
			if !utf8.ValidString(l) {
				col := 1
				for j, r := range l {
					if r == utf8.RuneError {
						if _, size := utf8.DecodeRuneInString(l[j:]); size == 1 {
							break
						}
					}
					col++
				}
				d.add(SeverityError, i, col, "", "the file is not valid UTF-8: save it as UTF-8 text ("+msg+")")
				return
			}
		}
	}
	n := 1
	if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ = strconv.Atoi(m[1])
		msg = m[2]
		if isParserError(msg) {
			n++ // yaml.v3 counts lines of parser (not scanner) errors from 0
		}
	}
	d.add(SeverityError, c.line+n-1, 0, "", "YAML syntax error: "+msg)
}

// isParserError reports whether a yaml.v3 message comes from its parser,
// whose line numbers are 0-based, rather than its scanner (1-based).
func isParserError(msg string) bool {
	for _, p := range []string{"did not find expected", "found duplicate %", "found incompatible YAML document", "found undefined tag handle"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
