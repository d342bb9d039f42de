package svgchart

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A label from data (a partner id) may hold any text: markup characters,
// control characters that XML 1.0 forbids, invalid UTF-8. The chart must
// stay well-formed XML (a browser shows an SVG image only if it parses)
// and the markup characters must arrive as text.
func TestReviewLabelsStayWellFormed(t *testing.T) {
	labels := []string{`<script>&"'`, "ctl\x01\x0b\x1b", "bad\xffutf8", "nul\x00"}
	c := &BarChart{Title: "t\x02", XLabel: "x"}
	for i, l := range labels {
		c.Bars = append(c.Bars, Bar{Label: l, Value: d("1").Add(d(string(rune('0' + i))))})
	}
	svg := c.SVG()
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "the SVG is not well-formed XML")
		if cd, ok := tok.(xml.CharData); ok {
			text.Write(cd)
		}
	}
	assert.Contains(t, text.String(), `<script>&"'`)
	assert.NotContains(t, string(svg), "<script>")
}
