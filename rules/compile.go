package rules

import (
	"errors"
	"fmt"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/milestone"
	"gopkg.in/yaml.v3"

	// The program's time zones must load on any machine, including one
	// without a zoneinfo database: embed the database (about 450 kB).
	_ "time/tzdata"
)

// File is one compiled program file.
type File struct {
	// Name is the name the file was compiled under.
	Name string
	// Programs are the file's Program documents, in order.
	Programs []*incentive.Program
	// Tests are the tests decoded so far, in order: a Program document's
	// `tests:`, and Tests documents whose program is in the same file.
	// Load adds the tests of Tests documents naming a program in another
	// file.
	Tests []*Test
	// Warnings are diagnostics that do not stop the file from compiling.
	Warnings []*Error
	// TierPolicies are the file's TierPolicy documents, in order.
	TierPolicies []*TierPolicy
	// ApprovalPolicies are the file's ApprovalPolicy documents (see
	// approval.go), for package incentive/ledger.
	ApprovalPolicies []*ledger.ApprovalPolicy
	// PlanTemplates and PlanTests are the file's PlanTemplate documents
	// and their tests (see plantemplate.go); Set.Plans builds its Plan
	// documents.
	PlanTemplates []*milestone.Template
	PlanTests     []*PlanTest
	planDocs      []*planDoc
	eventDocs     []*eventsDoc

	src *source
	// pending are Tests documents whose program is not in this file.
	pending []*testsDoc
	// top is each program's document mapping, for later positions.
	top map[*incentive.Program]fields
	// broken marks programs whose document had errors; tests are not
	// decoded against them (the errors would only cascade).
	broken map[*incentive.Program]bool
}

// testsDoc is a Tests document.
type testsDoc struct {
	program    string
	version    int // 0: the highest version
	programVal *yaml.Node
	tests      *yaml.Node
}

var kinds = []string{"Program", "Tests", "TierPolicy", "ApprovalPolicy", "PlanTemplate", "Plan", "PlanEvents"}

// futureKinds are document kinds the DSL reserves for later versions.
var futureKinds []string

// Compile compiles one program file: one or more YAML documents separated
// by "---" lines, each a `kind: Program` or a `kind: Tests` document. It
// does no I/O; name is used in positions only.
//
// On failure it returns every error of the file as an ErrorList sorted by
// position (errors.As finds the list and its first *Error) and a nil File.
// Warnings come in File.Warnings.
//
// Each Program's Hash is the hex SHA-256 of its document's exact bytes: for
// a single-document file the whole file; otherwise the bytes after its
// "---" line up to the next "---" line (the first document runs from the
// start of the file).
func Compile(name string, src []byte) (*File, error) {
	f, d := compile(name, src)
	if err := d.errs.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// compile compiles a file and returns it with its diagnostics, so that
// Load can continue with the pending Tests documents.
func compile(name string, src []byte) (*File, *diag) {
	return compileLimited(name, src, LoadOptions{}.withDefaults())
}

// compileLimited is compile under the limits of opts (defaults filled in).
func compileLimited(name string, src []byte, opts LoadOptions) (*File, *diag) {
	d := &diag{src: newSource(name, src)}
	f := &File{Name: name, src: d.src, top: map[*incentive.Program]fields{}, broken: map[*incentive.Program]bool{}}
	if int64(len(src)) > opts.MaxFileSize {
		d.add(SeverityError, 0, 0, "", fmt.Sprintf("file is %d bytes; a program file may be at most %d bytes", len(src), opts.MaxFileSize)).cause = ErrLimit
		return f, d
	}
	var testDocs []*testsDoc
	for _, doc := range parseDocumentsLimited(src, d, limits{docs: opts.MaxDocuments, nodes: opts.MaxNodes, depth: opts.MaxDepth}) {
		kind, ok := header(d, doc.root)
		if !ok {
			continue
		}
		switch kind {
		case "Program":
			nerr := len(d.errs)
			top, _ := d.mapping(doc.root, "", programKeys...)
			pc := compileProgram(d, doc, top)
			f.Programs = append(f.Programs, pc.p)
			f.top[pc.p] = top
			validate(d, doc.root, pc.p, d.errs[nerr:], listItems{"earnings": pc.earningItems, "eligibility": pc.clauseItems, "groups": pc.groupItems})
			f.broken[pc.p] = len(d.errs) != nerr
		case "Tests":
			if td := testsHeader(d, doc.root); td != nil {
				testDocs = append(testDocs, td)
			}
		case "TierPolicy":
			f.addTierPolicy(d, doc)
		case "ApprovalPolicy":
			f.addApprovalPolicy(d, doc.root)
		case "PlanTemplate":
			compilePlanTemplate(d, doc, f)
		case "Plan":
			compilePlanDoc(d, doc, f)
		case "PlanEvents":
			compilePlanEvents(d, doc, f)
		}
	}
	// Duplicate id and version in one file.
	seen := map[string]bool{}
	for _, p := range f.Programs {
		if p.ID == "" || p.Version == 0 {
			continue
		}
		key := fmt.Sprintf("%s@%d", p.ID, p.Version)
		if seen[key] {
			d.errorf(f.top[p].get("version"), "version", "program %q version %d is defined twice in this file; give the new terms a new version", p.ID, p.Version)
			continue
		}
		seen[key] = true
	}
	for _, p := range f.Programs {
		if n := f.top[p].get("tests"); n != nil && !f.broken[p] {
			f.Tests = append(f.Tests, decodeTests(d, n, "tests", p)...)
		}
	}
	for _, td := range testDocs {
		if p := pickProgram(f.Programs, td.program, td.version); p != nil {
			if !f.broken[p] {
				f.Tests = append(f.Tests, decodeTests(d, td.tests, "tests", p)...)
			}
		} else {
			f.pending = append(f.pending, td)
		}
	}
	f.windowWarnings(d, f.Tests)
	f.Warnings = sortedWarnings(d)
	return f, d
}

// validate runs incentive.Validate, the home of the program's semantic
// rules, and reports each problem at the YAML node its path names (see
// resolvePath). It runs even when decoding found errors (decoded lists
// every error of a file at once), but then leaves out each problem at a
// part of the program decoding already reported on (the same path, one
// inside it or around it): a value that failed to decode is missing from
// the program, and Validate would only report its absence again.
func validate(d *diag, root *yaml.Node, p *incentive.Program, decoded []*Error, items listItems) {
	err := p.Validate()
	if err == nil {
		return
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var pe *incentive.ProgramError
		if !errors.As(e, &pe) {
			if len(decoded) == 0 {
				d.errorf(root, "", "%v", e)
			}
			continue
		}
		path := items.filePath(pe.Path)
		if reported(decoded, path) {
			continue
		}
		at, _ := resolvePath(root, path)
		d.errorf(at, path, "%s", pe.Msg)
	}
}

// reported reports whether a decoding error concerns path: it is at path,
// inside it or around it (a missing required key counts at the key's
// path; an error about the whole document only at the document).
func reported(decoded []*Error, path string) bool {
	related := func(q string) bool {
		switch {
		case q == path:
			return true
		case q == "" || path == "":
			return false
		}
		return within(q, path) || within(path, q)
	}
	for _, e := range decoded {
		if related(e.Path) && (e.missing == "" || e.Path != "") || e.missing != "" && related(e.missing) {
			return true
		}
	}
	return false
}

// within reports whether path q lies inside path p: p.x or p[i].
func within(q, p string) bool {
	return strings.HasPrefix(q, p) && len(q) > len(p) && (q[len(p)] == '.' || q[len(p)] == '[')
}

// header checks a document's apiVersion and kind and returns the kind.
func header(d *diag, root *yaml.Node) (string, bool) {
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "", "a document must be a mapping starting with `apiVersion: %s` and `kind:`; got %s", APIVersion, kindName(root))
		return "", false
	}
	var api, kind *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "apiVersion":
			api = root.Content[i+1]
		case "kind":
			kind = root.Content[i+1]
		}
	}
	ok := true
	if api == nil {
		d.errorf(root, "", "missing required key %q (want `apiVersion: %s`)", "apiVersion", APIVersion)
		ok = false
	} else if api.Kind != yaml.ScalarNode || api.Value != APIVersion {
		d.errorf(api, "apiVersion", "unsupported apiVersion %q; this version of partnerops reads %s", clip(api.Value), APIVersion)
		ok = false
	}
	if kind == nil {
		d.errorf(root, "", "missing required key %q (want one of %s)", "kind", strings.Join(kinds, ", "))
		return "", false
	}
	k := kind.Value
	switch {
	case kind.Kind != yaml.ScalarNode:
		d.errorf(kind, "kind", "want one of %s, got %s", strings.Join(kinds, ", "), kindName(kind))
		return "", false
	case contains(futureKinds, k):
		d.errorf(kind, "kind", "kind %s is not supported by this version of partnerops yet (it reads %s)", k, strings.Join(kinds, ", "))
		return "", false
	case !contains(kinds, k):
		d.errorf(kind, "kind", "unknown kind %q%s", clip(k), suggest(k, kinds, true))
		return "", false
	}
	return k, ok
}

// testsHeader decodes the header of a Tests document.
func testsHeader(d *diag, root *yaml.Node) *testsDoc {
	f, ok := d.mapping(root, "", "apiVersion", "kind", "program", "version", "tests")
	if !ok || !d.require(f, "program", "tests") {
		return nil
	}
	td := &testsDoc{programVal: f.get("program"), tests: f.get("tests")}
	id, ok := d.ident(td.programVal, "program", "program id")
	if !ok {
		return nil
	}
	td.program = id
	if v := f.get("version"); v != nil {
		n, ok := d.integer(v, "version")
		if !ok {
			return nil
		}
		if n < 1 || n > 1<<31-1 {
			d.errorf(v, "version", "must be a whole number >= 1, got %d", n)
			return nil
		}
		td.version = int(n)
	}
	return td
}

// pickProgram finds a program by id and version; version 0 picks the
// highest version.
func pickProgram(progs []*incentive.Program, id string, version int) *incentive.Program {
	var best *incentive.Program
	for _, p := range progs {
		if p.ID != id || version != 0 && p.Version != version {
			continue
		}
		if best == nil || p.Version > best.Version {
			best = p
		}
	}
	return best
}

// sortedWarnings returns the warnings sorted by position.
func sortedWarnings(d *diag) []*Error {
	w := ErrorList(append([]*Error(nil), d.warns...))
	w.Sort()
	return w
}

// windowCode marks the warning about tests missing the effective window.
const windowCode = "window"

// windowWarnings warns, for each of f's programs that has tests, when no
// test deal closes inside its effective window: such tests exercise only
// the window check. It replaces earlier warnings of this kind.
func (f *File) windowWarnings(d *diag, tests []*Test) {
	kept := d.warns[:0]
	for _, w := range d.warns {
		if w.code != windowCode {
			kept = append(kept, w)
		}
	}
	d.warns = kept
	for _, p := range f.Programs {
		n := f.top[p].get("effective")
		if n == nil || p.Effective.From.IsZero() {
			continue
		}
		has, inside := false, false
		for _, t := range tests {
			if t.Program != p {
				continue
			}
			has = true
			for _, in := range t.Inputs {
				if p.Effective.ContainsDate(closeDay(p, in.Deal.CloseDate)) {
					inside = true
				}
			}
		}
		if has && !inside {
			w := d.warnf(n, "effective", "no test deal closes inside the effective window %s; the tests exercise only the window check", p.Effective)
			w.code = windowCode
		}
	}
}
