package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	streamDir      = testdata + "/stream"
	csvDeals       = streamDir + "/deals.csv"
	jsonlDeals     = streamDir + "/deals.jsonl"
	samplePartners = streamDir + "/partners.csv"
)

// goldenStdout is the stdout part of a golden file.
func goldenStdout(t *testing.T, here, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(here, "testdata", "golden", name+".golden"))
	require.NoError(t, err)
	_, after, _ := strings.Cut(string(b), "-- stdout --\n")
	out, _, _ := strings.Cut(after, "-- stderr --\n")
	return out
}

// TestStreamFormatsMatchYAML: the sample deals as CSV (with a partners
// file) and as JSON Lines (partners inline), read from a file or standard
// input, sorted in memory, on disk, or streamed as given once sorted, give
// the statement of the YAML sample byte for byte.
func TestStreamFormatsMatchYAML(t *testing.T) {
	here := chdirRoot(t)
	want := goldenStdout(t, here, "run_example")
	sortedCSV := filepath.Join(t.TempDir(), "sorted.csv")
	writeSortedCSV(t, csvDeals, sortedCSV)
	csvSrc, err := os.ReadFile(csvDeals)
	require.NoError(t, err)

	cases := []struct {
		name  string
		args  []string
		stdin string
		note  string
	}{
		{"csv", []string{"run", "-partners", samplePartners, example, csvDeals}, "", "sorted 32 deals in memory"},
		{"jsonl", []string{"run", example, jsonlDeals}, "", "sorted 32 deals in memory"},
		{"csv on stdin", []string{"run", "-format", "csv", "-partners", samplePartners, example, "-"}, string(csvSrc), "sorted 32 deals in memory"},
		{"external sort", []string{"run", "-sort-limit", "5", "-workers", "3", "-partners", samplePartners, example, csvDeals}, "",
			"sorted 32 deals on disk (7 runs of at most 5, merged)"}, // 32 = 6 x 5 + 2
		{"sorted stream", []string{"run", "-sorted", "-partners", samplePartners, example, sortedCSV}, "", "streamed in (close time, id) order as given (-sorted)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.stdin != "" {
				old := stdin
				stdin = strings.NewReader(c.stdin)
				defer func() { stdin = old }()
			}
			stdout, stderr, code := invoke(c.args...)
			require.Equal(t, exitOK, code, stderr)
			assert.Equal(t, want, stdout)
			assert.Equal(t, "partnerops run: 32 deals read, 32 evaluated, 0 in error; "+c.note+"\n", stderr)
		})
	}
}

// writeSortedCSV writes the sample CSV sorted by close date, then id (the
// sample's close dates are dates, except GLX-7003's instant, which is the
// last of all; see testdata/README.md).
func writeSortedCSV(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(from)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	head, rows := recs[0], recs[1:]
	idx := map[string]int{}
	for i, h := range head {
		idx[h] = i
	}
	key := func(r []string) string {
		d := r[idx["close_date"]]
		if len(d) > 10 { // the one RFC 3339 instant sorts after every date
			d = "9999"
		}
		return d + " " + r[idx["id"]]
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && key(rows[j]) < key(rows[j-1]); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
	out, err := os.Create(to)
	require.NoError(t, err)
	w := csv.NewWriter(out)
	require.NoError(t, w.WriteAll(append([][]string{head}, rows...)))
	require.NoError(t, out.Close())
}

// TestStreamErrors: bad rows, unknown or conflicting partners, deals out
// of order under -sorted, and -on-error stop.
func TestStreamErrors(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		return p
	}
	head := "id,partner_id,amount,close_date,registered,type,segment\n"
	good := "D-1,P-ACME,1000.00,2026-10-06,true,new_business,smb\n"
	badRow := "D-2,P-ACME,1e3,2026-10-07,true,new_business,smb\n"
	unknown := "D-3,P-ACNE,500.00,2026-10-08,true,new_business,smb\n"
	late := "D-4,P-ACME,500.00,2026-10-01,true,new_business,smb\n"
	withBad := write("bad.csv", head+good+badRow+unknown)
	unsorted := write("unsorted.csv", head+good+late)
	conflict := write("conflict.csv", "id,partner_id,partner_tier,amount,close_date,segment\nD-1,P-ACME,gold,10.00,2026-10-06,smb\n")
	noPartner := write("nopartner.csv", head+good)

	cases := []struct {
		name      string
		args      []string
		stderr    []string // lines that must appear, in order
		statement bool
	}{
		{"continue", []string{"run", "-partners", samplePartners, example, withBad}, []string{
			withBad + `:3:3: deal D-2: amount: want a decimal number such as 1250 or 0.025 (no exponent, "+" or thousands separator), got "1e3"`,
			`partnerops run: deal D-3: unknown partner P-ACNE: not in ` + samplePartners + `; did you mean "P-ACME"?`,
			"partnerops run: 3 deals read, 1 evaluated, 2 in error; sorted 1 deal in memory",
		}, true},
		{"stop", []string{"run", "-on-error", "stop", "-partners", samplePartners, example, withBad}, []string{
			withBad + `:3:3: deal D-2: amount:`,
			"partnerops run: 2 deals read, 0 evaluated, 1 in error; stopped early, no statement",
		}, false},
		{"sorted but not", []string{"run", "-sorted", "-partners", samplePartners, example, unsorted}, []string{
			"partnerops run: deals out of order: deal D-4 (closed 2026-10-01T00:00:00-04:00) comes after deal D-1 (closed 2026-10-06T00:00:00-04:00); -sorted needs the deals in (close time, id) order: drop -sorted to have them sorted",
			"partnerops run: 2 deals read, 1 evaluated, 0 in error; streamed in (close time, id) order as given (-sorted); stopped early, no statement",
		}, false},
		{"conflicting partner", []string{"run", "-partners", samplePartners, example, conflict}, []string{
			`partnerops run: deal D-1: partner P-ACME: the deal gives tier "gold", ` + samplePartners + ` gives "platinum"`,
		}, true},
		{"no partner record", []string{"run", example, noPartner}, []string{
			"partnerops run: deal D-1: partner P-ACME has no record (tier, type, region...): give -partners FILE, or the partner's attributes with the deal",
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := invoke(c.args...)
			assert.Equal(t, exitFail, code)
			rest := stderr
			for _, want := range c.stderr {
				i := strings.Index(rest, want)
				require.GreaterOrEqual(t, i, 0, "stderr lacks (in order) %q:\n%s", want, stderr)
				rest = rest[i+len(want):]
			}
			assert.Equal(t, c.statement, strings.Contains(stdout, "Earnings statement"), stdout)
		})
	}
}

// TestResultsFile: -results writes one CSV row per earning line, or one
// JSON line per deal, with the band, the caps that cut and the rounding.
func TestResultsFile(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	csvOut, jsonlOut := filepath.Join(dir, "r.csv"), filepath.Join(dir, "r.jsonl")
	_, stderr, code := invoke("run", "-results", csvOut, example, deals)
	require.Equal(t, exitOK, code, stderr)
	_, stderr, code = invoke("run", "-results", jsonlOut, "-results-explain", example, deals)
	require.Equal(t, exitOK, code, stderr)

	f, err := os.Open(csvOut)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, resultsHeader, recs[0])
	var acme1011 [][]string
	deals := map[string]bool{}
	for _, r := range recs[1:] {
		deals[r[2]] = true
		if r[2] == "ACME-1011" {
			acme1011 = append(acme1011, r)
		}
	}
	assert.Len(t, deals, 32, "every deal has a row")
	// ACME-1011 (testdata/README.md): the partner cap leaves 25,000.00 -
	// 23,610.00 = 1,390.00 of the deal's lines; the last paying line is cut.
	require.NotEmpty(t, acme1011)
	last := acme1011[len(acme1011)-1]
	assert.Equal(t, "1390.00", last[16], "deal_total")
	assert.Contains(t, last[14], "partner cap 25000", "cuts")
	assert.Equal(t, "half_up to 2 places, per line", last[15])
	assert.Equal(t, "2027-02-19", last[17], "claim by: 60 days after 2026-12-21")

	src, err := os.ReadFile(jsonlOut)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(src)), "\n")
	require.Len(t, lines, 32)
	found := false
	for _, l := range lines {
		var r resultJSON
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		if r.Deal == "ACME-1011" {
			found = true
			assert.Equal(t, "1390.00", r.Total.Amount().StringFixed(2))
			assert.Contains(t, r.Explanation, "deal ACME-1011")
		}
	}
	assert.True(t, found)
}

// TestStatementFormats: CSV has one row per partner and a total row that
// add up; the JSON statement reads back as the next run's -carried.
func TestStatementFormats(t *testing.T) {
	chdirRoot(t)
	stdout, stderr, code := invoke("run", "-output", "csv", example, deals)
	require.Equal(t, exitOK, code, stderr)
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 1+7+1, "header, 7 partners, total")
	total := recs[len(recs)-1]
	// earned, expired, held, carried in, withheld, payable, carried out,
	// payment method, fee, sent: no payment methods, so no fee and sent =
	// payable. The program has a budget, so the last column is
	// budget_used, on the total row only: every deal's payout counts
	// against it, nothing expired or held, so it is the earned 38,937.01.
	assert.Equal(t, "budget_used", recs[0][len(recs[0])-1])
	assert.Equal(t, []string{"TOTAL", "", "32", "25", "38937.01", "0.00", "0.00", "0.00", "0.00", "38859.51", "77.50", "", "0.00", "38859.51", "38937.01"}, total[5:])

	// As of 2027-01-15 P-CORAL carries 32.50 out (testdata/README.md); fed
	// back, it is carried in: 77.50 + 32.50 = 110.00 reaches the 100.00
	// minimum and is paid.
	asOf, stderr, code := invoke("run", "-output", "json", "-as-of", "2027-01-15", example, deals)
	require.Equal(t, exitOK, code, stderr)
	prev := filepath.Join(t.TempDir(), "prev.json")
	require.NoError(t, os.WriteFile(prev, []byte(asOf), 0o644))
	stdout, stderr, code = invoke("run", "-carried", prev, "-output", "csv", example, deals)
	require.Equal(t, exitOK, code, stderr)
	recs, err = csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	for _, r := range recs[1:] {
		if r[5] == "P-CORAL" {
			assert.Equal(t, []string{"77.50", "0.00", "0.00", "32.50", "0.00", "110.00", "0.00", "", "0.00", "110.00", ""}, r[9:])
		}
	}
}

// TestExplainJSON: explain -json prints the result with its trace.
func TestExplainJSON(t *testing.T) {
	chdirRoot(t)
	stdout, stderr, code := invoke("explain", "-json", "-deal", "ACME-1011", example, deals)
	require.Equal(t, exitOK, code, stderr)
	var r struct {
		Deal  string
		Total struct{ Amount string }
		Trace []json.RawMessage
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	assert.Equal(t, "ACME-1011", r.Deal)
	assert.Equal(t, "1390.00", r.Total.Amount)
	assert.NotEmpty(t, r.Trace)

	_, stderr, code = invoke("explain", "-deal", "ACME-1O11", example, deals)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `no deal "ACME-1O11" in examples/data/deals.yaml; did you mean "ACME-1011"?`)
}

// TestHelpHelpAndSuggestions: "help help" shows the overview; a mistyped
// command gets a suggestion.
func TestHelpHelpAndSuggestions(t *testing.T) {
	stdout, _, code := invoke("help", "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "Usage:")
	_, stderr, code := invoke("rnu")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown command "rnu"; did you mean "run"?`)
	_, stderr, _ = invoke("help", "expalin")
	assert.Contains(t, stderr, `unknown command "expalin"; did you mean "explain"?`)
}

// TestExplainWithoutDealsFile: a deal given with -input, or on standard
// input, is explained without a deals file. A gold partner's registered
// new-business deal of 12,000.00 earns the 2% SPIFF, 240.00, and the first
// rebate band's 1% of 12,000.00, 120.00: 360.00.
func TestExplainWithoutDealsFile(t *testing.T) {
	chdirRoot(t)
	deal := `{"id": "D-1", "partner": {"id": "P-1", "tier": "gold"}, "amount": "12000.00", "close_date": "2026-11-03", "registered": true, "type": "new_business", "segment": "smb"}`
	stdout, stderr, code := invoke("explain", "-input", deal, example)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "total 360.00 USD to partner")

	old := stdin
	stdin = strings.NewReader(deal + "\n")
	defer func() { stdin = old }()
	stdout, stderr, code = invoke("explain", "-format", "jsonl", example, "-")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "total 360.00 USD to partner")

	_, stderr, code = invoke("explain", "-input", deal, example, deals)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "with -input, give only the PROGRAM file, got 2 arguments")
}

// TestCheckWalksFolders: check walks a folder tree, loads the partnerops
// files and lists the other YAML files as skipped.
func TestCheckWalksFolders(t *testing.T) {
	chdirRoot(t)
	root := t.TempDir()
	prog, err := os.ReadFile(example)
	require.NoError(t, err)
	tests, err := os.ReadFile("examples/programs/q4-growth_test.yaml")
	require.NoError(t, err)
	for name, src := range map[string][]byte{
		"programs/q4/q4-growth.yaml":      prog,
		"programs/q4/q4-growth_test.yaml": tests,
		"ci/workflow.yml":                 []byte("name: ci\non: push\n"),
		"k8s/deploy.yaml":                 []byte("apiVersion: apps/v1\nkind: Deployment\n"),
		".hidden/x.yaml":                  []byte("not: read\n"),
	} {
		p := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, src, 0o644))
	}
	stdout, stderr, code := invoke("check", root)
	require.Equal(t, exitOK, code, stdout+stderr)
	assert.Contains(t, stdout, filepath.Join(root, "ci/workflow.yml")+": skipped, not a partnerops file (no apiVersion: partnerops/v1)\n")
	assert.Contains(t, stdout, filepath.Join(root, "k8s/deploy.yaml")+": skipped, not a partnerops file (apiVersion: apps/v1)\n")
	assert.NotContains(t, stdout, ".hidden")
	// The example has 10 tests in its _test.yaml file (check_good).
	assert.Contains(t, stdout, "ok: 2 files, 1 program, 10 tests, 2 files skipped\n")
}

// TestFmtCommand: fmt -l lists a file out of canonical form and exits 1;
// fmt rewrites it; then fmt -l lists nothing.
func TestFmtCommand(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile(example)
	require.NoError(t, err)
	path := filepath.Join(dir, "q4.yaml")
	// Move "id:" after "version:": out of canonical order.
	moved := strings.Replace(strings.Replace(string(src), "id: q4-2026-partner-growth\n", "", 1), "version: 1\n", "version: 1\nid: q4-2026-partner-growth\n", 1)
	require.NoError(t, os.WriteFile(path, []byte(moved), 0o644))
	stdout, _, code := invoke("fmt", "-l", dir)
	assert.Equal(t, exitFail, code)
	assert.Equal(t, path+"\n", stdout)
	_, stderr, code := invoke("fmt", dir)
	require.Equal(t, exitOK, code, stderr)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Less(t, strings.Index(string(got), "id: q4-2026-partner-growth"), strings.Index(string(got), "version: 1"))
	stdout, _, code = invoke("fmt", "-l", dir)
	assert.Equal(t, exitOK, code)
	assert.Empty(t, stdout)
	stdout, stderr, code = invoke("check", dir)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "ok: 1 file, 1 program")
}

// TestSchemaCommand prints the rules package's schema.
func TestSchemaCommand(t *testing.T) {
	stdout, _, code := invoke("schema")
	require.Equal(t, exitOK, code)
	var s map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &s))
	assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", s["$schema"])
	_, stderr, code := invoke("schema", "x")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "takes no arguments")
}

// TestPartnersFileErrors: a partners file listing a partner twice with
// different attributes, or with an unknown column, fails before any deal
// is read; the same partner repeated to add a contact is fine (the sample
// CSV), and JSON Lines and YAML partners files work like CSV.
func TestPartnersFileErrors(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		return p
	}
	conflict := write("p.csv", "id,name,tier\nP-1,Acme,gold\nP-1,Acme,silver\n")
	_, stderr, code := invoke("run", "-partners", conflict, example, deals)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, conflict+`:3: partner P-1 is listed again with a different tier ("silver", not "gold") (line 2)`)
	assert.Contains(t, stderr, "partnerops run: "+conflict+" has errors")
	unknown := write("q.csv", "id,tire\nP-1,gold\n")
	_, stderr, _ = invoke("run", "-partners", unknown, example, deals)
	assert.Contains(t, stderr, unknown+`:1:2: unknown column "tire"`)

	// The sample partners as JSON Lines and as YAML give the same
	// statement as the CSV partners file.
	want, stderr, code := invoke("run", "-partners", samplePartners, example, csvDeals)
	require.Equal(t, exitOK, code, stderr)
	jl := write("p.jsonl", `{"id": "P-ACME", "name": "Acme Cloud Distribution", "tier": "platinum", "type": "distributor", "region": "north_america", "country": "US", "contacts": [{"role": "partner_rep", "name": "Dana Whitfield", "email": "dana@acme-cloud.example"}]}`+"\n")
	_, stderr, code = invoke("run", "-partners", jl, example, csvDeals)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, "unknown partner P-BRIGHT: not in "+jl)
	got, stderr, code := invoke("run", "-partners", writeSamplePartnersYAML(t, dir), example, csvDeals)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, want, got)
}

// writeSamplePartnersYAML writes the sample partners CSV as a YAML list.
func writeSamplePartnersYAML(t *testing.T, dir string) string {
	t.Helper()
	f, err := os.Open(samplePartners)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var b strings.Builder
	for _, r := range recs[1:] {
		fmt.Fprintf(&b, "- {id: %q, name: %q, type: %q, tier: %q, region: %q, country: %q, contacts: [{role: %q, name: %q, email: %q}]}\n",
			r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])
	}
	p := filepath.Join(dir, "partners.yaml")
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	return p
}
