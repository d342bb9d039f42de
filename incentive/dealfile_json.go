package incentive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/partnerops/partnerops/partner"
)

// DecodeJSONLines reads deals for program p from JSON Lines: one JSON
// object per line, with the keys of DealKeys marked JSON and the program's
// custom fields (the shape of package rules' YAML deals). Blank lines are
// skipped. It streams like DecodeCSV, holding one line at a time.
//
// Amounts are strings ("12000.50") or numbers, read from their text, never
// through a float. An unknown or repeated key is an error. A line that
// cannot be decoded yields a *RowError naming the file, line and column of
// every problem, and decoding goes on with the next line; a line longer
// than opts.MaxRowBytes (its line end not counted) or a read error yields
// an error and ends the sequence. A UTF-8 byte order mark at the start is
// skipped.
func DecodeJSONLines(r io.Reader, p *Program, opts DecodeOptions) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		name := opts.name()
		if p == nil {
			yield(Input{}, fmt.Errorf("%w: no program to decode deals for", ErrInvalidProgram))
			return
		}
		br := bufio.NewReaderSize(r, 64<<10)
		if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
			_, _ = br.Discard(len(utf8BOM)) // cannot fail: peeked
		}
		d := newRowDecoder(p)
		maxRow := opts.maxRow()
		var long []byte
		lineNo, row := 0, 0
		for {
			line, err := br.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				// A line longer than the buffer: gather it, up to the limit.
				long = append(long[:0], line...)
				// Up to the limit plus its "\r\n", which the limit does
				// not count.
				for errors.Is(err, bufio.ErrBufferFull) && len(long) <= maxRow+2 {
					line, err = br.ReadSlice('\n')
					long = append(long, line...)
				}
				line = long
			}
			if len(bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))) > maxRow {
				yield(Input{}, &RowError{File: name, Line: lineNo + 1, Err: ErrRowTooLong, Final: true,
					Fields: []FieldError{{Line: lineNo + 1, Msg: fmt.Sprintf("the line is longer than %d bytes; the file is not read further", maxRow)}}})
				return
			}
			if err != nil && !errors.Is(err, io.EOF) {
				yield(Input{}, &RowError{File: name, Line: lineNo + 1, Err: err, Final: true, Fields: []FieldError{{Line: lineNo + 1, Msg: "cannot read: " + err.Error()}}})
				return
			}
			if len(line) > 0 {
				lineNo++
				if t := bytes.TrimSpace(line); len(t) > 0 {
					row++
					d.line = lineNo
					in, ok := d.jsonDeal(t, lineNo, 1+len(line)-len(bytes.TrimLeft(line, " \t\r")), true)
					if !ok {
						if !yield(Input{}, d.rowError(name, row, in.Deal.ID)) {
							return
						}
					} else if !yield(in, nil) {
						return
					}
				}
			}
			if err != nil { // io.EOF
				return
			}
		}
	}
}

// DecodeJSON reads deals for program p from a JSON list of deal objects,
// each as in DecodeJSONLines. It streams the list element by element. A
// JSON syntax error ends the sequence (the decoder cannot resynchronise),
// as does an element longer than opts.MaxRowBytes. A UTF-8 byte order
// mark at the start is skipped.
func DecodeJSON(r io.Reader, p *Program, opts DecodeOptions) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		name := opts.name()
		if p == nil {
			yield(Input{}, fmt.Errorf("%w: no program to decode deals for", ErrInvalidProgram))
			return
		}
		maxRow := opts.maxRow()
		lt := &lineTracker{r: &bomReader{r: r}}
		lim := &rowLimiter{r: lt, limit: maxRow + readBuffer}
		dec := json.NewDecoder(lim)
		fatal := func(err error) {
			line := lt.lineAt(dec.InputOffset())
			msg := "JSON syntax: " + err.Error()
			if errors.Is(err, ErrRowTooLong) {
				msg = fmt.Sprintf("the deal is longer than %d bytes; the file is not read further", maxRow)
			} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				msg = "the file ends inside the list"
			}
			var cause error = ErrInvalidDeal
			if errors.Is(err, ErrRowTooLong) {
				cause = ErrRowTooLong
			}
			yield(Input{}, &RowError{File: name, Line: line, Err: cause, Final: true, Fields: []FieldError{{Line: line, Msg: msg}}})
		}
		tok, err := dec.Token()
		if err != nil || tok != json.Delim('[') {
			if err == nil {
				err = errors.New("want a list of deals: [{...}, {...}]")
			}
			fatal(err)
			return
		}
		d := newRowDecoder(p)
		row := 0
		for dec.More() {
			lim.reset()
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				fatal(err)
				return
			}
			row++
			start := dec.InputOffset() - int64(len(raw))
			line := lt.lineAt(start)
			if len(raw) > maxRow {
				// The limiter let it through within the read-ahead.
				yield(Input{}, &RowError{File: name, Line: line, Err: ErrRowTooLong, Final: true,
					Fields: []FieldError{{Line: line, Msg: fmt.Sprintf("the deal is longer than %d bytes; the file is not read further", maxRow)}}})
				return
			}
			d.line = line
			in, ok := d.jsonDeal(raw, line, 0, true)
			if !ok {
				if !yield(Input{}, d.rowError(name, row, in.Deal.ID)) {
					return
				}
				continue
			}
			if !yield(in, nil) {
				return
			}
		}
		if _, err := dec.Token(); err != nil {
			fatal(err)
			return
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			if err == nil {
				err = errors.New("want a single list of deals")
			}
			fatal(err)
		}
	}
}

// lineTracker counts the lines of what passes through it, so that a byte
// offset read back from a json.Decoder (always at or after the previous
// one asked) gives its line. It keeps only the offsets of the line ends
// read ahead of the last offset asked.
type lineTracker struct {
	r      io.Reader
	off    int64   // bytes read so far
	ends   []int64 // offsets of '\n' at or after the last offset asked
	passed int     // line ends before the last offset asked
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		t.ends = append(t.ends, t.off+int64(i+j))
		i += j + 1
	}
	t.off += int64(n)
	return n, err
}

// lineAt returns the 1-based line of offset off.
func (t *lineTracker) lineAt(off int64) int {
	k := 0
	for k < len(t.ends) && t.ends[k] < off {
		k++
	}
	t.passed += k
	t.ends = append(t.ends[:0], t.ends[k:]...)
	return t.passed + 1
}

// member is one key and value of a JSON object.
type member struct {
	key  string
	val  string
	off  int // offset of val in the object's text
	koff int // offset of the key
}

// errNotObject: a JSON value that should be an object is not one.
var errNotObject = errors.New("not a JSON object")

// jsonMembers splits a JSON object into its members, in order, keeping
// repeated keys (json.Unmarshal into a map would silently keep the last).
// The text must be valid JSON. Keys and values are substrings of obj, so
// that splitting allocates nothing beyond out.
func jsonMembers(out []member, obj string) ([]member, error) {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, errNotObject
	}
	i++
	for {
		i = skipSpace(obj, i)
		if i < len(obj) && obj[i] == '}' {
			return out, nil
		}
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
		if i >= len(obj) || obj[i] != '"' {
			return nil, errNotObject
		}
		koff := i
		end := scanValue(obj, i)
		var key string
		var err error
		if raw := obj[i+1 : end-1]; strings.IndexByte(raw, '\\') < 0 {
			key = raw
		} else if key, err = unquote(obj[i:end]); err != nil {
			return nil, err
		}
		i = skipSpace(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return nil, errNotObject
		}
		i = skipSpace(obj, i+1)
		end = scanValue(obj, i)
		out = append(out, member{key: key, val: obj[i:end], off: i, koff: koff})
		i = end
	}
}

func skipSpace(b string, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanValue returns the end of the JSON value starting at i.
func scanValue(b string, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(b)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = scanValue(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j
}

// unquote decodes a JSON string with escapes. It is a function of its own
// so that the rare escaped string, not every key and cell, is moved to the
// heap for json.Unmarshal.
func unquote(quoted string) (string, error) {
	var s string
	err := json.Unmarshal([]byte(quoted), &s)
	return s, err
}

// jsonCell makes a cell of a JSON value. Its text is a substring of val
// unless the value is a string with escapes.
func jsonCell(val string, line, col int) cell {
	c := cell{line: line, column: col}
	switch {
	case len(val) == 0:
		c.kind = cellNull
	case val[0] == '"':
		c.kind = cellString
		if strings.IndexByte(val, '\\') < 0 {
			c.text = val[1 : len(val)-1]
		} else if t, err := unquote(val); err == nil {
			c.text = t
		} else {
			c.text = val
		}
	case val[0] == 't' || val[0] == 'f':
		c.kind, c.text = cellBool, val
	case val[0] == 'n':
		c.kind = cellNull
	case val[0] == '{':
		c.kind, c.raw = cellObject, val
	case val[0] == '[':
		c.kind, c.raw = cellList, val
	default:
		c.kind, c.text = cellNumber, val
	}
	return c
}

// jsonDeal decodes one deal object. line is the object's first line; col
// the column of its first character on that line, or 0 when columns are
// not tracked (a multi-line JSON list).
func (d *rowDecoder) jsonDeal(obj []byte, line, col int, allowPartner bool) (Input, bool) {
	var v dealValues
	if !json.Valid(obj) {
		var se *json.SyntaxError
		err := json.Unmarshal(obj, new(any))
		msg := "not valid JSON"
		c := cell{line: line}
		if errors.As(err, &se) {
			msg = "JSON syntax: " + se.Error()
			if col > 0 {
				c.column = col + utf8.RuneCount(obj[:min(int(se.Offset), len(obj))])
			}
		}
		d.fail(&c, "", "%s", msg)
		return v.in, false
	}
	// One string for the whole row: the deal's texts are substrings of
	// it, one allocation a row instead of one a value, as encoding/csv
	// does for a record.
	objS := string(obj)
	members, err := jsonMembers(d.members[:0], objS)
	d.members = members[:0]
	if err != nil {
		c := cell{line: line, column: col}
		d.fail(&c, "", "want a JSON object {\"id\": ..., \"amount\": ...}, got %s", jsonCell(objS, 0, 0).kind)
		return v.in, false
	}
	// pos gives the line and column of an offset. The members' offsets
	// only grow, so it counts on from the previous one: linear in the
	// row, not quadratic.
	at, atLine, atRunes := 0, line, 0
	ascii := col > 0 && isASCIILine(objS)
	pos := func(off int) (int, int) {
		if ascii {
			return line, col + off // a byte is a character
		}
		if off < at {
			at, atLine, atRunes = 0, line, 0
		}
		atLine += strings.Count(objS[at:off], "\n")
		if col > 0 && atLine == line {
			atRunes += utf8.RuneCountInString(objS[at:off])
		}
		at = off
		if col == 0 || atLine != line {
			return atLine, 0
		}
		return atLine, col + atRunes
	}
	// A deal has a few dozen keys; past that (a hostile or broken row of
	// up to MaxRowBytes) the repeats are found with a map, since a scan
	// of the keys before each one is quadratic in the row.
	var seen map[string]struct{}
	if len(members) > maxLinearKeys {
		seen = make(map[string]struct{}, len(members))
	}
	unknown := 0
	for i, m := range members {
		l, c := pos(m.off)
		ce := jsonCell(m.val, l, c)
		kl, kc := pos(m.koff)
		kcell := cell{line: kl, column: kc}
		repeated := false
		if seen != nil {
			_, repeated = seen[m.key]
			seen[m.key] = struct{}{}
		} else {
			repeated = slices.ContainsFunc(members[:i], func(p member) bool { return p.key == m.key })
		}
		if repeated {
			d.fail(&kcell, m.key, "the key is given twice")
			continue
		}
		switch m.key {
		case "registration":
			v.registration = true
			d.jsonRegistration(&v.in.Deal, &ce)
			continue
		case "customer":
			d.jsonCustomer(&v.in.Deal.Customer, &ce)
			continue
		case "products":
			v.in.Deal.Lines, v.lineAmounts = d.jsonProducts(&ce)
			continue
		case "history":
			v.in.History = d.jsonHistory(&ce)
			continue
		case "partner":
			if allowPartner {
				d.jsonPartner(&v.in.Partner, &ce)
				v.partnerGiven = true
				continue
			}
		}
		if !isJSONKey(m.key) && d.fields[m.key] == nil {
			// The first few one by one, with a suggestion; the rest
			// counted, as DecodeCSV does for unknown columns.
			if unknown++; unknown <= maxColumnProblems {
				d.fail(&kcell, m.key, "unknown key%s", suggestKey(m.key, d.jsonKeys()))
			}
			continue
		}
		d.set(&v, m.key, &ce)
	}
	if unknown > maxColumnProblems {
		d.fail(nil, "", "%d more unknown keys", unknown-maxColumnProblems)
	}
	d.finish(&v)
	return v.in, len(d.errs) == 0
}

// maxLinearKeys is the most keys of a JSON row checked for repeats by
// scanning the keys before each one.
const maxLinearKeys = 32

// isASCIILine reports whether s is ASCII without a line break, so that its
// byte offsets are its columns.
func isASCIILine(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] == '\n' {
			return false
		}
	}
	return true
}

func isJSONKey(key string) bool {
	k, ok := dealKeyIndex[key]
	return ok && dealKeyTable[k].JSON
}

func (d *rowDecoder) jsonKeys() []string {
	var out []string
	for _, k := range dealKeyTable {
		if k.JSON {
			out = append(out, k.Name)
		}
	}
	for name := range d.fields {
		out = append(out, name)
	}
	return out
}

// object splits a nested object cell, reporting unknown keys.
func (d *rowDecoder) object(c *cell, field string, allowed ...string) []member {
	if c.kind == cellNull {
		return nil
	}
	if c.kind != cellObject {
		d.fail(c, field, "want an object, got %s", c.kind)
		return nil
	}
	ms, err := jsonMembers(nil, c.raw)
	if err != nil {
		d.fail(c, field, "want an object")
		return nil
	}
	out := ms[:0]
	seen := map[string]bool{}
	for _, m := range ms {
		path := field + "." + m.key
		switch {
		case seen[m.key]:
			d.fail(c, path, "the key is given twice")
		case !containsString(allowed, m.key):
			d.fail(c, path, "unknown key%s", suggestKey(m.key, allowed))
		default:
			seen[m.key] = true
			out = append(out, m)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (d *rowDecoder) jsonRegistration(deal *Deal, c *cell) {
	for _, m := range d.object(c, "registration", "id", "approved") {
		mc := jsonCell(m.val, c.line, 0)
		if mc.kind == cellNull {
			continue
		}
		switch m.key {
		case "id":
			d.reg(deal).ID, _ = d.text(&mc, "registration.id")
		case "approved":
			d.reg(deal).Approved, _ = d.date(&mc, "registration.approved")
		}
	}
	if deal.Registration == nil && c.kind == cellObject {
		deal.Registration = &Registration{}
	}
}

// jsonHistory reads a partner's history: period labels to amounts.
func (d *rowDecoder) jsonHistory(c *cell) History {
	if c.kind == cellNull {
		return nil
	}
	if c.kind != cellObject {
		d.fail(c, "history", "want an object, got %s", c.kind)
		return nil
	}
	ms, err := jsonMembers(nil, c.raw)
	if err != nil {
		d.fail(c, "history", "want an object")
		return nil
	}
	h := make(History, len(ms))
	for _, m := range ms {
		path := "history." + m.key
		if _, dup := h[m.key]; dup {
			d.fail(c, path, "the key is given twice")
			continue
		}
		if !IsPeriodLabel(m.key) {
			d.fail(c, path, "want a period label: a month (2026-03), a quarter (2026-Q1), a half year (2026-H1) or a year (2026)")
			continue
		}
		mc := jsonCell(m.val, c.line, 0)
		if v, ok := d.number(&mc, path); ok {
			h[m.key] = v
		}
	}
	return h
}

func (d *rowDecoder) jsonCustomer(cu *Customer, c *cell) {
	for _, m := range d.object(c, "customer", "id", "name", "country", "region", "industry", "segment") {
		mc := jsonCell(m.val, c.line, 0)
		if mc.kind == cellNull {
			continue
		}
		*customerField(cu, m.key), _ = d.text(&mc, "customer."+m.key)
	}
}

// jsonProducts reads the deal lines, and which of them give an amount
// (put in the deal's currency once it is known).
func (d *rowDecoder) jsonProducts(c *cell) ([]DealLine, []uint8) {
	if c.kind == cellNull {
		return nil, nil
	}
	if c.kind != cellList {
		d.fail(c, "products", "want a list, got %s", c.kind)
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(c.raw), &items); err != nil {
		d.fail(c, "products", "want a list")
		return nil, nil
	}
	out := make([]DealLine, 0, len(items))
	given := make([]uint8, len(items))
	for i, it := range items {
		path := fmt.Sprintf("products[%d]", i)
		ic := jsonCell(string(it), c.line, 0)
		var l DealLine
		if ic.kind == cellString {
			l.Product, _ = d.text(&ic, path)
			out = append(out, l)
			continue
		}
		keys := []string{"product", "family", "quantity", "unit_price", "amount"}
		for _, fd := range d.p.LineFields {
			keys = append(keys, fd.Name)
		}
		ms := d.object(&ic, path, keys...)
		have := false
		for _, m := range ms {
			mc := jsonCell(m.val, c.line, 0)
			switch m.key {
			case "product":
				l.Product, have = d.text(&mc, path+".product")
			case "family":
				l.Family, _ = d.text(&mc, path+".family")
			case "quantity":
				l.Quantity, _ = d.integer(&mc, path+".quantity")
			case "amount":
				if a, ok := d.number(&mc, path+".amount"); ok {
					l.Amount = NewMoney(a, "")
					given[len(out)] |= lineAmountGiven
				}
			case "unit_price":
				if a, ok := d.number(&mc, path+".unit_price"); ok {
					l.UnitPrice = NewMoney(a, "")
					given[len(out)] |= linePriceGiven
				}
			default:
				for i := range d.p.LineFields {
					if fd := &d.p.LineFields[i]; fd.Name == m.key {
						if val, ok := d.typed(fd, &mc, path+"."+fd.Name); ok {
							if l.Fields == nil {
								l.Fields = map[string]any{}
							}
							l.Fields[fd.Name] = val
						}
					}
				}
			}
		}
		if !have && ic.kind == cellObject && !d.failedOn(path+".product") {
			d.fail(&ic, path, "missing required key \"product\"")
		}
		out = append(out, l)
	}
	return out, given[:len(out)]
}

// historyList is a partner's tier_history or attribute_history cell.
type historyList struct {
	key string
	c   cell
}

// jsonPartner reads a deal's inline partner record: as in a YAML deals
// file or a JSON Lines partners file, with its dated changes
// (tier_history, attribute_history) read by DecodeHistoryJSON, dates in
// the program's time zone.
func (d *rowDecoder) jsonPartner(pt *partner.Partner, c *cell) {
	var lists []historyList
	defer func() { d.jsonPartnerHistory(pt, lists) }()
	for _, m := range d.object(c, "partner", "id", "name", "tier", "type", "region", "country", "contacts",
		"payment_method", "tier_history", "attribute_history") {
		mc := jsonCell(m.val, c.line, 0)
		if mc.kind == cellNull {
			continue
		}
		path := "partner." + m.key
		switch m.key {
		case "contacts":
			pt.Contacts = d.jsonContacts(&mc, path)
			continue
		case "tier_history", "attribute_history":
			// Read once the stated attributes are known, which a
			// stated one beside changes must agree with.
			lists = append(lists, historyList{m.key, mc})
			continue
		}
		s, ok := d.text(&mc, path)
		if !ok {
			continue
		}
		switch m.key {
		case "payment_method":
			if !slices.Contains(partner.PaymentMethods(), partner.PaymentMethod(s)) {
				names := make([]string, 0, len(partner.PaymentMethods()))
				for _, pm := range partner.PaymentMethods() {
					names = append(names, string(pm))
				}
				d.fail(&mc, path, "unknown payment method %q (want %s)", s, strings.Join(names, ", "))
				continue
			}
			pd := partner.PaymentDetails{}
			if pt.Payment != nil {
				pd = *pt.Payment
			}
			pd.Method = partner.PaymentMethod(s)
			pt.Payment = &pd
		case "id":
			pt.ID = s
		case "name":
			pt.Name = s
		case "tier":
			pt.Tier = partner.Tier(s)
		case "type":
			pt.Type = partner.Type(s)
		case "region":
			pt.Region = s
		case "country":
			pt.Country = s
		}
	}
}

func (d *rowDecoder) jsonContacts(c *cell, path string) []partner.Contact {
	if c.kind != cellList {
		d.fail(c, path, "want a list, got %s", c.kind)
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(c.raw), &items); err != nil {
		d.fail(c, path, "want a list")
		return nil
	}
	var out []partner.Contact
	for i, it := range items {
		ip := fmt.Sprintf("%s[%d]", path, i)
		ic := jsonCell(string(it), c.line, 0)
		var ct partner.Contact
		for _, m := range d.object(&ic, ip, "role", "name", "email") {
			mc := jsonCell(m.val, c.line, 0)
			if mc.kind == cellNull {
				continue
			}
			s, _ := d.text(&mc, ip+"."+m.key)
			switch m.key {
			case "role":
				ct.Role = s
			case "name":
				ct.Name = s
			case "email":
				ct.Email = s
			}
		}
		if ct.Role == "" && !d.failedOn(ip+".role") {
			d.fail(&ic, ip, "missing required key \"role\"")
		}
		out = append(out, ct)
	}
	return out
}

// jsonPartnerHistory gives the partner the dated changes of its lists,
// each error at its list's cell.
func (d *rowDecoder) jsonPartnerHistory(pt *partner.Partner, lists []historyList) {
	if len(lists) == 0 {
		return
	}
	var dated []DatedChange
	failed := false
	cellOf := map[string]*cell{}
	for i := range lists {
		l := &lists[i]
		cellOf[l.key] = &l.c
		if l.c.kind != cellList {
			d.fail(&l.c, "partner."+l.key, "want a list, got %s", l.c.kind)
			failed = true
			continue
		}
		ds, errs := DecodeHistoryJSON([]byte(l.c.raw), l.key, d.p.Effective.Loc())
		dated = append(dated, ds...)
		for _, err := range errs {
			d.historyFail(&l.c, err)
			failed = true
		}
	}
	if failed {
		return
	}
	for _, err := range ApplyDatedChanges(pt, dated) {
		c := cellOf["tier_history"]
		if he, ok := err.(*HistoryError); ok && strings.HasPrefix(he.Where, "attribute_history") {
			c = cellOf["attribute_history"]
		}
		if c == nil {
			c = &lists[0].c
		}
		d.historyFail(c, err)
	}
}

// historyFail reports a *HistoryError of a partner's list at the list's
// cell, naming the entry.
func (d *rowDecoder) historyFail(c *cell, err error) {
	var he *HistoryError
	if errors.As(err, &he) {
		d.fail(c, "partner."+he.Where, "%s", he.Msg)
		return
	}
	d.fail(c, "partner", "%v", err)
}
