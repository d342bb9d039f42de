package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/partnerops/partnerops/rules"
)

// group is the program files of one directory that check and test load
// together with rules.Load, so that *_test.yaml files beside them attach to
// their programs.
type group struct {
	// dir is the directory as given on the command line, cleaned.
	dir string
	// files lists the names chosen. When the folder was walked, they are
	// all its partnerops files; when files were named, the *_test.yaml
	// files beside them are loaded too.
	files  map[string]bool
	walked bool
}

// isProgramFile reports whether a file name looks like a program file.
func isProgramFile(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// collectGroups turns FILE|DIR arguments into groups, one per directory,
// sorted by directory. A directory is walked recursively (hidden
// directories are left out), and only its YAML files that declare
// `apiVersion: partnerops/...` are loaded; every other YAML file is listed
// in skipped, with the reason, rather than reported as an error. A path
// that does not exist, or a directory tree without program files, is a
// usage error.
func collectGroups(args []string) (groups []*group, skipped []string, err error) {
	if len(args) == 0 {
		return nil, nil, errors.New("name at least one program file or directory")
	}
	byDir := map[string]*group{}
	get := func(dir string) *group {
		g := byDir[dir]
		if g == nil {
			g = &group{dir: dir, files: map[string]bool{}}
			byDir[dir] = g
		}
		return g
	}
	for _, arg := range args {
		clean := filepath.Clean(arg)
		st, err := os.Stat(clean)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read %s: %w", arg, pathErr(err))
		}
		if st.IsDir() {
			found := false
			err := filepath.WalkDir(clean, func(p string, e fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if e.IsDir() {
					if p != clean && strings.HasPrefix(e.Name(), ".") {
						return filepath.SkipDir
					}
					return nil
				}
				if !isProgramFile(e.Name()) {
					return nil
				}
				if ok, why := isPartneropsFile(p); !ok {
					skipped = append(skipped, fmt.Sprintf("%s: skipped, %s", p, why))
					return nil
				}
				found = true
				g := get(filepath.Dir(p))
				g.walked = true
				g.files[e.Name()] = true
				return nil
			})
			if err != nil {
				return nil, nil, fmt.Errorf("cannot read %s: %w", arg, pathErr(err))
			}
			if !found {
				return nil, nil, fmt.Errorf("no program files (*.yaml, *.yml with apiVersion: partnerops/v1) in %s", arg)
			}
			continue
		}
		if !st.Mode().IsRegular() {
			return nil, nil, fmt.Errorf("%s is not a regular file", arg)
		}
		get(filepath.Dir(clean)).files[filepath.Base(clean)] = true
	}
	out := make([]*group, 0, len(byDir))
	for _, k := range sortedKeys(byDir) {
		out = append(out, byDir[k])
	}
	return out, skipped, nil
}

// apiVersionRE finds a document's apiVersion line.
var apiVersionRE = regexp.MustCompile(`(?m)^apiVersion:[ \t]*["']?([^"'\s#]*)`)

// isPartneropsFile reports whether a YAML file found in a folder is a
// partnerops file: one of its documents says `apiVersion: partnerops/...`
// (a wrong version is then the compiler's error to report). It reads at
// most rules.MaxFileSize bytes. A file that is not regular is kept, so
// that loading it reports why it cannot be read.
func isPartneropsFile(name string) (bool, string) {
	st, err := os.Stat(name)
	if err != nil || !st.Mode().IsRegular() {
		return true, ""
	}
	f, err := os.Open(name)
	if err != nil {
		return true, ""
	}
	defer f.Close()
	src, _ := io.ReadAll(io.LimitReader(f, rules.MaxFileSize+1))
	ms := apiVersionRE.FindAllSubmatch(src, -1)
	for _, m := range ms {
		if strings.HasPrefix(string(m[1]), "partnerops/") {
			return true, ""
		}
	}
	if len(ms) > 0 {
		return false, fmt.Sprintf("not a partnerops file (apiVersion: %s)", ms[0][1])
	}
	return false, "not a partnerops file (no apiVersion: partnerops/v1)"
}

// pathErr drops the operation and path of an *fs.PathError, which the
// caller already names.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// load compiles the group with rules.Load. File names in errors and
// explanations are the paths as given when the directory lies below the
// working directory; otherwise they are relative to the directory.
func (g *group) load() (*rules.Set, error) {
	dir := g.dir
	if filepath.IsAbs(dir) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, dir); err == nil && (rel == "." || filepath.IsLocal(rel)) {
				dir = rel
			}
		}
	}
	root, inner := ".", filepath.ToSlash(dir)
	if dir != "." && !filepath.IsLocal(dir) {
		root, inner = dir, "."
	}
	keep := func(name string) bool {
		if g.walked {
			return g.files[name]
		}
		return g.files[name] || strings.HasSuffix(name, "_test.yaml")
	}
	// The glob matches the chosen files only; rules.Load adds the
	// *_test.yaml files beside them, and leaves out the tests of the
	// folder's other programs.
	fsys := filterFS{FS: os.DirFS(root), dir: inner, keep: keep, match: func(name string) bool { return g.files[name] }}
	pattern := "*"
	if inner != "." {
		pattern = globEscape(inner) + "/*"
	}
	return rules.Load(fsys, pattern)
}

// filterFS hides the files of one directory that keep rejects, so that a
// glob over the directory sees only the chosen program files (and the
// *_test.yaml files beside them).
type filterFS struct {
	fs.FS
	dir  string
	keep func(name string) bool
	// match, when set, narrows what Glob returns in dir to the files it
	// accepts; the others stay visible to Open and ReadDir.
	match func(name string) bool
}

// Glob is fs.Glob over the visible files, narrowed by match.
func (f filterFS) Glob(pattern string) ([]string, error) {
	m, err := fs.Glob(readDirFS{f}, pattern)
	if err != nil || f.match == nil {
		return m, err
	}
	return slices.DeleteFunc(m, func(name string) bool {
		return path.Dir(name) == f.dir && !f.match(path.Base(name))
	}), nil
}

// readDirFS hides filterFS's Glob method, so that its Glob can call
// fs.Glob without calling itself.
type readDirFS struct{ f filterFS }

func (r readDirFS) Open(name string) (fs.File, error)          { return r.f.Open(name) }
func (r readDirFS) ReadDir(name string) ([]fs.DirEntry, error) { return r.f.ReadDir(name) }

func (f filterFS) hidden(name string) bool {
	return path.Dir(name) == f.dir && !f.keep(path.Base(name))
}

// Open opens a file unless it is hidden. It refuses what is neither a
// directory nor a regular file (a FIFO would block the open, /dev/zero
// never ends), checking before it opens, and reads a file only up to one
// byte past rules.MaxFileSize, so that a file growing while read is
// refused too.
func (f filterFS) Open(name string) (fs.File, error) {
	if f.hidden(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	st, err := fs.Stat(f.FS, name)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() && !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", errNotRegular, fileKind(st.Mode()))}
	}
	file, err := f.FS.Open(name)
	if err != nil || st.IsDir() {
		return file, err
	}
	return &limitedFile{File: file, left: rules.MaxFileSize + 1}, nil
}

// limitedFile reads at most left more bytes of a file.
type limitedFile struct {
	fs.File
	left int64
}

func (l *limitedFile) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.File.Read(p)
	l.left -= int64(n)
	return n, err
}

// ReadDir lists a directory without its hidden files and, in the filtered
// directory, without subdirectories.
func (f filterFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(f.FS, name)
	if err != nil || name != f.dir {
		return entries, err
	}
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool {
		return e.IsDir() || !f.keep(e.Name())
	}), nil
}

// globEscape quotes the characters path.Match treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// loadAll loads every group. It returns the sets of the groups that
// compiled and the errors of those that did not.
func loadAll(groups []*group) (sets []*rules.Set, errs []error) {
	for _, g := range groups {
		set, err := g.load()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sets = append(sets, set)
	}
	return sets, errs
}

// countErrors counts the diagnostics in a load error: every error of an
// ErrorList, including those it does not list, or 1.
func countErrors(err error) int {
	var l rules.ErrorList
	if errors.As(err, &l) {
		return l.Count()
	}
	return 1
}
