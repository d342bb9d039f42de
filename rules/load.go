package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerops/partnerops/incentive"
)

// Set is a loaded set of program files with their tests attached.
type Set struct {
	// Files are the compiled files, sorted by name.
	Files []*File
}

// Load compiles every file of fsys matching pattern (fs.Glob syntax, e.g.
// "programs/*.yaml") plus every "*_test.yaml" file in the directories of
// the matches, and attaches each Tests document to its program: by id, and
// by version when the document gives one, else the highest version loaded.
//
// Loading fails when nothing matches, when a Tests document names a program
// that was not loaded, or when two documents define the same program id and
// version. On failure it returns the errors of all files as one ErrorList.
func Load(fsys fs.FS, pattern string) (*Set, error) {
	matches, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, fmt.Errorf("rules: bad pattern %q: %w", pattern, err)
	}
	names := map[string]bool{}
	dirs := map[string]bool{}
	for _, m := range matches {
		if st, err := fs.Stat(fsys, m); err == nil && st.IsDir() {
			continue
		}
		names[m] = true
		dirs[path.Dir(m)] = true
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("rules: no files match %q", pattern)
	}
	for dir := range dirs {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), "_test.yaml") {
				names[path.Join(dir, e.Name())] = true
			}
		}
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
		src, err := readFile(fsys, name)
		if err != nil {
			errs = append(errs, &Error{File: name, Msg: err.Error()})
			continue
		}
		f, d := compile(name, src)
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
	for i, f := range s.Files {
		d := diags[i]
		for _, td := range f.pending {
			p := pickProgram(all, td.program, td.version)
			if p == nil {
				if versions := programVersions(all, td.program); versions != "" {
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
		f.pending = nil
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

// readFile reads a file, refusing one larger than MaxFileSize before
// reading it.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	if st, err := fs.Stat(fsys, name); err == nil && st.Size() > MaxFileSize {
		return nil, fmt.Errorf("file is %d bytes; a program file may be at most %d bytes", st.Size(), MaxFileSize)
	}
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, pe.Err
		}
		return nil, err
	}
	return src, nil
}

// owner returns the file that defines p.
func (s *Set) owner(p *incentive.Program) *File {
	for _, f := range s.Files {
		if slices.Contains(f.Programs, p) {
			return f
		}
	}
	return nil
}

// Programs returns every program of the set, in file order.
func (s *Set) Programs() []*incentive.Program {
	var out []*incentive.Program
	for _, f := range s.Files {
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
	for _, f := range s.Files {
		out = append(out, f.Tests...)
	}
	return out
}

// Warnings returns the warnings of all files, sorted by position.
func (s *Set) Warnings() []*Error {
	var out ErrorList
	for _, f := range s.Files {
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
