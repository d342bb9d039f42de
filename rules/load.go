package rules

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerops/partnerops/incentive"
)

// Set is a loaded set of program files with their tests attached. A nil
// *Set reads as a set of no files: its methods return no programs, tests,
// plans or policies.
type Set struct {
	// Files are the compiled files, sorted by name.
	Files []*File
}

// DefaultMaxFiles is the most files Load reads when LoadOptions.MaxFiles
// is zero.
const DefaultMaxFiles = 1000

// LoadOptions bound what LoadWith reads, so that a service loading program
// files it did not write (an upload, a shared folder) spends bounded time
// and memory: the limits the command applies to the files it is given.
// The zero value of a field means its default; a limit cannot be turned
// off, only set higher. An input over a limit is an error wrapping
// ErrLimit, and Load reads no more of it.
type LoadOptions struct {
	// MaxFiles is the most files read, the *_test.yaml files beside the
	// matches included; more is an error and nothing is read. Default
	// DefaultMaxFiles.
	MaxFiles int
	// MaxFileSize is the largest file read, in bytes; a larger one is
	// refused before it is read, and one that grows while read is
	// refused at the first byte over. Default MaxFileSize.
	MaxFileSize int64
	// MaxDocuments is the most YAML documents in one file. Default
	// MaxDocuments.
	MaxDocuments int
	// MaxNodes is the most YAML nodes in one file. Default MaxNodes.
	MaxNodes int
	// MaxDepth is the deepest nesting of mappings and lists in one file.
	// Default MaxDepth.
	MaxDepth int
}

// withDefaults fills in the zero fields.
func (o LoadOptions) withDefaults() LoadOptions {
	if o.MaxFiles <= 0 {
		o.MaxFiles = DefaultMaxFiles
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = MaxFileSize
	}
	if o.MaxDocuments <= 0 {
		o.MaxDocuments = MaxDocuments
	}
	if o.MaxNodes <= 0 {
		o.MaxNodes = MaxNodes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = MaxDepth
	}
	return o
}

// Load is LoadWith with the default limits (see LoadOptions).
func Load(fsys fs.FS, pattern string) (*Set, error) {
	return LoadWith(fsys, pattern, LoadOptions{})
}

// LoadWith compiles every file of fsys matching pattern (fs.Glob syntax, e.g.
// "programs/*.yaml") plus every "*_test.yaml" file in the directories of
// the matches, and attaches each Tests document to its program: by id, and
// by version when the document gives one, else the highest version loaded.
//
// Loading fails when nothing matches (when the pattern's folder cannot be
// read, the error wraps the reason: fs.ErrNotExist for a missing folder,
// as os.DirFS of a wrong path gives), when a Tests document names a program
// that was not loaded, or when two documents define the same program id and
// version. A test file loaded only because it is beside a match, other than
// the match's own (x_test.yaml for x.yaml), may hold the tests of the
// folder's other programs: its Tests documents naming a program id that was
// not loaded at all are left out, so that one program of a folder loads
// alone. On failure it returns the errors of all files as one ErrorList.
//
// Every file is read within the limits of opts: a file that is not a
// regular file, or over a limit, is an error of that file wrapping
// ErrLimit (or the read error), and the other files are still compiled.
// More files than opts.MaxFiles is an error wrapping ErrLimit and nothing
// is read.
func LoadWith(fsys fs.FS, pattern string, opts LoadOptions) (*Set, error) {
	opts = opts.withDefaults()
	matches, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, fmt.Errorf("rules: bad pattern %q: %w", pattern, err)
	}
	names := map[string]bool{}
	dirs := map[string]bool{}
	stems := map[string]bool{} // dir/stem of each match: its own test file is dir/stem_test.yaml
	for _, m := range matches {
		if st, err := fs.Stat(fsys, m); err == nil && st.IsDir() {
			continue
		}
		names[m] = true
		dirs[path.Dir(m)] = true
		stems[strings.TrimSuffix(strings.TrimSuffix(m, ".yaml"), ".yml")] = true
	}
	// beside lists the test files loaded only because they sit beside a
	// match, other than a match's own stem_test.yaml: their Tests documents
	// for programs that were not loaded belong to other programs of the
	// folder and are left out rather than reported.
	beside := map[string]bool{}
	if len(names) == 0 {
		// A folder that does not exist matches nothing too (fs.Glob
		// ignores I/O errors): say so, or the caller hunts for a typo in
		// the pattern.
		if dir := path.Dir(pattern); !strings.ContainsAny(dir, `*?[\`) {
			if _, err := fs.Stat(fsys, dir); err != nil {
				return nil, fmt.Errorf("rules: no files match %q: cannot read folder %q of the file system (is it the right folder?): %w", pattern, dir, err)
			}
		}
		return nil, fmt.Errorf("rules: no files match %q", pattern)
	}
	for dir := range dirs {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), "_test.yaml") {
				name := path.Join(dir, e.Name())
				if !names[name] && !stems[strings.TrimSuffix(name, "_test.yaml")] {
					beside[name] = true
				}
				names[name] = true
			}
		}
	}
	if len(names) > opts.MaxFiles {
		return nil, limitError(fmt.Sprintf("rules: %d files to load for %q; at most %d are read (LoadOptions.MaxFiles)", len(names), pattern, opts.MaxFiles))
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)

	s := &Set{}
	var diags []*diag // diags[i] belongs to s.Files[i]
	var errs ErrorList
	for _, name := range sorted {
		src, err := readFile(fsys, name, opts.MaxFileSize)
		if err != nil {
			e := &Error{File: name, Msg: err.Error()}
			if errors.Is(err, ErrLimit) {
				e.cause = ErrLimit
			}
			errs = append(errs, e)
			continue
		}
		f, d := compileLimited(name, src, opts)
		s.Files = append(s.Files, f)
		diags = append(diags, d)
	}

	// The same id and version in two files.
	type def struct {
		f *File
		p *incentive.Program
	}
	seen := map[string]def{}
	for i, f := range s.Files {
		for _, p := range f.Programs {
			if p.ID == "" || p.Version == 0 {
				continue
			}
			key := fmt.Sprintf("%s@%d", p.ID, p.Version)
			first, dup := seen[key]
			if !dup {
				seen[key] = def{f, p}
				continue
			}
			if first.f == f {
				continue // reported by compile
			}
			diags[i].errorf(f.top[p].get("version"), "version", "program %q version %d is also defined in %s; give the new terms a new version",
				p.ID, p.Version, first.f.Name)
		}
	}

	tierPolicyDuplicates(s.Files, diags)

	// Tests documents naming a program in another file.
	all := s.Programs()
	unrelated := map[*File]bool{} // beside files holding only other programs' tests
	for i, f := range s.Files {
		d := diags[i]
		left := 0
		for _, td := range f.pending {
			p := pickProgram(all, td.program, td.version)
			if p == nil {
				versions := programVersions(all, td.program)
				if versions == "" && beside[f.Name] {
					left++
					continue // another program's tests, beside the files asked for
				}
				if versions != "" {
					d.errorf(td.programVal, "program", "no version %d of program %q in the loaded files (loaded: %s)", td.version, td.program, versions)
				} else {
					d.errorf(td.programVal, "program", "no program %q in the loaded files%s", td.program, suggest(td.program, programIDs(all), false))
				}
				continue
			}
			if s.owner(p).broken[p] {
				continue
			}
			f.Tests = append(f.Tests, decodeTests(d, td.tests, "tests", p)...)
		}
		if left > 0 && left == len(f.pending) && f.empty() && len(d.errs) == 0 && len(d.warns) == 0 {
			unrelated[f] = true
		}
		f.pending = nil
	}
	if len(unrelated) > 0 {
		// Leave out the files that contributed nothing: they are the
		// folder's other programs' test files.
		kept := 0
		for i, f := range s.Files {
			if !unrelated[f] {
				s.Files[kept], diags[kept] = f, diags[i]
				kept++
			}
		}
		s.Files, diags = s.Files[:kept], diags[:kept]
	}

	tests := s.Tests()
	for i, d := range diags {
		s.Files[i].windowWarnings(d, tests)
		s.Files[i].Warnings = sortedWarnings(d)
		errs = append(errs, d.errs...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// empty reports whether a file holds nothing but Tests documents naming
// programs of other files.
func (f *File) empty() bool {
	return len(f.Programs) == 0 && len(f.Tests) == 0 && len(f.TierPolicies) == 0 && len(f.ApprovalPolicies) == 0 &&
		len(f.PlanTemplates) == 0 && len(f.PlanTests) == 0 && len(f.planDocs) == 0 && len(f.eventDocs) == 0
}

// errNotRegular is a path that names something other than a regular
// file, which could block (a FIFO) or never end (a device).
var errNotRegular = errors.New("not a regular file")

// readFile reads a regular file, refusing one larger than limit bytes
// before reading it, and reading at most limit+1 bytes of it, so that a
// file that grows while read, or whose fs.FS reports no size, is refused
// too.
func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	// Stat before opening: opening a FIFO blocks until it has a writer.
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, pathErr(err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w (%s)", errNotRegular, fileKind(st.Mode()))
	}
	if st.Size() > limit {
		return nil, limitError(fmt.Sprintf("file is %d bytes; a program file may be at most %d bytes", st.Size(), limit))
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, pathErr(err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, pathErr(err)
	}
	if int64(len(src)) > limit {
		return nil, limitError(fmt.Sprintf("file is larger than %d bytes, the most a program file may be", limit))
	}
	return src, nil
}

// fileKind names the kind of a file that is not regular.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a plain file"
}

// limitError is an input over a limit: its message, wrapping ErrLimit.
type limitError string

func (e limitError) Error() string { return string(e) }
func (e limitError) Unwrap() error { return ErrLimit }

// pathErr drops the operation and path of an *fs.PathError: the file is
// named by the error that reports it.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// files returns the set's files; a nil *Set is an empty set, so that a
// Set left nil by a Load whose error was dropped reads as no programs, not
// a panic.
func (s *Set) files() []*File {
	if s == nil {
		return nil
	}
	return s.Files
}

// owner returns the file that defines p.
func (s *Set) owner(p *incentive.Program) *File {
	for _, f := range s.files() {
		if slices.Contains(f.Programs, p) {
			return f
		}
	}
	return nil
}

// Programs returns every program of the set, in file order.
func (s *Set) Programs() []*incentive.Program {
	var out []*incentive.Program
	for _, f := range s.files() {
		out = append(out, f.Programs...)
	}
	return out
}

// Program returns the highest version of the program with the given id,
// or nil.
func (s *Set) Program(id string) *incentive.Program {
	return pickProgram(s.Programs(), id, 0)
}

// ProgramVersion returns the given version of a program, or nil.
func (s *Set) ProgramVersion(id string, version int) *incentive.Program {
	if version < 1 {
		return nil
	}
	return pickProgram(s.Programs(), id, version)
}

// Tests returns every test of the set: file by file, in the order written.
func (s *Set) Tests() []*Test {
	var out []*Test
	for _, f := range s.files() {
		out = append(out, f.Tests...)
	}
	return out
}

// Warnings returns the warnings of all files, sorted by position.
func (s *Set) Warnings() []*Error {
	var out ErrorList
	for _, f := range s.files() {
		out = append(out, f.Warnings...)
	}
	out.Sort()
	return out
}

func programIDs(ps []*incentive.Program) []string {
	var out []string
	for _, p := range ps {
		if !slices.Contains(out, p.ID) {
			out = append(out, p.ID)
		}
	}
	return out
}

// programVersions lists the loaded versions of a program id, "" when none.
func programVersions(ps []*incentive.Program, id string) string {
	var out []string
	for _, p := range ps {
		if v := strconv.Itoa(p.Version); p.ID == id && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return strings.Join(out, ", ")
}
