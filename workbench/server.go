package workbench

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing/fstest"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
)

//go:embed web
var webFS embed.FS

// ErrBadName is returned for a file name the server does not serve: not
// a plain .yaml, .yml or .json name of the folder.
var ErrBadName = errors.New("workbench: not a file name of the folder")

// ServerConfig configures NewServer.
type ServerConfig struct {
	// Dir is the folder whose files the page edits. Nothing is read or
	// written outside it: names are plain file names of the folder, and
	// symbolic links out of it are refused (os.Root).
	Dir string
	// Hosts are the host:port values the Host header may name, usually
	// the address listened on; "localhost:PORT" is accepted for a
	// loopback address. Requests naming another host are refused, so a
	// page of another site cannot reach the server through a DNS name
	// rebound to 127.0.0.1.
	Hosts []string
}

// Server is the workbench web page and its API over one folder of
// program and deals files. It is an http.Handler.
type Server struct {
	root  *os.Root
	hosts map[string]bool
	mux   *http.ServeMux
	saves atomic.Int64 // numbers the temporary files of saves
}

// NewServer opens the folder and returns the server. Close releases it.
func NewServer(cfg ServerConfig) (*Server, error) {
	root, err := os.OpenRoot(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("workbench: %w", err)
	}
	s := &Server{root: root, hosts: map[string]bool{}, mux: http.NewServeMux()}
	for _, h := range cfg.Hosts {
		s.hosts[h] = true
		if host, port, err := net.SplitHostPort(h); err == nil {
			if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
				s.hosts[net.JoinHostPort("localhost", port)] = true
			}
		}
	}
	static, _ := fs.Sub(webFS, "web")
	s.mux.Handle("GET /", http.FileServerFS(static))
	s.mux.HandleFunc("GET /api/files", s.files)
	s.mux.HandleFunc("GET /api/file", s.readFile)
	s.mux.HandleFunc("PUT /api/file", s.writeFile)
	s.mux.HandleFunc("POST /api/check", s.check)
	s.mux.HandleFunc("POST /api/test", s.test)
	s.mux.HandleFunc("POST /api/explain", s.explain)
	s.mux.HandleFunc("POST /api/deals", s.dealIDs)
	s.mux.HandleFunc("POST /api/curve", s.curve)
	s.mux.HandleFunc("POST /api/diff", s.diff)
	return s, nil
}

// Close releases the folder.
func (s *Server) Close() error { return s.root.Close() }

// ServeHTTP refuses requests for another host or from another origin,
// then serves the page or the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hosts[r.Host] {
		http.Error(w, "refused: unexpected Host "+r.Host, http.StatusForbidden)
		return
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
		http.Error(w, "refused: request from another origin", http.StatusForbidden)
		return
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		http.Error(w, "refused: request from another site", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		// A form on another site cannot send JSON without a preflight,
		// which this server never grants.
		http.Error(w, "refused: want Content-Type application/json", http.StatusUnsupportedMediaType)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
	w.Header().Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

var fileNameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}\.(yaml|yml|json)$`)

// checkName accepts a plain file name of the folder.
func checkName(name string) error {
	if !fileNameRE.MatchString(name) || strings.Contains(name, "..") {
		return fmt.Errorf("%w: %q", ErrBadName, name)
	}
	return nil
}

// FileInfo describes one file of the folder.
type FileInfo struct {
	Name string `json:"name"`
	// Kind is "program" for a file of documents with a kind (Program,
	// Tests, TierPolicy, ...), else "deals".
	Kind string `json:"kind"`
}

var kindLineRE = regexp.MustCompile(`(?m)^kind:\s*[A-Z][A-Za-z]*\b`)

func fileKind(src []byte) string {
	if kindLineRE.Match(src) {
		return "program"
	}
	return "deals"
}

func (s *Server) list() ([]FileInfo, error) {
	entries, err := fs.ReadDir(s.root.FS(), ".")
	if err != nil {
		return nil, err
	}
	out := []FileInfo{}
	for _, e := range entries {
		if !e.Type().IsRegular() || checkName(e.Name()) != nil {
			continue
		}
		src, err := s.read(e.Name())
		if err != nil {
			continue
		}
		out = append(out, FileInfo{Name: e.Name(), Kind: fileKind(src)})
	}
	return out, nil
}

func (s *Server) read(name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	// Refuse what is not a regular file before opening it: opening a
	// named pipe would wait for a writer forever.
	if st, err := s.root.Stat(name); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %q is not a regular file", ErrBadName, name)
	}
	f, err := s.root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, rules.MaxDealsFileSize+1))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.Encode(v)
}

func fail(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

// decodeBody reads a JSON request body of at most a program file and a half.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body := http.MaxBytesReader(w, r.Body, rules.MaxFileSize*2)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fail(w, http.StatusBadRequest, fmt.Errorf("bad request: %w", err))
		return false
	}
	return true
}

func (s *Server) files(w http.ResponseWriter, r *http.Request) {
	l, err := s.list()
	if err != nil {
		fail(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (s *Server) readFile(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	src, err := s.read(name)
	switch {
	case errors.Is(err, ErrBadName):
		fail(w, http.StatusBadRequest, err)
	case errors.Is(err, fs.ErrNotExist):
		fail(w, http.StatusNotFound, err)
	case err != nil:
		fail(w, http.StatusBadRequest, err)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"name": name, "source": string(src)})
	}
}

// buffer is the file open in the editor: its name and unsaved text.
type buffer struct {
	Name   string `json:"name"`
	Source string `json:"source"`
}

func (s *Server) writeFile(w http.ResponseWriter, r *http.Request) {
	var b buffer
	if !decodeBody(w, r, &b) {
		return
	}
	if err := checkName(b.Name); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	if len(b.Source) > rules.MaxFileSize {
		fail(w, http.StatusRequestEntityTooLarge, fmt.Errorf("a program file may be at most %d bytes", rules.MaxFileSize))
		return
	}
	if err := s.replace(b.Name, []byte(b.Source)); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"saved": b.Name})
}

// replace writes a file whole: the text goes to a new hidden file of the
// folder, which is then renamed over the name, so a reader never sees the
// file empty or half written and of two saves at once one wins whole.
// A name that is a symbolic link or not a regular file is refused, as
// renaming over it would replace the link rather than write its target.
func (s *Server) replace(name string, src []byte) error {
	if st, err := s.root.Lstat(name); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("%w: %q is not a regular file", ErrBadName, name)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp := fmt.Sprintf(".%s.%d.tmp", name, s.saves.Add(1))
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.root.Rename(tmp, name)
	}
	if err != nil {
		s.root.Remove(tmp)
	}
	return err
}

// Diagnostic is one compile error or warning for the page.
type Diagnostic struct {
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Path     string `json:"path,omitempty"`
	Msg      string `json:"msg"`
	Severity string `json:"severity"`
	Text     string `json:"text"`
}

func diagnostics(l []*rules.Error) []Diagnostic {
	out := []Diagnostic{}
	for _, e := range l {
		out = append(out, Diagnostic{Line: e.Line, Col: e.Col, Path: e.Path, Msg: e.Msg, Severity: e.Severity.String(), Text: e.Error()})
	}
	return out
}

func (s *Server) check(w http.ResponseWriter, r *http.Request) {
	var b buffer
	if !decodeBody(w, r, &b) {
		return
	}
	if err := checkName(b.Name); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	resp := map[string]any{"name": b.Name, "kind": fileKind([]byte(b.Source))}
	if resp["kind"] == "deals" {
		resp["errors"], resp["warnings"] = []Diagnostic{}, []Diagnostic{}
		writeJSON(w, http.StatusOK, resp)
		return
	}
	f, err := rules.Compile(b.Name, []byte(b.Source))
	var el rules.ErrorList
	switch {
	case errors.As(err, &el):
		resp["errors"], resp["warnings"] = diagnostics(el), []Diagnostic{}
	case err != nil:
		fail(w, http.StatusBadRequest, err)
		return
	default:
		resp["errors"], resp["warnings"] = []Diagnostic{}, diagnostics(f.Warnings)
		var ps []string
		for _, p := range f.Programs {
			ps = append(ps, fmt.Sprintf("%s v%d", p.ID, p.Version))
		}
		resp["programs"] = ps
	}
	writeJSON(w, http.StatusOK, resp)
}

// overlay is the folder's files with the editor's buffer in place of the
// file of the same name.
func (s *Server) overlay(b buffer) (fstest.MapFS, error) {
	m := fstest.MapFS{}
	l, err := s.list()
	if err != nil {
		return nil, err
	}
	for _, f := range l {
		src, err := s.read(f.Name)
		if err != nil {
			return nil, err
		}
		m[f.Name] = &fstest.MapFile{Data: src, Mode: 0o644}
	}
	if b.Name != "" {
		m[b.Name] = &fstest.MapFile{Data: []byte(b.Source), Mode: 0o644}
	}
	return m, nil
}

// load compiles the buffer's program file (or, for a *_test.yaml, the
// program file it tests) with the tests beside it.
func (s *Server) load(b buffer) (*rules.Set, error) {
	if err := checkName(b.Name); err != nil {
		return nil, err
	}
	m, err := s.overlay(b)
	if err != nil {
		return nil, err
	}
	pattern := b.Name
	if base, ok := strings.CutSuffix(b.Name, "_test.yaml"); ok {
		for _, ext := range []string{".yaml", ".yml"} {
			if _, ok := m[base+ext]; ok {
				pattern = base + ext
			}
		}
	}
	return rules.Load(m, pattern)
}

// TestOutcome is one test's result for the page.
type TestOutcome struct {
	Program string   `json:"program"`
	Name    string   `json:"name"`
	Origin  string   `json:"origin"`
	Passed  bool     `json:"passed"`
	Diffs   []string `json:"diffs"`
	Error   string   `json:"error,omitempty"`
}

func (s *Server) test(w http.ResponseWriter, r *http.Request) {
	var b buffer
	if !decodeBody(w, r, &b) {
		return
	}
	set, err := s.load(b)
	if err != nil {
		var el rules.ErrorList
		if errors.As(err, &el) {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "errors": diagnostics(el), "tests": []TestOutcome{}})
			return
		}
		fail(w, http.StatusBadRequest, err)
		return
	}
	rep := set.RunTests(r.Context(), rules.TestOptions{})
	tests := []TestOutcome{}
	for _, t := range rep.Results {
		o := TestOutcome{Program: t.Test.Program.ID, Name: t.Test.Name, Origin: t.Test.Origin.String(), Passed: t.Passed(), Diffs: t.Diffs}
		if o.Diffs == nil {
			o.Diffs = []string{}
		}
		if t.Err != nil {
			o.Error = t.Err.Error()
		}
		tests = append(tests, o)
	}
	// The tier policies of the files, and their tests, too.
	tiers := set.RunTierTests(nil)
	for _, t := range tiers.Results {
		o := TestOutcome{Program: "tier policy " + t.Test.Policy.Policy.ID, Name: t.Test.Name, Origin: t.Test.Origin.String(), Passed: t.Passed(), Diffs: t.Diffs}
		if o.Diffs == nil {
			o.Diffs = []string{}
		}
		if t.Err != nil {
			o.Error = t.Err.Error()
		}
		tests = append(tests, o)
	}
	var gaps []string
	for _, g := range rep.Coverage.Gaps() {
		gaps = append(gaps, fmt.Sprintf("%s %s (%s)", g.Kind, g.Name, g.Origin))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": rep.OK() && tiers.Failed() == 0 && len(tests) > 0, "tests": tests, "failed": rep.Failed() + tiers.Failed(),
		"coverage": rep.Coverage.Percent(), "gaps": gaps, "report": rep.String(), "errors": []Diagnostic{},
	})
}

// explainRequest asks to explain a deal pasted in the page (Deal) or a
// deal of a deals file of the folder (DealsFile and DealID).
type explainRequest struct {
	buffer
	Program   string `json:"program"`
	Deal      string `json:"deal"`
	DealsFile string `json:"dealsFile"`
	DealID    string `json:"dealId"`
	AsOf      string `json:"asOf"`
}

func (s *Server) program(b buffer, id string) (*incentive.Program, error) {
	if err := checkName(b.Name); err != nil {
		return nil, err
	}
	f, err := rules.Compile(b.Name, []byte(b.Source))
	if err != nil {
		return nil, err
	}
	for _, p := range f.Programs {
		if id == "" || p.ID == id {
			return p, nil
		}
	}
	if id != "" {
		return nil, fmt.Errorf("%s has no program %q", b.Name, id)
	}
	return nil, fmt.Errorf("%s defines no program", b.Name)
}

// pastedDeals reads a pasted deal: a list of deals, or one deal as a
// mapping.
func pastedDeals(text string, p *incentive.Program) ([]incentive.Input, error) {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "-") && !strings.HasPrefix(t, "[") {
		t = "- " + strings.ReplaceAll(t, "\n", "\n  ")
	}
	return rules.DecodeDeals("pasted deal", []byte(t), p)
}

func (s *Server) explain(w http.ResponseWriter, r *http.Request) {
	var req explainRequest
	if !decodeBody(w, r, &req) {
		return
	}
	p, err := s.program(req.buffer, req.Program)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	var asOf time.Time
	if req.AsOf != "" {
		d, err := incentive.ParseDate(req.AsOf)
		if err != nil {
			fail(w, http.StatusBadRequest, err)
			return
		}
		asOf = d.In(p.Effective.Loc())
	}
	var out strings.Builder
	if req.DealsFile == "" {
		ins, err := pastedDeals(req.Deal, p)
		if err != nil {
			fail(w, http.StatusBadRequest, err)
			return
		}
		for i, in := range ins {
			res, err := incentive.Evaluate(r.Context(), p, in, asOf)
			if err != nil {
				fail(w, http.StatusBadRequest, err)
				return
			}
			if i > 0 {
				out.WriteString("\n")
			}
			out.WriteString(res.Explain())
		}
		writeJSON(w, http.StatusOK, map[string]string{"text": out.String()})
		return
	}
	ins, err := s.deals(req.DealsFile, p)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	// The run settles the program's period settlements as it goes, as
	// 'partnerops explain' does: their true-ups count in the caps that
	// later deals meet.
	ev, err := incentive.NewEvaluator(p)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	found := false
	i := 0
	for res, err := range ev.Run(r.Context(), sliceSeq(ins), incentive.RunOptions{AsOf: asOf, Workers: 1, Settlements: settlementsOf(ev)}) {
		id := ins[i].Deal.ID
		i++
		if err != nil {
			if id == req.DealID {
				fail(w, http.StatusBadRequest, err)
				return
			}
			continue
		}
		if id == req.DealID {
			if pt := ins[i-1].Partner; noRecord(&pt) {
				// As 'partnerops explain' refuses it: evaluated with
				// no tier, type or region, the deal would be explained
				// wrongly, and the page reads no partners file.
				fail(w, http.StatusBadRequest, fmt.Errorf("deal %s: partner %s has no record (tier, type, region...) in %s: give the partner's attributes with the deal (the page reads no partners file)", id, ins[i-1].Deal.PartnerID, req.DealsFile))
				return
			}
			out.WriteString(res.Explain())
			found = true
			break
		}
	}
	if !found {
		fail(w, http.StatusNotFound, fmt.Errorf("no deal %q in %s", req.DealID, req.DealsFile))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"text": out.String()})
}

// noRecord reports whether a deal's partner has no record: only its id,
// none of the attributes terms read.
func noRecord(pt *partner.Partner) bool {
	return pt.Name == "" && pt.Tier == "" && pt.Type == "" && pt.Region == "" && pt.Country == "" &&
		len(pt.Contacts) == 0 && len(pt.History) == 0
}

// dealIDs lists the deals of a deals file, read for the open program, in
// run order, for the page's deal picker.
func (s *Server) dealIDs(w http.ResponseWriter, r *http.Request) {
	var req explainRequest
	if !decodeBody(w, r, &req) {
		return
	}
	p, err := s.program(req.buffer, req.Program)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	ins, err := s.deals(req.DealsFile, p)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	type deal struct {
		ID      string `json:"id"`
		Partner string `json:"partner"`
		Amount  string `json:"amount"`
	}
	out := make([]deal, 0, len(ins))
	for _, in := range ins {
		out = append(out, deal{in.Deal.ID, in.Deal.PartnerID, in.Deal.Amount.String()})
	}
	writeJSON(w, http.StatusOK, out)
}

// deals reads a deals file of the folder for program p, sorted as a run
// needs them.
func (s *Server) deals(name string, p *incentive.Program) ([]incentive.Input, error) {
	src, err := s.read(name)
	if err != nil {
		return nil, err
	}
	ins, err := rules.DecodeDeals(name, src, p)
	if err != nil {
		return nil, err
	}
	sortInputs(ins)
	return ins, nil
}

// sortInputs puts deals in the order incentive.Run requires: by close
// time, then id.
func sortInputs(in []incentive.Input) {
	slices.SortStableFunc(in, func(a, b incentive.Input) int {
		if c := a.Deal.CloseDate.Compare(b.Deal.CloseDate); c != 0 {
			return c
		}
		return strings.Compare(a.Deal.ID, b.Deal.ID)
	})
}

type curveRequest struct {
	buffer
	Program string `json:"program"`
	Earning string `json:"earning"`
}

func (s *Server) curve(w http.ResponseWriter, r *http.Request) {
	var req curveRequest
	if !decodeBody(w, r, &req) {
		return
	}
	set, err := s.load(req.buffer)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	// The open file's program, or for a *_test.yaml file the program it
	// tests.
	var p *incentive.Program
	for _, f := range set.Files {
		for _, q := range f.Programs {
			if p == nil && (req.Program == "" || q.ID == req.Program) {
				p = q
			}
		}
	}
	if p == nil {
		fail(w, http.StatusBadRequest, fmt.Errorf("%s defines no program", req.Name))
		return
	}
	tmpl, err := TemplateDeal(r.Context(), p, set.Tests())
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	c, err := PayoutCurve(r.Context(), p, tmpl, CurveOptions{Earning: req.Earning})
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"svg": string(c.SVG())})
}

// diffRequest asks for the diff of two program files of the folder (the
// open one in its unsaved state) over a deals file.
type diffRequest struct {
	buffer
	Old   string `json:"old"`
	New   string `json:"new"`
	Deals string `json:"deals"`
}

func (s *Server) diff(w http.ResponseWriter, r *http.Request) {
	var req diffRequest
	if !decodeBody(w, r, &req) {
		return
	}
	// The open file stands for its unsaved text, except as the old
	// version of itself: then the saved file is the old version, so a
	// diff of the open file with itself shows what the edits change.
	get := func(name string, old bool) (*incentive.Program, error) {
		if name == req.Name && !(old && req.Old == req.New) {
			return s.program(req.buffer, "")
		}
		src, err := s.read(name)
		if err != nil {
			return nil, err
		}
		return s.program(buffer{name, string(src)}, "")
	}
	oldP, err := get(req.Old, true)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	newP, err := get(req.New, false)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	reader, err := DealsProgram(oldP, newP)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	ins, err := s.deals(req.Deals, reader)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	d, err := Compare(ctx, oldP, newP, sliceSeq(ins), DiffOptions{Deals: 50})
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	var text bytes.Buffer
	d.WriteText(&text)
	writeJSON(w, http.StatusOK, map[string]string{"text": text.String(), "svg": string(d.WaterfallSVG())})
}
