package incentive

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/partnerops/partnerops/partner"
)

// DatedChange is one dated value of a partner attribute, read from a
// record's tier_history or attribute_history (see DecodeHistoryJSON), with
// where it was read, for messages.
type DatedChange struct {
	Attr partner.AttrName
	partner.DatedValue
	// List is the list it was read from: tier_history or
	// attribute_history.
	List string
	// Where names the entry in messages, as "tier_history[1].tier".
	Where string
}

// HistoryError is a mistake in a partner's dated changes: Where names the
// list, entry or field (as DatedChange.Where), Msg says what is wrong.
type HistoryError struct {
	Where, Msg string
}

func (e *HistoryError) Error() string { return e.Where + ": " + e.Msg }

// ParseHistoryDate reads the from date of a dated change: YYYY-MM-DD is
// midnight in loc (the program's time zone, as a deal's close_date), an
// RFC 3339 time is that instant. The instant must fall within years 0000
// to 9999 in UTC, where AppendDealJSON writes it.
func ParseHistoryDate(s string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err == nil {
		t = DateOf(t).In(loc)
	} else if t, err = time.Parse(time.RFC3339, s); err != nil {
		return time.Time{}, fmt.Errorf("want a date written YYYY-MM-DD or an RFC 3339 time, got %q", s)
	}
	if err := checkWritable(t, s); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// checkWritable refuses an instant outside years 0 to 9999 in UTC, which
// AppendDealJSON could not write back (it writes RFC 3339 in UTC, four
// digits a year): 9999-12-31T23:59:59-23:59 is in year 10000 in UTC.
func checkWritable(t time.Time, s string) error {
	if t.Before(writableFrom) || !t.Before(writableTo) {
		return fmt.Errorf("%q is in year %d in UTC; an RFC 3339 time in UTC is within years 0000 to 9999", s, t.UTC().Year())
	}
	return nil
}

// writableFrom and writableTo bound the instants checkWritable accepts.
var (
	writableFrom = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	writableTo   = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// historyKeys are the keys of an entry of each list, from first.
var historyKeys = map[string][]string{
	"tier_history":      {"from", "tier"},
	"attribute_history": {"from", "type", "tier", "region", "country"},
}

// DecodeHistoryJSON reads a partner record's tier_history or
// attribute_history (key) given in JSON, as JSON Lines partners files and
// JSON deals files carry it: a list of objects of strings,
// [{"from": "2026-01-01", "tier": "gold"}] for tier_history, and
// {"from", "type", "tier", "region", "country"} for attribute_history,
// each entry changing at least one attribute, in strictly increasing from
// order (ParseHistoryDate, in loc), no key given twice in an entry. The
// errors are *HistoryError, every
// one found; ApplyDatedChanges gives a record the changes.
func DecodeHistoryJSON(raw []byte, key string, loc *time.Location) ([]DatedChange, []error) {
	allowed, ok := historyKeys[key]
	if !ok {
		return nil, []error{&HistoryError{key, "not a dated-change list (want tier_history or attribute_history)"}}
	}
	var entries []map[string]string
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, []error{&HistoryError{key, fmt.Sprintf("want a list of {%s} with text values", strings.Join(allowed, ", "))}}
	}
	// The entries' text, for their keys in order: a map keeps only the
	// last value of a key given twice.
	var texts []json.RawMessage
	_ = json.Unmarshal(raw, &texts) // the list read above
	if len(entries) == 0 {
		return nil, []error{&HistoryError{key, "list at least one entry, or leave it out"}}
	}
	var out []DatedChange
	var errs []error
	var last time.Time
	for i, e := range entries {
		path := fmt.Sprintf("%s[%d]", key, i)
		if e == nil {
			errs = append(errs, &HistoryError{path, fmt.Sprintf("want {%s}, got null", strings.Join(allowed, ", "))})
			continue
		}
		if twice := keysGivenTwice(string(texts[i])); len(twice) > 0 {
			for _, k := range twice {
				errs = append(errs, &HistoryError{path + "." + k, "the key is given twice"})
			}
			continue
		}
		bad := false
		for _, k := range slices.Sorted(maps.Keys(e)) {
			if !slices.Contains(allowed, k) {
				errs = append(errs, &HistoryError{path, fmt.Sprintf("unknown key %q (want one of %s)", k, strings.Join(allowed, ", "))})
				bad = true
			}
		}
		f, ok := e["from"]
		if !ok {
			errs = append(errs, &HistoryError{path, `missing required key "from"`})
			continue
		}
		from, err := ParseHistoryDate(f, loc)
		if err != nil {
			errs = append(errs, &HistoryError{path + ".from", err.Error()})
			continue
		}
		if !last.IsZero() && !from.After(last) {
			errs = append(errs, &HistoryError{path + ".from", fmt.Sprintf("%s must be in time order: %s is not after the entry before it", key, f)})
			continue
		}
		last = from
		n := 0
		for _, k := range allowed[1:] {
			v, ok := e[k]
			if !ok {
				continue
			}
			n++
			if err := partner.CheckAttr(partner.AttrName(k), v); err != nil {
				msg := err.Error()
				var ae *partner.AttrError
				if errors.As(err, &ae) {
					msg = ae.Msg
				}
				errs = append(errs, &HistoryError{path + "." + k, msg})
				continue
			}
			out = append(out, DatedChange{Attr: partner.AttrName(k), DatedValue: partner.DatedValue{From: from, Value: v, Reason: key}, List: key, Where: path + "." + k})
		}
		if n == 0 && !bad {
			errs = append(errs, &HistoryError{path, "an entry changes at least one of " + strings.Join(allowed[1:], ", ")})
		}
	}
	return out, errs
}

// ApplyDatedChanges gives pt the dated changes, per attribute, with
// partner.SetAttrHistory (the values' checks are its). Each list's changes
// must be in time order already (DecodeHistoryJSON sees to it). An
// attribute pt states (non-empty) beside changes must state the last one
// (the value in force now); an attribute's changes come from one list.
// The errors are *HistoryError at the change they are about.
func ApplyDatedChanges(pt *partner.Partner, changes []DatedChange) []error {
	var errs []error
	for _, a := range partner.AttrNames() {
		var es []DatedChange
		for _, c := range changes {
			if c.Attr == a {
				es = append(es, c)
			}
		}
		if len(es) == 0 {
			continue
		}
		last := es[len(es)-1]
		if es[0].List != last.List {
			errs = append(errs, &HistoryError{last.Where, fmt.Sprintf("the %s's changes are in %s too; give them in one list", a, es[0].List)})
			continue
		}
		if v := pt.Attr(a); v != "" && v != last.Value {
			errs = append(errs, &HistoryError{last.Where, fmt.Sprintf("%s %q differs from the record's %s %q; the record's is the one in force now, so leave it empty or make them agree",
				a, last.Value, a, v)})
			continue
		}
		vals := make([]partner.DatedValue, len(es))
		for i, e := range es {
			vals[i] = e.DatedValue
		}
		if err := partner.SetAttrHistory(pt, a, vals); err != nil {
			where, msg := es[0].Where, err.Error()
			var ae *partner.AttrError
			if errors.As(err, &ae) && ae.Index >= 0 {
				where, msg = es[ae.Index].Where, ae.Msg
			}
			errs = append(errs, &HistoryError{where, msg})
		}
	}
	return errs
}

// keysGivenTwice lists the keys a JSON object gives more than once, each
// once, in order.
func keysGivenTwice(obj string) []string {
	ms, err := jsonMembers(nil, obj)
	if err != nil {
		return nil
	}
	var twice []string
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.key] && !slices.Contains(twice, m.key) {
			twice = append(twice, m.key)
		}
		seen[m.key] = true
	}
	return twice
}
