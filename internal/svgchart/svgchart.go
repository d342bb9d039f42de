// Package svgchart writes small, deterministic SVG charts: line and step
// charts with several series, horizontal bar charts and waterfalls.
//
// Coordinates are computed in decimal arithmetic (shopspring/decimal) and
// written with at most two places, so the same data gives the same bytes
// on every machine, and no amount of money passes through a float. Text
// uses the generic sans-serif family: no font is fetched, none embedded.
// Label widths are estimated from their length, which is enough for the
// short labels charts carry.
package svgchart

import (
	"fmt"
	"html"
	"strings"

	"github.com/shopspring/decimal"
)

// Palette is the series colours, in order (colour-blind safe, Okabe-Ito).
var Palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"}

// Colours of the waterfall and bar charts.
const (
	ColorUp    = "#009E73"
	ColorDown  = "#D55E00"
	ColorTotal = "#0072B2"
	colorGrid  = "#e3e3e3"
	colorAxis  = "#555555"
	colorText  = "#222222"
)

// Point is one point of a series.
type Point struct{ X, Y decimal.Decimal }

// Series is a named list of points, drawn in order.
type Series struct {
	Name   string
	Points []Point
	// Dash draws the line dashed (for a reference series).
	Dash bool
}

// Rule is a horizontal reference line, such as a budget.
type Rule struct {
	Label string
	Y     decimal.Decimal
}

// LineChart is a chart of series against a shared x axis. Points are
// joined by straight lines, so a jump (a cliff in a retroactive table) is
// drawn where two points share an x or nearly do.
type LineChart struct {
	Title          string
	XLabel, YLabel string
	Series         []Series
	Rules          []Rule
	// FitY fits the y axis to the data; by default it starts at zero so
	// that heights compare honestly.
	FitY bool
	// XFormat and YFormat render tick values; nil renders the number
	// with thousands grouped.
	XFormat, YFormat func(decimal.Decimal) string
	// Width and Height in pixels; zero means 720 by 420.
	Width, Height int
}

// svg is a small SVG writer.
type svg struct {
	b    strings.Builder
	w, h int
}

func newSVG(w, h int, title string) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12" role="img">`+"\n", w, h, w, h)
	fmt.Fprintf(&s.b, "<title>%s</title>\n", esc(title))
	fmt.Fprintf(&s.b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", w, h)
	if title != "" {
		fmt.Fprintf(&s.b, `<text x="%d" y="22" font-size="15" font-weight="bold" fill="%s">%s</text>`+"\n", 12, colorText, esc(title))
	}
	return s
}

func (s *svg) line(x1, y1, x2, y2 decimal.Decimal, stroke string, extra string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"%s/>`+"\n", n(x1), n(y1), n(x2), n(y2), stroke, extra)
}

func (s *svg) text(x, y decimal.Decimal, anchor, fill, text string, extra string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" fill="%s"%s>%s</text>`+"\n", n(x), n(y), anchor, fill, extra, esc(text))
}

func (s *svg) rect(x, y, w, h decimal.Decimal, fill string, title string) {
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s">`, n(x), n(y), n(w), n(h), fill)
	if title != "" {
		fmt.Fprintf(&s.b, "<title>%s</title>", esc(title))
	}
	s.b.WriteString("</rect>\n")
}

func (s *svg) bytes() []byte {
	s.b.WriteString("</svg>\n")
	return []byte(s.b.String())
}

// esc makes text safe in an element: markup characters escaped, and
// invalid UTF-8 and the characters XML 1.0 forbids (control characters
// but tab, newline and carriage return; U+FFFE, U+FFFF) shown as U+FFFD,
// so that a label from data cannot make the SVG ill-formed.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return html.EscapeString(s)
}

// n renders a coordinate with at most two places.
func n(d decimal.Decimal) string { return d.Round(2).String() }

func di(i int) decimal.Decimal { return decimal.NewFromInt(int64(i)) }

// scale maps [lo, hi] onto [a, b] (b may be below a, for the y axis).
type scale struct{ lo, hi, a, b decimal.Decimal }

func (sc scale) at(v decimal.Decimal) decimal.Decimal {
	span := sc.hi.Sub(sc.lo)
	if span.IsZero() {
		return sc.a
	}
	return sc.a.Add(v.Sub(sc.lo).Mul(sc.b.Sub(sc.a)).DivRound(span, 6))
}

// Group renders a number with thousands separated by commas, keeping its
// places: 1234567.5 -> "1,234,567.5".
func Group(d decimal.Decimal) string {
	s := d.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, frac, has := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if has {
		b.WriteString("." + frac)
	}
	return b.String()
}

// Compact renders a tick value shortly: 1500 -> "1.5k", 250000 -> "250k",
// 1500000 -> "1.5M".
func Compact(d decimal.Decimal) string {
	a := d.Abs()
	switch {
	case a.GreaterThanOrEqual(decimal.New(1, 6)):
		return d.Shift(-6).Round(2).String() + "M"
	case a.GreaterThanOrEqual(decimal.New(1, 3)):
		return d.Shift(-3).Round(1).String() + "k"
	}
	return Group(d)
}

// niceStep returns a round step (1, 2 or 5 times a power of ten) that cuts
// span into about n parts.
func niceStep(span decimal.Decimal, n int) decimal.Decimal {
	if span.Sign() <= 0 {
		return decimal.NewFromInt(1)
	}
	raw := span.DivRound(di(n), 12)
	// floor(log10(raw)) from the digits: raw = c x 10^e with c an integer.
	e := int32(len(raw.Coefficient().String())) + raw.Exponent() - 1
	base := decimal.New(1, e)
	for _, m := range []int64{1, 2, 5, 10} {
		step := base.Mul(decimal.NewFromInt(m))
		if step.GreaterThanOrEqual(raw) {
			return step
		}
	}
	return base.Mul(decimal.NewFromInt(10))
}

// ticks returns the multiples of a nice step covering [lo, hi], widening
// the range to them.
func ticks(lo, hi decimal.Decimal, n int) (decimal.Decimal, decimal.Decimal, []decimal.Decimal) {
	if hi.Equal(lo) {
		hi = lo.Add(decimal.NewFromInt(1))
	}
	step := niceStep(hi.Sub(lo), n)
	start := lo.Div(step).Floor().Mul(step)
	end := hi.Div(step).Ceil().Mul(step)
	var out []decimal.Decimal
	for v := start; v.LessThanOrEqual(end); v = v.Add(step) {
		out = append(out, v)
	}
	return start, end, out
}

// SVG renders the chart.
func (c *LineChart) SVG() []byte {
	w, h := c.Width, c.Height
	if w == 0 {
		w = 720
	}
	if h == 0 {
		h = 420
	}
	xf, yf := c.XFormat, c.YFormat
	if xf == nil {
		xf = Compact
	}
	if yf == nil {
		yf = Compact
	}
	s := newSVG(w, h, c.Title)
	left, right, top, bottom := di(72), di(w-24), di(44), di(h-64)
	// Ranges over every point and rule, always including y = 0.
	var xlo, xhi, ylo, yhi decimal.Decimal
	first, firstY := true, c.FitY
	for _, se := range c.Series {
		for _, p := range se.Points {
			if first {
				xlo, xhi, first = p.X, p.X, false
			}
			if firstY {
				ylo, yhi, firstY = p.Y, p.Y, false
			}
			xlo, xhi = decimal.Min(xlo, p.X), decimal.Max(xhi, p.X)
			ylo, yhi = decimal.Min(ylo, p.Y), decimal.Max(yhi, p.Y)
		}
	}
	for _, r := range c.Rules {
		if firstY {
			ylo, yhi, firstY = r.Y, r.Y, false
		}
		ylo, yhi = decimal.Min(ylo, r.Y), decimal.Max(yhi, r.Y)
	}
	x0, x1, xt := ticks(xlo, xhi, 6)
	y0, y1, yt := ticks(ylo, yhi, 5)
	sx := scale{x0, x1, left, right}
	sy := scale{y0, y1, bottom, top}
	for _, t := range yt {
		y := sy.at(t)
		s.line(left, y, right, y, colorGrid, "")
		s.text(left.Sub(di(6)), y.Add(di(4)), "end", colorAxis, yf(t), "")
	}
	for _, t := range xt {
		x := sx.at(t)
		s.line(x, top, x, bottom, colorGrid, "")
		s.text(x, bottom.Add(di(16)), "middle", colorAxis, xf(t), "")
	}
	if !y0.IsPositive() && !y1.IsNegative() {
		s.line(left, sy.at(decimal.Zero), right, sy.at(decimal.Zero), colorAxis, "")
	} else {
		s.line(left, bottom, right, bottom, colorAxis, "")
	}
	s.line(left, top, left, bottom, colorAxis, "")
	if c.XLabel != "" {
		s.text(left.Add(right).Div(di(2)), bottom.Add(di(36)), "middle", colorText, c.XLabel, "")
	}
	if c.YLabel != "" {
		fmt.Fprintf(&s.b, `<text transform="translate(16 %s) rotate(-90)" text-anchor="middle" fill="%s">%s</text>`+"\n", n(top.Add(bottom).Div(di(2))), colorText, esc(c.YLabel))
	}
	for _, r := range c.Rules {
		y := sy.at(r.Y)
		s.line(left, y, right, y, "#999999", ` stroke-dasharray="6 4"`)
		s.text(right, y.Sub(di(5)), "end", colorAxis, r.Label, "")
	}
	for i, se := range c.Series {
		col := Palette[i%len(Palette)]
		var pts []string
		for _, p := range se.Points {
			pts = append(pts, n(sx.at(p.X))+","+n(sy.at(p.Y)))
		}
		dash := ""
		if se.Dash {
			dash = ` stroke-dasharray="4 3"`
		}
		fmt.Fprintf(&s.b, `<polyline fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"%s points="%s"><title>%s</title></polyline>`+"\n", col, dash, strings.Join(pts, " "), esc(se.Name))
	}
	// Legend, top right, one row.
	if len(c.Series) > 1 {
		x := right
		for i := len(c.Series) - 1; i >= 0; i-- {
			name := c.Series[i].Name
			wText := di(7 * len([]rune(name)))
			x = x.Sub(wText)
			s.text(x, top.Sub(di(10)), "start", colorText, name, "")
			s.line(x.Sub(di(22)), top.Sub(di(14)), x.Sub(di(6)), top.Sub(di(14)), Palette[i%len(Palette)], ` stroke-width="3"`)
			x = x.Sub(di(36))
		}
	}
	return s.bytes()
}
