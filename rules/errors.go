package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a diagnostic stops a file from compiling.
type Severity int

const (
	// SeverityError is a problem that makes the file unusable. The zero
	// value, so an Error built without a severity is an error.
	SeverityError Severity = iota
	// SeverityWarning is a suspicious construct that still compiles, such
	// as a group with a single earning. Warnings are reported in
	// File.Warnings, never in an ErrorList returned as an error.
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Error is one diagnostic at a position in a program file.
//
// Error() renders it the way compilers do, followed by the offending source
// line and a caret under the column:
//
//	spiff.yaml:14:5: earnings[0]: unknown key "ammount"; did you mean "amount"?
//	    ammount: deal.amount * 0.02
//	    ^
type Error struct {
	// File is the name the file was compiled under.
	File string
	// Line and Col are 1-based; Col counts characters (runes), not bytes.
	// Col is 0 when only the line is known (some YAML syntax errors), and
	// Line is 0 for errors about the file as a whole.
	Line, Col int
	// Path is the YAML path of the offending value, e.g.
	// "earnings[1].amount"; empty for errors about the document itself.
	Path string
	// Msg is the message, without position or path.
	Msg      string
	Severity Severity
	// Source is the text of line Line, kept so the error renders without
	// the file at hand.
	Source string

	// code marks diagnostics that Load recomputes (see windowWarning).
	code string
	// missing is the path of the key a "missing required key" error is
	// about (see validate).
	missing string
}

// Error renders "file:line:col: [warning: ]path: message", then the source
// line and a caret.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Line > 0 && strings.TrimSpace(e.Source) != "" {
		b.WriteString("\n    ")
		b.WriteString(e.Source)
		if e.Col > 0 {
			b.WriteString("\n    ")
			b.WriteString(caretPad(e.Source, e.Col))
			b.WriteString("^")
		}
	}
	return b.String()
}

// caretPad returns the blanks that put a caret under column col of line:
// tabs are kept as tabs so the caret lines up whatever the tab width.
func caretPad(line string, col int) string {
	var b strings.Builder
	n := 1
	for _, r := range line {
		if n >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	for ; n < col; n++ {
		b.WriteByte(' ')
	}
	return b.String()
}

// ErrorList is every error found in one or more files, sorted by file, line
// and column. It implements error; errors.As finds both the list and, through
// Unwrap, its first *Error.
type ErrorList []*Error

// Error renders each error on its own lines (see Error.Error).
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Sort orders the list by file, line and column, keeping the order of
// errors at the same place.
func (l ErrorList) Sort() {
	slices.SortStableFunc(l, compareErrors)
}

func compareErrors(a, b *Error) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
	)
}

// Err returns the sorted list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}
