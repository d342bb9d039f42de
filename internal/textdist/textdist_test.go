package textdist

import "testing"

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		d    int
	}{{"amount", "ammount", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"é", "e", 1}, {"deal.amout", "deal.amount", 1}}
	for _, c := range cases {
		if got := Distance(c.a, c.b); got != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
	long := string(make([]byte, 65))
	if got := Distance(long, "a"); got < 1<<20 {
		t.Errorf("a 65-rune input compared: %d", got)
	}
}
