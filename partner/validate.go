package partner

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every *ValidationError.
var ErrInvalid = errors.New("partner: invalid record")

// FieldError is one problem with one field of a record.
type FieldError struct {
	// Path names the field: "name", "contacts[1].email",
	// "documents[0].valid_until".
	Path string
	Msg  string
}

// String returns the text for people.
func (f FieldError) String() string { return f.Path + ": " + f.Msg }

// ValidationError lists every problem found in a record, in field order.
type ValidationError struct {
	// Record names the record ("partner P-1", "registration R-7").
	Record string
	Fields []FieldError
}

// Error implements the error interface.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return fmt.Sprintf("%s is invalid: %s", e.Record, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// problems collects field errors.
type problems []FieldError

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (ps problems) err(record string) error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Record: record, Fields: ps}
}

var (
	identRE    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	countryRE  = regexp.MustCompile(`^[A-Z]{2}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
)

// validEmail is a deliberately loose check: one @, a non-empty local part,
// a domain with a dot, no spaces.
func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && !strings.ContainsAny(s, " \t\r\n") &&
		!strings.Contains(domain, "@") && strings.Contains(domain, ".") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// Validate checks the record and returns nil or a *ValidationError with
// every problem: id and legal name present, type a lower-case name,
// country an ISO 3166 alpha-2 code, known status, contacts with a role and
// a valid email, complete payment details with a known method and an ISO
// 4217 currency, documents with a kind, a known status, unique ids and
// validity dates in order, certified people with a name, a certification
// and dates in order, and history events in time order. A nil partner is
// a *ValidationError too.
func (p *Partner) Validate() error {
	var ps problems
	if p == nil {
		// A lookup whose error was dropped: an error, not a panic.
		ps.add("record", "is missing (a nil *Partner)")
		return ps.err("partner")
	}
	if strings.TrimSpace(p.ID) == "" {
		ps.add("id", "is required")
	}
	if strings.TrimSpace(p.Name) == "" {
		ps.add("name", "legal name is required")
	}
	switch {
	case p.Type == "":
		ps.add("type", "is required (one of %s, or a program's own lower-case name)", joinList(Types()))
	case !identRE.MatchString(string(p.Type)):
		ps.add("type", "%q is not a lower-case name (letters, digits, _)", p.Type)
	}
	if p.Country != "" && !countryRE.MatchString(p.Country) {
		ps.add("country", "%q is not an ISO 3166-1 alpha-2 code such as \"DE\"", p.Country)
	}
	if p.Status != "" && !slices.Contains(States(), p.Status) {
		ps.add("status", "unknown state %q (one of %s)", p.Status, joinList(States()))
	}
	for i, c := range p.Contacts {
		path := fmt.Sprintf("contacts[%d]", i)
		if c.Role == "" {
			ps.add(path+".role", "is required")
		}
		if c.Name == "" && c.Email == "" {
			ps.add(path, "needs a name or an email")
		}
		if c.Email != "" && !validEmail(c.Email) {
			ps.add(path+".email", "%q is not an email address", c.Email)
		}
	}
	if pd := p.Payment; pd != nil {
		if pd.Method == "" {
			ps.add("payment.method", "is required")
		} else if !slices.Contains(PaymentMethods(), pd.Method) {
			ps.add("payment.method", "unknown method %q (one of %s)", pd.Method, joinList(PaymentMethods()))
		}
		if pd.AccountHolder == "" {
			ps.add("payment.account_holder", "is required")
		}
		if pd.AccountRef == "" {
			ps.add("payment.account_ref", "is required")
		}
		if pd.Currency != "" && !currencyRE.MatchString(pd.Currency) {
			ps.add("payment.currency", "%q is not an ISO 4217 code such as \"USD\"", pd.Currency)
		}
	}
	ids := map[string]int{}
	for i, d := range p.Documents {
		path := fmt.Sprintf("documents[%d]", i)
		if d.Kind == "" {
			ps.add(path+".kind", "is required")
		}
		if d.Status != "" && !slices.Contains(DocumentStatuses(), d.Status) {
			ps.add(path+".status", "unknown status %q (one of %s)", d.Status, joinList(DocumentStatuses()))
		}
		checkDate(&ps, path+".valid_from", d.ValidFrom)
		checkDate(&ps, path+".valid_until", d.ValidUntil)
		if !d.ValidFrom.IsZero() && !d.ValidUntil.IsZero() && d.ValidUntil.Before(d.ValidFrom) {
			ps.add(path+".valid_until", "%s is before valid_from %s", d.ValidUntil, d.ValidFrom)
		}
		if d.ID != "" {
			if j, dup := ids[d.ID]; dup {
				ps.add(path+".id", "%q is also the id of documents[%d]", d.ID, j)
			} else {
				ids[d.ID] = i
			}
		}
	}
	for i, c := range p.Certified {
		path := fmt.Sprintf("certified[%d]", i)
		if c.Name == "" {
			ps.add(path+".name", "is required")
		}
		if c.Certification == "" {
			ps.add(path+".certification", "is required")
		}
		if c.Email != "" && !validEmail(c.Email) {
			ps.add(path+".email", "%q is not an email address", c.Email)
		}
		checkDate(&ps, path+".earned", c.Earned)
		checkDate(&ps, path+".expires", c.Expires)
		if !c.Earned.IsZero() && !c.Expires.IsZero() && c.Expires.Before(c.Earned) {
			ps.add(path+".expires", "%s is before earned %s", c.Expires, c.Earned)
		}
	}
	var lastState, lastTier *Event
	lastAttr := map[AttrName]*Event{}
	for i, e := range p.History {
		path := fmt.Sprintf("history[%d]", i)
		if e.At.IsZero() {
			ps.add(path+".at", "is required")
		}
		if i > 0 && e.At.Before(p.History[i-1].At) {
			ps.add(path+".at", "%s is before the previous event's %s", e.At.Format(timeLayout), p.History[i-1].At.Format(timeLayout))
		}
		switch e.Kind {
		case EventState, "":
			if !slices.Contains(States(), e.To) {
				ps.add(path+".to", "unknown state %q", e.To)
			}
			if lastState != nil && e.From != lastState.To {
				ps.add(path+".from", "is %q, but the previous state event moved to %q", e.From, lastState.To)
			}
			lastState = &p.History[i]
		case EventTier:
			if lastTier != nil && e.FromTier != lastTier.ToTier {
				ps.add(path+".from_tier", "is %q, but the previous tier event moved to %q", e.FromTier, lastTier.ToTier)
			}
			lastTier = &p.History[i]
		case EventAttr:
			if e.Attr == AttrTier || !IsAttr(e.Attr) {
				ps.add(path+".attr", "unknown attribute %q (type, region or country; a tier change is a tier event)", e.Attr)
				break
			}
			if err := CheckAttr(e.Attr, e.ToValue); err != nil {
				ps.add(path+".to_value", "%s", err.(*AttrError).Msg)
			}
			if last := lastAttr[e.Attr]; last != nil && e.FromValue != last.ToValue {
				ps.add(path+".from_value", "is %q, but the previous %s event moved to %q", e.FromValue, e.Attr, last.ToValue)
			}
			lastAttr[e.Attr] = &p.History[i]
		default:
			ps.add(path+".kind", "unknown event kind %q (state, tier or attribute)", e.Kind)
		}
	}
	for _, a := range AttrNames() {
		if last := lastAttr[a]; last != nil && last.ToValue != p.Attr(a) {
			ps.add(string(a), "is %q, but the history ends in %q", p.Attr(a), last.ToValue)
		}
	}
	if lastState != nil && lastState.To != p.State() {
		ps.add("status", "is %q, but the history ends in %q", p.State(), lastState.To)
	}
	if lastTier != nil && lastTier.ToTier != p.Tier {
		ps.add("tier", "is %q, but the history ends in %q", p.Tier, lastTier.ToTier)
	}
	checkDate(&ps, "tier_below_since", p.TierBelowSince)
	return ps.err(fmt.Sprintf("partner %q", p.ID))
}

// checkDate reports a non-zero date that is not a calendar date.
func checkDate(ps *problems, path string, d Date) {
	if !d.IsZero() && !d.valid() {
		ps.add(path, "%04d-%02d-%02d is not a calendar date", d.Year, int(d.Month), d.Day)
	}
}

const timeLayout = "2006-01-02T15:04:05Z07:00"

func joinList[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
