package partner

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// DocumentKind is what a document is.
type DocumentKind string

// Document kinds.
const (
	Agreement DocumentKind = "agreement"
	NDA       DocumentKind = "nda"
	// TaxForm is a tax form such as a W-9 or W-8BEN; Document.Form names
	// which one.
	TaxForm       DocumentKind = "tax_form"
	BankDetails   DocumentKind = "bank_details"
	Insurance     DocumentKind = "insurance"
	Certification DocumentKind = "certification"
)

// DocumentKinds lists the built-in document kinds. Programs may use others.
func DocumentKinds() []DocumentKind {
	return []DocumentKind{Agreement, NDA, TaxForm, BankDetails, Insurance, Certification}
}

// DocumentStatus is where a document is in review. Expiry is not a
// status: it follows from the validity dates and the date asked about.
type DocumentStatus string

// Document statuses. The zero value means Pending.
const (
	DocPending  DocumentStatus = "pending"
	DocApproved DocumentStatus = "approved"
	DocRejected DocumentStatus = "rejected"
	DocRevoked  DocumentStatus = "revoked"
)

// DocumentStatuses lists the document statuses.
func DocumentStatuses() []DocumentStatus {
	return []DocumentStatus{DocPending, DocApproved, DocRejected, DocRevoked}
}

// Document is a document on file for a partner.
type Document struct {
	ID   string       `json:"id"`
	Kind DocumentKind `json:"kind"`
	// Form names the form of a tax document ("W-9", "W-8BEN") or the
	// template of an agreement; free text.
	Form   string         `json:"form,omitempty"`
	Status DocumentStatus `json:"status,omitempty"`
	// ValidFrom is the first day the document is valid; zero means from
	// the start.
	ValidFrom Date `json:"valid_from,omitzero"`
	// ValidUntil is the last day the document is valid (inclusive); zero
	// means it does not expire.
	ValidUntil Date `json:"valid_until,omitzero"`
	// Reference points at the stored file (a URL or storage key).
	Reference string `json:"reference,omitempty"`
}

// ValidOn reports whether the document is approved and within its
// validity dates on d.
func (d Document) ValidOn(on Date) bool { return d.problem(on) == "" }

// problem returns why the document is not valid on a date ("" when it is).
func (d Document) problem(on Date) Problem {
	switch {
	case d.Status != DocApproved:
		st := d.Status
		if st == "" {
			st = DocPending
		}
		return Problem("not_approved:" + string(st))
	case !d.ValidFrom.IsZero() && on.Before(d.ValidFrom):
		return ProblemNotYetValid
	case !d.ValidUntil.IsZero() && on.After(d.ValidUntil):
		return ProblemExpired
	}
	return ""
}

// Document returns the document of kind that is valid on d, preferring the
// one valid longest; ok is false when there is none.
func (p *Partner) Document(kind DocumentKind, on Date) (Document, bool) {
	var best Document
	found := false
	for _, d := range p.Documents {
		if d.Kind != kind || !d.ValidOn(on) {
			continue
		}
		if !found || laterEnd(d.ValidUntil, best.ValidUntil) {
			best, found = d, true
		}
	}
	return best, found
}

// laterEnd reports whether validity end a is later than b (zero is open).
func laterEnd(a, b Date) bool {
	if b.IsZero() {
		return false
	}
	return a.IsZero() || a.After(b)
}

// Problem says what is wrong with a required item.
type Problem string

// Problems with a required item. A document that is on file but not
// approved reports "not_approved:<status>".
const (
	ProblemMissing     Problem = "missing"
	ProblemExpired     Problem = "expired"
	ProblemNotYetValid Problem = "not_yet_valid"
	ProblemIncomplete  Problem = "incomplete"
	ProblemState       Problem = "state"
)

// ErrPaymentBlocked is matched (errors.Is) by every *PaymentBlockedError.
var ErrPaymentBlocked = errors.New("partner: payment blocked")

// Blocker is one reason a payment is blocked or a requirement unmet: the
// item, what is wrong with it and, for a document, its dates.
type Blocker struct {
	// Item names what is wrong: a document kind ("tax_form"),
	// "payment_details", "payee_contact" or "state".
	Item    string  `json:"item,omitempty"`
	Problem Problem `json:"problem,omitempty"`
	// DocumentID, Form, ValidFrom and ValidUntil describe the closest
	// document of the kind on file, when there is one.
	DocumentID string `json:"document_id,omitempty"`
	Form       string `json:"form,omitempty"`
	ValidFrom  Date   `json:"valid_from,omitzero"`
	ValidUntil Date   `json:"valid_until,omitzero"`
	// Detail is a sentence for people.
	Detail string `json:"detail,omitempty"`
}

// String returns the text for people.
func (b Blocker) String() string { return b.Detail }

// PaymentBlockedError says why a partner cannot be paid on a date. It
// lists every blocker, not just the first.
type PaymentBlockedError struct {
	PartnerID string
	On        Date
	Blockers  []Blocker
}

// Error implements the error interface.
func (e *PaymentBlockedError) Error() string {
	parts := make([]string, len(e.Blockers))
	for i, b := range e.Blockers {
		parts[i] = b.Detail
	}
	return fmt.Sprintf("partner %s cannot be paid on %s: %s", e.PartnerID, e.On, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrPaymentBlocked) true.
func (e *PaymentBlockedError) Is(target error) bool { return target == ErrPaymentBlocked }

// CanBePaid reports whether the partner can be paid at the instant on,
// read as a calendar date in on's own location. See CanBePaidOn.
func (p *Partner) CanBePaid(on time.Time) error { return p.CanBePaidOn(DateOf(on)) }

// CanBePaidOn returns nil when the partner can be paid on d, else a
// *PaymentBlockedError listing every blocker: payment details missing or
// incomplete, no tax form valid on d (naming the closest one on file and
// its dates), or a lifecycle state that holds payments (suspended,
// offboarded, rejected). A partner being offboarded can still be paid, so
// that its balance can be settled. A nil partner (a lookup whose error was
// dropped) cannot be paid: an error wrapping ErrInvalid.
func (p *Partner) CanBePaidOn(d Date) error {
	if p == nil {
		return fmt.Errorf("%w: a payment check needs a partner", ErrInvalid)
	}
	var bs []Blocker
	switch st := p.State(); st {
	case Suspended, Offboarded, Rejected:
		bs = append(bs, Blocker{Item: "state", Problem: ProblemState, Detail: fmt.Sprintf("partner is %s", st)})
	}
	if b, ok := p.paymentBlocker(); ok {
		bs = append(bs, b)
	}
	if b, ok := p.documentBlocker(TaxForm, d); ok {
		bs = append(bs, b)
	}
	if len(bs) == 0 {
		return nil
	}
	return &PaymentBlockedError{PartnerID: p.ID, On: d, Blockers: bs}
}

// paymentBlocker reports missing or incomplete payment details.
func (p *Partner) paymentBlocker() (Blocker, bool) {
	switch {
	case p.Payment == nil:
		return Blocker{Item: "payment_details", Problem: ProblemMissing, Detail: "no payment details on file"}, true
	case !p.Payment.complete():
		var miss []string
		if p.Payment.Method == "" {
			miss = append(miss, "method")
		}
		if p.Payment.AccountHolder == "" {
			miss = append(miss, "account holder")
		}
		if p.Payment.AccountRef == "" {
			miss = append(miss, "account reference")
		}
		return Blocker{Item: "payment_details", Problem: ProblemIncomplete, Detail: "payment details lack " + strings.Join(miss, ", ")}, true
	}
	return Blocker{}, false
}

// documentBlocker reports why no document of kind is valid on d, naming
// the closest document on file: the latest-ending one.
func (p *Partner) documentBlocker(kind DocumentKind, d Date) (Blocker, bool) {
	if _, ok := p.Document(kind, d); ok {
		return Blocker{}, false
	}
	var closest *Document
	for i := range p.Documents {
		doc := &p.Documents[i]
		if doc.Kind != kind {
			continue
		}
		if closest == nil || rank(*doc) > rank(*closest) || rank(*doc) == rank(*closest) && laterEnd(doc.ValidUntil, closest.ValidUntil) {
			closest = doc
		}
	}
	name := kindLabel(kind)
	if closest == nil {
		return Blocker{Item: string(kind), Problem: ProblemMissing, Detail: fmt.Sprintf("no %s on file", name)}, true
	}
	b := Blocker{Item: string(kind), Problem: closest.problem(d), DocumentID: closest.ID, Form: closest.Form, ValidFrom: closest.ValidFrom, ValidUntil: closest.ValidUntil}
	label := name
	if closest.Form != "" {
		label = fmt.Sprintf("%s %s", name, closest.Form)
	}
	if closest.ID != "" {
		label += " (" + closest.ID + ")"
	}
	switch b.Problem {
	case ProblemExpired:
		b.Detail = fmt.Sprintf("%s expired on %s", label, closest.ValidUntil)
	case ProblemNotYetValid:
		b.Detail = fmt.Sprintf("%s is valid only from %s", label, closest.ValidFrom)
	default:
		st := closest.Status
		if st == "" {
			st = DocPending
		}
		b.Detail = fmt.Sprintf("%s is %s, not approved", label, st)
	}
	return b, true
}

// rank orders candidate documents: approved ones first.
func rank(d Document) int {
	if d.Status == DocApproved {
		return 1
	}
	return 0
}

// kindLabel is a document kind for people.
func kindLabel(k DocumentKind) string {
	switch k {
	case TaxForm:
		return "tax form"
	case BankDetails:
		return "bank details"
	case NDA:
		return "NDA"
	}
	return strings.ReplaceAll(string(k), "_", " ")
}
