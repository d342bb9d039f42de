package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bucketsStatement is the part of the JSON statement these tests read.
type bucketsStatement struct {
	Held     struct{ Amount string } `json:"held"`
	Withheld struct{ Amount string } `json:"withheld"`
	Partners []struct {
		Partner  string
		Held     struct{ Amount string } `json:"held"`
		Withheld struct{ Amount string } `json:"withheld"`
		Payable  struct{ Amount string } `json:"payable"`
		Holds    []struct {
			MaturesOn string                  `json:"matures_on"`
			Amount    struct{ Amount string } `json:"amount"`
		} `json:"holds"`
		Buckets []struct {
			Bucket     string
			Earned     struct{ Amount string } `json:"earned"`
			Held       struct{ Amount string } `json:"held"`
			CarriedIn  struct{ Amount string } `json:"carried_in"`
			Withheld   struct{ Amount string } `json:"withheld"`
			Payable    struct{ Amount string } `json:"payable"`
			CarriedOut struct{ Amount string } `json:"carried_out"`
		} `json:"buckets"`
	} `json:"partners"`
}

// The statement separates held from payable per bucket, and its JSON reads
// back as the next run's -carried, bucket by bucket.
func TestStatementBucketsRoundTrip(t *testing.T) {
	chdirRoot(t)
	prog, dealsFile := testdata+"/buckets/program.yaml", testdata+"/buckets/deals.yaml"
	stdout, stderr, code := invoke("run", "-as-of", "2026-04-10", "-output", "json", prog, dealsFile)
	require.Equal(t, exitOK, code, stderr)
	var st bucketsStatement
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	require.Len(t, st.Partners, 1)
	p := st.Partners[0]
	// As of 2026-04-10: D-1 (spiff 40.00, rebate 80.00) matured 2026-03-31;
	// D-2 (spiff 30.00, rebate 60.00) is held until 2026-04-19.
	assert.Equal(t, "90.00", p.Held.Amount)
	// By bucket: spiffs 30.00 and rebates 60.00, both until 2026-04-19.
	require.Len(t, p.Holds, 2)
	assert.Equal(t, "2026-04-19", p.Holds[0].MaturesOn)
	assert.Equal(t, "30.00", p.Holds[0].Amount.Amount)
	assert.Equal(t, "60.00", p.Holds[1].Amount.Amount)
	require.Len(t, p.Buckets, 2)
	// spiffs: 70.00 - 30.00 held = 40.00 < 50: carried out.
	assert.Equal(t, "spiffs", p.Buckets[0].Bucket)
	assert.Equal(t, "70.00", p.Buckets[0].Earned.Amount)
	assert.Equal(t, "30.00", p.Buckets[0].Held.Amount)
	assert.Equal(t, "40.00", p.Buckets[0].CarriedOut.Amount)
	// rebates: 140.00 - 60.00 held = 80.00 < 100: carried out.
	assert.Equal(t, "rebates", p.Buckets[1].Bucket)
	assert.Equal(t, "80.00", p.Buckets[1].CarriedOut.Amount)

	// Fed back to the next period's run (deals2.yaml) as of 2026-04-30: D-2's
	// held spiff 30.00 and rebate 60.00 have matured (2026-04-19) and are
	// carried in with the balances; D-3 (spiff 10.00, rebate 20.00) is held
	// until 2026-05-22. spiffs: 10.00 - 10.00 + 40.00 + 30.00 = 70.00 >= 50;
	// rebates: 20.00 - 20.00 + 80.00 + 60.00 = 140.00 >= 100; 210.00 paid.
	prev := filepath.Join(t.TempDir(), "prev.json")
	require.NoError(t, os.WriteFile(prev, []byte(stdout), 0o644))
	stdout, stderr, code = invoke("run", "-as-of", "2026-04-30", "-carried", prev, "-output", "json", prog, testdata+"/buckets/deals2.yaml")
	require.Equal(t, exitOK, code, stderr)
	st = bucketsStatement{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	p = st.Partners[0]
	assert.Equal(t, "70.00", p.Buckets[0].CarriedIn.Amount)
	assert.Equal(t, "70.00", p.Buckets[0].Payable.Amount)
	assert.Equal(t, "140.00", p.Buckets[1].CarriedIn.Amount)
	assert.Equal(t, "140.00", p.Buckets[1].Payable.Amount)
	assert.Equal(t, "210.00", p.Payable.Amount)
	assert.Equal(t, "30.00", p.Held.Amount)
	require.Len(t, p.Holds, 2)
	assert.Equal(t, "2026-05-22", p.Holds[0].MaturesOn)
	assert.Equal(t, "10.00", p.Holds[0].Amount.Amount)
	assert.Equal(t, "20.00", p.Holds[1].Amount.Amount)

	// Carried once more without an as-of date, the 30.00 is held again.
	prev2 := filepath.Join(t.TempDir(), "prev2.json")
	require.NoError(t, os.WriteFile(prev2, []byte(stdout), 0o644))
	stdout, stderr, code = invoke("run", "-carried", prev2, "-output", "json", prog, testdata+"/buckets/deals2.yaml")
	require.Equal(t, exitOK, code, stderr)
	st = bucketsStatement{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	// D-3 again (held, 30.00) + the 30.00 brought in, still held: 60.00.
	assert.Equal(t, "60.00", st.Partners[0].Held.Amount)
	assert.Equal(t, "0.00", st.Partners[0].Payable.Amount)
}

// A negative bucket balance is withheld from that bucket only, and -carried
// naming a bucket the program does not have, or an unbucketed amount for
// a program whose every type is bucketed, fails instead of being dropped.
func TestStatementCarriedPerBucket(t *testing.T) {
	chdirRoot(t)
	prog, dealsFile := testdata+"/buckets/program.yaml", testdata+"/buckets/deals.yaml"
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
		return path
	}
	neg := write("neg.json", `{"P-1": {"rebates": "-100.00"}}`)
	stdout, stderr, code := invoke("run", "-as-of", "2026-04-30", "-carried", neg, "-output", "json", prog, dealsFile)
	require.Equal(t, exitOK, code, stderr)
	var st bucketsStatement
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	p := st.Partners[0]
	// spiffs: 40.00 + 30.00 = 70.00 >= 50: paid. rebates: 80.00 + 60.00 -
	// 100.00 withheld = 40.00 < 100: carried out.
	assert.Equal(t, "70.00", p.Buckets[0].Payable.Amount)
	assert.Equal(t, "100.00", p.Buckets[1].Withheld.Amount)
	assert.Equal(t, "40.00", p.Buckets[1].CarriedOut.Amount)
	assert.Equal(t, "100.00", st.Withheld.Amount)

	tests := []struct{ name, src, err string }{
		{"unknown bucket", `{"P-1": {"mdf": "5.00"}}`, `program cli-buckets has no payout bucket "mdf" (it pays from spiffs, rebates)`},
		{"no bucket", `{"P-1": "5.00"}`, `partner P-1 carries an amount without a bucket, but program cli-buckets pays every earning type from a named bucket (spiffs, rebates)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := invoke("run", "-carried", write(tc.name+".json", tc.src), prog, dealsFile)
			assert.Equal(t, exitFail, code)
			assert.Contains(t, stderr, tc.err)
		})
	}
}
