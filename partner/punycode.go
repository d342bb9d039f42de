package partner

import (
	"strings"
	"unicode"
)

// Punycode parameters (RFC 3492, section 5).
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

// idnLabel returns the ASCII form of a lower-case domain label: the label
// itself when it is ASCII, else "xn--" and its punycode. ok is false when
// the label holds a non-ASCII rune that is not a letter, digit or mark.
//
// This is the encoding of IDNA, with lower-casing standing in for its
// full mapping (no Unicode normalization): enough for the same customer
// typed in Unicode or in ASCII to compare equal.
func idnLabel(l string) (string, bool) {
	ascii := true
	for _, r := range l {
		if r >= 0x80 {
			ascii = false
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				return "", false
			}
		}
	}
	if ascii {
		return l, true
	}
	return "xn--" + punycode([]rune(l)), true
}

// punycode encodes runes with the Bootstring algorithm of RFC 3492
// (section 6.3). Labels are at most a few hundred runes, far from the
// overflow limits.
func punycode(in []rune) string {
	var b strings.Builder
	for _, r := range in {
		if r < 0x80 {
			b.WriteRune(r)
		}
	}
	basic := b.Len()
	h := basic
	if basic > 0 {
		b.WriteByte('-')
	}
	n, delta, bias := rune(pcInitialN), 0, pcInitialBias
	for h < len(in) {
		m := rune(unicode.MaxRune + 1)
		for _, r := range in {
			if r >= n && r < m {
				m = r
			}
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, r := range in {
			if r < n {
				delta++
			}
			if r != n {
				continue
			}
			q := delta
			for k := pcBase; ; k += pcBase {
				t := k - bias
				switch {
				case k <= bias:
					t = pcTMin
				case k >= bias+pcTMax:
					t = pcTMax
				}
				if q < t {
					break
				}
				b.WriteByte(pcDigit(t + (q-t)%(pcBase-t)))
				q = (q - t) / (pcBase - t)
			}
			b.WriteByte(pcDigit(q))
			bias = pcAdapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return b.String()
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func pcAdapt(delta, points int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / points
	k := 0
	for delta > (pcBase-pcTMin)*pcTMax/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}
