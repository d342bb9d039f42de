// Package dexpr compiles the expressions of the partnerops DSL (the
// `when:`, `amount:` and `measure:` strings of a program file) into
// github.com/expr-lang/expr programs that compute with exact decimals
// (github.com/shopspring/decimal). Money never passes through binary floating point.
//
// The YAML loader (package rules) builds one Env per program with NewEnv,
// compiles each expression with Env.Compile and maps the returned positions
// onto the file. A compiled *Expr is an incentive.Condition (Bool kind) or an
// incentive.Formula (Number kind), and an incentive.Describer.
//
// # Values and types
//
// An expression reads fields of the deal being evaluated, its partner and
// the partner's running totals — exactly the paths of incentive.Scope.Lookup:
//
//	deal.id, deal.partner_id, deal.currency, deal.type,
//	deal.registration_id                                  string
//	deal.amount (in the program currency)                 decimal
//	deal.quantity                                         int
//	deal.registered                                       bool
//	deal.close_date (in the program's time zone)          date
//	deal.registration.approved (empty: none approved)     date
//	run.as_of (the run's as-of date, see below)           date
//	deal.products                                         list of strings
//	deal.customer.{id,name,country,region,industry,segment}  string
//	partner.{id,name,type,tier,region,country}            string
//	partner.at_period_start.{type,tier,region,country}    string
//	              (partner.type, tier, region and country are the values
//	              on the close date, these the values on the first day of
//	              the deal's period; both read
//	              incentive.Scope.PartnerAttrOn)
//	period.amount, period.earned, cumulative.amount       decimal
//	period.deals                                          int
//	deal.<name>   a custom field, typed by its declaration:
//	              string, int, decimal, money (a decimal in the deal's
//	              currency, converted with deal.amount), bool or date
//
// Beyond the scope's own paths (SetLineFields, AddValue and EnableEarning
// add them):
//
//	values.<name>   a named value (AddValue): decimal, or bool for a
//	                condition; computed once per deal by
//	                incentive.Scope.NamedValue. An expression reading it
//	                also lists the value's reads (Reads)
//	line.product, line.family   string     } the current product line
//	line.quantity               int        } (incentive.Scope.Line): only
//	line.unit_price, line.amount  decimal  } inside an aggregate, or in
//	line.<name>   a custom line field      } an expression from CompileLine
//
// A missing optional custom field reads as its type's zero value ("", 0,
// false, the zero date); a missing required one is a run-time error
// wrapping incentive.ErrInvalidDeal.
//
// The types are bool, int (64-bit), decimal (exact), string, date and list
// of strings. Literals: true, false, "text" or 'text', whole numbers (1000,
// 1_000) are ints, numbers with a point or an exponent (0.02, 1e3) are
// decimals built from their text, never through binary floating point.
// There is no nil.
//
// # Operators
//
//	a && b, a and b, a || b, a or b, !a, not a     bool
//	== !=        any two values of the same type; an int and a decimal
//	             compare as numbers (1 == 1.00 is true)
//	< <= > >=    numbers (int or decimal, mixed freely) and dates
//	+ - *        numbers: int op int is an int (an overflow is an error);
//	             with a decimal operand the result is a decimal
//	/            numbers; the result is always a decimal, even for two ints
//	             (7 / 2 is 3.5), rounded half away from zero at the Env's
//	             precision (DivisionPlaces, 16, unless SetDivisionPlaces
//	             chose another): exact whenever the quotient terminates
//	             within it. Division by zero is an error. Expr.Divides
//	             reports a division and its precision, for explanations.
//	%            ints only (a decimal operand is a compile error)
//	-x, +x       numbers
//	x in [a, b]  is x equal to one of the listed values; numbers compare by
//	             value, so 12345.670 in [12345.67] is true
//	s in deal.products, s not in [...]
//	contains, startsWith, endsWith   strings
//	s matches "re"   a string against a constant Go regular expression
//	c ? a : b, if c { a } else { b }   both branches of one type (an int
//	             and a decimal branch make a decimal)
//
// Comparisons of dates use date literals: deal.close_date >=
// date("2026-11-01"). A string is never converted to a date.
//
// Not part of the language, and reported at compile time with the position
// of the offending token: ** and ^, ranges (1..3), ??, optional chaining
// (?.), indexing and slicing, map literals, let, ";" sequences, nil,
// method calls on values (deal.amount.Div(2)), $env, and every function
// other than the ones below (in particular expr's map, filter, all, any,
// none, one, find, reduce, ...; sum, count, any and all only over
// deal.lines, below).
//
// # Functions
//
//	sum(deal.lines, x)              decimal: x (a number) summed over the lines
//	count(deal.lines), count(deal.lines, c)   int: the lines (for which c holds)
//	any(deal.lines, c), all(deal.lines, c)    bool (all of no lines is true)
//	                          deal.lines may be filter(deal.lines, c). The
//	                          body reads line.*; aggregates do not nest. Each is
//	                          one pass over the lines, its bodies compiled as
//	                          expressions of their own.
//	earned("id", "before_caps" | "after_caps")   decimal: an earlier earning's
//	                          amount (incentive.Scope.Earned), for ids made
//	                          readable with EnableEarning
//
//	round(x, places)          x rounded half_up (incentive.DefaultRoundingMode)
//	round(x, places, "mode")  mode is one of half_up, half_even, half_down,
//	                          up, down, ceiling, floor. places must be a
//	                          whole-number constant 0..12 (MaxRoundPlaces);
//	                          a constant mode is checked at compile time.
//	                          The result is a decimal.
//	min(a, b, ...), max(a, b, ...)   two or more numbers; ints give an int
//	abs(x)                    a number
//	len(s)                    the number of characters of a string, or the
//	                          number of products of deal.products
//	date("YYYY-MM-DD")        a date; the argument must be a string literal
//	days_between(a, b)        int: b - a in calendar days
//	add_days(d, n), add_months(d, n), add_years(d, n)   date; months clamp
//	                          the day to the month's end (Jan 31 + 1 month
//	                          is Feb 28, or 29 in a leap year)
//	months_between(a, b)      int: whole months, the largest n with
//	                          add_months(a, n) <= b (b before a: negative)
//	year(d), quarter(d), month(d)   int
//	period(d, "month" | "quarter" | "half" | "year")   "2026-03", "2026-Q1",
//	                          "2026-H1", "2026"
//	history(unit, n)          decimal: the partner's total n periods of unit
//	                          ("month", "quarter", "half", "year") before the deal's
//	                          period, from Scope.History; unit and n (1 to
//	                          incentive.MaxHistoryBack) are constants. A
//	                          period not supplied fails with
//	                          incentive.ErrNoHistory.
//	history_sum(unit, n), history_mean(unit, n)   the sum, or the sum / n,
//	                          of the n periods before the deal's
//
// Dates are calendar dates in the program's time zone, so date arithmetic
// counts calendar days whatever the daylight saving changes in between; it
// never reads a clock. run.as_of is the run's as-of date (Scope.AsOf()); a
// run without one fails at run time with incentive.ErrNoAsOf when an
// expression reads it. A date function given the empty date (a missing
// optional date field, deal.registration.approved without an approved
// registration) fails with ErrNoDate; a result outside the years 1-9999
// with ErrOverflow.
//
// # Results
//
// A Bool expression (a condition) must have type bool. A Number
// expression must have type int or decimal; an int result is returned as a
// decimal. Constant sub-expressions are computed at compile time, so
// 1000 * 0.02 costs nothing at run time, and a division by a constant zero
// is a compile error.
//
// # Errors
//
// Compile returns every error it finds (not just the first), each a
// *Error with a 1-based line and column counted in runes inside the
// expression source, pointing at the offending token: the unknown field
// name, the operator whose operands do not fit, the bad argument. Run-time
// errors (division by zero, a missing custom field, an overflow) are
// *RunError values carrying the position of the failing token and, when
// SetOrigin was called, its file position ("file:line:col: division by
// zero").
//
// # Limits
//
// An expression is at most MaxSourceLen (8192) bytes and MaxNodes (2000)
// syntax nodes. Decimal literals, decimal values read from a deal, and
// products and quotients must keep their exponent within ±MaxExponent
// (1000), so no expression can make exact arithmetic arbitrarily slow; the
// expr VM runs with a MemoryBudget. Evaluation never panics.
//
// # How it is compiled
//
// Compile parses with expr's parser, then type-checks the tree itself
// (for clear, positioned messages and every error at once), folds
// constants (decimal literals are parsed once, at compile time; an int
// used with a decimal becomes a decimal constant) and rewrites the tree:
// each decimal or checked-int operation becomes a call of an internal
// function, each field read a call reading the scope. expr's own checker
// then verifies the rewritten tree once more, with all node types cleared,
// against the functions' precise signatures. Last, each internal call is
// lowered to a Go closure of type func(any) any or func(any, any) any,
// binding its constant operands and reading its field operands typed from
// the scope, and expr compiles the result; its VM runs such closures
// without allocating.
//
// # Performance
//
// The VM's environment is the *incentive.Scope itself. A read that is an
// operand of an arithmetic, comparison or membership test (deal.amount *
// 0.02, deal.type == "new_business", partner.tier in ["gold"]) reads the
// value typed, never boxed. A read the VM handles as a value (an operand of
// contains, a branch of ?:, deal.products) is boxed once per deal and kept
// in a frame in the incentive.Scope's cache (Scope.SetCache), keyed by the Env, deal, partner and
// program, so two programs sharing a scope cannot confuse each other;
// period and cumulative totals are read afresh on every evaluation.
// Compiled programs are shared between goroutines; expr VMs are pooled. An
// expression that is a constant or a single field read does not run the VM.
package dexpr
