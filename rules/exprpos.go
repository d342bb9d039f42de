package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules/internal/dexpr"
	"gopkg.in/yaml.v3"
)

// filePos is a 1-based line and column (in runes) in a file.
type filePos struct{ line, col int }

// scalarMap maps each rune of a scalar's value (what YAML produced after
// unquoting, unescaping and folding) back to the file position it came from,
// so that an error inside an expression points at the token in the file.
//
// It walks the value and the file text side by side from the scalar's
// start: a plain scalar starts at the node's column, a quoted one a column
// later, a "|" or ">" block on the line after its header. Characters of the
// file that produce nothing (indentation, line breaks of folded lines, the
// second quote of ”) are skipped; a double-quoted escape such as \t or
// \u00e9 maps to its backslash; a folded line break maps to the end of the
// line it joined.
type scalarMap struct {
	value []rune
	pos   []filePos // pos[i] is where value[i] was written
	start filePos
}

// maxSkip bounds how far the walk looks for one value rune.
const maxSkip = 4096

func newScalarMap(src *source, n *yaml.Node) *scalarMap {
	m := &scalarMap{value: []rune(n.Value), start: filePos{n.Line, n.Column}}
	c := cursor{src: src}
	dq := n.Style&yaml.DoubleQuotedStyle != 0
	sq := n.Style&yaml.SingleQuotedStyle != 0
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		c.seek(n.Line+1, 0)
	case dq || sq:
		c.seek(n.Line, n.Column) // after the quote
	default:
		c.seek(n.Line, n.Column-1)
	}
	m.pos = make([]filePos, len(m.value))
	for i, r := range m.value {
		p := c.pos()
		for steps := 0; steps < maxSkip; steps++ {
			s, ok := c.cur()
			if !ok {
				break
			}
			if dq && s == '\\' {
				c.advance()
				e, _ := c.cur()
				if e == '\n' { // escaped line break: produces nothing
					c.advance()
					p = c.pos()
					continue
				}
				c.advance()
				for range escapeDigits(e) {
					c.advance()
				}
				break
			}
			if sq && s == '\'' && r == '\'' {
				c.advance()
				c.advance()
				break
			}
			if s == r || (s == '\n' && (r == ' ' || r == '\n')) {
				c.advance()
				break
			}
			c.advance()
			p = c.pos()
		}
		m.pos[i] = p
	}
	return m
}

// escapeDigits is the number of hex digits after a double-quoted escape
// letter.
func escapeDigits(e rune) int {
	switch e {
	case 'x':
		return 2
	case 'u':
		return 4
	case 'U':
		return 8
	}
	return 0
}

// at maps a 1-based (line, col) inside the value to a file position. A
// position past the end maps just after the last character.
func (m *scalarMap) at(line, col int) filePos {
	if len(m.value) == 0 {
		return m.start
	}
	l, c := 1, 1
	for i, r := range m.value {
		if l == line && c == col || l > line {
			return m.pos[i]
		}
		if r == '\n' {
			if l == line { // column past the end of this line
				return m.pos[i]
			}
			l, c = l+1, 1
		} else {
			c++
		}
	}
	last := m.pos[len(m.pos)-1]
	return filePos{last.line, last.col + 1}
}

// cursor walks a file's text rune by rune, reading a line end as '\n'.
type cursor struct {
	src   *source
	line  int // 1-based
	runes []rune
	col   int // 0-based index into runes
}

func (c *cursor) seek(line, col int) {
	c.line, c.col = line, max(col, 0)
	c.runes = []rune(c.src.line(line))
}

func (c *cursor) cur() (rune, bool) {
	if c.line < 1 || c.line > len(c.src.lines) {
		return 0, false
	}
	if c.col < len(c.runes) {
		return c.runes[c.col], true
	}
	if c.line < len(c.src.lines) {
		return '\n', true
	}
	return 0, false
}

func (c *cursor) advance() {
	if c.col < len(c.runes) {
		c.col++
		return
	}
	c.seek(c.line+1, 0)
}

func (c *cursor) pos() filePos { return filePos{c.line, c.col + 1} }

// looseNumberRE matches a lone number written with a sign "+", a leading
// or trailing ".", or an exponent: not the accepted decimal syntax.
var looseNumberRE = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// expression compiles the expression at node n.
//
// A number expression that is a plain number ("500", "0.02", or "500 USD"
// in a USD program) becomes an incentive.Const read from its text; anything
// else goes to the
// expression compiler, whose errors are mapped to the file position of the
// token. The result is an incentive.Condition (kind Bool) or an
// incentive.Formula (kind Number), or nil after reporting an error.
func (pc *progCompiler) expression(n *yaml.Node, path string, kind dexpr.Kind) any {
	d := pc.d
	want := "a condition (an expression that is true or false)"
	switch kind {
	case dexpr.Number:
		want = "an amount (a number or an expression)"
	case dexpr.Auto:
		want = "a number or a condition (an expression)"
	}
	src, ok := d.scalar(n, path, want)
	if !ok {
		return nil
	}
	switch {
	case n.Tag == "!!bool" && kind == dexpr.Number:
		d.errorf(n, path, "want %s, got %s", want, kindName(n))
		return nil
	case (n.Tag == "!!int" || n.Tag == "!!float") && kind == dexpr.Bool:
		d.errorf(n, path, "want %s, got %s", want, kindName(n))
		return nil
	case strings.TrimSpace(src) == "":
		d.errorf(n, path, "want %s, got blank text", want)
		return nil
	}
	if kind == dexpr.Number || kind == dexpr.Auto {
		if v, ok := parseNumber(src); ok {
			return incentive.Const(v)
		}
		if num, code, ok := splitMoney(src); ok {
			if !d.sameCurrency(n, path, code, pc.p.Currency) {
				return nil
			}
			if v, ok := parseNumber(num); ok {
				return incentive.Const(v)
			}
		}
		if n.Tag == "!!int" || n.Tag == "!!float" || looseNumberRE.MatchString(strings.TrimSpace(src)) {
			// A lone number in another syntax ("1e3", ".5", "+5") is refused
			// quoted or not, as everywhere amounts are read.
			d.errorf(n, path, "want a decimal number such as 1250 or 0.025, got %q", clip(src))
			return nil
		}
	}
	if pc.env == nil {
		return nil // the fields could not be declared; already reported
	}
	var x *dexpr.Expr
	var errs []*dexpr.Error
	if pc.perLine {
		x, errs = pc.env.CompileLine(src, kind)
	} else {
		x, errs = pc.env.Compile(src, kind)
	}
	m := newScalarMap(d.src, n)
	for _, e := range errs {
		at := m.at(e.Line, e.Col)
		msg := e.Msg
		if msg == "unexpected end of expression" && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 && strings.HasPrefix(n.LineComment, "#") {
			// YAML took " #..." for a comment and cut the expression there.
			msg += fmt.Sprintf(`: YAML reads " %s" after it as a comment; the expression language has no "#", and a value holding " #" must be quoted`, clip(n.LineComment))
		}
		d.add(SeverityError, at.line, at.col, path, msg)
	}
	if len(errs) > 0 || x == nil {
		return nil
	}
	file := d.src.name
	x.SetOrigin(func(line, col int) incentive.Origin {
		at := m.at(line, col)
		return incentive.Origin{File: file, Line: at.line, Col: at.col}
	})
	return x
}

// condition compiles a `when:` expression.
func (pc *progCompiler) condition(n *yaml.Node, path string) incentive.Condition {
	x := pc.expression(n, path, dexpr.Bool)
	if x == nil {
		return nil
	}
	c, ok := x.(incentive.Condition)
	if !ok {
		pc.d.errorf(n, path, "internal error: the expression compiler returned no condition")
		return nil
	}
	return c
}

// formula compiles an amount or measure expression.
func (pc *progCompiler) formula(n *yaml.Node, path string) incentive.Formula {
	x := pc.expression(n, path, dexpr.Number)
	if x == nil {
		return nil
	}
	f, ok := x.(incentive.Formula)
	if !ok {
		pc.d.errorf(n, path, "internal error: the expression compiler returned no formula")
		return nil
	}
	return f
}
