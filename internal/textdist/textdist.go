// Package textdist measures how far apart two words are, for the "did you
// mean" suggestions of the program loader, the expression checker and the
// deal-file decoders (an unknown CSV column).
package textdist

// Distance is the Levenshtein distance between a and b, in runes. Inputs
// longer than 64 runes are not compared (a suggestion for them is useless
// anyway): their distance is a large number.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
