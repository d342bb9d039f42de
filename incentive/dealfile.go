package incentive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// ErrRowTooLong: one row of a deals file (a CSV record, a JSON line or a
// JSON list element) is longer than DecodeOptions.MaxRowBytes. The decoder
// stops, since it cannot find where the next row starts without reading
// the long one.
var ErrRowTooLong = errors.New("row too long")

// DefaultMaxRowBytes is the longest row the deal decoders accept when
// DecodeOptions.MaxRowBytes is zero.
const DefaultMaxRowBytes = 1 << 20

// DecodeOptions configure DecodeCSV, DecodeJSONLines and DecodeJSON. The
// zero value reads the documented key names and names the input "deals".
type DecodeOptions struct {
	// Name names the input in errors, usually its file name. Empty:
	// "deals".
	Name string
	// Columns maps a deal key (see DealKeys, or a custom field's name) to
	// the CSV header that holds it, for exports whose headers differ from
	// the key names: {"amount": "Amount (USD)"}. A key not in the map is
	// read from the header of its own name. Only DecodeCSV reads it.
	Columns map[string]string
	// IgnoreUnknown lets a CSV file have columns that are not deal keys
	// (a CRM export's other columns); by default they are an error, so a
	// misspelt header is not silently dropped. Only DecodeCSV reads it.
	IgnoreUnknown bool
	// MaxRowBytes is the longest row accepted, in bytes; zero means
	// DefaultMaxRowBytes.
	MaxRowBytes int
}

func (o DecodeOptions) name() string {
	if o.Name == "" {
		return "deals"
	}
	return o.Name
}

func (o DecodeOptions) maxRow() int {
	if o.MaxRowBytes <= 0 {
		return DefaultMaxRowBytes
	}
	return o.MaxRowBytes
}

// DealKey is one built-in key of a deal in a deals file.
type DealKey struct {
	// Name is the key in JSON and the default CSV header.
	Name string
	// Type is the kind of value: "text", "amount", "int", "bool", "date",
	// "instant" (a date or an RFC 3339 time), "currency", or, in JSON only,
	// "object" or "list".
	Type string
	// CSV reports whether the key exists as a CSV column; JSON reports
	// whether it exists in JSON (Lines).
	CSV, JSON bool
	// Required keys must be present in every deal.
	Required bool
	// Doc says what the key holds.
	Doc string
}

// DealKeys lists the built-in keys of a deal, in the order a deals file
// usually gives them. The program's custom fields come on top, under their
// own names. The JSON shape is that of the YAML deals of package rules;
// CSV flattens the nested values into columns such as customer_name and
// partner_tier.
func DealKeys() []DealKey {
	return slices.Clone(dealKeyTable)
}

var dealKeyTable = []DealKey{
	{Name: "id", Type: "text", CSV: true, JSON: true, Required: true, Doc: "the deal id, unique in the file"},
	{Name: "partner_id", Type: "text", CSV: true, JSON: true, Doc: "the partner who made the deal; in JSON it may come from partner.id instead"},
	{Name: "amount", Type: "amount", CSV: true, JSON: true, Required: true, Doc: "the deal amount, exact decimal text such as 12000.50 (negative only if the program allows it)"},
	{Name: "currency", Type: "currency", CSV: true, JSON: true, Doc: "ISO 4217 code in capitals; default the program's currency"},
	{Name: "quantity", Type: "int", CSV: true, JSON: true, Doc: "units sold, a whole number >= 0"},
	{Name: "type", Type: "text", CSV: true, JSON: true, Doc: "deal type, e.g. new_business, renewal, upsell"},
	{Name: "close_date", Type: "instant", CSV: true, JSON: true, Required: true, Doc: "YYYY-MM-DD (midnight in the program's time zone) or an RFC 3339 time"},
	{Name: "registered", Type: "bool", CSV: true, JSON: true, Doc: "true: registered and approved on the close date"},
	{Name: "credits", Type: "text", CSV: true, JSON: true, Doc: "a credit note's: the id of the earlier deal it credits (its amount must be negative; see the reference's Credit notes)"},
	{Name: "registration", Type: "object", JSON: true, Doc: "{id, approved}: a registration approved on a date"},
	{Name: "registration_id", Type: "text", CSV: true, Doc: "the registration's id"},
	{Name: "registration_approved", Type: "date", CSV: true, Doc: "the date the registration was approved"},
	{Name: "customer", Type: "object", JSON: true, Doc: "{id, name, country, region, industry, segment}"},
	{Name: "customer_id", Type: "text", CSV: true, Doc: "the customer's id"},
	{Name: "customer_name", Type: "text", CSV: true, Doc: "the customer's name"},
	{Name: "customer_country", Type: "text", CSV: true, Doc: "the customer's country"},
	{Name: "customer_region", Type: "text", CSV: true, Doc: "the customer's region"},
	{Name: "customer_industry", Type: "text", CSV: true, Doc: "the customer's industry"},
	{Name: "customer_segment", Type: "text", CSV: true, Doc: "the customer's segment"},
	{Name: "products", Type: "list", CSV: true, JSON: true, Doc: "JSON: product names or {product, family, quantity, unit_price, amount and the custom line fields}; CSV: product names separated by \";\" (no line details: use JSON for families, prices and line fields)"},
	{Name: "partner", Type: "object", JSON: true, Doc: "{id, name, type, tier, region, country, contacts, payment_method, tier_history, attribute_history}: the partner's record inline, as in a partners file (JSON and JSON Lines; a CSV deal names its partner by partner_id and takes the record from -partners)"},
	{Name: "history", Type: "object", JSON: true, Doc: "{<period>: <amount>}: the partner's totals of earlier periods (Input.History), by label: 2026-03, 2026-Q1, 2026-H1 or 2026"},
	{Name: "partner_name", Type: "text", CSV: true, Doc: "the partner's name"},
	{Name: "partner_type", Type: "text", CSV: true, Doc: "the partner's type (reseller, distributor, msp, ...)"},
	{Name: "partner_tier", Type: "text", CSV: true, Doc: "the partner's tier"},
	{Name: "partner_region", Type: "text", CSV: true, Doc: "the partner's region"},
	{Name: "partner_country", Type: "text", CSV: true, Doc: "the partner's country"},
}

// FieldError is one problem with one value of a row.
type FieldError struct {
	// Line is the 1-based line in the file. Column is, in CSV, the
	// column's number (its header's position, from 1), in JSON the
	// character of the line where the value starts (from 1); 0 for a
	// problem of the row as a whole, and for a CSV syntax error, whose
	// message gives its byte in the line.
	Line, Column int
	// Field names the value: in CSV the column's header as the file
	// writes it, in JSON a key path such as "customer.name"; empty for a
	// problem with the row as a whole.
	Field string
	// Msg says what is wrong.
	Msg string
}

// RowError is a row of a deals file that could not be decoded. It lists
// every problem of the row and wraps ErrInvalidDeal (or ErrRowTooLong, or
// the read error that ended the input).
type RowError struct {
	// File names the input (DecodeOptions.Name).
	File string
	// Line is the row's first line in the file; Row counts the data rows
	// from 1 (a CSV header is not a row).
	Line, Row int
	// Deal is the deal id when it could be read.
	Deal string
	// Fields are the problems, in column order.
	Fields []FieldError
	// Err is the sentinel or cause.
	Err error
	// Final is set when the decoder stops after this error (a CSV or JSON
	// syntax error it cannot get past, a row over the size limit, a read
	// error, an unusable header): the rest of the input is not read.
	Final bool
}

// Error renders one line per problem: "file:line:col: field: message".
func (e *RowError) Error() string {
	var b strings.Builder
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s:%d", e.File, f.Line)
		if f.Column > 0 {
			fmt.Fprintf(&b, ":%d", f.Column)
		}
		b.WriteString(": ")
		if e.Deal != "" {
			fmt.Fprintf(&b, "deal %s: ", e.Deal)
		}
		if f.Field != "" {
			b.WriteString(f.Field)
			b.WriteString(": ")
		}
		b.WriteString(f.Msg)
	}
	if len(e.Fields) == 0 {
		fmt.Fprintf(&b, "%s:%d: %v", e.File, e.Line, e.Err)
	}
	return b.String()
}

// Unwrap returns the sentinel or cause.
func (e *RowError) Unwrap() error { return e.Err }

// cellKind is the kind of a value as written.
type cellKind uint8

const (
	cellText   cellKind = iota // CSV: untyped text
	cellString                 // a JSON string
	cellNumber                 // a JSON number
	cellBool                   // a JSON true or false
	cellNull                   // a JSON null
	cellObject                 // a JSON object
	cellList                   // a JSON list
)

func (k cellKind) String() string {
	return [...]string{"text", "a string", "a number", "true or false", "null", "an object", "a list"}[k]
}

// cell is one value of a row with its position.
type cell struct {
	kind   cellKind
	text   string // the text (JSON strings unquoted, numbers as written)
	raw    string // JSON objects and lists, as written
	line   int
	column int
	// name is a CSV cell's header, which errors name it by.
	name string
}

// rowDecoder turns the values of one row into an Input, collecting every
// problem.
type rowDecoder struct {
	p      *Program
	loc    *time.Location
	fields map[string]*FieldDecl
	errs   []FieldError
	// line is the row's line, for problems without a cell.
	line int
	// members is reused for each JSON row's keys.
	members []member
}

func newRowDecoder(p *Program) *rowDecoder {
	d := &rowDecoder{p: p, loc: p.Effective.Loc(), fields: map[string]*FieldDecl{}}
	for i := range p.Fields {
		d.fields[p.Fields[i].Name] = &p.Fields[i]
	}
	return d
}

func (d *rowDecoder) fail(c *cell, field, format string, a ...any) {
	line, col := d.line, 0
	if c != nil {
		line, col = c.line, c.column
		if c.name != "" {
			field = c.name
		}
	}
	d.errs = append(d.errs, FieldError{Line: line, Column: col, Field: field, Msg: fmt.Sprintf(format, a...)})
}

// maxNumberLen bounds a number's text.
const maxNumberLen = 40

// scanDecimal checks the amount syntax of deals files: an optional minus,
// digits, an optional fraction of at least one digit. No exponent, no "+",
// no leading ".", no thousands separators, as in the YAML files of package
// rules. It returns the value's digits without sign and point as an int64
// and the number of fraction digits when they fit (at most 18 digits), so
// that the common amount is read without an intermediate string; fits is
// false for a longer number, which is valid but read by the slow path.
func scanDecimal(s string) (v int64, scale int32, valid, fits bool) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	digits, point := 0, -1
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits < 18 {
				v = v*10 + int64(c-'0')
			}
			digits++
		case c == '.' && point < 0 && digits > 0:
			point = digits
		default:
			return 0, 0, false, false
		}
	}
	if digits == 0 || point == digits {
		return 0, 0, false, false // no digits, or a point without a fraction
	}
	if point >= 0 {
		scale = int32(digits - point)
	}
	if neg {
		v = -v
	}
	return v, scale, true, digits <= 18
}

// text reads free text: a JSON string or number as written, or CSV text.
func (d *rowDecoder) text(c *cell, field string) (string, bool) {
	switch c.kind {
	case cellText, cellString, cellNumber:
	default:
		d.fail(c, field, "want text, got %s", c.kind)
		return "", false
	}
	if strings.TrimSpace(c.text) == "" {
		d.fail(c, field, "must not be blank")
		return "", false
	}
	if !utf8.ValidString(c.text) {
		d.fail(c, field, "not valid UTF-8 text; save the file as UTF-8")
		return "", false
	}
	return c.text, true
}

// number reads an exact decimal number.
func (d *rowDecoder) number(c *cell, field string) (decimal.Decimal, bool) {
	switch c.kind {
	case cellText, cellString, cellNumber:
	default:
		d.fail(c, field, "want a decimal number, got %s", c.kind)
		return decimal.Decimal{}, false
	}
	s := c.text
	v, scale, valid, fits := scanDecimal(s)
	if len(s) > maxNumberLen || !valid {
		d.fail(c, field, "want a decimal number such as 1250 or 0.025 (no exponent, \"+\" or thousands separator), got %q", clipText(s))
		return decimal.Decimal{}, false
	}
	if fits {
		// The same value and exponent decimal.NewFromString gives.
		return decimal.New(v, -scale), true
	}
	n, err := decimal.NewFromString(s)
	if err != nil {
		d.fail(c, field, "want a decimal number, got %q", clipText(s))
		return decimal.Decimal{}, false
	}
	return n, true
}

// isInteger reports whether s is an optional minus and digits.
func isInteger(s string) bool {
	if strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// integer reads a whole number written in digits.
func (d *rowDecoder) integer(c *cell, field string) (int64, bool) {
	if c.kind != cellText && c.kind != cellNumber {
		d.fail(c, field, "want a whole number, got %s", c.kind)
		return 0, false
	}
	if !isInteger(c.text) {
		d.fail(c, field, "want a whole number written in digits, got %q", clipText(c.text))
		return 0, false
	}
	v, err := strconv.ParseInt(c.text, 10, 64)
	if err != nil {
		d.fail(c, field, "want a whole number written in digits, got %q", clipText(c.text))
		return 0, false
	}
	return v, true
}

// boolean reads true or false (in CSV, in any case).
func (d *rowDecoder) boolean(c *cell, field string) (bool, bool) {
	switch {
	case c.kind == cellBool:
		return c.text == "true", true
	case c.kind == cellText && strings.EqualFold(c.text, "true"):
		return true, true
	case c.kind == cellText && strings.EqualFold(c.text, "false"):
		return false, true
	}
	d.fail(c, field, "want true or false, got %s %q", c.kind, clipText(c.text))
	return false, false
}

// date reads a calendar date written YYYY-MM-DD.
func (d *rowDecoder) date(c *cell, field string) (Date, bool) {
	if c.kind == cellText || c.kind == cellString {
		if t, err := time.Parse("2006-01-02", c.text); err == nil {
			return DateOf(t), true
		}
	}
	d.fail(c, field, "want a date written YYYY-MM-DD, got %s %q", c.kind, clipText(c.text))
	return Date{}, false
}

// instant reads a date (midnight in the program's time zone) or an RFC
// 3339 time.
func (d *rowDecoder) instant(c *cell, field string) (time.Time, bool) {
	if c.kind == cellText || c.kind == cellString {
		// The layout by length: a failed parse costs an error value, and
		// a date is exactly 10 bytes, an RFC 3339 time at least 20.
		var t time.Time
		var err error
		if len(c.text) == len("2006-01-02") {
			t, err = time.Parse("2006-01-02", c.text)
			t = DateOf(t).In(d.loc)
		} else {
			t, err = time.Parse(time.RFC3339, c.text)
		}
		if err == nil {
			if err := checkWritable(t, c.text); err != nil {
				d.fail(c, field, "%v", err)
				return time.Time{}, false
			}
			return t, true
		}
	}
	d.fail(c, field, "want a date written YYYY-MM-DD or an RFC 3339 time such as 2026-11-03T15:04:05-05:00, got %q", clipText(c.text))
	return time.Time{}, false
}

// currency reads an ISO 4217 code in capitals, as program files do.
func (d *rowDecoder) currency(c *cell, field string) (Currency, bool) {
	s, ok := d.text(c, field)
	if !ok {
		return "", false
	}
	cur, err := ParseCurrency(s)
	if err != nil || s != strings.ToUpper(s) {
		hint := ""
		if up := Currency(strings.ToUpper(s)); up.Valid() {
			hint = fmt.Sprintf("; did you mean %q?", up)
		}
		d.fail(c, field, "unknown currency %q; want an ISO 4217 code in capitals such as USD or EUR%s", clipText(s), hint)
		return "", false
	}
	return cur, true
}

// clipText shortens text quoted in a message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return s
}

// dealValues is what a row gave, key by key, before it is checked as a
// whole.
type dealValues struct {
	in            Input
	cur           Currency
	amount        cell // copies, so that the row's cells stay on the stack
	registered    cell
	credits       cell
	hasAmount     bool
	hasCredits    bool
	hasRegistered bool
	registration  bool
	partnerGiven  bool
	lineAmounts   []uint8 // which Deal.Lines give an amount, a unit price (lineAmountGiven, linePriceGiven)
	haveID, haveA bool
	haveClose     bool
}

// set decodes one built-in or custom key. It reports whether the key is
// known.
func (d *rowDecoder) set(v *dealValues, key string, c *cell) bool {
	deal := &v.in.Deal
	if c.kind == cellNull || (c.kind == cellText && c.text == "") {
		// An empty CSV cell or a JSON null is an absent value.
		_, custom := d.fields[key]
		return custom || isDealKey(key)
	}
	switch key {
	case "id":
		deal.ID, v.haveID = d.text(c, key)
	case "partner_id":
		deal.PartnerID, _ = d.text(c, key)
	case "amount":
		v.amount, v.hasAmount = *c, true // read once the currency is known
		v.haveA = true
	case "currency":
		v.cur, _ = d.currency(c, key)
	case "quantity":
		if q, ok := d.integer(c, key); ok {
			if q < 0 {
				d.fail(c, key, "must not be negative, got %d", q)
			}
			deal.Quantity = q
		}
	case "type":
		if s, ok := d.text(c, key); ok {
			deal.Type = DealType(s)
		}
	case "close_date":
		deal.CloseDate, v.haveClose = d.instant(c, key)
	case "registered":
		v.registered, v.hasRegistered = *c, true
	case "credits":
		if s, ok := d.text(c, key); ok {
			deal.Credits, v.credits, v.hasCredits = s, *c, true
		}
	case "registration_id":
		v.registration = true
		d.reg(deal).ID, _ = d.text(c, key)
	case "registration_approved":
		v.registration = true
		d.reg(deal).Approved, _ = d.date(c, key)
	case "customer_id", "customer_name", "customer_country", "customer_region", "customer_industry", "customer_segment":
		if s, ok := d.text(c, key); ok {
			*customerField(&deal.Customer, strings.TrimPrefix(key, "customer_")) = s
		}
	case "products":
		if c.kind == cellText {
			for p := range strings.SplitSeq(c.text, ";") {
				if p = strings.TrimSpace(p); p != "" {
					deal.Lines = append(deal.Lines, DealLine{Product: p})
				}
			}
		}
	case "partner_name", "partner_type", "partner_tier", "partner_region", "partner_country":
		if s, ok := d.text(c, key); ok {
			v.partnerGiven = true
			pt := &v.in.Partner
			switch key {
			case "partner_name":
				pt.Name = s
			case "partner_type":
				pt.Type = partner.Type(s)
			case "partner_tier":
				pt.Tier = partner.Tier(s)
			case "partner_region":
				pt.Region = s
			case "partner_country":
				pt.Country = s
			}
		}
	default:
		fd := d.fields[key]
		if fd == nil {
			return false
		}
		d.custom(deal, fd, c)
	}
	return true
}

func isDealKey(key string) bool {
	_, ok := dealKeyIndex[key]
	return ok
}

// dealKeyIndex finds a key's entry in dealKeyTable; it is built once from
// the table and never changed.
var dealKeyIndex = func() map[string]int {
	m := make(map[string]int, len(dealKeyTable))
	for i, k := range dealKeyTable {
		m[k.Name] = i
	}
	return m
}()

func (d *rowDecoder) reg(deal *Deal) *Registration {
	if deal.Registration == nil {
		deal.Registration = &Registration{}
	}
	return deal.Registration
}

func customerField(c *Customer, name string) *string {
	switch name {
	case "id":
		return &c.ID
	case "name":
		return &c.Name
	case "country":
		return &c.Country
	case "region":
		return &c.Region
	case "industry":
		return &c.Industry
	}
	return &c.Segment
}

// What a JSON product line gives, for the currency set once it is known.
const (
	lineAmountGiven uint8 = 1 << iota
	linePriceGiven
)

// custom reads a custom field's value.
func (d *rowDecoder) custom(deal *Deal, fd *FieldDecl, c *cell) {
	if val, ok := d.typed(fd, c, fd.Name); ok {
		if deal.Fields == nil {
			deal.Fields = make(map[string]any, len(d.fields))
		}
		deal.Fields[fd.Name] = val
	}
}

// typed reads a value of a declared field (a deal's or a line's) named
// field in messages.
func (d *rowDecoder) typed(fd *FieldDecl, c *cell, field string) (any, bool) {
	var val any
	ok := false
	switch fd.Type {
	case FieldString:
		switch {
		case (c.kind == cellText || c.kind == cellString) && !utf8.ValidString(c.text):
			d.fail(c, field, "not valid UTF-8 text; save the file as UTF-8")
		case c.kind == cellText || c.kind == cellString:
			val, ok = c.text, true
		default:
			d.fail(c, field, "field %q is a string; got %s (quote it if it is meant as text)", fd.Name, c.kind)
		}
	case FieldInt:
		val, ok = d.integer(c, field)
	case FieldDecimal, FieldMoney:
		val, ok = d.number(c, field)
	case FieldBool:
		val, ok = d.boolean(c, field)
	case FieldDate:
		val, ok = d.date(c, field)
	}
	return val, ok
}

// finish checks the row as a whole: required keys, the amount in its
// currency, the registration and the custom fields.
func (d *rowDecoder) finish(v *dealValues) {
	p := d.p
	deal := &v.in.Deal
	for _, k := range []struct {
		have bool
		name string
	}{{v.haveID, "id"}, {v.haveA, "amount"}, {v.haveClose, "close_date"}} {
		if !k.have && !d.failedOn(k.name) {
			d.fail(nil, "", "missing required key %q", k.name)
		}
	}
	cur := p.Currency
	if v.cur != "" {
		cur = v.cur
	}
	if v.hasAmount {
		if a, ok := d.number(&v.amount, "amount"); ok {
			deal.Amount = NewMoney(a, cur)
			if a.Sign() < 0 && !p.AllowNegative {
				d.fail(&v.amount, "amount", "a negative amount needs `allow_negative: true` in the program")
			}
		}
	}
	for i, given := range v.lineAmounts {
		if given&lineAmountGiven != 0 {
			deal.Lines[i].Amount = NewMoney(deal.Lines[i].Amount.Amount(), cur)
		}
		if given&linePriceGiven != 0 {
			deal.Lines[i].UnitPrice = NewMoney(deal.Lines[i].UnitPrice.Amount(), cur)
		}
	}
	if v.hasCredits {
		// As in a YAML deals file: a credit note names an earlier deal,
		// not itself, and takes back (a negative amount).
		switch {
		case deal.Credits == deal.ID:
			d.fail(&v.credits, "credits", "deal %q credits itself; name the earlier deal it credits", deal.ID)
		case v.haveA && deal.Amount.Amount().Sign() >= 0 && !d.failedOn("amount"):
			d.fail(&v.credits, "credits", "a credit note's amount must be negative, got %s", deal.Amount.Amount())
		}
	}
	if v.hasRegistered {
		b, ok := d.boolean(&v.registered, "registered")
		switch {
		case ok && v.registration:
			d.fail(&v.registered, "registered", "give either `registered` or the registration's id and approval date, not both")
		case ok && b && v.haveClose:
			deal.Registration = &Registration{Approved: DateOf(deal.CloseDate.In(d.loc))}
		}
	}
	for _, fd := range p.Fields {
		if _, ok := deal.Fields[fd.Name]; !ok && !fd.Optional && !d.failedOn(fd.Name) {
			d.fail(nil, "", "missing required field %q", fd.Name)
		}
	}
	if v.in.Partner.ID != "" && deal.PartnerID != "" && v.in.Partner.ID != deal.PartnerID {
		d.fail(nil, "partner_id", "partner_id %q differs from the deal's partner.id %q", deal.PartnerID, v.in.Partner.ID)
	}
	if deal.PartnerID == "" {
		deal.PartnerID = v.in.Partner.ID
	}
	if deal.PartnerID == "" && !d.failedOn("partner_id") {
		d.fail(nil, "", "the deal names no partner: add a partner_id")
	}
	v.in.Partner.ID = deal.PartnerID
}

func (d *rowDecoder) failedOn(field string) bool {
	return slices.ContainsFunc(d.errs, func(e FieldError) bool { return e.Field == field })
}

// rowError wraps the row's problems, or returns nil.
func (d *rowDecoder) rowError(file string, row int, deal string) error {
	if len(d.errs) == 0 {
		return nil
	}
	errs := d.errs
	// By position; problems of the row as a whole (no column) last.
	slices.SortStableFunc(errs, func(a, b FieldError) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if (a.Column == 0) != (b.Column == 0) {
			if a.Column == 0 {
				return 1
			}
			return -1
		}
		return a.Column - b.Column
	})
	d.errs = nil
	return &RowError{File: file, Line: d.line, Row: row, Deal: deal, Fields: errs, Err: ErrInvalidDeal}
}

// rowLimiter is an io.Reader that fails with ErrRowTooLong once more than
// limit bytes were read since the last reset, so that a decoder reading
// one row never holds more than about limit bytes, whatever the input
// (an endless line from /dev/zero, a JSON string that never closes).
type rowLimiter struct {
	r     io.Reader
	n     int // bytes since the last reset
	limit int
}

func (l *rowLimiter) Read(p []byte) (int, error) {
	if l.n >= l.limit {
		return 0, ErrRowTooLong
	}
	if len(p) > l.limit-l.n {
		p = p[:l.limit-l.n]
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

// reset starts a new row's budget.
func (l *rowLimiter) reset() { l.n = 0 }

// readBuffer is how far ahead a decoder may have read past the row it
// decodes; the limiter allows a row this much on top of MaxRowBytes, and
// the decoders then refuse a row over MaxRowBytes by its exact length.
const readBuffer = 64 << 10

// utf8BOM is the UTF-8 byte order mark some exports (and spreadsheets
// saving CSV) put at the start of a file.
const utf8BOM = "\ufeff"

// bomReader passes r on without a UTF-8 byte order mark at its start.
type bomReader struct {
	r       io.Reader
	started bool
	head    []byte // what was read looking for the mark, not a mark
	err     error  // the error met looking for it, after head
}

func (b *bomReader) Read(p []byte) (int, error) {
	if !b.started {
		b.started = true
		var buf [len(utf8BOM)]byte
		n, err := io.ReadFull(b.r, buf[:])
		if string(buf[:n]) != utf8BOM {
			b.head = append([]byte(nil), buf[:n]...)
		}
		if err != nil {
			b.err = err
			if errors.Is(err, io.ErrUnexpectedEOF) {
				b.err = io.EOF
			}
		}
	}
	if len(b.head) > 0 {
		n := copy(p, b.head)
		b.head = b.head[n:]
		return n, nil
	}
	if b.err != nil {
		return 0, b.err
	}
	return b.r.Read(p)
}

// lineEnds is an io.Reader that notes where the lines of what passes
// through it end, so that a CSV record's length can be told from the line
// it starts on and the offset it ends at (encoding/csv skips blank lines
// before a record, and gives neither). It keeps the line ends from the
// last record's first line on: what encoding/csv has read ahead.
type lineEnds struct {
	r    io.Reader
	off  int64     // bytes read so far
	ends []lineEnd // from ends[head]: the ends of lines base+1, base+2, ...
	head int
	base int // lines whose ends were dropped
	// start is the offset line base+1 starts at.
	start  int64
	prevCR bool // the last byte read was '\r'
}

type lineEnd struct {
	off int64 // of the '\n'
	cr  bool  // a '\r' comes before it
}

func (t *lineEnds) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		cr := t.prevCR
		if i+j > 0 {
			cr = p[i+j-1] == '\r'
		}
		t.ends = append(t.ends, lineEnd{t.off + int64(i+j), cr})
		i += j + 1
	}
	if n > 0 {
		t.prevCR = p[n-1] == '\r'
	}
	t.off += int64(n)
	return n, err
}

// rowBytes returns the length, its line end not counted, of the record
// that starts on line first and ends at offset end, and forgets the lines
// before it. Lines are asked for in order.
func (t *lineEnds) rowBytes(first int, end int64) int64 {
	if k := first - 1 - t.base; k > 0 && k <= len(t.ends)-t.head {
		t.start = t.ends[t.head+k-1].off + 1
		t.head += k
		t.base += k
		if t.head >= 64 && 2*t.head >= len(t.ends) {
			// Drop the forgotten half: amortised, a constant per line.
			t.ends = append(t.ends[:0], t.ends[t.head:]...)
			t.head = 0
		}
	}
	n := end - t.start
	for _, e := range t.ends[t.head:] {
		if e.off >= end-1 {
			if e.off == end-1 {
				n-- // the record's line end
				if e.cr {
					n--
				}
			}
			break
		}
	}
	return n
}

// lineAfter is the line that follows offset off, the end of a record.
func (t *lineEnds) lineAfter(off int64) int {
	line := t.base + 1
	for _, e := range t.ends[t.head:] {
		if e.off >= off {
			break
		}
		line++
	}
	return line
}

// tooLong is the error of a row starting on line that is longer than
// max bytes.
func (t *lineEnds) tooLong(name string, line, max int) error {
	return &RowError{File: name, Line: line, Err: ErrRowTooLong, Final: true,
		Fields: []FieldError{{Line: line, Msg: fmt.Sprintf("the row is longer than %d bytes; the file is not read further", max)}}}
}
