package partner

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Clock tells the time. The library never reads the system clock; the
// caller injects one.
type Clock interface{ Now() time.Time }

// ClockFunc adapts a function to a Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// FixedClock is a Clock that always says the same instant (for tests and
// replays).
type FixedClock time.Time

// Now returns the fixed instant.
func (c FixedClock) Now() time.Time { return time.Time(c) }

// NoticeKind says what a compliance notice is about.
type NoticeKind string

// Notice kinds, in the order Notices reports them for one partner.
const (
	// NoticeExpiring: a valid document ends within the window and nothing
	// on file takes over the day after.
	NoticeExpiring NoticeKind = "document_expiring"
	// NoticePaymentBlocked: a partner that should be payable (active or
	// offboarding) cannot be paid today.
	NoticePaymentBlocked NoticeKind = "payment_blocked"
	// NoticeShouldSuspend: an active partner no longer has the documents
	// its type requires for activation.
	NoticeShouldSuspend NoticeKind = "should_suspend"
	// NoticeCertificationExpiring: a certified person's certification ends
	// within the window.
	NoticeCertificationExpiring NoticeKind = "certification_expiring"
)

// NoticeKinds lists the notice kinds.
func NoticeKinds() []NoticeKind {
	return []NoticeKind{NoticeExpiring, NoticePaymentBlocked, NoticeShouldSuspend, NoticeCertificationExpiring}
}

// Notice is one thing a partner operations team should tell a partner or
// act on. The library produces notices as data and sends nothing.
type Notice struct {
	Kind        NoticeKind
	PartnerID   string
	PartnerName string
	// On is the day the notice was computed for.
	On Date
	// Document fields are set on NoticeExpiring; ValidUntil and DaysLeft
	// also on NoticeCertificationExpiring, with Person.
	DocumentID   string
	DocumentKind DocumentKind
	Form         string
	ValidUntil   Date
	// Person is the certified person of a NoticeCertificationExpiring.
	Person *CertifiedPerson
	// DaysLeft counts the days from On to ValidUntil (0 on the last day).
	DaysLeft int
	// Blockers are the reasons behind a NoticePaymentBlocked or a
	// NoticeShouldSuspend.
	Blockers []Blocker
	// Reason is a sentence for people.
	Reason string
	// To are the contacts the notice is for: the primary contact, and the
	// billing and payee contacts for tax, bank and payment matters.
	To []Contact
}

// ErrNoClock is returned by Compliance.Notices without a Clock.
var ErrNoClock = errors.New("partner: compliance needs a clock")

// Compliance finds the compliance notices for a book of partners.
type Compliance struct {
	// Clock gives today's date (required by Notices; NoticesOn takes the
	// date instead).
	Clock Clock
	// Location is where "today" is read; nil means the clock's own location.
	Location *time.Location
	// Within is the look-ahead for expiring documents in days; 0 means 30.
	Within int
	// Lifecycle gives the activation requirements checked for
	// NoticeShouldSuspend; the zero Lifecycle when nil.
	Lifecycle *Lifecycle
}

// Notices returns the notices for today by the Clock. See NoticesOn.
func (c *Compliance) Notices(partners []*Partner) ([]Notice, error) {
	if c.Clock == nil {
		return nil, ErrNoClock
	}
	now := c.Clock.Now()
	if c.Location != nil {
		now = now.In(c.Location)
	}
	return c.NoticesOn(partners, DateOf(now)), nil
}

// NoticesOn returns the notices for the given day, ordered by partner id,
// then kind (NoticeKinds order), then document id. Prospects, rejected and
// offboarded partners get none; nil entries are skipped.
func (c *Compliance) NoticesOn(partners []*Partner, today Date) []Notice {
	within := c.Within
	if within <= 0 {
		within = 30
	}
	lc := c.Lifecycle
	if lc == nil {
		lc = &Lifecycle{}
	}
	var out []Notice
	for _, p := range partners {
		if p == nil {
			continue // no record, nothing to notice
		}
		st := p.State()
		if st == Prospect || st == Rejected || st == Offboarded {
			continue
		}
		out = append(out, expiring(p, today, within)...)
		out = append(out, certificationsExpiring(p, today, within)...)
		if st == Active || st == Offboarding {
			var pb *PaymentBlockedError
			if err := p.CanBePaidOn(today); errors.As(err, &pb) {
				out = append(out, Notice{Kind: NoticePaymentBlocked, PartnerID: p.ID, PartnerName: p.Name, On: today,
					Blockers: pb.Blockers, Reason: "payments are blocked: " + blockerText(pb.Blockers), To: recipients(p, true)})
			}
		}
		if st == Active {
			var bs []Blocker
			for _, k := range lc.RequirementsFor(p.Type).Documents {
				if b, ok := p.documentBlocker(k, today); ok {
					bs = append(bs, b)
				}
			}
			if len(bs) > 0 {
				out = append(out, Notice{Kind: NoticeShouldSuspend, PartnerID: p.ID, PartnerName: p.Name, On: today,
					Blockers: bs, Reason: "required documents are no longer valid: " + blockerText(bs), To: recipients(p, false)})
			}
		}
	}
	kindOrder := func(k NoticeKind) int { return slices.Index(NoticeKinds(), k) }
	slices.SortStableFunc(out, func(a, b Notice) int {
		return cmp.Or(cmp.Compare(a.PartnerID, b.PartnerID), cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)),
			cmp.Compare(a.DocumentID, b.DocumentID))
	})
	return out
}

// expiring lists p's documents valid today that end within the window
// with no document of the same kind valid on the day after.
func expiring(p *Partner, today Date, within int) []Notice {
	var out []Notice
	last := today.AddDays(within)
	for _, doc := range p.Documents {
		if doc.ValidUntil.IsZero() || !doc.ValidOn(today) || doc.ValidUntil.After(last) {
			continue
		}
		if _, renewed := p.Document(doc.Kind, doc.ValidUntil.AddDays(1)); renewed {
			continue
		}
		left := today.DaysUntil(doc.ValidUntil)
		label := kindLabel(doc.Kind)
		if doc.Form != "" {
			label += " " + doc.Form
		}
		out = append(out, Notice{Kind: NoticeExpiring, PartnerID: p.ID, PartnerName: p.Name, On: today,
			DocumentID: doc.ID, DocumentKind: doc.Kind, Form: doc.Form, ValidUntil: doc.ValidUntil, DaysLeft: left,
			Reason: fmt.Sprintf("%s expires on %s (%s)", label, doc.ValidUntil, daysText(left)),
			To:     recipients(p, doc.Kind == TaxForm || doc.Kind == BankDetails)})
	}
	return out
}

// certificationsExpiring lists certifications valid today that end within
// the window, unless the same person holds the same certification on file
// valid the day after.
func certificationsExpiring(p *Partner, today Date, within int) []Notice {
	var out []Notice
	last := today.AddDays(within)
	for i := range p.Certified {
		c := p.Certified[i]
		if c.Expires.IsZero() || !c.ValidOn(today) || c.Expires.After(last) {
			continue
		}
		renewed := false
		for _, o := range p.Certified {
			if o.Certification == c.Certification && o.Name == c.Name && strings.EqualFold(o.Email, c.Email) && o.ValidOn(c.Expires.AddDays(1)) {
				renewed = true
			}
		}
		if renewed {
			continue
		}
		left := today.DaysUntil(c.Expires)
		out = append(out, Notice{Kind: NoticeCertificationExpiring, PartnerID: p.ID, PartnerName: p.Name, On: today,
			Person: &c, ValidUntil: c.Expires, DaysLeft: left,
			Reason: fmt.Sprintf("%s's %s certification expires on %s (%s)", c.Name, c.Certification, c.Expires, daysText(left)),
			To:     recipients(p, false)})
	}
	return out
}

func daysText(n int) string {
	switch n {
	case 0:
		return "today is its last day"
	case 1:
		return "in 1 day"
	}
	return fmt.Sprintf("in %d days", n)
}

func blockerText(bs []Blocker) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = b.Detail
	}
	return strings.Join(s, "; ")
}

// recipients returns the primary contact and, for money matters, the
// billing and payee contacts, without repeating an email address.
func recipients(p *Partner, money bool) []Contact {
	roles := []string{RolePrimary}
	if money {
		roles = append(roles, RoleBilling, RolePayee)
	}
	var out []Contact
	seen := map[string]bool{}
	for _, r := range roles {
		c, ok := p.Contact(r)
		if !ok {
			continue
		}
		key := strings.ToLower(c.Email)
		if key == "" {
			key = "name:" + c.Name
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, c)
		}
	}
	return out
}
