package incentive

import (
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/partnerops/partnerops/internal/textdist"
	"io"
	"iter"
	"slices"
	"strings"
)

// DecodeCSV reads deals for program p from CSV with a header row, as a
// stream: it yields each deal as soon as its row is read and holds one row
// at a time, so it reads files of any length.
//
// The header names the columns; each is a built-in key (see DealKeys, the
// ones marked CSV) or a custom field of the program, under its own name
// or the one opts.Columns maps it to. An empty cell is an absent value.
// A header that is not a key is an error unless opts.IgnoreUnknown; a
// duplicated header, or a required key or field without a column, is an
// error and nothing is read.
//
// A row that cannot be decoded yields a *RowError naming the file, and the
// line, the column number (the header's position, from 1) and the header
// of every problem, and decoding goes on with the next row; the caller
// decides whether to stop. A row longer than opts.MaxRowBytes (its line
// end not counted), or a read or CSV syntax error, yields an error and
// ends the sequence. A UTF-8 byte order mark at the start is skipped.
func DecodeCSV(r io.Reader, p *Program, opts DecodeOptions) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		name := opts.name()
		if p == nil {
			yield(Input{}, fmt.Errorf("%w: no program to decode deals for", ErrInvalidProgram))
			return
		}
		maxRow := opts.maxRow()
		ends := &lineEnds{r: &bomReader{r: r}}
		lim := &rowLimiter{r: ends, limit: maxRow + readBuffer}
		cr := csv.NewReader(lim)
		cr.ReuseRecord = true
		cr.FieldsPerRecord = -1 // checked here, with a better message
		// read reads a record, refusing one longer than maxRow exactly:
		// the limiter only bounds what is held, with the read-ahead on
		// top.
		read := func() ([]string, error) {
			lim.reset()
			rec, err := cr.Read()
			if errors.Is(err, ErrRowTooLong) {
				return nil, ends.tooLong(name, ends.lineAfter(cr.InputOffset()), maxRow)
			}
			if err != nil {
				return nil, err
			}
			line, _ := cr.FieldPos(0)
			if n := ends.rowBytes(line, cr.InputOffset()); n > int64(maxRow) {
				return nil, ends.tooLong(name, line, maxRow)
			}
			return rec, nil
		}
		header, err := read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				yield(Input{}, &RowError{File: name, Line: 1, Err: ErrInvalidDeal, Final: true,
					Fields: []FieldError{{Line: 1, Msg: "the file is empty; want a header row naming the columns"}}})
				return
			}
			yield(Input{}, csvError(name, err))
			return
		}
		keys, err := csvColumns(name, header, p, opts)
		if err != nil {
			yield(Input{}, err)
			return
		}
		// The headers as the file writes them, for errors (header is
		// the reader's record, overwritten by the next).
		names := make([]string, len(header))
		for i, h := range header {
			names[i] = cleanHeader(h)
		}
		d := newRowDecoder(p)
		row := 0
		for {
			rec, err := read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(Input{}, csvError(name, err))
				return
			}
			row++
			line, _ := cr.FieldPos(0)
			d.line = line
			if len(rec) != len(keys) {
				d.fail(nil, "", "the row has %d columns; the header has %d", len(rec), len(keys))
				if !yield(Input{}, d.rowError(name, row, "")) {
					return
				}
				continue
			}
			var v dealValues
			for i, key := range keys {
				if key == "" {
					continue // an ignored column
				}
				l, _ := cr.FieldPos(i)
				c := cell{kind: cellText, text: rec[i], line: l, column: i + 1, name: names[i]}
				d.set(&v, key, &c)
			}
			d.finish(&v)
			if err := d.rowError(name, row, v.in.Deal.ID); err != nil {
				if !yield(Input{}, err) {
					return
				}
				continue
			}
			if !yield(v.in, nil) {
				return
			}
		}
	}
}

// maxColumnProblems is how many unknown columns are reported one by one
// (each with a suggestion); the rest are counted.
const maxColumnProblems = 20

// csvColumns maps each header to its deal key ("" for an ignored column).
func csvColumns(name string, header []string, p *Program, opts DecodeOptions) ([]string, error) {
	byHeader := map[string]string{} // header -> key
	known := []string{}
	for _, k := range dealKeyTable {
		if k.CSV {
			known = append(known, k.Name)
		}
	}
	for _, fd := range p.Fields {
		known = append(known, fd.Name)
	}
	for _, k := range known {
		byHeader[k] = k
	}
	var problems []FieldError
	for key, h := range opts.Columns {
		if !slices.Contains(known, key) {
			problems = append(problems, FieldError{Line: 1, Msg: fmt.Sprintf("the column mapping names %q, which is not a deal key or a field of the program%s", key, suggestKey(key, known))})
			continue
		}
		if byHeader[key] == key {
			delete(byHeader, key)
		}
		byHeader[h] = key
	}
	keys := make([]string, len(header))
	seen := map[string]int{}
	unknown := 0
	for i, h := range header {
		h = cleanHeader(h)
		key, ok := byHeader[h]
		switch {
		case !ok && isHistoryColumn(h):
			// Even when unknown columns are ignored: the changes would be
			// lost, and the deals paid at the wrong tier.
			problems = append(problems, FieldError{Line: 1, Column: i + 1, Field: h, Msg: "a CSV deal cannot carry its partner's dated changes; give " +
				strings.TrimPrefix(h, "partner_") + " in a partners file (-partners), or use a JSON or JSON Lines deals file"})
			continue
		case !ok && opts.IgnoreUnknown:
			continue
		case !ok && opts.Columns[h] != "":
			problems = append(problems, FieldError{Line: 1, Column: i + 1, Field: h, Msg: fmt.Sprintf("the mapping reads %q from the column %q, not from this one (ignore unknown columns to skip it)", h, opts.Columns[h])})
			continue
		case !ok && unknown >= maxColumnProblems:
			unknown++
			continue
		case !ok:
			unknown++
			problems = append(problems, FieldError{Line: 1, Column: i + 1, Field: h, Msg: "unknown column" + suggestKey(h, known) + " (map it to a key, or ignore unknown columns)"})
			continue
		}
		if j, dup := seen[key]; dup {
			problems = append(problems, FieldError{Line: 1, Column: i + 1, Field: h, Msg: fmt.Sprintf("column %d already holds %q", j+1, key)})
			continue
		}
		seen[key] = i
		keys[i] = key
	}
	if unknown > maxColumnProblems {
		problems = append(problems, FieldError{Line: 1, Msg: fmt.Sprintf("%d more unknown columns", unknown-maxColumnProblems)})
	}
	need := []string{"id", "amount", "close_date", "partner_id"}
	for _, fd := range p.Fields {
		if !fd.Optional {
			need = append(need, fd.Name)
		}
	}
	for _, k := range need {
		if _, ok := seen[k]; !ok {
			h := k
			if m, ok := opts.Columns[k]; ok {
				h = m
			}
			problems = append(problems, FieldError{Line: 1, Msg: fmt.Sprintf("no column %q for the required key %q", h, k)})
		}
	}
	if len(problems) > 0 {
		return nil, &RowError{File: name, Line: 1, Fields: problems, Err: ErrInvalidDeal, Final: true}
	}
	return keys, nil
}

// cleanHeader is a header as it names its column: without the blanks
// around it (or a byte order mark, should one come after a blank).
func cleanHeader(h string) string {
	return strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
}

// csvError turns an encoding/csv error into a positioned RowError. A
// syntax error names its line; its place in the line is a byte offset,
// not a column number, so it is said in words.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RowError{File: name, Line: pe.Line, Err: ErrInvalidDeal, Final: true,
			Fields: []FieldError{{Line: pe.Line, Msg: fmt.Sprintf("CSV syntax: %v (at byte %d of the line)", pe.Err, pe.Column)}}}
	}
	var re *RowError
	if errors.As(err, &re) {
		return re // a row too long
	}
	return &RowError{File: name, Err: err, Final: true, Fields: []FieldError{{Msg: "cannot read: " + err.Error()}}}
}

// suggestKey returns `; did you mean "x"?` for a near key, else "".
func suggestKey(s string, keys []string) string {
	best, bestD := "", 1<<30
	for _, k := range keys {
		if d := textdist.Distance(strings.ToLower(s), k); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" && bestD <= max(1, len(s)/3) {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}

// isHistoryColumn reports whether a CSV header names a partner's dated
// changes, which a CSV deal cannot carry.
func isHistoryColumn(h string) bool {
	switch strings.TrimPrefix(strings.ToLower(h), "partner_") {
	case "tier_history", "attribute_history":
		return true
	}
	return false
}
