package rules

import (
	"cmp"
	"errors"
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
	// the file at hand. Error shows at most MaxEchoWidth characters of it,
	// around the column.
	Source string
	// Omitted is set only on the note that ends a file's errors when there
	// were more than MaxErrorsPerFile: how many errors are not listed. Such
	// a note has no line; ErrorList.Count counts what it stands for.
	Omitted int

	// code marks diagnostics that Load recomputes (see windowWarning).
	code string
	// missing is the path of the key a "missing required key" error is
	// about (see validate).
	missing string
	// cause is the sentinel the error wraps (ErrLimit), or nil.
	cause error
}

// ErrLimit is wrapped by an error about an input over one of the limits
// (LoadOptions, MaxFileSize, MaxDocuments, MaxNodes, MaxDepth): a caller
// can tell input refused for its size from input with mistakes, with
// errors.Is on the returned error or ErrorList.
var ErrLimit = errors.New("rules: input over a limit")

// Unwrap returns the sentinel the error wraps (ErrLimit), or nil.
func (e *Error) Unwrap() error { return e.cause }

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
		src, col := echoWindow(e.Source, e.Col)
		b.WriteString("\n    ")
		b.WriteString(src)
		if col > 0 {
			b.WriteString("\n    ")
			b.WriteString(caretPad(src, col))
			b.WriteString("^")
		}
	}
	return b.String()
}

// Limits on how errors are reported, so that a file with a very long line
// or very many mistakes gives output of bounded size.
const (
	// MaxEchoWidth is the most characters of a source line an Error
	// shows; a longer line is cut to a window around the column, with
	// "..." where text was left out.
	MaxEchoWidth = 120
	// MaxErrorsPerFile is the most errors ErrorList.Err keeps for one
	// file; a note at the end of the file's errors says how many more
	// there were.
	MaxErrorsPerFile = 100
)

// echoWindow returns the part of line shown under an error, at most
// MaxEchoWidth characters plus the "..." marks, and the caret's column in
// it. A column past the window's start moves the window so that the caret
// sits about a third of the way in.
// Bytes that are not UTF-8 show as U+FFFD, one per byte, so the caret
// still lines up.
func echoWindow(line string, col int) (string, int) {
	r := []rune(line)
	if len(r) <= MaxEchoWidth {
		return string(r), col
	}
	start := 0
	if col > 0 {
		start = max(0, col-1-MaxEchoWidth/3)
	}
	end := min(len(r), start+MaxEchoWidth)
	start = max(0, end-MaxEchoWidth)
	var b strings.Builder
	if start > 0 {
		b.WriteString("...")
		if col > 0 {
			col = col - start + 3
		}
	}
	b.WriteString(string(r[start:end]))
	if end < len(r) {
		b.WriteString("...")
	}
	return b.String(), col
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
		cmp.Compare(a.Omitted, b.Omitted)*omittedLast(a, b),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
	)
}

// omittedLast is 1 when either error is an Omitted note, so that a note
// (Omitted > 0) sorts after the errors of its file; 0 otherwise.
func omittedLast(a, b *Error) int {
	if a.Omitted > 0 || b.Omitted > 0 {
		return 1
	}
	return 0
}

// Err returns the sorted list as an error, or nil when it is empty. A file
// with more than MaxErrorsPerFile errors keeps its first ones, and every
// error about a limit (wrapping ErrLimit), followed by a note (an Error
// with Omitted set) saying how many more there were.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l.truncate()
}

// truncate keeps at most MaxErrorsPerFile errors of each file of a sorted
// list, ending a cut file with one Omitted note.
func (l ErrorList) truncate() ErrorList {
	out := l[:0:0]
	for i := 0; i < len(l); {
		j, kept, omitted := i, 0, 0
		for ; j < len(l) && l[j].File == l[i].File; j++ {
			e := l[j]
			switch {
			case e.Omitted > 0:
				omitted += e.Omitted
			case errors.Is(e.cause, ErrLimit):
				// Always kept, beyond the cap (a file has a few at
				// most): a caller tells an input refused for its size
				// by errors.Is(err, ErrLimit).
				out = append(out, e)
			case kept < MaxErrorsPerFile:
				out = append(out, e)
				kept++
			default:
				omitted++
			}
		}
		if omitted > 0 {
			out = append(out, &Error{File: l[i].File, Omitted: omitted,
				Msg: fmt.Sprintf("%d more errors not shown (at most %d are listed per file)", omitted, MaxErrorsPerFile)})
		}
		i = j
	}
	return out
}

// Count is the number of errors the list stands for: its errors, plus the
// ones an Omitted note says were not listed.
func (l ErrorList) Count() int {
	n := 0
	for _, e := range l {
		if e.Omitted > 0 {
			n += e.Omitted
		} else {
			n++
		}
	}
	return n
}
