package partner

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Customer is the end customer of a registered opportunity, as entered.
type Customer struct {
	Name   string `json:"name"`
	Domain string `json:"domain,omitempty"`
}

// legalSuffixes are company-form words dropped from the end of a customer
// name when normalizing ("Acme, Inc." and "ACME" are one customer).
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "ltd": true, "limited": true, "corp": true,
	"corporation": true, "co": true, "company": true, "gmbh": true, "ag": true, "sa": true,
	"sas": true, "sarl": true, "srl": true, "spa": true, "bv": true, "nv": true, "plc": true,
	"pty": true, "pte": true, "kk": true, "oy": true, "ab": true, "as": true, "lp": true,
	"llp": true, "kg": true, "se": true,
}

// NormalizeName returns the comparable form of a customer name: lower case,
// "&" read as "and", punctuation dropped, spaces collapsed, a leading
// "the" and trailing company forms (Inc, LLC, GmbH, ...) removed, with the
// "and" that joins them ("GmbH & Co. KG", "& Co."). The last word always
// stays, so "The Co" is "co" and "Inc" is "inc".
func NormalizeName(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "&", " and ")
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '.' || r == '\'' || r == '’':
			// "S.A." reads as "sa", "O'Neil" as "oneil".
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	for len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	for stripped := false; len(words) > 1; {
		last := words[len(words)-1]
		// The "and" of "& Co." goes with the company form after it.
		if !legalSuffixes[last] && !(stripped && last == "and") {
			break
		}
		words, stripped = words[:len(words)-1], true
	}
	return strings.Join(words, " ")
}

// ErrInvalidDomain is returned (wrapped) by NormalizeDomain.
var ErrInvalidDomain = errors.New("partner: invalid domain")

// NormalizeDomain returns the comparable form of a customer's web domain:
// lower case, without scheme, user, port, path, query, a trailing dot or a
// leading "www."; an email address gives its domain. A label in Unicode
// ("münchen") is written in its ASCII form ("xn--mnchen-3ya"), as IDNA
// does, so both spellings are one customer. The result has at
// least two labels of letters, digits and inner hyphens (at most 63
// characters each, 253 in all) and a non-numeric last label. Anything else
// is an error wrapping ErrInvalidDomain.
func NormalizeDomain(s string) (string, error) {
	in := s
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	// Full stops other scripts type between labels (IDNA maps them to ".").
	s = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".").Replace(s)
	s = strings.TrimSuffix(s, ".")
	if len(s) <= 4*253 { // punycode only what could fit once encoded
		labels := strings.Split(s, ".")
		for i, l := range labels {
			a, ok := idnLabel(l)
			if !ok {
				return "", fmt.Errorf("%w: %q %s", ErrInvalidDomain, clip(in), "has a character other than letters, digits, '-' and '.'")
			}
			labels[i] = a
		}
		s = strings.Join(labels, ".")
	}
	for strings.HasPrefix(s, "www.") && strings.Count(s, ".") > 1 {
		s = s[len("www."):]
	}
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%w: %q %s", ErrInvalidDomain, clip(in), why)
	}
	if s == "" {
		return bad("has no domain")
	}
	if len(s) > 253 {
		return bad("is longer than 253 characters")
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return bad("needs a dot, as in example.com")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return bad("has an empty or over-long label")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return bad("has a label starting or ending with '-'")
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return bad("has a character other than letters, digits, '-' and '.'")
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return bad("ends in a number (an IP address is not a customer domain)")
	}
	return s, nil
}

// clip shortens text quoted in an error.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// CustomerKey is a customer in comparable form (see NormalizeName and
// NormalizeDomain). Two keys are the same customer when their domains are
// equal and set, or their names are equal and set.
type CustomerKey struct {
	Name   string `json:"name"`
	Domain string `json:"domain,omitempty"`
}

// Key normalizes c. The domain is left empty when c's domain is empty or
// invalid (Registration validation reports an invalid one).
func (c Customer) Key() CustomerKey {
	k := CustomerKey{Name: NormalizeName(c.Name)}
	if c.Domain != "" {
		k.Domain, _ = NormalizeDomain(c.Domain)
	}
	return k
}

// Same reports whether k and o are the same customer.
func (k CustomerKey) Same(o CustomerKey) bool {
	return k.Domain != "" && k.Domain == o.Domain || k.Name != "" && k.Name == o.Name
}
