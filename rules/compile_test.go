package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

func testFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustCompile(t *testing.T, name string, src []byte) *File {
	t.Helper()
	f, err := Compile(name, src)
	if err != nil {
		t.Fatalf("Compile(%s):\n%v", name, err)
	}
	return f
}

// compileErrors compiles src, which must fail, and returns the errors.
func compileErrors(t *testing.T, src string) ErrorList {
	t.Helper()
	f, err := Compile("t.yaml", []byte(src))
	if err == nil {
		t.Fatalf("Compile succeeded, want errors; program %+v", f.Programs)
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is %T, want ErrorList", err)
	}
	return list
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func origin(file string, line, col int) incentive.Origin {
	return incentive.Origin{File: file, Line: line, Col: col}
}

func TestCompileSpiffProgram(t *testing.T) {
	src := testFile(t, "testdata/reference/spiff.yaml")
	f := mustCompile(t, "spiff.yaml", src)
	if len(f.Programs) != 1 || len(f.Warnings) != 0 {
		t.Fatalf("got %d programs, %d warnings", len(f.Programs), len(f.Warnings))
	}
	p := f.Programs[0]
	if p.ID != "q4-2026-new-logo-spiff" || p.Name != "Q4 2026 New Logo SPIFF" || p.Version != 3 || p.Currency != incentive.USD {
		t.Errorf("header: %q %q %d %q", p.ID, p.Name, p.Version, p.Currency)
	}
	if p.Hash != sha(src) {
		t.Errorf("Hash = %s, want the SHA-256 of the file", p.Hash)
	}
	w := p.Effective
	if w.From != (incentive.Date{Year: 2026, Month: 10, Day: 1}) || w.To != (incentive.Date{Year: 2026, Month: 12, Day: 31}) ||
		w.Loc().String() != "America/New_York" || w.Ends != incentive.BothInclusive {
		t.Errorf("effective = %v (%q)", w, w.Ends)
	}
	if p.Claims != (incentive.ClaimWindow{Days: 60, From: incentive.FromCloseDate}) {
		t.Errorf("claims = %+v", p.Claims)
	}
	if p.Payee != "partner_rep" || !p.MinPayout.Equal(dec("50")) || p.AllowNegative {
		t.Errorf("payee %q, min payout %s, allow negative %t", p.Payee, p.MinPayout, p.AllowNegative)
	}
	r := p.Rounding
	if r.Scale == nil || *r.Scale != 2 || r.Mode != incentive.HalfUp || r.Stage != incentive.StageLine {
		t.Errorf("rounding = %+v", r)
	}
	wantFields := []incentive.FieldDecl{
		{Name: "segment", Type: incentive.FieldString, Origin: origin("spiff.yaml", 15, 3)},
		{Name: "term_months", Type: incentive.FieldInt, Optional: true, Origin: origin("spiff.yaml", 16, 3)},
	}
	if len(p.Fields) != 2 || p.Fields[0] != wantFields[0] || p.Fields[1] != wantFields[1] {
		t.Errorf("fields = %+v", p.Fields)
	}
	if len(p.Eligibility) != 2 || p.Eligibility[0].Name != "registered new business" ||
		p.Eligibility[1].Name != "gold or platinum partner" || p.Eligibility[1].Origin != origin("spiff.yaml", 20, 5) {
		t.Errorf("eligibility = %+v", p.Eligibility)
	}
	for _, c := range p.Eligibility {
		if c.When == nil {
			t.Errorf("clause %q has no condition", c.Name)
		}
	}
	type earning struct {
		id, typ, group string
		line           int
		when           bool
	}
	want := []earning{
		{"base", "spiff", "", 23, true},
		{"enterprise-kicker", "spiff", "kicker", 28, true},
		{"multi-year-kicker", "bonus", "kicker", 33, true},
	}
	if len(p.Earnings) != len(want) {
		t.Fatalf("%d earnings", len(p.Earnings))
	}
	for i, w := range want {
		e := p.Earnings[i]
		if e.ID != w.id || string(e.Type) != w.typ || e.Group != w.group || e.Origin != origin("spiff.yaml", w.line, 5) ||
			(e.When != nil) != w.when || e.Amount == nil || e.Bands != nil {
			t.Errorf("earning %d = %+v, want %+v", i, e, w)
		}
	}
	if d, ok := p.Earnings[0].Amount.(incentive.Describer); !ok || d.Source() != "deal.amount * 0.02" {
		t.Errorf("base amount source: %v", p.Earnings[0].Amount)
	}
	if v, err := p.Earnings[1].Amount.Value(nil); err != nil || !v.Equal(dec("500")) {
		t.Errorf("enterprise-kicker amount = %s, %v; want the literal 500", v, err)
	}
	if len(p.Groups) != 1 || p.Groups[0] != (incentive.Group{ID: "kicker", Pick: incentive.PickHighest, Origin: origin("spiff.yaml", 39, 5)}) {
		t.Errorf("groups = %+v", p.Groups)
	}
	wantCaps := []incentive.Cap{
		{Scope: incentive.CapLine, Limit: dec("1000"), Earning: "base", Origin: origin("spiff.yaml", 27, 10)},
		{Scope: incentive.CapDeal, Limit: dec("2500"), Origin: origin("spiff.yaml", 41, 13)},
		{Scope: incentive.CapPartner, Limit: dec("10000"), Period: incentive.PeriodQuarter, Origin: origin("spiff.yaml", 42, 16)},
		{Scope: incentive.CapBudget, Limit: dec("250000"), Origin: origin("spiff.yaml", 43, 11)},
	}
	if len(p.Caps) != len(wantCaps) {
		t.Fatalf("caps = %+v", p.Caps)
	}
	for i, c := range p.Caps {
		w := wantCaps[i]
		if c.Scope != w.Scope || !c.Limit.Equal(w.Limit) || c.Earning != w.Earning || c.Period != w.Period || c.Origin != w.Origin {
			t.Errorf("cap %d = %+v, want %+v", i, c, w)
		}
	}
	if len(f.Tests) != 9 || f.Tests[0].Name != "gold partner, registered new logo" || f.Tests[0].Program != p {
		t.Errorf("%d tests", len(f.Tests))
	}
	if err := p.Validate(); err != nil {
		t.Errorf("the engine rejects the compiled program: %v", err)
	}
}

func TestCompileDefaults(t *testing.T) {
	f := mustCompile(t, "minimal.yaml", testFile(t, "testdata/reference/minimal.yaml"))
	p := f.Programs[0]
	if p.Effective.Loc() != time.UTC || p.Effective.Ends != incentive.BothInclusive || !p.Effective.To.IsZero() {
		t.Errorf("effective = %v", p.Effective)
	}
	if p.Payee != incentive.PayeePartner || p.Claims != (incentive.ClaimWindow{}) || p.Period != "" {
		t.Errorf("payee %q, claims %+v, period %q", p.Payee, p.Claims, p.Period)
	}
	if p.Rounding.Scale != nil || p.Rounding.Mode != "" || p.Rounding.Stage != "" {
		t.Errorf("rounding = %+v, want the zero value (half_up at line to minor units)", p.Rounding)
	}
	if len(p.Caps) != 0 || len(p.Groups) != 0 || len(p.Eligibility) != 0 {
		t.Errorf("unexpected caps, groups or clauses")
	}
}

func TestCompileBandTables(t *testing.T) {
	f := mustCompile(t, "b.yaml", testFile(t, "testdata/reference/bands-retroactive.yaml"))
	bt := f.Programs[0].Earnings[0].Bands
	if bt == nil || bt.Method != incentive.Retroactive || bt.Basis != incentive.BasisDeal || bt.Pays != incentive.PaysRate ||
		bt.Measure != nil || bt.Origin != origin("b.yaml", 13, 7) {
		t.Fatalf("table = %+v", bt)
	}
	want := []struct {
		from, to, rate, label string
		line                  int
	}{
		{"0", "10000", "0.01", "", 17},
		{"10000", "50000", "0.02", "silver", 18},
		{"50000", "", "0.03", "gold", 19},
	}
	for i, w := range want {
		b := bt.Bands[i]
		toOK := w.to == "" && b.To == nil || b.To != nil && b.To.Equal(dec(w.to))
		if !b.From.Equal(dec(w.from)) || !toOK || !b.Value.Equal(dec(w.rate)) || b.Label != w.label || b.Origin != origin("b.yaml", w.line, 11) {
			t.Errorf("band %d = %+v, want %+v", i, b, w)
		}
	}

	f = mustCompile(t, "p.yaml", testFile(t, "testdata/reference/bands-period.yaml"))
	bt = f.Programs[0].Earnings[0].Bands
	if bt.Basis != incentive.BasisPeriod || bt.Period != incentive.PeriodQuarter {
		t.Errorf("period table = %+v", bt)
	}
	f = mustCompile(t, "m.yaml", testFile(t, "testdata/reference/bands-flat-multiplier.yaml"))
	seats, acc := f.Programs[0].Earnings[0], f.Programs[0].Earnings[1]
	if seats.Bands.Pays != incentive.PaysFlat || seats.Bands.Measure == nil || seats.Amount != nil {
		t.Errorf("seats = %+v", seats)
	}
	if acc.Bands.Pays != incentive.PaysMultiplier || acc.Amount == nil || !acc.Bands.Bands[1].Value.Equal(dec("1.5")) {
		t.Errorf("accelerator = %+v", acc)
	}
}

const docA = `apiVersion: partnerops/v1
kind: Program
id: a
name: A
version: 1
currency: USD
effective: {from: 2026-01-01}
earnings:
  - {id: base, type: spiff, amount: 500}
`

const docB = `# the second program
apiVersion: partnerops/v1
kind: Program
id: b
name: B
version: 2
currency: EUR
effective: {from: 2026-01-01}
earnings:
  - {id: base, type: spiff, amount: 500}
`

func TestHashIsTheDocumentsBytes(t *testing.T) {
	f := mustCompile(t, "ab.yaml", []byte(docA+"---\n"+docB))
	if len(f.Programs) != 2 {
		t.Fatalf("%d programs", len(f.Programs))
	}
	if f.Programs[0].Hash != sha([]byte(docA)) || f.Programs[1].Hash != sha([]byte(docB)) {
		t.Errorf("hashes %s %s, want the SHA-256 of each document's own bytes", f.Programs[0].Hash, f.Programs[1].Hash)
	}
	alone := mustCompile(t, "b.yaml", []byte(docB))
	if alone.Programs[0].Hash != f.Programs[1].Hash {
		t.Error("a document hashes differently alone and in a multi-document file")
	}
	lead := mustCompile(t, "a.yaml", []byte("# header\n---\n"+docA))
	if lead.Programs[0].Hash != sha([]byte(docA)) {
		t.Error("a leading --- line changed the hash")
	}
	changed := mustCompile(t, "a.yaml", []byte(strings.Replace(docA, "500", "501", 1)))
	if changed.Programs[0].Hash == f.Programs[0].Hash {
		t.Error("changing the terms did not change the hash")
	}
	// Positions in the second document are file lines.
	if got := f.Programs[1].Earnings[0].Origin.Line; got != 20 {
		t.Errorf("second document's earning on line %d, want 20", got)
	}
}

func TestFileTooLarge(t *testing.T) {
	src := []byte(docA + "# " + strings.Repeat("x", MaxFileSize) + "\n")
	list := compileErrors(t, string(src))
	if len(list) != 1 || list[0].Line != 0 || !strings.Contains(list[0].Msg, "at most 1048576 bytes") {
		t.Fatalf("errors = %v", list)
	}
	if got := list[0].Error(); !strings.HasPrefix(got, "t.yaml: file is ") {
		t.Errorf("rendered %q", got)
	}
}

func TestNodeAndDocumentLimits(t *testing.T) {
	src := "apiVersion: partnerops/v1\nkind: Program\nx: [" + strings.Repeat("1,", MaxNodes) + "1]\n"
	list := compileErrors(t, src)
	if !strings.Contains(list.Error(), "more than 200000 YAML nodes") {
		t.Errorf("node limit: %v", list[0])
	}
	docs := strings.Repeat("---\n"+docA, MaxDocuments+1)
	list = compileErrors(t, docs)
	if !strings.Contains(list.Error(), "too many documents: this file may hold at most 100") {
		t.Errorf("document limit not reported: %v", list[:1])
	}
}

func TestErrorListIsSortedAndUnwraps(t *testing.T) {
	list := compileErrors(t, `apiVersion: partnerops/v1
kind: Program
id: demo
name: Demo
version: 0
currency: usd1
effective: {from: 2026-01-01}
earnings:
  - {id: b, type: spif, amount: 500}
`)
	if len(list) != 3 {
		t.Fatalf("want 3 errors, got %v", list)
	}
	for i := 1; i < len(list); i++ {
		if compareErrors(list[i-1], list[i]) > 0 {
			t.Errorf("not sorted: %v before %v", list[i-1], list[i])
		}
	}
	var err error = list
	var first *Error
	if !errors.As(err, &first) || first.Line != 5 || first.Path != "version" {
		t.Errorf("errors.As(*Error) = %+v", first)
	}
	if list[2].Path != "earnings[0].type" || !strings.Contains(list[2].Msg, `did you mean "spiff"?`) {
		t.Errorf("third error %+v", list[2])
	}
}

func TestErrorRendering(t *testing.T) {
	e := &Error{File: "f.yaml", Line: 2, Col: 3, Path: "a.b", Msg: "bad", Source: "\tx: y"}
	if got, want := e.Error(), "f.yaml:2:3: a.b: bad\n    \tx: y\n    \t ^"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e = &Error{File: "f.yaml", Line: 4, Msg: "syntax", Source: "a: [", Severity: SeverityWarning}
	if got, want := e.Error(), "f.yaml:4: warning: syntax\n    a: ["; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e = &Error{File: "f.yaml", Msg: "too big"}
	if got := e.Error(); got != "f.yaml: too big" {
		t.Errorf("got %q", got)
	}
	if ErrorList(nil).Err() != nil {
		t.Error("an empty list is an error")
	}
	if SeverityWarning.String() != "warning" || SeverityError.String() != "error" {
		t.Error("severity names")
	}
}

func TestAmountLiterals(t *testing.T) {
	f := mustCompile(t, "t.yaml", []byte(strings.Replace(docA, "amount: 500}", `amount: "500.50 USD", cap: "600"}`, 1)+
		"caps: {per_deal: \"2500 USD\", budget: 1000000}\n"))
	p := f.Programs[0]
	if v, _ := p.Earnings[0].Amount.Value(nil); !v.Equal(dec("500.50")) {
		t.Errorf("amount = %s", v)
	}
	if !p.Caps[0].Limit.Equal(dec("600")) || !p.Caps[1].Limit.Equal(dec("2500")) || !p.Caps[2].Limit.Equal(dec("1000000")) {
		t.Errorf("caps = %+v", p.Caps)
	}
	for _, bad := range []string{"1e3", "1_000", "0x10", ".nan", `"10,000"`, `"12 dollars"`} {
		list := compileErrors(t, docA+"caps: {per_deal: "+bad+"}\n")
		if len(list) != 1 || list[0].Path != "caps.per_deal" || !strings.Contains(list[0].Msg, "decimal number") {
			t.Errorf("per_deal %s: %v", bad, list)
		}
	}
}

func TestTestsNeedAKnownProgram(t *testing.T) {
	// A Tests document for a program of another file stays pending in
	// Compile (Load resolves it); for a program of the same file it is
	// decoded at once.
	tests := `---
apiVersion: partnerops/v1
kind: Tests
program: a
tests:
  - name: flat
    deal: {id: D-1, amount: "10", close_date: 2026-02-01}
    expect: {total: "500"}
`
	f := mustCompile(t, "a.yaml", []byte(docA+tests))
	if len(f.Tests) != 1 || f.Tests[0].Program != f.Programs[0] {
		t.Errorf("same-file Tests document not attached: %d tests", len(f.Tests))
	}
	f = mustCompile(t, "a_test.yaml", []byte(strings.TrimPrefix(tests, "---\n")))
	if len(f.Tests) != 0 || len(f.pending) != 1 {
		t.Errorf("other-file Tests document: %d tests, %d pending", len(f.Tests), len(f.pending))
	}
}

func TestSuggest(t *testing.T) {
	if got := suggest("ammount", []string{"id", "amount"}, true); got != `; did you mean "amount"?` {
		t.Errorf("suggest = %q", got)
	}
	if got := suggest("zzz", []string{"id", "amount"}, true); got != " (want one of id, amount)" {
		t.Errorf("suggest = %q", got)
	}
	if got := suggest("zzz", []string{"id"}, false); got != "" {
		t.Errorf("suggest = %q", got)
	}
}

func TestEmptyDocumentsAreSkipped(t *testing.T) {
	for _, src := range []string{docA + "---\n", docA + "---\n# the end\n", "---\n" + docA + "---\n---\n"} {
		f := mustCompile(t, "a.yaml", []byte(src))
		if len(f.Programs) != 1 {
			t.Errorf("%q: %d programs", src, len(f.Programs))
		}
	}
}

func TestProgramPeriod(t *testing.T) {
	f := mustCompile(t, "a.yaml", []byte(docA+"period: month\ncaps: {per_partner: 100}\n"))
	p := f.Programs[0]
	if p.Period != incentive.PeriodMonth || p.Caps[0].Period != "" {
		t.Errorf("period %q, partner cap period %q (want month, and empty = the program's)", p.Period, p.Caps[0].Period)
	}
	list := compileErrors(t, docA+"period: week\n")
	if len(list) != 1 || list[0].Path != "period" || !strings.Contains(list[0].Msg, `unknown value "week"`) {
		t.Errorf("errors = %v", list)
	}
}
