package svgchart

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Bar is one bar of a bar chart.
type Bar struct {
	Label string
	Value decimal.Decimal
}

// BarChart is a horizontal bar chart, one bar per row in the order given.
type BarChart struct {
	Title  string
	XLabel string
	Bars   []Bar
	// Format renders values (on the bars and the axis); nil groups
	// thousands.
	Format func(decimal.Decimal) string
	// Width in pixels; zero means 720. The height follows the bars.
	Width int
}

// labelWidth estimates the pixels a label takes at 12px sans-serif.
func labelWidth(labels []string) int {
	m := 0
	for _, l := range labels {
		m = max(m, len([]rune(l)))
	}
	return 7*m + 16
}

// SVG renders the chart.
func (c *BarChart) SVG() []byte {
	w := c.Width
	if w == 0 {
		w = 720
	}
	f := c.Format
	if f == nil {
		f = Group
	}
	row := 22
	h := 44 + row*len(c.Bars) + 56
	s := newSVG(w, h, c.Title)
	var labels []string
	lo, hi := decimal.Zero, decimal.Zero
	for _, b := range c.Bars {
		labels = append(labels, b.Label)
		lo, hi = decimal.Min(lo, b.Value), decimal.Max(hi, b.Value)
	}
	left := di(min(labelWidth(labels), w/3))
	right, top := di(w-90), di(44)
	bottom := top.Add(di(row * len(c.Bars)))
	x0, x1, xt := ticks(lo, hi, 5)
	sx := scale{x0, x1, left, right}
	for _, t := range xt {
		x := sx.at(t)
		s.line(x, top, x, bottom, colorGrid, "")
		s.text(x, bottom.Add(di(16)), "middle", colorAxis, Compact(t), "")
	}
	zero := sx.at(decimal.Zero)
	for i, b := range c.Bars {
		y := top.Add(di(row * i))
		x := sx.at(b.Value)
		from, width := decimal.Min(zero, x), x.Sub(zero).Abs()
		col := ColorTotal
		if b.Value.Sign() < 0 {
			col = ColorDown
		}
		s.rect(from, y.Add(di(3)), width, di(row-6), col, b.Label+": "+f(b.Value))
		s.text(left.Sub(di(8)), y.Add(di(15)), "end", colorText, b.Label, "")
		s.text(decimal.Max(zero, x).Add(di(4)), y.Add(di(15)), "start", colorAxis, f(b.Value), "")
	}
	s.line(zero, top, zero, bottom, colorAxis, "")
	if c.XLabel != "" {
		s.text(left.Add(right).Div(di(2)), bottom.Add(di(38)), "middle", colorText, c.XLabel, "")
	}
	return s.bytes()
}

// Step is one column of a waterfall: a total (drawn from zero) or a change
// (drawn from the running total).
type Step struct {
	Label string
	Value decimal.Decimal
	// Total marks a column that shows the running total itself (the first
	// and last); its Value is the total.
	Total bool
}

// Waterfall shows how a total moves from a start to an end through
// changes: up in green, down in orange, totals in blue.
type Waterfall struct {
	Title  string
	YLabel string
	Steps  []Step
	Format func(decimal.Decimal) string
	// Width and Height in pixels; zero means 720 by 420.
	Width, Height int
}

// SVG renders the chart.
func (c *Waterfall) SVG() []byte {
	w, h := c.Width, c.Height
	if w == 0 {
		w = 720
	}
	if h == 0 {
		h = 420
	}
	f := c.Format
	if f == nil {
		f = Group
	}
	s := newSVG(w, h, c.Title)
	left, right, top, bottom := di(72), di(w-24), di(44), di(h-84)
	// The running total before and after each column.
	type col struct{ from, to decimal.Decimal }
	cols := make([]col, len(c.Steps))
	run := decimal.Zero
	lo, hi := decimal.Zero, decimal.Zero
	for i, st := range c.Steps {
		if st.Total {
			cols[i] = col{decimal.Zero, st.Value}
			run = st.Value
		} else {
			cols[i] = col{run, run.Add(st.Value)}
			run = run.Add(st.Value)
		}
		lo = decimal.Min(lo, decimal.Min(cols[i].from, cols[i].to))
		hi = decimal.Max(hi, decimal.Max(cols[i].from, cols[i].to))
	}
	y0, y1, yt := ticks(lo, hi, 5)
	sy := scale{y0, y1, bottom, top}
	for _, t := range yt {
		y := sy.at(t)
		s.line(left, y, right, y, colorGrid, "")
		s.text(left.Sub(di(6)), y.Add(di(4)), "end", colorAxis, Compact(t), "")
	}
	if c.YLabel != "" {
		fmt.Fprintf(&s.b, `<text transform="translate(16 %s) rotate(-90)" text-anchor="middle" fill="%s">%s</text>`+"\n", n(top.Add(bottom).Div(di(2))), colorText, esc(c.YLabel))
	}
	nCols := max(len(c.Steps), 1)
	slot := right.Sub(left).DivRound(di(nCols), 4)
	barW := slot.Mul(decimal.RequireFromString("0.7"))
	for i, st := range c.Steps {
		x := left.Add(slot.Mul(di(i))).Add(slot.Sub(barW).Div(di(2)))
		ya, yb := sy.at(cols[i].from), sy.at(cols[i].to)
		color := ColorTotal
		label := f(st.Value)
		switch {
		case st.Total:
		case st.Value.Sign() < 0:
			color = ColorDown
		default:
			color = ColorUp
			label = "+" + label
		}
		top := decimal.Min(ya, yb)
		height := decimal.Max(ya.Sub(yb).Abs(), di(1))
		s.rect(x, top, barW, height, color, st.Label+": "+label)
		s.text(x.Add(barW.Div(di(2))), top.Sub(di(4)), "middle", colorText, label, ` font-size="11"`)
		// The category label, turned so long partner ids fit.
		lx, ly := x.Add(barW.Div(di(2))), bottom.Add(di(12))
		fmt.Fprintf(&s.b, `<text transform="translate(%s %s) rotate(-30)" text-anchor="end" fill="%s">%s</text>`+"\n", n(lx), n(ly), colorText, esc(st.Label))
		if i+1 < len(c.Steps) {
			// A thin connector to the next column at the running total.
			s.line(x.Add(barW), yb, x.Add(slot), yb, "#999999", ` stroke-dasharray="2 2"`)
		}
	}
	s.line(left, sy.at(decimal.Zero), right, sy.at(decimal.Zero), colorAxis, "")
	return s.bytes()
}
