package incentive

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fileProgram is spiffProgram with custom fields of every type, for the
// deal decoders.
func fileProgram() *Program {
	p := spiffProgram()
	p.Fields = []FieldDecl{
		{Name: "segment", Type: FieldString},
		{Name: "term_months", Type: FieldInt, Optional: true},
		{Name: "margin", Type: FieldDecimal, Optional: true},
		{Name: "strategic", Type: FieldBool, Optional: true},
		{Name: "signed", Type: FieldDate, Optional: true},
	}
	return p
}

type decoded struct {
	ins  []Input
	errs []error
}

func collect(seq iter.Seq2[Input, error]) decoded {
	var d decoded
	for in, err := range seq {
		if err != nil {
			d.errs = append(d.errs, err)
			continue
		}
		d.ins = append(d.ins, in)
	}
	return d
}

func midnightNY(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, nyc) }

// wantFull is the deal that the CSV and JSON Lines examples below both
// describe, written out by hand.
func wantFull() Input {
	return Input{
		Deal: Deal{
			ID: "D-1", PartnerID: "P-1", Amount: usd("12000.50"), Quantity: 3, Type: NewBusiness,
			CloseDate:    midnightNY(2026, 11, 3),
			Registration: &Registration{Approved: Date{2026, 11, 3}},
			Customer:     Customer{ID: "C-9", Name: "Globex, Inc.", Country: "FR", Segment: "enterprise"},
			Lines:        []DealLine{{Product: "widget"}, {Product: "gadget"}},
			Fields: map[string]any{"segment": "enterprise", "term_months": int64(24), "margin": dec("0.25"),
				"strategic": true, "signed": Date{2026, 10, 30}},
		},
		Partner: partner.Partner{ID: "P-1", Name: "Acme", Tier: "gold", Type: partner.Reseller},
	}
}

func TestDecodeCSV(t *testing.T) {
	src := "id,partner_id,amount,quantity,type,close_date,registered,customer_id,customer_name,customer_country,customer_segment,products,partner_name,partner_tier,partner_type,segment,term_months,margin,strategic,signed\n" +
		`D-1,P-1,12000.50,3,new_business,2026-11-03,true,C-9,"Globex, Inc.",FR,enterprise,widget;gadget,Acme,gold,reseller,enterprise,24,0.25,TRUE,2026-10-30` + "\n" +
		"D-2,P-2,99,,,2026-11-04T10:00:00Z,,,,,,,,,,smb,,,,\n"
	got := collect(DecodeCSV(strings.NewReader(src), fileProgram(), DecodeOptions{Name: "deals.csv"}))
	require.Empty(t, got.errs)
	require.Len(t, got.ins, 2)
	assert.Equal(t, wantFull(), got.ins[0])
	d2 := got.ins[1]
	assert.Equal(t, "D-2", d2.Deal.ID)
	assert.Equal(t, "P-2", d2.Partner.ID)
	assert.True(t, d2.Deal.Amount.Equal(usd("99")))
	assert.True(t, d2.Deal.CloseDate.Equal(time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC)))
	assert.Nil(t, d2.Deal.Registration)
	assert.Equal(t, map[string]any{"segment": "smb"}, d2.Deal.Fields)
}

func TestDecodeJSONLines(t *testing.T) {
	src := `{"id": "D-1", "partner": {"id": "P-1", "name": "Acme", "tier": "gold", "type": "reseller"}, "amount": "12000.50", "quantity": 3, "type": "new_business", "close_date": "2026-11-03", "registered": true, "customer": {"id": "C-9", "name": "Globex, Inc.", "country": "FR", "segment": "enterprise"}, "products": ["widget", "gadget"], "segment": "enterprise", "term_months": 24, "margin": 0.25, "strategic": true, "signed": "2026-10-30"}` + "\n\n" +
		`{"id": "D-2", "partner_id": "P-2", "amount": 99, "currency": "EUR", "registration": {"id": "R-7", "approved": "2026-10-30"}, "close_date": "2026-11-04T10:00:00Z", "segment": "smb", "products": [{"product": "p", "quantity": 2, "amount": "100.25"}]}` + "\n"
	got := collect(DecodeJSONLines(strings.NewReader(src), fileProgram(), DecodeOptions{Name: "deals.jsonl"}))
	require.Empty(t, got.errs)
	require.Len(t, got.ins, 2)
	assert.Equal(t, wantFull(), got.ins[0])
	d2 := got.ins[1].Deal
	assert.True(t, d2.Amount.Equal(MustParseMoney("99", "EUR")))
	assert.Equal(t, &Registration{ID: "R-7", Approved: Date{2026, 10, 30}}, d2.Registration)
	require.Len(t, d2.Lines, 1)
	// A line amount is in the deal's currency.
	assert.True(t, d2.Lines[0].Amount.Equal(MustParseMoney("100.25", "EUR")))
	assert.Equal(t, int64(2), d2.Lines[0].Quantity)

	// The same deals as one JSON list, over several lines.
	list := "[\n" + strings.Replace(strings.TrimSpace(src), "\n\n", ",\n", 1) + "\n]\n"
	got2 := collect(DecodeJSON(strings.NewReader(list), fileProgram(), DecodeOptions{Name: "deals.json"}))
	require.Empty(t, got2.errs)
	assert.Equal(t, got.ins, got2.ins)
}

// TestDecodeRowErrors: each bad row is an error naming the file, line and
// column (in CSV its number, counted from 1) and key, every problem of the row is listed, and the
// rows after it are still read.
func TestDecodeRowErrors(t *testing.T) {
	csvSrc := "id,partner_id,amount,close_date,segment,term_months\n" +
		"D-1,P-1,1e3,2026-11-03,smb,\n" +
		"D-2,P-1,10.00,2026-13-01,smb,x\n" +
		"D-3,,10.00,2026-11-03,,\n" +
		"D-4,P-1,-5,2026-11-03,smb,\n" +
		"D-5,P-1,10.00,2026-11-03,smb\n" +
		"D-6,P-1,+5,2026-11-03,smb,\n" +
		"D-7,P-1,.5,2026-11-03,smb,\n" +
		"D-8,P-1,7,2026-11-03,smb,1\n"
	got := collect(DecodeCSV(strings.NewReader(csvSrc), fileProgram(), DecodeOptions{Name: "d.csv"}))
	require.Len(t, got.ins, 1)
	assert.Equal(t, "D-8", got.ins[0].Deal.ID)
	want := []string{
		`d.csv:2:3: deal D-1: amount: want a decimal number such as 1250 or 0.025 (no exponent, "+" or thousands separator), got "1e3"`,
		"d.csv:3:4: deal D-2: close_date: want a date written YYYY-MM-DD or an RFC 3339 time such as 2026-11-03T15:04:05-05:00, got \"2026-13-01\"\n" +
			`d.csv:3:6: deal D-2: term_months: want a whole number written in digits, got "x"`,
		"d.csv:4: deal D-3: missing required field \"segment\"\nd.csv:4: deal D-3: the deal names no partner: add a partner_id",
		"d.csv:5:3: deal D-4: amount: a negative amount needs `allow_negative: true` in the program",
		"d.csv:6: the row has 5 columns; the header has 6",
		`d.csv:7:3: deal D-6: amount: want a decimal number such as 1250 or 0.025 (no exponent, "+" or thousands separator), got "+5"`,
		`d.csv:8:3: deal D-7: amount: want a decimal number such as 1250 or 0.025 (no exponent, "+" or thousands separator), got ".5"`,
	}
	require.Len(t, got.errs, len(want))
	for i, err := range got.errs {
		assert.Equal(t, want[i], err.Error())
		var re *RowError
		require.True(t, errors.As(err, &re))
		assert.ErrorIs(t, err, ErrInvalidDeal)
		assert.Equal(t, i+1, re.Row, "rows count from 1 after the header")
	}

	jsonSrc := `{"id": "D-1", "partner_id": "P-1", "amount": 1e3, "close_date": "2026-11-03", "segment": "smb"}` + "\n" +
		`{"id": "D-2", "partner_id": "P-1", "amonut": "5", "close_date": "2026-11-03", "segment": "smb", "segment": "x"}` + "\n" +
		`{"id": "D-3", "partner_id": "P-1", "amount": "5", "close_date": "2026-11-03", "segment": 5}` + "\n" +
		`{"id": "D-4", "partner_id": "P-1", "amount": "5", "close_date": "2026-11-03", "segment": "smb", "currency": "usd", "customer": {"nmae": "x"}}` + "\n" +
		`{"id": "D-5", "amount": "5",` + "\n" +
		`[1]` + "\n" +
		`{"id": "D-6", "partner_id": "P-1", "amount": "5", "close_date": "2026-11-03", "segment": "smb"}` + "\n"
	got = collect(DecodeJSONLines(strings.NewReader(jsonSrc), fileProgram(), DecodeOptions{Name: "d.jsonl"}))
	require.Len(t, got.ins, 1)
	assert.Equal(t, "D-6", got.ins[0].Deal.ID)
	want = []string{
		`d.jsonl:1:46: deal D-1: amount: want a decimal number such as 1250 or 0.025 (no exponent, "+" or thousands separator), got "1e3"`,
		"d.jsonl:2:36: deal D-2: amonut: unknown key; did you mean \"amount\"?\n" +
			"d.jsonl:2:97: deal D-2: segment: the key is given twice\n" +
			"d.jsonl:2: deal D-2: missing required key \"amount\"",
		`d.jsonl:3:90: deal D-3: segment: field "segment" is a string; got a number (quote it if it is meant as text)`,
		"d.jsonl:4:109: deal D-4: currency: unknown currency \"usd\"; want an ISO 4217 code in capitals such as USD or EUR; did you mean \"USD\"?\n" +
			"d.jsonl:4:128: deal D-4: customer.nmae: unknown key",
		"d.jsonl:5:29: JSON syntax: unexpected end of JSON input",
		`d.jsonl:6:1: want a JSON object {"id": ..., "amount": ...}, got a list`,
	}
	require.Len(t, got.errs, len(want))
	for i, err := range got.errs {
		assert.Equal(t, want[i], err.Error())
	}
}

// TestDecodeHeaderErrors: a header that cannot be mapped stops the file
// before any row is read.
func TestDecodeHeaderErrors(t *testing.T) {
	cases := []struct {
		name, src string
		opts      DecodeOptions
		want      string
	}{
		{"empty", "", DecodeOptions{}, "deals:1: the file is empty; want a header row naming the columns"},
		{"unknown column", "id,partner_id,ammount,close_date,segment\n", DecodeOptions{},
			"deals:1:3: ammount: unknown column; did you mean \"amount\"? (map it to a key, or ignore unknown columns)\n" +
				"deals:1: no column \"amount\" for the required key \"amount\""},
		{"duplicate", "id,partner_id,amount,close_date,segment,amount\n", DecodeOptions{}, `deals:1:6: amount: column 3 already holds "amount"`},
		{"mapping to a non-key", "id\n", DecodeOptions{Columns: map[string]string{"amout": "Amount"}}, `the column mapping names "amout", which is not a deal key or a field of the program; did you mean "amount"?`},
		{"mapped column missing", "id,partner_id,amount,close_date,segment\n", DecodeOptions{Columns: map[string]string{"amount": "Amount (USD)"}},
			"deals:1:3: amount: the mapping reads \"amount\" from the column \"Amount (USD)\", not from this one (ignore unknown columns to skip it)\ndeals:1: no column \"Amount (USD)\" for the required key \"amount\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := collect(DecodeCSV(strings.NewReader(c.src), fileProgram(), c.opts))
			require.Empty(t, got.ins)
			require.Len(t, got.errs, 1)
			assert.Contains(t, got.errs[0].Error(), c.want)
		})
	}
}

// TestDecodeCSVMapping: a CRM export's headers mapped to the keys, its
// other columns ignored when asked.
func TestDecodeCSVMapping(t *testing.T) {
	src := "\ufeffOpportunity ID,Account ID,Amount (USD),Close Date,Segment,Owner\nOPP-1,P-1,250.00,2026-11-03,smb,Kim\n"
	opts := DecodeOptions{IgnoreUnknown: true, Columns: map[string]string{
		"id": "Opportunity ID", "partner_id": "Account ID", "amount": "Amount (USD)", "close_date": "Close Date", "segment": "Segment"}}
	got := collect(DecodeCSV(strings.NewReader(src), fileProgram(), opts))
	require.Empty(t, got.errs)
	require.Len(t, got.ins, 1)
	assert.Equal(t, "OPP-1", got.ins[0].Deal.ID)
	assert.True(t, got.ins[0].Deal.Amount.Equal(usd("250.00")))
	opts.IgnoreUnknown = false
	got = collect(DecodeCSV(strings.NewReader(src), fileProgram(), opts))
	require.Len(t, got.errs, 1)
	assert.Contains(t, got.errs[0].Error(), "deals:1:6: Owner: unknown column")
}

// TestDecodeRowTooLong: an endless line (as /dev/zero gives) ends the
// stream with ErrRowTooLong after at most about MaxRowBytes, in every
// format.
func TestDecodeRowTooLong(t *testing.T) {
	p := fileProgram()
	opts := DecodeOptions{MaxRowBytes: 1 << 10}
	header := "id,partner_id,amount,close_date,segment\n"
	for name, seq := range map[string]iter.Seq2[Input, error]{
		"csv":   DecodeCSV(&endless{prefix: header}, p, opts),
		"jsonl": DecodeJSONLines(&endless{}, p, opts),
		"json":  DecodeJSON(&endless{prefix: `[{"id": "`}, p, opts),
	} {
		t.Run(name, func(t *testing.T) {
			got := collect(seq)
			require.Len(t, got.errs, 1)
			assert.ErrorIs(t, got.errs[0], ErrRowTooLong)
		})
	}
}

// endless reads prefix, then "a" forever.
type endless struct {
	prefix string
	n      int
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.prefix)
	e.prefix = e.prefix[n:]
	for i := n; i < len(p); i++ {
		p[i] = 'a'
	}
	e.n += len(p)
	if e.n > 1<<30 {
		panic("read a gigabyte: the row limit does not hold")
	}
	return len(p), nil
}

// TestDecodeStopsEarly: breaking out of the loop stops the decoder.
func TestDecodeStopsEarly(t *testing.T) {
	src := strings.Repeat(`{"id": "D-1", "partner_id": "P-1", "amount": "1", "close_date": "2026-11-03", "segment": "s"}`+"\n", 10)
	n := 0
	for range DecodeJSONLines(strings.NewReader(src), fileProgram(), DecodeOptions{}) {
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
}

// TestDecodeFinal: an error after which the decoder stops says so, a bad
// row does not.
func TestDecodeFinal(t *testing.T) {
	p := fileProgram()
	for name, c := range map[string]struct {
		seq   iter.Seq2[Input, error]
		final bool
	}{
		"csv bad row":       {DecodeCSV(strings.NewReader("id,partner_id,amount,close_date,segment\nD-1,P-1,x,2026-11-03,s\n"), p, DecodeOptions{}), false},
		"csv bare quote":    {DecodeCSV(strings.NewReader("id,partner_id,amount,close_date,segment\nD-1,P-1,\"1\"x,2026-11-03,s\n"), p, DecodeOptions{}), true},
		"csv bad header":    {DecodeCSV(strings.NewReader("nope\n"), p, DecodeOptions{}), true},
		"jsonl bad row":     {DecodeJSONLines(strings.NewReader("{}\n"), p, DecodeOptions{}), false},
		"json syntax error": {DecodeJSON(strings.NewReader("[{}, x]"), p, DecodeOptions{}), true},
		"json not a list":   {DecodeJSON(strings.NewReader("{}"), p, DecodeOptions{}), true},
	} {
		t.Run(name, func(t *testing.T) {
			got := collect(c.seq)
			require.NotEmpty(t, got.errs)
			var re *RowError
			require.True(t, errors.As(got.errs[len(got.errs)-1], &re))
			assert.Equal(t, c.final, re.Final)
		})
	}
}

// TestAppendDealJSONRoundTrip: a deal written by AppendDealJSON reads back
// as the same deal (the close time as the same instant).
func TestAppendDealJSONRoundTrip(t *testing.T) {
	p := fileProgram()
	full := wantFull()
	full.Partner.Contacts = []partner.Contact{{Role: "partner_rep", Name: "Ana \"A\" <x>", Email: "ana@example.com"}}
	full.Deal.Lines = append(full.Deal.Lines, DealLine{Product: "p\x00", Quantity: 2, Amount: usd("100.25")})
	other := Input{Deal: Deal{ID: "D-2", PartnerID: "P-2", Amount: MustParseMoney("-5", "EUR"),
		CloseDate: time.Date(2026, 11, 4, 10, 0, 0, 123, time.UTC), Registration: &Registration{ID: "R-1"},
		Fields: map[string]any{"segment": "s"}}, Partner: partner.Partner{ID: "P-2"}}
	p.AllowNegative = true
	for _, in := range []Input{full, other} {
		b, err := AppendDealJSON(nil, &in)
		require.NoError(t, err)
		got := collect(DecodeJSONLines(strings.NewReader(string(b)), p, DecodeOptions{}))
		require.Empty(t, got.errs, "%s", b)
		require.Len(t, got.ins, 1)
		back := got.ins[0]
		assert.True(t, in.Deal.CloseDate.Equal(back.Deal.CloseDate))
		back.Deal.CloseDate = in.Deal.CloseDate
		assert.Equal(t, in, back, "%s", b)
	}
	bad := other
	bad.Deal.Fields = map[string]any{"segment": 1.5}
	_, err := AppendDealJSON(nil, &bad)
	assert.ErrorIs(t, err, ErrInvalidDeal)
}

// TestDecodeInvalidUTF8: text must be UTF-8, as in program files; an id
// with a stray byte would not survive a round trip through JSON (found by
// FuzzDecodeJSONLines).
func TestDecodeInvalidUTF8(t *testing.T) {
	src := "id,partner_id,amount,close_date,segment\nD\xff1,P-1,1,2026-11-03,s\xfe\n"
	got := collect(DecodeCSV(strings.NewReader(src), fileProgram(), DecodeOptions{Name: "u.csv"}))
	require.Len(t, got.errs, 1)
	assert.Equal(t, "u.csv:2:1: id: not valid UTF-8 text; save the file as UTF-8\nu.csv:2:5: segment: not valid UTF-8 text; save the file as UTF-8", got.errs[0].Error())
}

// BenchmarkDecode reads 2,000 rows in each format (one op = one file).
func BenchmarkDecode(b *testing.B) {
	var csvB, jsonlB strings.Builder
	csvB.WriteString("id,partner_id,amount,close_date,registered,type,segment\n")
	for i := range 2000 {
		fmt.Fprintf(&csvB, "D-%06d,P-%03d,%d.50,2026-11-03T10:00:00Z,true,new_business,smb\n", i, i%100, 1000+i)
		fmt.Fprintf(&jsonlB, `{"id":"D-%06d","partner_id":"P-%03d","amount":"%d.50","close_date":"2026-11-03T10:00:00Z","registered":true,"type":"new_business","segment":"smb"}`+"\n", i, i%100, 1000+i)
	}
	p := fileProgram()
	for name, dec := range map[string]func() iter.Seq2[Input, error]{
		"csv": func() iter.Seq2[Input, error] { return DecodeCSV(strings.NewReader(csvB.String()), p, DecodeOptions{}) },
		"jsonl": func() iter.Seq2[Input, error] {
			return DecodeJSONLines(strings.NewReader(jsonlB.String()), p, DecodeOptions{})
		},
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range dec() {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 2000 {
					b.Fatal(n)
				}
			}
		})
	}
}

// TestDecodeManyUnknownColumns: a header of thousands of unknown columns
// (found by FuzzDecodeCSV, which it stalled for seconds) lists the first
// 20 with suggestions and counts the rest.
func TestDecodeManyUnknownColumns(t *testing.T) {
	src := strings.Repeat("abcdefgh,", 7000) + "x\n"
	got := collect(DecodeCSV(strings.NewReader(src), fileProgram(), DecodeOptions{}))
	require.Len(t, got.errs, 1)
	var re *RowError
	require.True(t, errors.As(got.errs[0], &re))
	// 20 listed, the count of the other 7001 - 20 = 6981, then the 5
	// required keys without a column (id, amount, close_date, partner_id,
	// segment).
	require.Len(t, re.Fields, 20+1+5)
	assert.Equal(t, "6981 more unknown columns", re.Fields[20].Msg)
}
