// Package rules compiles partnerops program files, written in YAML, into
// validated incentive.Program values, and runs the tests written in them or
// beside them. It is the only package of the module that reads YAML or
// expressions; the engine (package incentive) knows neither.
//
//	f, err := rules.Compile("spiff.yaml", src)                 // one file, no I/O
//	set, err := rules.Load(os.DirFS("programs"), "*.yaml")     // files plus their *_test.yaml
//	report := set.RunTests(ctx, rules.TestOptions{MinCoverage: 90})
//
// This comment is the reference of the language. Every example in it is a
// file under testdata/reference: the package's tests compile each one, run
// its tests, and check that the text quoted here is the file, so the
// examples cannot drift from what the compiler accepts.
//
// # Files and documents
//
// A file holds one or more YAML documents separated by lines that start
// with "---". Every document starts with `apiVersion: partnerops/v1` and a
// `kind`, one of:
//
//	Program         the terms of one incentive program (this reference)
//	Tests           tests for a program defined in another file
//	ApprovalPolicy  a program's approval chain and holds, for package
//	                incentive/ledger (reference: go doc rules.ApprovalPolicy)
//	TierPolicy      ordered partner tiers with criteria over partner
//	                metrics, and tests (reference: go doc rules.TierPolicy)
//	PlanTemplate    a milestone plan template with due offsets, escalation
//	                and tests of its health (reference: go doc
//	                rules.KindPlanTemplate)
//	Plan            a plan for one partner or project, from a template or
//	                its own milestones, with its events
//	PlanEvents      more events of a plan, kept beside the plan file
//
// Keys are case-sensitive and unknown keys are errors, with a suggestion
// when a known key is close ("did you mean amount?").
//
// The smallest complete program:
//
//	# minimal.yaml: the smallest complete program, with one test.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: minimal-spiff
//	name: Minimal SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01}
//	earnings:
//	  - id: flat
//	    type: spiff
//	    amount: 500
//	tests:
//	  - name: any deal earns the flat SPIFF
//	    deal: {id: D-1, amount: "1000.00", close_date: 2026-03-15}
//	    expect: {total: "500.00", lines: {flat: "500.00"}}
//
// # Program keys
//
// Required: id, name, version, currency, effective (with from) and at least
// one earning. Everything else has a default, stated here and in every
// explanation the engine writes.
//
//	id            letters, digits, "-", "_", "."; with version, names the terms
//	name          free text
//	version       whole number >= 1; a file set may hold several versions of an
//	              id, never the same id and version twice
//	currency      ISO 4217 code in capitals (USD, EUR, JPY, ...); every amount
//	              of the program is in it
//	effective     {from, to, timezone, ends}: the close dates the program
//	              covers. to: optional (open-ended). timezone: an IANA zone,
//	              default UTC. ends: inclusive (default: from <= date <= to)
//	              or exclusive_end (from <= date < to)
//	claims        {window: 60d | 2m, from: close_date | program_end |
//	              registration.approved | <custom date field>,
//	              expired_uses_caps: false}: an earning may be claimed
//	              until window days or months after the anchor (that day
//	              included), see Claim windows. Default: no claim deadline;
//	              from defaults to close_date. program_end needs
//	              effective.to. expired_uses_caps: true makes expired
//	              earnings use up partner caps and budget (default: they
//	              do not, see Holds, payout buckets and expiry)
//	registration  {valid: 90d | 3m}: how long a deal registration is valid
//	              after its approval date, see Claim windows. Default:
//	              registrations do not expire
//	payee         partner (default) or a contact role such as partner_rep; a
//	              deal's partner must then have a contact with that role
//	rounding      {scale, mode, at}: scale defaults to the currency's minor
//	              units (2 for USD, 0 for JPY, 3 for KWD); mode half_up
//	              (default), half_even, half_down, up, down, ceiling, floor;
//	              at line (default: each line after its line cap), deal (the
//	              deal total, shared over the lines by largest remainder) or
//	              statement (results stay exact)
//	period        month | quarter | half | year | program (default): the
//	              partner period of period.amount, period.deals and
//	              period.earned, and the default period of partner_period
//	              band tables and the per_partner cap. Periods are calendar
//	              periods in the program's time zone (a half is January to
//	              June or July to December); program means the whole window
//	precision     the decimal places a quotient keeps, 1 to 40 (default
//	              16), see Division
//	min_payout    statement minimum, >= 0; a smaller statement total is
//	              carried over (default 0: no minimum); with payouts, the
//	              minimum of the default bucket. A negative total (credit
//	              notes above what was earned) is carried too, even with
//	              no minimum: it is withheld from later payouts, never
//	              invoiced
//	hold          {for: 30d | 1m, from: close_date | <custom date field>,
//	              void_if: [<custom date field>, ...]}: earnings mature
//	              only after the hold, and a void date inside it cancels
//	              them, see Holds, payout buckets and expiry
//	payouts       [{bucket, types: [<earning type>, ...], min_payout}]:
//	              earning types paid out together, each bucket with its
//	              own minimum and carried balance
//	payment_methods  [{method, min_payout, fee}]: payout terms of payment
//	              methods that differ from the program's, see Payment methods
//	allow_negative  true to accept deals with a negative amount (credit
//	              notes, see Credit notes); default false: such a deal is
//	              an error
//	fields        typed custom deal fields, see below
//	line_fields   typed custom product line fields, see Named values and product lines
//	values        named values, see Named values and product lines
//	eligibility   clauses that must all hold, in order
//	earnings      the lines a deal can earn, in order
//	groups        earnings that compete instead of adding up
//	caps          per_deal, per_partner, budget
//	split         {remainder, to: [{payee, ratio}]}: share every line a deal
//	              pays between payees, after caps and rounding; see Split
//	              payouts under Cookbook. Default: the partner is paid all
//	settlements   earnings settled per period from the partner's period
//	              totals, with advances and true-ups; see Period
//	              settlements under Cookbook
//	tests         test cases, see Tests
//
// # Values
//
// Numbers (amounts, rates, limits, band bounds) are read from the text of
// the YAML value into exact decimals, never through a float: 1250, 0.025,
// -3 and "1250.00" (quoted) are all accepted; exponents, underscores, hex,
// .inf and .nan are not. An amount may carry its currency code, "2500 USD",
// but only the program's own: a literal "500 EUR" in a USD program is an
// error, because rules never convert literals. Dates are YYYY-MM-DD. A
// deal's close date may also be an RFC 3339 time; a bare date means
// midnight in the program's time zone, and every instant is turned into a
// calendar date in that zone before the window is checked.
//
// Custom fields are declared with a type (string, int, decimal, money, bool
// or date) and are required unless marked optional; an optional field a deal
// does not carry reads as its type's zero value. A money field is a
// decimal amount in the deal's currency (an approved amount, a cost),
// converted with the deal amount (see Currencies and rates); a decimal
// field (a percentage, a count) is read as written:
//
//	fields:
//	  segment: string
//	  term_months: {type: int, optional: true}
//
// Field names are lower-case identifiers and cannot reuse a built-in deal
// key (id, partner_id, amount, currency, quantity, type, registered,
// registration, registration_id, close_date, customer, products, credits,
// partner).
//
// # Named values and product lines
//
// `values:` names expressions of the deal, each computed at most once per
// deal, the first time a clause, earning, cap or other value reads it as
// values.<name>; a value nothing reads for a deal is never computed (so
// it cannot fail that deal, and costs nothing). A value is a number
// (decimal) or, when its expression is a condition, true/false; a value of
// another type is an error. Values may read each other in any order of
// declaration; a cycle (a reads b reads a) is a compile error at the
// reference that closes it. Explanations list each value computed for the
// deal with the inputs it read, before the clauses; a test asserts them
// with `expect: {values: {name: "12.50", flag: true}}`. An expression that
// reads a value also reads what the value reads: one reading
// period.amount through a value is evaluated in deal order like any other.
//
// A deal's product lines are its `products:` in tests and deals files:
// {product, family, quantity, unit_price, amount} plus the program's custom
// line fields, declared like deal fields under `line_fields:` (JSON and
// YAML carry them all; a CSV column gives product names only, separated by
// ";"). Line amounts are in the deal's currency and are converted with the
// deal amount, at its rate (see Currencies and rates). Expressions read one
// line as line.* only inside
//
//	sum(deal.lines, <number>)                 the total over the lines (a decimal)
//	count(deal.lines) or count(deal.lines, <condition>)   how many (an int)
//	any(deal.lines, <condition>)              whether one line satisfies it
//	all(deal.lines, <condition>)              whether every line does (true for none)
//
// where deal.lines may be narrowed first with filter(deal.lines,
// <condition>). Strings test prefixes and suffixes with startsWith and
// endsWith (line.product startsWith "DEMO-"). Aggregates cannot be nested;
// each is one pass over the deal's lines (at most incentive.MaxDealLines),
// so an expression costs at most its size times the number of lines. See
// the Cookbook (cookbook-values-lines.yaml).
//
// # The effective window and time zones
//
//	# dates.yaml: a window that excludes its end day, in Berlin time.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: q3-berlin
//	name: Q3 Berlin
//	version: 1
//	currency: EUR
//	effective: {from: 2026-07-01, to: 2026-10-01, timezone: Europe/Berlin, ends: exclusive_end}
//	claims: {window: 30d}
//	earnings:
//	  - id: flat
//	    type: spiff
//	    amount: 100
//	tests:
//	  - name: the last evening of September in Berlin is inside
//	    deal: {id: D-1, amount: "900.00", close_date: "2026-09-30T23:30:00+02:00"}
//	    expect: {total: "100.00"}
//	  - name: 22:30 UTC on September 30 is already October 1 in Berlin
//	    deal: {id: D-2, amount: "900.00", close_date: "2026-09-30T22:30:00Z"}
//	    expect: {eligible: false, failed: effective window}
//
// A deal outside the window is not eligible, and the failed clause is
// named "effective window" (WindowClause). The package embeds the time zone
// database (time/tzdata), so zones load on machines without one.
//
// # Expressions
//
// `when:` (a condition) and `amount:` and `measure:` (numbers) are
// expressions in the language of package rules/internal/dexpr, a subset of
// expr-lang with exact decimal arithmetic. They read:
//
//	deal.id, deal.partner_id, deal.currency, deal.type, deal.registration_id   string
//	deal.amount (in the program currency)   decimal
//	deal.quantity                           int
//	deal.registered                         bool
//	deal.close_date                         date, in the program's time zone
//	deal.products                           list of strings
//	deal.customer.{id,name,country,region,industry,segment}   string
//	deal.<field>                            a custom field, of its declared type
//	partner.{id,name,type,tier,region,country}   string; type, tier, region
//	                                        and country are the values on the
//	                                        deal's close date
//	partner.at_period_start.{type,tier,region,country}   string, the value on
//	                                        the first day of the deal's period
//	                                        (see Partner attributes over time)
//	period.amount, period.earned, cumulative.amount   decimal
//	period.deals                            int
//	deal.registration.approved              date the registration was approved
//	                                        (the empty date without one)
//	deal.registered                         true when the deal has an approved
//	                                        registration, whatever the approval
//	                                        date: also when it was approved
//	                                        after the close (see Claim windows
//	                                        and registration validity)
//	run.as_of                               date, the run's as-of date, see Dates
//	values.<name>                           a named value: decimal, or bool for a condition
//	line.{product,family}                   string   } one product line, read inside
//	line.quantity                           int      } sum, count, any and all over
//	line.unit_price, line.amount            decimal  } deal.lines and in per-line
//	line.<field>                            a custom line field } expressions
//
// with the operators && || ! == != < <= > >= + - * / % in, ?: and the
// functions round(x, places[, mode]), min, max, abs, len, date("2026-11-01"),
// the date functions below and the aggregates over the deal's product lines
// (see Named values and product lines).
// Method calls, $env, nil, maps and the other expr built-ins are not part
// of the language. An amount that is just a number (500, "500 USD") needs no
// expression at all. Errors point at the token inside the expression: in a
// quoted value, a `|` or `>` block, or a value folded over several lines,
// the caret is under the offending name in the file (this is
// testdata/errors/expr_typo_block.golden):
//
//	expr_typo_block.yaml:14:14: eligibility[0].when: unknown field deal.amout (did you mean deal.amount?)
//	            deal.amout >= 50000
//	                 ^
//
// Quote an expression that contains ": ", starts with a quote or a YAML
// indicator, or sits inside a flow mapping ({...}) and contains a comma.
//
// # Dates in expressions
//
// A date is a calendar date without a time. Every instant is turned into a
// date in the program's time zone when it is read (deal.close_date,
// run.as_of), so date arithmetic counts calendar days: from 00:30 on
// 2026-03-08 to 23:30 on 2026-03-09 in New York is 46 hours (clocks spring
// forward that night) and one day. Dates compare with < <= > >= == != and
// these functions, which never read a clock:
//
//	days_between(a, b)   int: b - a in days; days_between(date("2026-02-28"),
//	                     date("2026-03-01")) is 1, in 2028 (a leap year) 2
//	add_days(d, n)       date: n days after d (before it when n < 0);
//	                     add_days(date("2026-11-03"), 90) is 2027-02-01
//	                     (27 days to Nov 30, + 31 + 31 + 1)
//	add_months(d, n)     date: n calendar months after d, the day clamped to
//	                     the last day of that month: add_months(date("2026-01-31"), 1)
//	                     is 2026-02-28, in 2028 2028-02-29; 2026-08-31 + 1 is
//	                     2026-09-30. Clamping is not undone: Jan 31 + 1 + 1 is Mar 28
//	add_years(d, n)      add_months(d, 12 * n): 2028-02-29 + 1 year is 2029-02-28
//	months_between(a, b) int: whole months from a to b, the largest n with
//	                     add_months(a, n) <= b (for b before a, the smallest
//	                     n with add_months(a, n) >= b, a negative number):
//	                     Jan 15 -> Feb 14 is 0, Jan 15 -> Feb 15 is 1,
//	                     Jan 31 -> Feb 28 is 1
//	year(d), quarter(d), month(d)   int: 2026, 1..4, 1..12
//	period(d, "month" | "quarter" | "half" | "year")   string: "2026-03",
//	                     "2026-Q1", "2026-H1" (January to June; July to
//	                     December is "2026-H2"), "2026"; the unit must be a
//	                     constant
//
// Results must lie in the years 1 to 9999; beyond, and for the empty date
// (an optional date field a deal does not carry, or
// deal.registration.approved of a deal without an approved registration),
// a date function fails at run time with an error naming the expression's
// position. Test for the empty date first: deal.registered &&
// days_between(...) evaluates days_between only for registered deals.
//
// # Partner history
//
// Terms can read a partner's totals of earlier periods, for example the
// mean of its last four quarters as a growth baseline. The caller supplies
// them as the partner's history: a mapping from period labels, as
// period() writes them ("2026-03", "2026-Q1", "2026-H1", "2026"), to the
// eligible deal amount the partner closed in that period, in the program
// currency. In a
// test it is `history:` (for every deal of the test; a deal may carry its
// own), in a deals file the `history` key of a deal (YAML, JSON and JSON
// Lines; CSV has no column for it), and in Go Input.History. Three
// functions read it, counting periods back from the deal's own period (by
// its close date in the program's time zone):
//
//	history("quarter", 1)        the total of the quarter before the deal's
//	history_sum("month", 3)      the sum of the 3 months before the deal's
//	history_mean("quarter", 4)   that sum divided by 4 (at the program's
//	                             division precision; exact for cents over 4)
//
// The unit ("month", "quarter", "half" or "year") and the count (1 to 120) are
// constants. A period the terms read that the history does not give is
// never guessed as zero: the deal fails with an error wrapping
// incentive.ErrNoHistory that names the partner and the missing period, at
// the position of the function; a partner that sold nothing in a period
// is supplied as 0. Explanations show each total read, as
// history.quarter.1 = 100,000.00. The cookbook's growth rebate uses it.
//
// run.as_of is the as-of date of the run: `partnerops run -as-of DATE`, a
// test's `as_of:` (a `deal:` test without as_of uses the deal's close
// time, as for claim expiry), or the asOf argument of incentive.Evaluate
// and RunOptions.AsOf. It is not known when the program is compiled; a
// run without an as-of date that evaluates run.as_of fails with an error
// wrapping incentive.ErrNoAsOf at the position of run.as_of, and nothing
// is paid for that deal.
//
//	# date-functions.yaml: terms that count days and months, in New York time.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: activation-spiff
//	name: Activation SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31, timezone: America/New_York}
//	fields:
//	  activated: {type: date, optional: true}
//	eligibility:
//	  - name: registration valid 90 days from approval
//	    when: deal.registered && deal.close_date <= add_days(deal.registration.approved, 90)
//	earnings:
//	  - id: quick-activation
//	    type: spiff
//	    when: deal.activated >= deal.close_date && days_between(deal.close_date, deal.activated) <= 30
//	    amount: 200
//	  - id: quarter-end
//	    type: bonus
//	    when: month(deal.close_date) == 3 * quarter(deal.close_date)
//	    amount: deal.amount * 0.01
//	  - id: settled-in-quarter
//	    type: bonus
//	    when: period(run.as_of, "quarter") == period(deal.close_date, "quarter")
//	    amount: 25
//	tests:
//	  # 2025-12-08 + 90 days: 23 (to Dec 31) + 31 (Jan) + 28 (Feb) + 8 = 90,
//	  # so 2026-03-08 is the last valid day. 23:30 EDT on March 8 (the day
//	  # clocks spring forward) is still March 8 in New York. Activated 30 days
//	  # later: 23 (to Mar 31) + 7. Quarter end: March is 3 x Q1. 1% of 5000.00
//	  # is 50.00. As of April 1 (Q2) the sale's quarter (Q1) is over.
//	  - name: registered 90 days before, activated 30 days after, in March
//	    as_of: 2026-04-01
//	    deal:
//	      id: D-1
//	      amount: "5000.00"
//	      close_date: "2026-03-08T23:30:00-04:00"
//	      registration: {id: R-1, approved: 2025-12-08}
//	      activated: 2026-04-07
//	    expect: {total: "250.00", lines: {quick-activation: "200.00", quarter-end: "50.00"}}
//	  # 00:30 EDT on March 9 is March 9: one day past the registration's 90.
//	  - name: the registration expired the day before
//	    deal:
//	      id: D-2
//	      amount: "5000.00"
//	      close_date: "2026-03-09T00:30:00-04:00"
//	      registration: {id: R-2, approved: 2025-12-08}
//	      activated: 2026-03-10
//	    expect: {eligible: false, failed: registration valid 90 days from approval}
//	  # 01:30 EST on November 1 (the repeated hour after clocks fall back) is
//	  # November 1; activated 30 days later (29 to Nov 30, + 1). November is
//	  # not a quarter's last month. Without as_of the test's as-of is the
//	  # close time, in the same quarter (Q4).
//	  - name: activated 30 days after a close in the repeated hour
//	    deal:
//	      id: D-3
//	      amount: "5000.00"
//	      close_date: "2026-11-01T01:30:00-05:00"
//	      registration: {id: R-3, approved: 2026-10-01}
//	      activated: 2026-12-01
//	    expect: {total: "225.00", lines: {quick-activation: "200.00", settled-in-quarter: "25.00"}}
//
// # Division
//
// Addition, subtraction, multiplication and comparison are exact. Division
// is exact whenever the quotient ends within the program's precision;
// otherwise `/` rounds the quotient half away from zero at that many
// decimal places: 16 by default, or what `precision:` says (1 to 40). So
// 10 / 8 is 1.25, and 100 / 7 is 14.2857142857142857 by default and 14.29
// with precision: 2. A division by a constant is computed when the
// program is compiled, at the same precision. Every explanation step
// whose expression divides states the precision: "earning "units":
// deal.amount / deal.quantity * deal.quantity = 100.03 (...); each
// quotient keeps 2 decimal places (rounded half away from zero)". The
// payout rounding (see Rounding) applies afterwards, as usual.
//
//	# precision.yaml: the places a quotient keeps, by default (16) and set to 2.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: unit-rebate
//	name: Unit rebate, default precision
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01}
//	earnings:
//	  - id: units
//	    type: rebate
//	    amount: deal.amount / deal.quantity * deal.quantity
//	tests:
//	  # 100.00 / 7 = 14.2857142857142857 (16 places); x 7 =
//	  # 99.9999999999999999, rounded half_up per line: 100.00.
//	  - name: sixteen places give back the amount
//	    deal: {id: D-1, amount: "100.00", quantity: 7, close_date: 2026-03-10}
//	    expect: {total: "100.00"}
//	---
//	apiVersion: partnerops/v1
//	kind: Program
//	id: unit-rebate-cents
//	name: Unit rebate, unit prices in cents
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01}
//	precision: 2
//	earnings:
//	  - id: units
//	    type: rebate
//	    amount: deal.amount / deal.quantity * deal.quantity
//	tests:
//	  # 100.00 / 7 = 14.29 (2 places, half away from zero); x 7 = 100.03.
//	  - name: two places round the unit price first
//	    deal: {id: D-1, amount: "100.00", quantity: 7, close_date: 2026-03-10}
//	    expect: {total: "100.03"}
//
// # Claim windows and registration validity
//
// `claims: {window, from}` sets the last day an earning on a deal may be
// claimed (Result.ClaimBy): the anchor date plus the window, that day
// included, in the program's time zone. The window is whole calendar days
// (60d) or calendar months (2m: the same day two months later, clamped to
// the month's last day, so a deal activated 2026-12-31 may be claimed
// through 2027-02-28). The anchor is the deal's close date (the default),
// the program's last day (program_end), the approval date of the deal's
// registration (registration.approved) or a custom field of type date,
// named as declared. A deal without its anchor date (not registered, or
// without a value for an optional date field) has no claim deadline yet:
// ClaimBy stays empty, it cannot expire, and the explanation says the
// window has not started. An earning is expired when the run's as-of date
// is after ClaimBy.
//
// `registration: {valid: 90d}` makes a deal registration valid from its
// approval date through the approval date plus the validity (days or
// months, as above). A registered deal that closes after that day, or
// before the approval, is not eligible; Result.Failed is "registration
// validity" (incentive.RegistrationClause), which `expect: {failed: ...}`
// accepts, and the explanation gives the dates: "not eligible:
// registration R-2, approved 2026-01-15, was valid for 90 days, through
// 2026-04-15; the deal closed 2026-04-16". Deals without an approved
// registration are not checked: require one with an eligibility clause
// (deal.registered) where the terms do. To keep paying the earnings that
// do not depend on the registration, test the date in the earning's
// condition instead: deal.close_date <= add_days(deal.registration.approved, 90).
//
// deal.registered is true when the deal has an approved registration,
// whatever its approval date: a registration approved after the close
// counts. The approval date is deal.registration.approved (a test or deals
// file gives it as `registration: {id, approved}`; `registered: true` is
// short for one approved on the close date). Terms that pay only for
// registrations approved by the close say so (see the cookbook entry
// cookbook-registered-before-close.yaml):
//
//	when: deal.registered && deal.registration.approved <= deal.close_date
//
//	# claims.yaml: a claim window from the activation date, and registrations valid 90 days.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: activation-claims
//	name: Activation claims
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31, timezone: America/New_York}
//	fields:
//	  activated: {type: date, optional: true}
//	claims: {window: 2m, from: activated}
//	registration: {valid: 90d}
//	earnings:
//	  - id: spiff
//	    type: spiff
//	    amount: 100
//	tests:
//	  # approved 2026-01-15; + 90 days: 16 (to Jan 31) + 28 (Feb) + 31 (Mar)
//	  # + 15 = 90, so valid through 2026-04-15, the close date.
//	  - name: closed on the registration's last valid day
//	    deal: {id: D-1, amount: "1000.00", close_date: 2026-04-15, registration: {id: R-1, approved: 2026-01-15}, activated: 2026-04-30}
//	    expect: {total: "100.00"}
//	  - name: closed the day after
//	    deal: {id: D-2, amount: "1000.00", close_date: 2026-04-16, registration: {id: R-2, approved: 2026-01-15}}
//	    expect: {eligible: false, failed: registration validity}
//	  - name: an unregistered deal is not checked
//	    deal: {id: D-3, amount: "1000.00", close_date: 2026-12-31}
//	    expect: {total: "100.00"}
//
// # Holds, payout buckets and expiry
//
// `hold: {for, from, void_if}` keeps a deal's earnings from being paid
// until they mature: for (days or months, as claim windows) after from,
// the close date (the default) or a custom date field such as a payment
// date. An earning matures on its maturity date: a run as of that day or
// later may pay it; before, it is held (pending), and statements show it
// in their held column, by maturity date, apart from what is payable. A
// date field listed in void_if (a refund date) that falls inside the hold,
// on or after its start and before the maturity date, voids the deal: it
// pays nothing, uses up no cap or budget, and the explanation says "void:
// refunded 2026-03-20 falls inside the hold (60 days from first_payment
// 2026-02-10, maturing 2026-04-11)". A void date after the run's as-of date
// has not happened yet and voids nothing; a refund on or after the
// maturity date voids nothing either (take the payout back with a credit
// note). A deal without its from date (no payment yet) has not started its
// hold: it is held with no maturity date.
//
// A run without an as-of date cannot know that anything has matured, so
// everything under a hold counts as held: give `partnerops run -as-of` (a
// test's as_of) to pay what has matured. Voids need no as-of date. Held
// earnings do use up caps and budget (they will be paid); expired ones do
// not (below). Expiry wins over a hold: an earning whose claim window has
// closed counts as expired, not held. Credit notes are never held. The
// JSON statement lists what is held by bucket and maturity date, and
// `partnerops run -carried` reads it back: the next run (over the next
// period's deals) pays each held amount once it has matured as of its
// -as-of date, and holds the rest again. (A statement built in Go does
// the same with StatementBuilder.CarryHeld.)
//
//	# holds.yaml: a referral fee held 30 days from the payment date, voided by a refund inside the hold.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: held-referral
//	name: Held referral fee
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	fields:
//	  paid_on: {type: date, optional: true}
//	  refund_date: {type: date, optional: true}
//	hold: {for: 30d, from: paid_on, void_if: [refund_date]}
//	claims: {window: 90d}
//	earnings:
//	  - id: fee
//	    type: referral
//	    amount: deal.amount * 0.10
//	tests:
//	  # Paid 2026-03-01 + 30 days: matures 2026-03-31. 1,000.00 x 10% = 100.00.
//	  - name: held until it matures
//	    as_of: 2026-03-30
//	    deal: {id: D-1, amount: "1000.00", close_date: 2026-02-20, paid_on: 2026-03-01}
//	    expect: {total: "100.00", held: "100.00"}
//	  - name: payable from the maturity date
//	    as_of: 2026-03-31
//	    deal: {id: D-2, amount: "1000.00", close_date: 2026-02-20, paid_on: 2026-03-01}
//	    expect: {total: "100.00", held: "0"}
//	  # The refund (2026-03-15) falls inside the hold [2026-03-01, 2026-03-31).
//	  - name: a refund inside the hold voids the fee
//	    as_of: 2026-04-15
//	    deal: {id: D-3, amount: "1000.00", close_date: 2026-02-20, paid_on: 2026-03-01, refund_date: 2026-03-15}
//	    expect: {total: "0", held: "0"}
//	  # No payment yet: the hold has not started. 500.00 x 10% = 50.00.
//	  - name: not paid yet, so held with no maturity date
//	    as_of: 2026-06-30
//	    deal: {id: D-4, amount: "500.00", close_date: 2026-06-01}
//	    expect: {total: "50.00", held: "50.00"}
//	  # Closed 2026-01-05 + 90 days = claim by 2026-04-05: expired, not held.
//	  - name: expired, not held
//	    as_of: 2026-05-01
//	    deal: {id: D-5, amount: "1000.00", close_date: 2026-01-05, paid_on: 2026-04-20}
//	    expect: {total: "100.00", expired: "100.00", held: "0"}
//	  # D-6: 2,000.00 x 10% = 200.00, matured 2026-03-31; D-7: 3,000.00 x 10%
//	  # = 300.00, matures 2026-04-19: held. Payable 500.00 - 300.00 = 200.00.
//	  - name: a statement separates held from payable
//	    as_of: 2026-04-10
//	    deals:
//	      - {id: D-6, amount: "2000.00", close_date: 2026-02-01, paid_on: 2026-03-01, partner_id: P-1}
//	      - {id: D-7, amount: "3000.00", close_date: 2026-03-05, paid_on: 2026-03-20, partner_id: P-1}
//	    expect:
//	      total: "500.00"
//	      statement:
//	        P-1: {earned: "500.00", held: "300.00", payable: "200.00", carried_out: "0"}
//
// `payouts:` groups earning types into buckets that are paid out on their
// own: a bucket's balance (what it earned and has matured, plus the
// balance brought in) is payable when it is positive and reaches the
// bucket's min_payout, and carried out otherwise. A negative balance
// brought in is withheld: it is deducted from the bucket's next earnings
// until it is recovered, and shown in the statement's withheld column; it
// never reduces another bucket. Earning types no bucket lists form the
// default bucket (named default in tests), whose minimum is min_payout.
// Every statement row, and every bucket of it, satisfies
// earned - expired - held + carried in - withheld = payable + carried out.
// The JSON statement of `partnerops run -output json` carries each
// partner's buckets, and `-carried` reads it back as the next run's
// balances, bucket by bucket.
//
//	# payouts.yaml: payout buckets with their own minimums; a negative balance is withheld until recovered.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: bucketed-payouts
//	name: Bucketed payouts
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	min_payout: 25
//	payouts:
//	  - bucket: spiffs
//	    types: [spiff]
//	    min_payout: 50
//	  - bucket: rebates
//	    types: [rebate]
//	    min_payout: 100
//	earnings:
//	  - id: spiff
//	    type: spiff
//	    amount: deal.amount * 0.01
//	  - id: rebate
//	    type: rebate
//	    amount: deal.amount * 0.02
//	  - id: kicker
//	    type: bonus
//	    amount: 20
//	tests:
//	  # D-1 4,000.00: spiff 40.00, rebate 80.00, kicker 20.00 (default bucket).
//	  # spiffs: 40.00 + 15.00 carried in = 55.00 >= 50: paid. rebates: 80.00
//	  # - 30.00 withheld = 50.00 < 100: carried out. default: 20.00 < 25:
//	  # carried out. P-1: 140.00 + 15.00 - 30.00 = 125.00 = 55.00 + 70.00.
//	  # P-2 only carries 30.00 into the default bucket: >= 25, paid.
//	  - name: each bucket against its own minimum
//	    carried: {P-1: {spiffs: "15.00", rebates: "-30.00"}, P-2: "30.00"}
//	    deals:
//	      - {id: D-1, amount: "4000.00", close_date: 2026-03-01, partner_id: P-1}
//	    expect:
//	      total: "140.00"
//	      statement:
//	        P-1:
//	          earned: "140.00"
//	          carried_in: "15.00"
//	          withheld: "30.00"
//	          payable: "55.00"
//	          carried_out: "70.00"
//	          buckets:
//	            spiffs: {earned: "40.00", carried_in: "15.00", payable: "55.00", carried_out: "0"}
//	            rebates: {earned: "80.00", withheld: "30.00", payable: "0", carried_out: "50.00"}
//	            default: {earned: "20.00", payable: "0", carried_out: "20.00"}
//	        P-2: {carried_in: "30.00", payable: "30.00"}
//	  # D-2 10,000.00: spiff 100.00, rebate 200.00, kicker 20.00. rebates:
//	  # 200.00 - 250.00 withheld = -50.00: nothing paid, -50.00 carried out
//	  # to be withheld next time. The other buckets are paid as usual.
//	  - name: a negative balance stays withheld until recovered
//	    carried: {P-1: {rebates: "-250.00"}}
//	    deals:
//	      - {id: D-2, amount: "10000.00", close_date: 2026-03-01, partner_id: P-1}
//	    expect:
//	      statement:
//	        P-1:
//	          buckets:
//	            spiffs: {payable: "100.00"}
//	            rebates: {earned: "200.00", withheld: "250.00", payable: "0", carried_out: "-50.00"}
//
// An earning whose claim window had closed as of the run (expired) is never
// payable, so it uses up neither a partner cap nor the budget: a late claim
// cannot reduce what timely claims are paid. Its result still shows what
// the caps would have let it pay (the statement's expired column), and a
// credit note of an expired deal gives no cap room back. A program whose
// terms say otherwise sets `claims: {expired_uses_caps: true}`: expired
// earnings then count against the caps as if they had been paid.
//
//	# expiry.yaml: an expired earning uses up neither the partner cap nor the budget.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: expiry-caps
//	name: Expiry and caps
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	claims: {window: 30d}
//	earnings:
//	  - id: base
//	    type: spiff
//	    amount: deal.amount * 0.10
//	caps:
//	  per_partner: 150
//	  budget: 1000
//	tests:
//	  # As of 2026-04-15, D-1 (closed 2026-03-01, claim by 2026-03-31) has
//	  # expired: its 100.00 uses no cap. D-2 pays 100.00; D-3 100.00 is cut to
//	  # the 150.00 - 100.00 = 50.00 left. Payable 250.00 - 100.00 = 150.00.
//	  - name: a late claim does not reduce timely claims
//	    as_of: 2026-04-15
//	    deals:
//	      - {id: D-1, amount: "1000.00", close_date: 2026-03-01, partner_id: P-1}
//	      - {id: D-2, amount: "1000.00", close_date: 2026-04-01, partner_id: P-1}
//	      - {id: D-3, amount: "1000.00", close_date: 2026-04-02, partner_id: P-1}
//	    expect:
//	      total: "250.00"
//	      deals:
//	        D-1: {total: "100.00", expired: "100.00"}
//	        D-2: {total: "100.00", expired: "0"}
//	        D-3: {total: "50.00", capped: [per_partner]}
//	      statement:
//	        P-1: {earned: "250.00", expired: "100.00", payable: "150.00"}
//	  # 950.00 of the 1,000.00 budget used before: 100.00 is cut to 50.00.
//	  - name: the budget cuts a timely claim
//	    as_of: 2026-03-02
//	    prior: {budget_used: "950.00"}
//	    deal: {id: D-4, amount: "1000.00", close_date: 2026-03-01}
//	    expect: {total: "50.00", capped: [budget]}
//	---
//	# The same terms with expired_uses_caps: an expired earning counts against
//	# the caps as if it had been paid, as some programs state.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: expiry-uses-caps
//	name: Expiry that uses the caps
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	claims: {window: 30d, expired_uses_caps: true}
//	earnings:
//	  - id: base
//	    type: spiff
//	    amount: deal.amount * 0.10
//	caps:
//	  per_partner: 150
//	tests:
//	  # D-1's expired 100.00 uses up 100.00 of the 150.00 cap: D-2 is cut to 50.00.
//	  - name: a late claim uses up the cap
//	    as_of: 2026-04-15
//	    deals:
//	      - {id: D-1, amount: "1000.00", close_date: 2026-03-01, partner_id: P-1}
//	      - {id: D-2, amount: "1000.00", close_date: 2026-04-01, partner_id: P-1}
//	    expect:
//	      total: "150.00"
//	      deals:
//	        D-1: {expired: "100.00"}
//	        D-2: {total: "50.00", capped: [per_partner]}
//	      statement:
//	        P-1: {earned: "150.00", expired: "100.00", payable: "50.00"}
//
// # Eligibility and earnings
//
// Eligibility clauses are tested in order; the first that fails makes the
// deal ineligible and is reported by name (names are unique). Each earning
// has an id (unique), a type (spiff, rebate, mdf, bonus, referral,
// deal_registration, commission), an optional `when:`, and either an
// `amount:` or a band table (`bands:`); a band table paying a multiplier
// multiplies the `amount:`. `cap:` limits the line (> 0, in the program
// currency, applied before line rounding). `group:` names a group. Lines add
// up unless a group picks among them. `split:` shares what the line pays
// between payees, in place of the program's `split:` (see Split payouts
// under Cookbook).
//
// `per: line` computes an earning once per product line of the deal: its
// `when:` and `amount:` read line.* (and everything else), the earning
// applies when its condition holds for at least one line, and its amount is
// the sum over those lines, which its `cap:` and rounding then treat as
// any line's amount. Each line's result (its amount, or why it earned
// nothing: the condition did not hold for it, or its amount was zero) is
// in the result (incentive.Line.Items), the explanation, and a test's
// `per_line:`. A per-line earning takes no `bands:`; a deal without
// product lines does not apply. See the Cookbook (cookbook-per-line.yaml).
//
// An earning's `when:`, `amount:` and computed `cap:` (and a computed
// per_deal cap) may read an earlier earning's amount with
// earned("<id>", "before_caps") (its
// amount before its line cap and rounding) or earned("<id>", "after_caps")
// (after them; groups and the deal, partner and budget caps come later).
// The state is always spelled out. An earning whose condition did not hold
// reads as 0. Only earnings declared before the reader can be read, so the
// order of the list is the order of computation; anything else (a later
// earning, the earning itself, a clause or a value reading an earning) is a
// compile error at the id. An earning reading one that waits for the
// partner's running totals waits with it. See the Cookbook
// (cookbook-earning-refs.yaml).
//
// A line cap may also be an expression of the deal, a computed cap, such
// as `cap: deal.approved_amount` for an amount approved per activity: a
// value written as a number (or a number with the program's currency code)
// is a fixed limit, anything else is an expression that must come to a
// number. The computed limit is rounded toward zero to the places amounts
// round to; zero caps the line at zero (a missing optional field reads 0),
// and a value below zero is an error of the deal. Its cut is a cap like any
// other: recorded on the line with the computed limit, shown by explain
// with the expression and its value ("line cap deal.approved_amount =
// 1,500.00 cut 1,000.00"), asserted by `capped: [line:<earning>]` and
// counted by coverage. Line caps and per_deal (see Caps) can be computed;
// per_partner and budget are fixed amounts. See the cookbook's
// reimbursement.
//
//	# spiff.yaml: a new-logo SPIFF that uses most program keys.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: q4-2026-new-logo-spiff
//	name: Q4 2026 New Logo SPIFF
//	version: 3
//	currency: USD
//	effective: {from: 2026-10-01, to: 2026-12-31, timezone: America/New_York, ends: inclusive}
//	claims: {window: 60d, from: close_date}
//	payee: partner_rep
//	rounding: {scale: 2, mode: half_up, at: line}
//	min_payout: 50
//	allow_negative: false
//	fields:
//	  segment: string
//	  term_months: {type: int, optional: true}
//	eligibility:
//	  - name: registered new business
//	    when: deal.registered && deal.type == "new_business"
//	  - name: gold or platinum partner
//	    when: partner.tier in ["gold", "platinum"]
//	earnings:
//	  - id: base
//	    type: spiff
//	    when: deal.amount >= 1000
//	    amount: deal.amount * 0.02
//	    cap: 1000
//	  - id: enterprise-kicker
//	    type: spiff
//	    when: deal.segment == "enterprise" && deal.amount >= 50000
//	    amount: 500
//	    group: kicker
//	  - id: multi-year-kicker
//	    type: bonus
//	    when: deal.term_months >= 24
//	    amount: deal.amount * 0.005
//	    group: kicker
//	groups:
//	  - {id: kicker, pick: highest}
//	caps:
//	  per_deal: 2500
//	  per_partner: {limit: 10000, period: quarter}
//	  budget: 250000
//	tests:
//	  - name: gold partner, registered new logo
//	    partner: {id: P-1, tier: gold, contacts: [{role: partner_rep, name: Ana}]}
//	    deal: {id: D-1, amount: "12000.00", type: new_business, registered: true,
//	           close_date: 2026-11-03, segment: mid_market}
//	    # base: 12000.00 x 0.02 = 240.00
//	    expect: {total: "240.00", lines: {base: "240.00"}}
//	  - name: silver partner is not eligible
//	    partner: {id: P-2, tier: silver}
//	    deal: {id: D-2, amount: "12000.00", type: new_business, registered: true,
//	           close_date: 2026-11-03, segment: mid_market}
//	    expect: {eligible: false, failed: gold or platinum partner}
//	  - name: an unregistered deal is not eligible
//	    partner: {id: P-1, tier: gold}
//	    deal: {id: D-3, amount: "12000.00", type: new_business, close_date: 2026-11-03,
//	           segment: mid_market}
//	    expect: {eligible: false, failed: registered new business}
//	  - name: the higher kicker wins and the line cap holds base at 1000
//	    partner: {id: P-1, tier: gold, contacts: [{role: partner_rep, name: Ana}]}
//	    deal: {id: D-4, amount: "80000.00", type: new_business, registered: true,
//	           close_date: 2026-11-20, segment: enterprise, term_months: 36}
//	    # base: 80000.00 x 0.02 = 1600.00, cut to the line cap 1000.00
//	    # kickers: enterprise 500.00 vs multi-year 80000.00 x 0.005 = 400.00: 500.00 wins
//	    # total: 1000.00 + 500.00 = 1500.00
//	    expect:
//	      total: "1500.00"
//	      lines: {base: "1000.00", enterprise-kicker: "500.00"}
//	      capped: [line:base]
//	  - name: the deal cap cuts the last paying line
//	    partner: {id: P-1, tier: gold, contacts: [{role: partner_rep, name: Ana}]}
//	    deal: {id: D-5, amount: "400000.00", type: new_business, registered: true,
//	           close_date: 2026-12-01, segment: enterprise, term_months: 36}
//	    # base: 400000.00 x 0.02 = 8000.00, cut to 1000.00
//	    # multi-year: 400000.00 x 0.005 = 2000.00 beats enterprise 500.00
//	    # 1000.00 + 2000.00 = 3000.00 > per_deal 2500: cut 500.00 from multi-year
//	    expect:
//	      total: "2500.00"
//	      lines: {base: "1000.00", multi-year-kicker: "1500.00"}
//	      capped: [line:base, per_deal]
//	  - name: the partner cap counts what the partner earned this quarter
//	    partner: {id: P-1, tier: gold, contacts: [{role: partner_rep, name: Ana}]}
//	    prior: {period_earned: "9800.00"}
//	    deal: {id: D-6, amount: "12000.00", type: new_business, registered: true,
//	           close_date: 2026-11-03, segment: mid_market}
//	    # base 240.00; room 10000.00 - 9800.00 = 200.00: cut 40.00
//	    expect: {total: "200.00", lines: {base: "200.00"}, capped: [per_partner]}
//	  - name: the budget is shared by all partners
//	    partner: {id: P-1, tier: gold, contacts: [{role: partner_rep, name: Ana}]}
//	    prior: {budget_used: "249900.00"}
//	    deal: {id: D-7, amount: "12000.00", type: new_business, registered: true,
//	           close_date: 2026-11-03, segment: mid_market}
//	    # base 240.00; room 250000.00 - 249900.00 = 100.00: cut 140.00
//	    expect: {total: "100.00", lines: {base: "100.00"}, capped: [budget]}
//	  - name: the close date is read in New York time
//	    partner: {id: P-1, tier: gold, contacts: [{role: partner_rep, name: Ana}]}
//	    deal: {id: D-8, amount: "5000.00", type: new_business, registered: true,
//	           close_date: "2027-01-01T04:30:00Z", segment: mid_market}
//	    # 04:30 UTC on Jan 1 is 23:30 on Dec 31 in New York: inside the window
//	    # base: 5000.00 x 0.02 = 100.00
//	    expect: {total: "100.00", lines: {base: "100.00"}}
//	  - name: a deal closed after the window is not eligible
//	    partner: {id: P-1, tier: gold}
//	    deal: {id: D-9, amount: "5000.00", type: new_business, registered: true,
//	           close_date: 2027-01-01, segment: mid_market}
//	    expect: {eligible: false, failed: effective window}
//
// # Band tables
//
// A band table pays by the band its basis reaches:
//
//	bands:
//	  method: retroactive | marginal     required
//	  basis: deal | partner_period | cumulative    default deal
//	  period: month | quarter | half | year | program    partner_period only; default: the program's period
//	  measure: <number expression>       default deal.amount
//	  pays: rate | flat | multiplier     required
//	  table: [{from, to, <pays>, label}, ...]
//
// Bands are half-open [from, to), sorted, contiguous (each band's from is
// the previous band's to), and only the last may leave out `to` (no upper
// limit). Gaps, overlaps, unsorted bands and an unbounded band before the
// last are compile errors pointing at the offending row. A basis exactly on
// a boundary belongs to the upper band; a basis below the first band reaches
// no band and earns nothing. Each row gives its value under the key named by
// `pays`: `rate:` (0.02 pays 2% of the basis), `flat:` (an amount) or
// `multiplier:` (multiplies the earning's `amount:`, which is then
// required; other tables forbid `amount:`). `label:` names a band for tests
// and explanations; labels are unique.
//
// A band's rate, flat amount or multiplier must not be negative: a band
// table pays, and a negative value is a compile error at the row
// (testdata/errors/band_negative_flat.golden). What a deal takes back is
// a credit note's business (see Credit notes); a penalty that lowers a
// payout is an earning whose `amount:` is negative under a condition, or
// a smaller band value.
//
// Retroactive: the rate of the band reached applies to the whole basis.
//
//	# bands-retroactive.yaml: the band the deal reaches pays on the whole deal.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: volume-rebate-retroactive
//	name: Volume rebate (retroactive)
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: volume
//	    type: rebate
//	    bands:
//	      method: retroactive
//	      basis: deal
//	      pays: rate
//	      table:
//	        - {from: 0, to: 10000, rate: 0.01}
//	        - {from: 10000, to: 50000, rate: 0.02, label: silver}
//	        - {from: 50000, rate: 0.03, label: gold}
//	tests:
//	  - name: just below the first boundary
//	    deal: {id: D-1, amount: "9999.99", close_date: 2026-05-01}
//	    # 9999.99 x 0.01 = 99.9999, rounded half_up to cents = 100.00
//	    expect: {total: "100.00", band: {volume: 1}}
//	  - name: a boundary value belongs to the upper band
//	    deal: {id: D-2, amount: "10000.00", close_date: 2026-05-01}
//	    # 10000.00 x 0.02 = 200.00
//	    expect: {total: "200.00", band: {volume: silver}}
//	  - name: the top band has no upper bound
//	    deal: {id: D-3, amount: "60000.00", close_date: 2026-05-01}
//	    # 60000.00 x 0.03 = 1800.00
//	    expect: {total: "1800.00", lines: {volume: "1800.00"}, band: {volume: gold}}
//
// Marginal: each band's rate applies to the part of the basis inside it
// (a flat marginal table adds up the flat amounts of every band reached).
// A marginal table cannot pay a multiplier: a multiplier scales one whole
// amount, so a per-band share of it has no single meaning.
//
//	# bands-marginal.yaml: each band's rate pays only the part inside it.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: volume-rebate-marginal
//	name: Volume rebate (marginal)
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: volume
//	    type: rebate
//	    bands:
//	      method: marginal
//	      pays: rate
//	      table:
//	        - {from: 0, to: 10000, rate: 0.01}
//	        - {from: 10000, to: 50000, rate: 0.02, label: silver}
//	        - {from: 50000, rate: 0.03, label: gold}
//	tests:
//	  - name: a deal spanning all three bands
//	    deal: {id: D-1, amount: "60000.00", close_date: 2026-05-01}
//	    # 10000.00 x 0.01 + 40000.00 x 0.02 + 10000.00 x 0.03
//	    #   = 100.00 + 800.00 + 300.00 = 1200.00
//	    expect: {total: "1200.00", band: {volume: gold}}
//	  - name: a boundary value reaches the upper band with nothing in it
//	    deal: {id: D-2, amount: "10000.00", close_date: 2026-05-01}
//	    # 10000.00 x 0.01 = 100.00; the silver band holds 0.00 of the deal
//	    expect: {total: "100.00", band: {volume: silver}}
//	  - name: a small deal stays in the first band
//	    deal: {id: D-3, amount: "5000.00", close_date: 2026-05-01}
//	    # 5000.00 x 0.01 = 50.00
//	    expect: {total: "50.00", band: {volume: 1}}
//
// The basis accumulates over the deal alone (deal), the partner's running
// total in the current period (partner_period, starting from the prior
// period amount a caller supplies), or the partner's running total over the
// whole run (cumulative, starting from the prior cumulative amount). Over a
// running total, each deal earns what the new total is owed minus what the
// old total was owed, so a deal that lifts the partner into a higher
// retroactive band pays the true-up on the earlier deals:
//
//	# bands-period.yaml: a partner's quarterly total decides the band; deals
//	# that lift the total into a higher band pay the true-up on earlier deals.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: quarterly-rebate
//	name: Quarterly rebate
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: rebate
//	    type: rebate
//	    bands:
//	      method: retroactive
//	      basis: partner_period
//	      period: quarter
//	      pays: rate
//	      table:
//	        - {from: 0, to: 100000, rate: 0.02}
//	        - {from: 100000, rate: 0.04, label: tier2}
//	tests:
//	  - name: the second deal crosses 100000 and trues up the first
//	    partner: {id: P-1}
//	    deals:
//	      - {id: D-1, amount: "60000.00", close_date: 2026-01-10}
//	      - {id: D-2, amount: "50000.00", close_date: 2026-02-10}
//	      - {id: D-3, amount: "30000.00", close_date: 2026-04-05}
//	    # D-1: total 60000.00 x 0.02 = 1200.00
//	    # D-2: total 110000.00 x 0.04 = 4400.00, minus 1200.00 already earned = 3200.00
//	    # D-3: a new quarter starts from zero: 30000.00 x 0.02 = 600.00
//	    # sum: 1200.00 + 3200.00 + 600.00 = 5000.00
//	    expect:
//	      total: "5000.00"
//	      deals:
//	        D-1: {total: "1200.00", band: {rebate: 1}}
//	        D-2: {total: "3200.00", band: {rebate: tier2}}
//	        D-3: {total: "600.00", band: {rebate: 1}}
//	  - name: the prior quarter total counts
//	    partner: {id: P-1}
//	    prior: {period_amount: "90000.00", period_deals: 3}
//	    deal: {id: D-4, amount: "20000.00", close_date: 2026-02-01}
//	    # 110000.00 x 0.04 = 4400.00, minus 90000.00 x 0.02 = 1800.00 = 2600.00
//	    expect: {total: "2600.00", band: {rebate: tier2}}
//
// Flat and multiplier tables, and a measure other than the deal amount
// (band bounds are then plain numbers, not amounts):
//
//	# bands-flat-multiplier.yaml: a flat amount per band of a custom measure,
//	# and a band table that multiplies the earning's amount.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: seats-and-accelerator
//	name: Seats bonus and accelerator
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: seats-bonus
//	    type: bonus
//	    bands:
//	      method: retroactive
//	      measure: deal.quantity
//	      pays: flat
//	      table:
//	        - {from: 0, to: 10, flat: 0}
//	        - {from: 10, to: 50, flat: 250}
//	        - {from: 50, flat: 1000}
//	  - id: accelerator
//	    type: spiff
//	    amount: deal.amount * 0.01
//	    bands:
//	      method: retroactive
//	      pays: multiplier
//	      table:
//	        - {from: 0, to: 25000, multiplier: 1}
//	        - {from: 25000, multiplier: 1.5, label: accelerated}
//	tests:
//	  - name: twelve seats and an accelerated deal
//	    deal: {id: D-1, amount: "30000.00", quantity: 12, close_date: 2026-03-01}
//	    # seats: 12 is in [10, 50): 250.00
//	    # accelerator: 30000.00 x 0.01 = 300.00, x 1.5 = 450.00
//	    # total: 250.00 + 450.00 = 700.00
//	    expect:
//	      total: "700.00"
//	      lines: {seats-bonus: "250.00", accelerator: "450.00"}
//	      band: {seats-bonus: 2, accelerator: accelerated}
//	  - name: nine seats pay the first band's zero
//	    deal: {id: D-2, amount: "20000.00", quantity: 9, close_date: 2026-03-01}
//	    # seats: 0.00; accelerator: 20000.00 x 0.01 = 200.00, x 1 = 200.00
//	    expect: {total: "200.00", lines: {seats-bonus: "0", accelerator: "200.00"}}
//	  - name: fifty seats reach the top band
//	    deal: {id: D-3, amount: "1000.00", quantity: 50, close_date: 2026-03-01}
//	    # seats: 50 is in [50, no limit): 1000.00; accelerator: 1000.00 x 0.01 = 10.00, x 1
//	    expect: {total: "1010.00", lines: {seats-bonus: "1000.00", accelerator: "10.00"}, band: {seats-bonus: 3}}
//
// # Groups
//
// Earnings naming the same group compete: `pick: highest` (the default)
// pays only the line with the largest amount, ties going to the earning
// declared first; `pick: first` pays the first earning, in declaration
// order, whose condition holds and whose amount is not zero. A stacking
// limit, `pick: {max: 2, by: priority}` or `pick: {max: 2, by: amount}`,
// pays at most max lines of the group: by priority, the earnings' own
// `priority:` (1 ranks first; earnings without one rank after those with
// one; ties keep declaration order), by amount the largest first (ties keep
// declaration order). Amounts compare by absolute value, in `pick:
// highest` as in `by: amount`, so a credit note takes back the lines its
// sale paid; a negative line (a penalty) outranks a smaller positive one.
// A line that pays zero takes no place. The
// explanation names every dropped line with its rank. Groups are
// decided after line caps and line rounding. A group without earnings is an
// error, a group with one earning a warning; `priority:` on an earning
// outside a group is an error, and on an earning of a group that does not
// pick by priority a warning (it would change nothing). See the Cookbook (cookbook-stacking.yaml).
//
//	# groups.yaml: competing earnings pay once.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: sourcing-bonus
//	name: Sourcing bonus
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: partner-sourced
//	    type: bonus
//	    when: deal.registered
//	    amount: 300
//	    group: sourcing
//	  - id: large-deal
//	    type: bonus
//	    when: deal.amount >= 20000
//	    amount: deal.amount * 0.01
//	    group: sourcing
//	  - id: platinum-bonus
//	    type: bonus
//	    when: partner.tier == "platinum"
//	    amount: 1000
//	    group: tier-bonus
//	  - id: gold-bonus
//	    type: bonus
//	    when: partner.tier in ["gold", "platinum"]
//	    amount: 500
//	    group: tier-bonus
//	groups:
//	  - {id: sourcing, pick: highest}
//	  - {id: tier-bonus, pick: first}
//	tests:
//	  - name: the highest line of the group pays
//	    partner: {tier: silver}
//	    deal: {id: D-1, amount: "40000.00", registered: true, close_date: 2026-06-01}
//	    # partner-sourced 300.00 vs large-deal 40000.00 x 0.01 = 400.00
//	    expect: {total: "400.00", lines: {large-deal: "400.00"}}
//	  - name: a tie goes to the earning declared first
//	    partner: {tier: silver}
//	    deal: {id: D-2, amount: "30000.00", registered: true, close_date: 2026-06-01}
//	    # partner-sourced 300.00 vs large-deal 30000.00 x 0.01 = 300.00
//	    expect: {total: "300.00", lines: {partner-sourced: "300.00"}}
//	  - name: pick first pays the first earning that holds
//	    partner: {tier: platinum}
//	    deal: {id: D-3, amount: "1000.00", close_date: 2026-06-01}
//	    expect: {total: "1000.00", lines: {platinum-bonus: "1000.00"}}
//	  - name: pick first falls through to the next earning
//	    partner: {tier: gold}
//	    deal: {id: D-4, amount: "1000.00", close_date: 2026-06-01}
//	    expect: {total: "500.00", lines: {gold-bonus: "500.00"}}
//
// # Caps
//
// Caps are upper limits in the program currency, above zero and with no
// more decimal places than amounts are rounded to. They apply in this
// order: line caps (`cap:` on an earning, before line rounding), then
// per_deal (the deal's total, before deal-stage rounding), per_partner
// (what the partner was paid in the period, including this deal; a plain
// number, or {limit, period} with the period defaulting to the program's)
// and budget (everything the program paid, across partners). Partner caps
// and the budget count what was actually paid, after rounding and after
// the caps after them, net of what credit notes took back, and a deal pays
// at most the room each has left, rounded toward zero to the payout grid:
// no count ever passes its limit. A period settlement's true-up (see
// Period settlements) is bound the same way: it is paid at the period's
// end, within the room per_partner (the cap period containing the
// period's last day) and budget have left then, and counts in them. A cap
// on the total takes its cut from the last paying line first. Tests name caps `line:<earning>`,
// `per_deal`, `per_partner` and `budget`.
//
// per_deal may instead be an expression of the deal, such as
// `values.margin * 0.3` (30% of the gross margin): any expression that
// reads a field or calls a function. Its limit is computed for each deal
// after the lines (in deal order, so it may read period totals), rounded
// toward zero to the payout grid (a value below zero is an error of the
// deal, as for a computed line cap, except on credit notes: below); it
// cuts the total
// as a fixed per_deal does, with the same trace steps (the computation
// with the values it read, then the cut), test name (`per_deal`) and
// coverage. per_partner and budget are fixed amounts. See the Cookbook
// (cookbook-margin-cap.yaml).
//
// On credit notes (see Credit notes) a computed per_deal below zero is not
// an error, because a credit note's own values come out negative as its
// amount does (the margin of returned goods). A credit note that names no
// deal takes back at most the limit's size, |limit|, as it takes back at
// most a fixed per_deal: never more than a deal of its size could be paid.
// A credited deal re-evaluated at its net amount (a credit note that names
// it) gets a limit of zero when its computed limit is below zero: it earns
// nothing, and what it was paid is taken back. That re-evaluation reads
// the deal's own fields; the credit note's (its cost, say) do not change
// them. The explanation shows the computed value and the limit used.
//
//	# caps-computed-credits.yaml: a computed deal cap on credit notes.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: margin-cap-credits
//	name: Margin-capped rebate with returns
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	allow_negative: true
//	fields: {cost: decimal}
//	values:
//	  margin: deal.amount - deal.cost
//	earnings:
//	  - id: rebate
//	    type: rebate
//	    amount: deal.amount * 0.05
//	caps:
//	  per_deal: values.margin * 0.3
//	tests:
//	  - name: a return's negative margin bounds its takeback by its size
//	    partner: {id: P-1}
//	    deals:
//	      # D-1: 10000.00 x 0.05 = 500.00; margin 4000.00, cap 1200.00: pays 500.00
//	      - {id: D-1, amount: "10000.00", cost: "6000.00", close_date: 2026-03-01}
//	      # C-1: -4000.00 x 0.05 = -200.00; margin -4000.00 - -3500.00 = -500.00,
//	      # cap -150.00, whose size 150.00 bounds the takeback: -150.00
//	      - {id: C-1, amount: "-4000.00", cost: "-3500.00", close_date: 2026-03-02}
//	    expect:
//	      total: "350.00"
//	      deals:
//	        C-1: {total: "-150.00", capped: [per_deal]}
//	  - name: a credited deal left without margin earns nothing
//	    partner: {id: P-1}
//	    deals:
//	      - {id: D-2, amount: "10000.00", cost: "6000.00", close_date: 2026-03-01}
//	      # C-2 re-evaluates D-2 at 10000.00 - 5000.00 = 5000.00 with its cost
//	      # 6000.00: margin -1000.00, cap -300.00 -> 0: D-2 now earns 0.00 and
//	      # its 500.00 is taken back
//	      - {id: C-2, amount: "-5000.00", cost: "-3000.00", close_date: 2026-03-02, credits: D-2}
//	    expect:
//	      total: "0.00"
//	      deals:
//	        C-2: {total: "-500.00"}
//
// The four fixed caps of a program, applied in the order line, deal,
// partner, budget:
//
//	# caps.yaml: caps apply in the order line, deal, partner, budget.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: capped-spiff
//	name: Capped SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: base
//	    type: spiff
//	    amount: deal.amount * 0.05
//	    cap: 3000
//	  - id: bonus
//	    type: bonus
//	    amount: 1000
//	caps:
//	  per_deal: 3500
//	  per_partner: {limit: 5000, period: quarter}
//	  budget: 100000
//	tests:
//	  - name: the line cap, then the deal cap
//	    deal: {id: D-1, amount: "100000.00", close_date: 2026-02-01}
//	    # base: 100000.00 x 0.05 = 5000.00, line cap: 3000.00
//	    # 3000.00 + 1000.00 = 4000.00 > 3500.00: cut 500.00 from the last line
//	    expect:
//	      total: "3500.00"
//	      lines: {base: "3000.00", bonus: "500.00"}
//	      capped: [line:base, per_deal]
//	  - name: the partner cap spans the quarter
//	    partner: {id: P-1}
//	    deals:
//	      - {id: D-1, amount: "80000.00", close_date: 2026-02-01}
//	      - {id: D-2, amount: "20000.00", close_date: 2026-03-01}
//	    # D-1: 80000.00 x 0.05 = 4000.00, line cap 3000.00; + 1000.00 = 4000.00,
//	    #      deal cap: 3500.00
//	    # D-2: 1000.00 + 1000.00 = 2000.00; room 5000.00 - 3500.00 = 1500.00
//	    expect:
//	      total: "5000.00"
//	      deals:
//	        D-1: {total: "3500.00", capped: [line:base, per_deal]}
//	        D-2: {total: "1500.00", lines: {base: "1000.00", bonus: "500.00"}, capped: [per_partner]}
//	  - name: the budget is the last cap
//	    prior: {budget_used: "99000.00"}
//	    deal: {id: D-3, amount: "10000.00", close_date: 2026-02-01}
//	    # 500.00 + 1000.00 = 1500.00; room 100000.00 - 99000.00 = 1000.00
//	    expect: {total: "1000.00", lines: {base: "500.00", bonus: "500.00"}, capped: [budget]}
//
// A partner cap counts over the program's `period:` unless it names its
// own. Periods are calendar periods in the program's time zone; `half` is a
// half year, January to June (period() names it "2027-H1") and July to
// December ("2027-H2"):
//
//	# caps-half-year.yaml: a partner cap per half year (January to June, July to December).
//	apiVersion: partnerops/v1
//	kind: Program
//	id: half-year-spiff
//	name: Half-year SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2027-01-01, to: 2027-12-31}
//	period: half
//	earnings:
//	  - id: spiff
//	    type: spiff
//	    amount: deal.amount * 0.10
//	  - id: h2-push
//	    type: bonus
//	    when: period(deal.close_date, "half") == "2027-H2"
//	    amount: deal.amount * 0.02
//	caps:
//	  per_partner: 1000
//	tests:
//	  - name: the partner cap starts again each half year
//	    partner: {id: P-1}
//	    deals:
//	      - {id: D-1, amount: "8000.00", close_date: 2027-02-10}
//	      - {id: D-2, amount: "5000.00", close_date: 2027-05-20}
//	      - {id: D-3, amount: "3000.00", close_date: 2027-07-01}
//	    # D-1 (2027-H1): 8000.00 x 0.10 = 800.00, under the 1000.00 cap
//	    # D-2 (2027-H1): 5000.00 x 0.10 = 500.00; room 1000.00 - 800.00 = 200.00
//	    #      (by quarter, May would start a new cap: 500.00)
//	    # D-3 (2027-H2, July 1): a new cap: 3000.00 x 0.10 = 300.00, and the
//	    #      H2 push 3000.00 x 0.02 = 60.00: 360.00 (by year, no room is left)
//	    # sum: 800.00 + 200.00 + 360.00 = 1360.00
//	    expect:
//	      total: "1360.00"
//	      deals:
//	        D-1: {total: "800.00", lines: {spiff: "800.00"}}
//	        D-2: {total: "200.00", lines: {spiff: "200.00"}, capped: [per_partner]}
//	        D-3: {total: "360.00", lines: {spiff: "300.00", h2-push: "60.00"}}
//
// # Credit notes
//
// With `allow_negative: true` a deal may have a negative amount: a credit
// note (a return, a cancellation, a downgrade). A credit note can name the
// deal it credits with `credits: <deal id>`; that deal must come earlier
// in the same run (in a test, earlier in its `deals:` list), be the same
// partner's, and keep a net amount (its amount plus its credit notes) of
// zero or more. In a deals file for `partnerops run` it is the `credits`
// column of a CSV file or the `credits` key of a JSON or JSON Lines deal,
// as in a YAML deals file. The rules, which hold for every cap and
// rounding stage:
//
//   - Every partner cap and budget counts what was actually paid under it,
//     after rounding and after every later cap, net of takebacks; a deal
//     pays at most the room each cap has left (its limit minus that count,
//     rounded toward zero to the payout grid), so no count ever passes its
//     limit.
//   - A credit note that names its deal re-evaluates that deal under the
//     terms it closed under (its fields, and the period and cumulative
//     totals it saw) at its net amount, and takes back what the deal was
//     paid above what that earns: never more than the deal was paid, and
//     nothing while a partner or budget cap's cut of the deal covers the
//     reduction. A deal credited down to zero earns nothing. The takeback
//     comes off the deal's last paying lines first, and the deal's caps,
//     period and band bases give it back. The credit note's own window and
//     clauses do not matter: a return after the program ended still
//     counts.
//   - A credit note that names no deal takes back what its own amount
//     unearns under the terms (line and deal caps bound it from below
//     too: never more than a deal of its size could be paid; with 2% and
//     a deal cap of 2,500, a credit of -200,000 takes back at most
//     2,500, not 4,000), but never more than the partner has been
//     paid net in the period (the program's `period`), than any of its
//     partner caps or the budget has paid, or than a partner cap gives
//     back as the partner's entitlement (what its deals earned before the
//     cap cut them) falls: while that entitlement stays over the limit,
//     nothing is taken back. A later credit note that names a deal takes
//     back only what the partner still holds of it. A credit note that
//     names no deal and comes to a positive amount pays nothing, and
//     takes nothing back: a flat amount or a floor such as max(750,
//     deal.amount * 0.01) is positive on a credit note too, so guard such
//     an earning with deal.amount > 0 (the msp-cosell-2027h1 example's
//     registration bonus does).
//   - Without `allow_negative`, a deal whose terms come to less than zero
//     (a negative formula) pays nothing: no payout is ever negative.
//   - A credit note naming a deal the run has not seen is an error
//     (incentive.ErrUnknownDeal), so is one taking a deal's net amount
//     below zero; the run goes on without it. A credit of an ineligible
//     deal takes nothing back.
//
// Stage by stage: at the line and deal stages every payout and every room
// is on the payout grid (at the deal stage the total is rounded before the
// partner and budget caps, so a credit of -0.005 rounded to 0.00 takes
// nothing back and lowers no count); at the statement stage results and
// counts stay exact and the statement total is rounded once and shared by
// largest remainder, which cannot lift a partner or the program above a
// limit on the grid.
//
//	# credits.yaml: credit notes, linked to their deal or not, under caps.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: credit-notes
//	name: Credit notes
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	allow_negative: true
//	earnings:
//	  - id: base
//	    type: spiff
//	    amount: deal.amount * 0.02
//	caps:
//	  per_deal: 2500
//	  per_partner: {limit: 3000, period: quarter}
//	  budget: 4000
//	tests:
//	  - name: a linked credit takes back what the reduced deal no longer earns
//	    partner: {id: P-1}
//	    deals:
//	      - {id: D-1, amount: "200000.00", close_date: 2026-02-01}
//	      - {id: C-1, amount: "-100000.00", close_date: 2026-02-02, credits: D-1}
//	      - {id: C-2, amount: "-100000.00", close_date: 2026-02-03, credits: D-1}
//	    # D-1: 200000.00 x 0.02 = 4000.00, deal cap: 2500.00
//	    # C-1: D-1's net 100000.00 earns 2000.00; it was paid 2500.00: 500.00 back
//	    # C-2: D-1's net 0.00 earns nothing: the 2000.00 it still holds back,
//	    #      not the 4000.00 its amount once earned
//	    expect:
//	      total: "0.00"
//	      deals:
//	        D-1: {total: "2500.00", capped: [per_deal]}
//	        C-1: {total: "-500.00", lines: {base: "-500.00"}}
//	        C-2: {total: "-2000.00"}
//	  - name: a partner cap's cut absorbs a linked credit first
//	    partner: {id: P-1}
//	    deals:
//	      - {id: D-1, amount: "100000.00", close_date: 2026-02-01}
//	      - {id: D-2, amount: "100000.00", close_date: 2026-02-02}
//	      - {id: C-1, amount: "-50000.00", close_date: 2026-02-03, credits: D-2}
//	      - {id: C-2, amount: "-50000.00", close_date: 2026-02-04, credits: D-1}
//	    # D-1: 2000.00. D-2: 2000.00, partner room 3000.00 - 2000.00 = 1000.00
//	    # C-1: D-2's net 50000.00 earns 1000.00, what it was paid: nothing back
//	    # C-2: D-1's net 50000.00 earns 1000.00; it was paid 2000.00: 1000.00 back
//	    expect:
//	      total: "2000.00"
//	      deals:
//	        D-2: {total: "1000.00", capped: [per_partner]}
//	        C-1: {total: "0.00"}
//	        C-2: {total: "-1000.00"}
//	  - name: an unlinked credit takes back at most what the partner was paid
//	    partner: {id: P-1}
//	    deals:
//	      - {id: D-1, amount: "100000.00", close_date: 2026-02-01}
//	      - {id: C-1, amount: "-150000.00", close_date: 2026-02-02}
//	    # D-1: 2000.00. C-1 unearns 150000.00 x 0.02 = 3000.00, but P-1 was
//	    # paid 2000.00 in the program period: 2000.00 back, P-1 at 0.00
//	    expect:
//	      total: "0.00"
//	      deals:
//	        C-1: {total: "-2000.00"}
//	  - name: an unlinked credit takes nothing back while the partner stays over its cap
//	    partner: {id: P-1}
//	    deals:
//	      - {id: D-1, amount: "100000.00", close_date: 2026-02-01}
//	      - {id: D-2, amount: "100000.00", close_date: 2026-02-02}
//	      - {id: C-1, amount: "-25000.00", close_date: 2026-02-03}
//	    # D-1: 2000.00. D-2: 2000.00 cut to 1000.00; P-1 is entitled to 4000.00
//	    # C-1 unearns 500.00: the entitlement 4000.00 -> 3500.00 is still over
//	    # the 3000.00 cap, so the cap gives back min(3000, 4000) - min(3000,
//	    # 3500) = 0.00 and nothing is taken back
//	    expect:
//	      total: "3000.00"
//	      deals:
//	        C-1: {total: "0.00"}
//	  - name: the budget counts what was paid and given back
//	    deals:
//	      - {id: D-1, partner_id: P-1, amount: "100000.00", close_date: 2026-02-01}
//	      - {id: D-2, partner_id: P-2, amount: "150000.00", close_date: 2026-02-02}
//	      - {id: C-1, partner_id: P-1, amount: "-100000.00", close_date: 2026-02-03, credits: D-1}
//	      - {id: D-3, partner_id: P-2, amount: "50000.00", close_date: 2026-02-04}
//	    # D-1: 2000.00. D-2: 3000.00, deal cap 2500.00, budget room
//	    #      4000.00 - 2000.00 = 2000.00
//	    # C-1: D-1's net 0.00 earns nothing: 2000.00 back; the budget has paid 2000.00
//	    # D-3: 1000.00; P-2's room 3000.00 - 2000.00 = 1000.00, the budget's 2000.00
//	    expect:
//	      total: "3000.00"
//	      deals:
//	        D-2: {total: "2000.00", capped: [per_deal, budget]}
//	        C-1: {total: "-2000.00"}
//	        D-3: {total: "1000.00"}
//
// # Rounding
//
// By default each line is rounded half_up to the currency's minor units
// after its line cap. Other modes and stages are stated in the program:
//
//	# rounding.yaml: banker's rounding of each line to cents.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: half-even-spiff
//	name: Half-even SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	rounding: {mode: half_even, at: line}
//	earnings:
//	  - id: base
//	    type: spiff
//	    amount: deal.amount * 0.005
//	tests:
//	  - name: a tie rounds down to the even cent
//	    deal: {id: D-1, amount: "6485.00", close_date: 2026-04-01}
//	    # 6485.00 x 0.005 = 32.425: half_even gives 32.42 (half_up would give 32.43)
//	    expect: {total: "32.42"}
//	  - name: a tie rounds up to the even cent
//	    deal: {id: D-2, amount: "6487.00", close_date: 2026-04-01}
//	    # 6487.00 x 0.005 = 32.435: half_even gives 32.44
//	    expect: {total: "32.44"}
//
// Inside an expression, round(x, places) rounds half_up and round(x,
// places, "mode") with the mode half_up, half_even, half_down, up, down,
// ceiling or floor (a constant mode is checked at compile time); the line
// is then rounded by the program's rounding as usual:
//
//	# round-modes.yaml: round() inside an expression with its third argument,
//	# the mode; the program's rounding then rounds each line to cents as usual.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: round-modes
//	name: Whole-dollar SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: whole-dollars
//	    type: spiff
//	    amount: round(deal.amount * 0.0125, 0, "down")
//	  - id: per-hundred
//	    type: spiff
//	    amount: round(deal.amount / 100, 0, "ceiling") * 2
//	tests:
//	  - name: cents are dropped, hundreds are counted up
//	    deal: {id: D-1, amount: "12399.99", close_date: 2026-04-01}
//	    # whole-dollars: 12399.99 x 0.0125 = 154.999875, down to 0 places = 154
//	    #   (round(..., 0) would give 155: half_up is the default mode)
//	    # per-hundred: 12399.99 / 100 = 123.9999, ceiling = 124, x 2 = 248
//	    # 154.00 + 248.00 = 402.00
//	    expect: {total: "402.00", lines: {whole-dollars: "154.00", per-hundred: "248.00"}}
//
// # Currencies and rates
//
// A deal in another currency than the program's is converted before the
// terms read it: deal.amount is the converted amount. The deal's other
// money is converted by the same rate, exactly (amount x rate, rounded
// only by the program's rounding): every product line's amount and
// unit_price (line.amount, line.unit_price, and so sum(deal.lines, ...)),
// and every custom deal or line field declared `money` (an approved
// amount, a cost), so a computed cap or value mixing them with
// deal.amount reads one currency. The explanation's conversion step names
// them. A field declared `decimal` is a number, not an amount (a
// percentage, a count): it is read as written; declare amounts `money`.
// deal.currency is still the deal's own currency. Rates come from the
// caller, never from the network: in Go as incentive.Input.Rates or
// RunOptions.Rates (an incentive.RateTable or any RateSource), for
// `partnerops run -rates FILE` and `explain -rates FILE` from a rates file
// (DecodeRates: YAML or CSV), and in a test from its `rates:` list. Each
// rate names from, to, rate (exact, as written), as_of and optionally
// source and a validity period valid_from .. valid_to (both days
// included): a rate with a period applies to exactly the dates in it (a
// month-end rate for every deal of its month), ahead of rates without
// one; otherwise the rate with the latest as_of on or before the close
// date applies. Periods of one currency pair may not overlap. A rates file
// in YAML is a mapping with a `rates:` list of such entries; in CSV a
// header row names the columns:
//
//	from,to,rate,as_of,valid_from,valid_to,source
//	EUR,USD,1.0832,2026-03-31,2026-03-01,2026-03-31,ECB month end
//
// The converted amount is exact (amount x rate, never rounded on its
// own); the program's rounding rounds once, where its stage says, so a
// conversion cannot round twice. The rate used, its source, as-of date and
// period are recorded on the deal's result (Result.Conversion) and shown
// in its explanation: "converted 1,000.00 EUR at 1.0625 (treasury, as of
// 2026-03-01) = 1,062.50 USD, exact: rounded once, by the program's
// rounding (half_up to 2 places per line)".
//
//	# rates.yaml: deals in euros, paid in dollars, rounded once: half_up, then half_even.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: eur-rebate-half-up
//	name: EUR rebate, half_up
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	rounding: {mode: half_up}
//	earnings:
//	  - id: rebate
//	    type: rebate
//	    amount: deal.amount * 0.01
//	tests:
//	  # 1,000.00 EUR x 1.0625 = 1,062.50 USD; 1% = 10.625, half_up 10.63.
//	  - name: a half cent rounds up
//	    rates:
//	      - {from: EUR, to: USD, rate: 1.0625, as_of: 2026-03-01, source: treasury}
//	    deal: {id: D-1, amount: "1000.00", currency: EUR, close_date: 2026-03-10}
//	    expect: {total: "10.63"}
//	  # 708.33 EUR x 1.5 = 1,062.495 USD, kept exact: 1% = 10.62495, 10.62.
//	  # Rounding the conversion to cents first (1,062.50) would pay 10.63.
//	  - name: the conversion is not rounded on its own
//	    rates:
//	      - {from: EUR, to: USD, rate: 1.5, as_of: 2026-03-01, source: treasury}
//	    deal: {id: D-2, amount: "708.33", currency: EUR, close_date: 2026-03-10}
//	    expect: {total: "10.62"}
//	  # The March month-end rate (1.0625, valid for all of March) wins over the
//	  # daily rate of March 9 (2.0): 1,062.50 USD, 1% = 10.625, 10.63.
//	  - name: a month-end rate applies to every deal of its month
//	    rates:
//	      - {from: EUR, to: USD, rate: 2.0, as_of: 2026-03-09, source: daily}
//	      - {from: EUR, to: USD, rate: 1.0625, as_of: 2026-03-31, valid_from: 2026-03-01, valid_to: 2026-03-31, source: month end}
//	    deal: {id: D-3, amount: "1000.00", currency: EUR, close_date: 2026-03-10}
//	    expect: {total: "10.63"}
//	---
//	apiVersion: partnerops/v1
//	kind: Program
//	id: eur-rebate-half-even
//	name: EUR rebate, half_even
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	rounding: {mode: half_even}
//	earnings:
//	  - id: rebate
//	    type: rebate
//	    amount: deal.amount * 0.01
//	tests:
//	  # 10.625 half_even: the 2 is even, so 10.62.
//	  - name: a half cent rounds to even
//	    rates:
//	      - {from: EUR, to: USD, rate: 1.0625, as_of: 2026-03-01, source: treasury}
//	    deal: {id: D-1, amount: "1000.00", currency: EUR, close_date: 2026-03-10}
//	    expect: {total: "10.62"}
//	  # 1,002.00 EUR x 1.0625 = 1,064.625 USD; 1% = 10.64625, above the half: 10.65.
//	  - name: above the half rounds up in either mode
//	    rates:
//	      - {from: EUR, to: USD, rate: 1.0625, as_of: 2026-03-01, source: treasury}
//	    deal: {id: D-2, amount: "1002.00", currency: EUR, close_date: 2026-03-10}
//	    expect: {total: "10.65"}
//
// Product lines and money fields convert with the deal amount, at its rate;
// a decimal field does not:
//
//	# rates-lines-money.yaml: a deal in euros converts its product lines and its
//	# money fields by the deal amount's rate; a decimal field is read as written.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: eur-lines-money
//	name: EUR lines and money fields
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	fields:
//	  approved: money
//	  share: decimal
//	line_fields:
//	  cost: {type: money, optional: true}
//	earnings:
//	  - id: per-line
//	    type: spiff
//	    per: line
//	    when: line.family == "storage"
//	    amount: (line.amount - line.cost) * 0.10
//	  - id: storage-share
//	    type: rebate
//	    amount: sum(filter(deal.lines, line.family == "storage"), line.unit_price * line.quantity) * deal.share
//	  - id: reimbursement
//	    type: mdf
//	    amount: deal.approved
//	    cap: deal.amount * 0.10
//	tests:
//	  # Rate 1.10. Lines: SRV-1 1,000.00 EUR = 1,100.00 USD, cost 400.00 EUR =
//	  # 440.00 USD, unit price 500.00 EUR = 550.00 USD x 2; SW-1 (network)
//	  # 300.00 EUR = 330.00 USD. Deal 1,300.00 EUR = 1,430.00 USD; approved
//	  # 100.00 EUR = 110.00 USD; share 0.02 (a number, not converted).
//	  # per-line: SRV-1 (1,100.00 - 440.00) x 0.10 = 66.00; SW-1 none (network)
//	  # storage-share: 550.00 x 2 = 1,100.00 x 0.02 = 22.00
//	  # reimbursement: 110.00, under the cap 1,430.00 x 0.10 = 143.00
//	  # total: 66.00 + 22.00 + 110.00 = 198.00
//	  - name: lines and money fields convert with the deal
//	    rates:
//	      - {from: EUR, to: USD, rate: 1.10, as_of: 2026-03-01, source: treasury}
//	    deal:
//	      id: D-1
//	      amount: "1300.00"
//	      currency: EUR
//	      close_date: 2026-03-10
//	      approved: "100.00"
//	      share: "0.02"
//	      products:
//	        - {product: SRV-1, family: storage, quantity: 2, unit_price: "500.00", amount: "1000.00", cost: "400.00"}
//	        - {product: SW-1, family: network, quantity: 1, amount: "300.00"}
//	    expect:
//	      total: "198.00"
//	      lines: {per-line: "66.00", storage-share: "22.00", reimbursement: "110.00"}
//	      per_line: {per-line: ["66.00", none]}
//	  # The same deal in dollars converts nothing: per-line (1,000.00 - 400.00)
//	  # x 0.10 = 60.00; storage-share 500.00 x 2 x 0.02 = 20.00; reimbursement
//	  # 150.00 over the cap 1,300.00 x 0.10 = 130.00: 130.00; 60.00 + 20.00 +
//	  # 130.00 = 210.00
//	  - name: a deal in the program currency reads its values as written
//	    deal:
//	      id: D-2
//	      amount: "1300.00"
//	      close_date: 2026-03-10
//	      approved: "150.00"
//	      share: "0.02"
//	      products:
//	        - {product: SRV-1, family: storage, quantity: 2, unit_price: "500.00", amount: "1000.00", cost: "400.00"}
//	        - {product: SW-1, family: network, quantity: 1, amount: "300.00"}
//	    expect:
//	      total: "210.00"
//	      lines: {per-line: "60.00", storage-share: "20.00", reimbursement: "130.00"}
//
// # Tests
//
// Tests sit in a program's `tests:` list or in Tests documents, usually in
// a "*_test.yaml" file beside the program; Load reads those automatically.
// A Tests document names its program by id, and optionally `version:`
// (default: the highest version loaded):
//
//	# minimal_test.yaml: tests beside the program, in a Tests document.
//	apiVersion: partnerops/v1
//	kind: Tests
//	program: minimal-spiff
//	tests:
//	  - name: a deal closed before the program starts is not eligible
//	    deal: {id: D-0, amount: "1000.00", close_date: 2025-12-31}
//	    expect: {eligible: false, failed: effective window, total: "0"}
//
// A test has a name (unique within its program), an optional as_of (a date
// or time deciding claim expiry; default the deal's close time), an
// optional rates (a list of conversion rates, see Currencies and rates), an
// optional partner {id, name, tier, type, region, country, contacts: [{role,
// name, email}], tier_history: [{from, tier}] and attribute_history:
// [{from, type, tier, region, country}] (see Partner attributes over
// time), payment_method (see Payment methods)}, an optional prior {period_amount, period_deals,
// period_earned, cumulative, budget_used, basis: {<earning>: amount}} (the
// partner's and the program's totals before the test's deals), an optional
// history {<period label>: amount} (see Partner history), and either
// one `deal:` (evaluated with incentive.Evaluate) or a `deals:` list (run in
// order with incentive.Run, so period and cumulative totals, partner caps
// and the budget accumulate; deals must be listed by close time, then id).
// A deal without partner_id belongs to the test's partner; without either,
// to TestPartnerID. In a `deals:` list each deal may name its own
// partner_id (the test's partner then serves as a template) or carry an
// inline partner.
//
// `expect:` of a `deal:` test holds any of:
//
//	eligible: true | false
//	failed: <clause name>            the failed clause, or "effective window"
//	total: "<amount>"                the deal total
//	lines: {<earning>: "<amount>"}   exact: listed lines must match, unlisted
//	                                 lines must pay nothing; "0" matches a line
//	                                 that did not pay
//	band: {<earning>: <label> | <n>}  the band reached; n counts from 1 (a
//	                                 line that lost its group's pick reached
//	                                 its band too: see Result.Lost)
//	capped: [<cap>, ...]             exactly the caps that cut something:
//	                                 line:<earning>, per_deal, per_partner, budget
//	                                 (a line cap that cut a line that lost its
//	                                 group's pick counts, as explain shows it)
//	values: {<name>: "<number>" | true | false}   named values computed for the
//	                                 deal (a value nothing read has none)
//	per_line: {<earning>: ["<amount>" | none, ...]}   a per-line earning's result
//	                                 for each product line, in order; none: the
//	                                 condition did not hold for the line
//	expired: "<amount>"              the part of the total whose claim window
//	                                 had closed as of the test (0 when none)
//	held: "<amount>"                 the part of the total held as of the test
//	                                 (0 when matured, void or expired)
//	shares: {<partner id>: "<amount>"}  a split deal: what each payee is paid,
//	                                 over all its lines; unlisted payees must be
//	                                 paid nothing (only in a program with a split)
//
// `expect:` of a `deals:` test holds `total` (the sum over the deals),
// `deals: {<deal id>: {<the keys above>}}` and `statement: {<partner id>:
// {<figures>, buckets: {<bucket>: {<figures>}}}}`, where the figures are
// earned (expired included, as the command's statement shows it), expired,
// held, carried_in, withheld, payable and carried_out, checked against the
// statement of the test's results (buckets by name, default for the
// earning types in no bucket). A `deals:` test's `carried: {<partner id>:
// "<amount>" | {<bucket>: "<amount>"}}` is the balance each partner brings
// in from the previous statement (a plain amount goes to the default
// bucket, and is an error in a program that pays every earning type from a
// named bucket, which has no default bucket; a negative one is withheld).
// as_of decides expiry and holds; a
// `deals:` test without as_of has no as-of date, so nothing expires and
// everything under a hold is held. A `deals:` test's `expect:` may also
// hold `settlements: {<settlement id>: {<period's first day>: {settled,
// basis, entitlement, advances, carried_in, credited, true_up, payable,
// capped, capped_by, carried_out}}}`: the test partner's settlement of that
// period as of the test's as_of (default the last deal's close time; see
// Period settlements under Cookbook), settled in the run so that the
// per_partner caps and the budget bind it (`capped` is the amount they
// cut, `capped_by` lists them: per_partner, budget). A true-up is checked there only: a test's total and
// statement hold the deals' results, without the true-ups that
// `partnerops run` adds to the statement it prints. Amounts are exact decimal
// strings, compared by value ("240" equals "240.00") and currency (the
// program's unless written, "240.00 USD"). Expectations name only things
// that exist: an unknown earning, band label, cap or clause is a compile
// error. A failed test reports one line per difference (this is
// testdata/errors/failing_test.golden):
//
//	compiled: 1 program(s), 1 test(s)
//	FAIL wrong expectation
//	    total: want 200.00, got 240.00
//	    lines.base: want 200.00, got 240.00
//
// Coverage lists the parts of each program no test exercised: a clause that
// never held or never failed, an earning that never paid, a band never
// reached, a cap that never cut (rules.Coverage; with `partnerops test
// -run`, only over the programs whose tests ran). TestOptions.MinCoverage
// makes a report fail below a percentage. Package rulestest runs the tests
// as Go subtests.
//
// # Deals
//
// A test deal, and each entry of a deals file read by DecodeDeals, has:
//
//	id           required
//	partner_id   default: the partner's id
//	amount       required; a number or quoted decimal, in `currency`
//	currency     default: the program currency
//	quantity     whole number >= 0, default 0
//	type         e.g. new_business
//	registered   true: registered, approved on the close date
//	registration {id, approved: YYYY-MM-DD}   instead of registered
//	close_date   required; YYYY-MM-DD (midnight in the program's zone) or RFC 3339
//	customer     {id, name, country, region, industry, segment}
//	products     [name, ...] or [{product, quantity, amount}, ...]
//	credits      on a credit note (negative amount): the id of the earlier
//	             deal it credits (see Credit notes)
//	partner      inline partner (deals files and `deals:` lists)
//	history      {<period label>: amount}: the partner's totals of earlier
//	             periods (see Partner history)
//	<field>      each custom field, of its declared type
//
// # Payment methods
//
// A partner is paid by the method of its payment details (a partner
// record's `payment_method:` bank_transfer, check, paypal or card; in Go
// partner.Partner.Payment.Method). `payment_methods:` gives a method its
// own terms: `min_payout` replaces the program's min_payout for partners
// paid by the method (and raises a payout bucket's lower minimum to
// itself), and `fee` is charged once for each payment made by the method
// and deducted from what it sends. A method with a fee states its own
// min_payout above the fee, so no payment is smaller than its fee. A
// partner whose method has no terms, or who has none, is paid under the
// program's min_payout, without a fee:
//
//	min_payout: 100
//	payment_methods:
//	  - {method: bank_transfer, min_payout: 25}
//	  - {method: check, min_payout: 250, fee: 5}
//
// Statements show each partner's method, the fee and what the payment
// sends (incentive.PartnerStatement); the ledger's payment runs apply the
// same terms per batch line (ledger.RunPaymentsParams.Method). Misuse
// (an unknown or repeated method, a fee without a minimum above it, a
// negative amount) is reported at the entry
// (testdata/errors/bad_payment_methods.golden). A batch test asserts a
// partner's `fee` and `sent` in `expect: {statement: {P-1: {...}}}`; see
// the cookbook entry cookbook-payment-methods.yaml.
//
// # Partner attributes over time
//
// A partner's type, tier, region and country can change during a program.
// A partner record (a test's `partner:`, the inline partner of a deal in
// a test or a YAML deals file, an entry of a partners file; a JSON or JSON
// Lines deal's inline partner takes payment_method but not the changes,
// which come from a partners file) states the changes as `attribute_history:`, a list of
// entries in time order, each a `from:` date (midnight in the program's
// time zone, or an RFC 3339 instant) and one or more of `type:`, `tier:`,
// `region:`, `country:`: the values in force from that day until that
// attribute's next change:
//
//	partner:
//	  id: P-1
//	  attribute_history:
//	    - {from: 2025-01-01, type: referral, region: emea, country: DE}
//	    - {from: 2026-04-01, type: reseller}
//	    - {from: 2026-05-15, region: na, country: US}
//
// Before an attribute's first change the partner has no value for it ("").
// `tier_history:`, a list of {from, tier}, states the tier's changes alone
// (the older form, kept as it was); a record gives the tier's changes in
// one of the two lists. The record's `type:` (`tier:`, `region:`,
// `country:`) is then the last value and may be left out; one that differs
// from it is an error, and one given alone (in a deal overriding its test's
// partner) replaces that attribute's changes: the value holds throughout,
// while the other attributes keep theirs. Dates must increase strictly
// (each date once); a type is a lower-case name, a country an ISO 3166-1
// alpha-2 code, a tier or region any text; an unknown attribute is an error
// (testdata/errors/bad_attribute_history.golden, bad_tier_history.golden).
// In Go the changes are events of partner.Partner.History: tier events
// (partner.SetTier) and attribute events (partner.SetAttr), read with
// Partner.AttrAt and Partner.TierAt; partner.SetAttrHistory builds them
// from a list of dated values, as the decoders do. The command's CSV and
// JSON Lines partners files state the same changes (and payment_method):
// JSON Lines with the same keys, CSV in cells such as `2025-07-01 silver;
// 2026-02-15 gold` (tier_history) and `2025-01-01 type=referral
// region=emea; 2026-05-15 region=na` (attribute_history); see `partnerops
// help run`.
//
// Expressions read an attribute on a day of the program's time zone: the
// value after every change made on or before that day, so a change counts
// for the whole day it is made on:
//
//	partner.type, partner.tier,         the value on the deal's close date
//	partner.region, partner.country
//	partner.at_period_start.type,       the value on the first day of the
//	partner.at_period_start.tier,       deal's period: the month, quarter,
//	partner.at_period_start.region,     half or year of the program's
//	                                    `period:`, or
//	partner.at_period_start.country     the effective start for
//	                                    `period: program`
//
// An attribute without changes has the record's value on every day, so a
// program or partner without a history pays nothing for the dates. The
// explanation states the day each attribute was read on when the partner
// has a history, e.g. `partner.at_period_start.tier on 2026-04-01 =
// "gold"`. See the cookbook entries cookbook-dated-tiers.yaml and
// cookbook-dated-attributes.yaml.
//
// # Errors and warnings
//
// Compile reports every error of a file, not just the first, as an
// ErrorList sorted by position; each *Error renders as file:line:col, the
// YAML path, the message, the source line and a caret under the column.
// Columns count characters. Warnings (a group with one earning; tests none
// of whose deals closes inside the effective window) do not fail a
// compile; they are in File.Warnings.
//
// The compiler decodes syntax and types; the program's semantic rules
// (band order and contiguity, a bounded last band only in a marginal rate
// table, claim anchors, caps, groups) live in incentive.Validate, which
// names each problem by its path in the file (earnings[0].bands.table[1].to);
// the compiler reports it at that line and column, together with the
// decoding errors, leaving out what only repeats a decoding error.
//
// # Limits and safety
//
// A file may be at most MaxFileSize bytes (checked before parsing), hold
// at most MaxDocuments documents and MaxNodes YAML nodes, nested at most
// MaxDepth mappings and lists deep. Load reads at most DefaultMaxFiles
// files, each only up to the size limit even if it grows while read, and
// refuses what is not a regular file; LoadWith takes other limits
// (LoadOptions). An error about a limit wraps ErrLimit. Anchors, aliases
// and tags are refused outright, so "billion laughs" alias bombs cannot
// expand; programs are short enough to write values out. Expressions are
// bounded by the expression compiler (source length, syntax-tree size,
// rounding places, VM memory). No input makes the compiler panic (see
// FuzzCompile).
//
// # Hashes and origins
//
// Program.Hash is the hex SHA-256 of the program document's exact bytes:
// the whole file for a single-document file; otherwise the bytes after the
// document's "---" line up to the next "---" line (the first document runs
// from the start of the file). Every clause, earning, band table, band, cap,
// group and field carries its incentive.Origin (file, line, column), and
// expressions know the file position of each of their tokens, so run-time
// errors and explanations point into the file.
//
// # Cookbook
//
// Common program shapes from published vendor terms, each with tests
// computed by hand (the files are in testdata/reference and run with the
// rest of this reference).
//
// A referral reward held until the customer has paid for 60 days, voided
// by a refund in that time:
//
//	# cookbook-referral-refund-hold.yaml: a referral reward held 60 days after the customer's first payment, void if the customer is refunded in that time.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-referral
//	name: Customer referral reward
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31, timezone: America/New_York}
//	fields:
//	  first_payment: {type: date, optional: true}
//	  refunded: {type: date, optional: true}
//	hold: {for: 60d, from: first_payment, void_if: [refunded]}
//	eligibility:
//	  - name: referral partner
//	    when: partner.type == "referral"
//	earnings:
//	  - id: reward
//	    type: referral
//	    amount: 250
//	  - id: share
//	    type: referral
//	    amount: deal.amount * 0.05
//	caps:
//	  per_deal: 1000
//	tests:
//	  # First payment 2026-02-10 + 60 days: 18 (to Feb 28) + 31 (March) + 11
//	  # = 60, so it matures 2026-04-11. 250.00 + 12,000.00 x 5% (600.00) = 850.00.
//	  - name: held during the 60 days
//	    as_of: 2026-04-10
//	    partner: {id: R-1, type: referral}
//	    deal: {id: D-1, amount: "12000.00", close_date: 2026-02-01, first_payment: 2026-02-10}
//	    expect: {total: "850.00", held: "850.00", lines: {reward: "250.00", share: "600.00"}}
//	  - name: payable from day 60
//	    as_of: 2026-04-11
//	    partner: {id: R-1, type: referral}
//	    deal: {id: D-1, amount: "12000.00", close_date: 2026-02-01, first_payment: 2026-02-10}
//	    expect: {total: "850.00", held: "0"}
//	  - name: refunded inside the hold, so void
//	    as_of: 2026-05-01
//	    partner: {id: R-1, type: referral}
//	    deal: {id: D-2, amount: "12000.00", close_date: 2026-02-01, first_payment: 2026-02-10, refunded: 2026-03-20}
//	    expect: {total: "0", held: "0"}
//	  # 250.00 + 20,000.00 x 5% (1,000.00) = 1,250.00, cut to the 1,000.00 deal
//	  # cap. A refund after the hold voids nothing: take it back with a credit note.
//	  - name: refunded after the hold, so paid
//	    as_of: 2026-06-01
//	    partner: {id: R-1, type: referral}
//	    deal: {id: D-3, amount: "20000.00", close_date: 2026-02-01, first_payment: 2026-02-10, refunded: 2026-05-01}
//	    expect: {total: "1000.00", held: "0", capped: [per_deal]}
//	  - name: a reseller is not a referral partner
//	    partner: {id: X-1, type: reseller}
//	    deal: {id: D-4, amount: "12000.00", close_date: 2026-02-01}
//	    expect: {eligible: false, failed: referral partner}
//	  # D-5: 250.00 + 2,000.00 x 5% = 350.00, paid 2026-01-20, matured
//	  # 2026-03-21 (11 + 28 + 21 days). D-6: 250.00 + 4,000.00 x 5% = 450.00,
//	  # paid 2026-03-05, matures 2026-05-04 (26 + 30 + 4 days): held.
//	  - name: the statement shows what is held and what is payable
//	    as_of: 2026-04-20
//	    partner: {type: referral}
//	    deals:
//	      - {id: D-5, amount: "2000.00", close_date: 2026-01-15, first_payment: 2026-01-20, partner_id: R-2}
//	      - {id: D-6, amount: "4000.00", close_date: 2026-03-01, first_payment: 2026-03-05, partner_id: R-2}
//	    expect:
//	      statement:
//	        R-2: {earned: "800.00", held: "450.00", payable: "350.00"}
//
// A rebate on deals in several currencies, converted at a rate file's
// rates, split between a rebate and an MDF accrual paid from buckets with
// separate minimums:
//
//	# cookbook-multicurrency-buckets.yaml: a rebate on deals in euros and pounds, paid in dollars at a rate file's rates, split into a rebate and an MDF accrual paid from buckets with their own minimums.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-fx-rebate
//	name: Multi-currency rebate with MDF accrual
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	payouts:
//	  - bucket: rebate
//	    types: [rebate]
//	    min_payout: 100
//	  - bucket: mdf
//	    types: [mdf]
//	    min_payout: 250
//	earnings:
//	  - id: rebate
//	    type: rebate
//	    amount: deal.amount * 0.03
//	  - id: mdf
//	    type: mdf
//	    amount: deal.amount * 0.01
//	tests:
//	  # `rates:` is a rate file's list (partnerops run -rates takes the same).
//	  # D-1: 4,000.00 EUR x 1.10 = 4,400.00 USD: rebate 132.00, mdf 44.00.
//	  # D-2: 2,000.00 GBP x 1.25 = 2,500.00 USD: rebate 75.00, mdf 25.00.
//	  # rebate bucket 207.00 >= 100: paid; mdf 69.00 < 250: carried out.
//	  - name: a quarter in two currencies
//	    rates:
//	      - {from: EUR, to: USD, rate: 1.10, as_of: 2026-03-31, valid_from: 2026-01-01, valid_to: 2026-03-31, source: treasury Q1}
//	      - {from: GBP, to: USD, rate: 1.25, as_of: 2026-03-31, valid_from: 2026-01-01, valid_to: 2026-03-31, source: treasury Q1}
//	    deals:
//	      - {id: D-1, amount: "4000.00", currency: EUR, close_date: 2026-02-10, partner_id: P-1}
//	      - {id: D-2, amount: "2000.00", currency: GBP, close_date: 2026-03-05, partner_id: P-1}
//	    expect:
//	      total: "276.00"
//	      deals:
//	        D-1: {lines: {rebate: "132.00", mdf: "44.00"}}
//	        D-2: {lines: {rebate: "75.00", mdf: "25.00"}}
//	      statement:
//	        P-1:
//	          earned: "276.00"
//	          payable: "207.00"
//	          carried_out: "69.00"
//	          buckets:
//	            rebate: {earned: "207.00", payable: "207.00"}
//	            mdf: {earned: "69.00", payable: "0", carried_out: "69.00"}
//	  # The next quarter brings the 69.00 MDF balance in. D-3: 20,000.00 EUR x
//	  # 1.08 = 21,600.00 USD: rebate 648.00, mdf 216.00; mdf 216.00 + 69.00 =
//	  # 285.00 >= 250: paid. Payable 648.00 + 285.00 = 933.00.
//	  - name: the MDF balance is paid once it reaches its minimum
//	    carried: {P-1: {mdf: "69.00"}}
//	    rates:
//	      - {from: EUR, to: USD, rate: 1.08, as_of: 2026-06-30, valid_from: 2026-04-01, valid_to: 2026-06-30, source: treasury Q2}
//	    deals:
//	      - {id: D-3, amount: "20000.00", currency: EUR, close_date: 2026-05-12, partner_id: P-1}
//	    expect:
//	      statement:
//	        P-1:
//	          payable: "933.00"
//	          buckets:
//	            rebate: {earned: "648.00", payable: "648.00"}
//	            mdf: {earned: "216.00", carried_in: "69.00", payable: "285.00"}
//
// A SPIFF with a claim window counted from a custom activation date (see
// Claim windows and registration validity):
//
//	# cookbook-activation-spiff.yaml: a SPIFF of 150 per new subscription that
//	# the customer activated, claimable for 30 days from the activation date.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-activation-spiff
//	name: Activation SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2026-04-01, to: 2026-06-30, timezone: America/New_York}
//	claims: {window: 30d, from: activated}
//	fields:
//	  activated: date
//	eligibility:
//	  - name: new business
//	    when: deal.type == "new_business"
//	  - name: activated within the quarter
//	    when: deal.activated <= date("2026-06-30")
//	earnings:
//	  - id: activation
//	    type: spiff
//	    amount: 150
//	tests:
//	  - name: an activated new subscription earns the SPIFF
//	    as_of: 2026-05-31
//	    # claim by 2026-05-05 + 30 days = 2026-06-04 (26 days to May 31, + 4): open
//	    deal: {id: S-1, amount: "9000.00", type: new_business, close_date: 2026-04-20, activated: 2026-05-05}
//	    expect: {total: "150.00"}
//	  - name: a renewal earns nothing
//	    deal: {id: S-2, amount: "9000.00", type: renewal, close_date: 2026-04-20, activated: 2026-05-05}
//	    expect: {eligible: false, failed: new business}
//	  - name: a subscription activated after the quarter earns nothing
//	    deal: {id: S-3, amount: "9000.00", type: new_business, close_date: 2026-06-20, activated: 2026-07-02}
//	    expect: {eligible: false, failed: activated within the quarter}
//
// A deal-registration bonus with a validity and pick-highest between a
// share and a minimum:
//
//	# cookbook-registration-bonus.yaml: a deal-registration bonus of 3% of the
//	# deal, at least 750, for deals closed within 90 days of the registration's
//	# approval; the higher of the two pays.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-registration-bonus
//	name: Deal registration bonus
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	registration: {valid: 90d}
//	earnings:
//	  - id: share
//	    type: deal_registration
//	    when: deal.registered
//	    amount: deal.amount * 0.03
//	    group: registration
//	  - id: minimum
//	    type: deal_registration
//	    when: deal.registered
//	    amount: 750
//	    group: registration
//	groups:
//	  - {id: registration, pick: highest}
//	tests:
//	  - name: the share is higher than the minimum
//	    # 40000.00 x 0.03 = 1200.00 > 750.00
//	    deal: {id: R-1, amount: "40000.00", close_date: 2026-03-01, registration: {id: REG-1, approved: 2026-02-01}}
//	    expect: {total: "1200.00", lines: {share: "1200.00"}}
//	  - name: the minimum is higher than the share
//	    # 10000.00 x 0.03 = 300.00 < 750.00
//	    deal: {id: R-2, amount: "10000.00", close_date: 2026-03-01, registration: {id: REG-2, approved: 2026-02-01}}
//	    expect: {total: "750.00", lines: {minimum: "750.00"}}
//	  - name: a registration approved more than 90 days before the close has lapsed
//	    # approved 2026-01-10; + 90 days: 21 (to Jan 31) + 28 + 31 + 10 = 2026-04-10
//	    deal: {id: R-3, amount: "40000.00", close_date: 2026-04-15, registration: {id: REG-3, approved: 2026-01-10}}
//	    expect: {eligible: false, failed: registration validity}
//	  - name: an unregistered deal earns no bonus
//	    deal: {id: R-4, amount: "40000.00", close_date: 2026-03-01}
//	    expect: {total: "0.00", lines: {}}
//
// A growth rebate over a baseline of past quarters (see Partner history):
//
//	# cookbook-growth-rebate.yaml: a quarterly growth rebate of 5% on what a
//	# partner sells in the quarter above a baseline, the mean of its last four
//	# quarters, which the caller supplies as the partner's history.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-growth-rebate
//	name: Growth rebate over a four-quarter baseline
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	period: quarter
//	earnings:
//	  - id: growth
//	    type: rebate
//	    # the part of this deal that takes the quarter's total above the baseline
//	    amount: 0.05 * max(0, min(deal.amount, period.amount + deal.amount - history_mean("quarter", 4)))
//	tests:
//	  - name: only the sales above the baseline earn
//	    history: {2025-Q2: "100000.00", 2025-Q3: "120000.00", 2025-Q4: "80000.00", 2026-Q1: "100000.00"}
//	    # baseline (100000 + 120000 + 80000 + 100000) / 4 = 100000.00
//	    deals:
//	      # quarter total 60000.00, below the baseline: 0.00
//	      - {id: D-1, amount: "60000.00", close_date: 2026-04-10}
//	      # quarter total 110000.00: 10000.00 above, 10000.00 x 0.05 = 500.00
//	      - {id: D-2, amount: "50000.00", close_date: 2026-05-10}
//	      # quarter total 140000.00: all 30000.00 above, x 0.05 = 1500.00
//	      - {id: D-3, amount: "30000.00", close_date: 2026-06-10}
//	    expect:
//	      total: "2000.00"
//	      deals:
//	        D-1: {total: "0.00"}
//	        D-2: {total: "500.00"}
//	        D-3: {total: "1500.00"}
//	  - name: a partner that sold nothing last year has a baseline of zero
//	    history: {2025-Q1: 0, 2025-Q2: 0, 2025-Q3: 0, 2025-Q4: 0}
//	    # baseline 0.00: 20000.00 x 0.05 = 1000.00
//	    deal: {id: D-4, amount: "20000.00", close_date: 2026-02-01}
//	    expect: {total: "1000.00"}
//
// A reimbursement at a share of actual cost, capped by an approved amount
// (a computed line cap):
//
//	# cookbook-reimbursement.yaml: a co-marketing (MDF) reimbursement of half
//	# the actual cost, capped per activity by the amount approved for it.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-mdf-reimbursement
//	name: Co-marketing reimbursement
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	fields:
//	  proof_of_performance: bool
//	  approved_amount: {type: decimal, optional: true}
//	eligibility:
//	  - name: proof of performance received
//	    when: deal.proof_of_performance
//	earnings:
//	  - id: reimbursement
//	    type: mdf
//	    amount: deal.amount * 0.5   # the deal amount is the activity's actual cost
//	    cap: deal.approved_amount   # a computed line cap
//	tests:
//	  - name: half the cost, under the approved amount
//	    deal: {id: A-1, amount: "1200.00", close_date: 2026-03-10, proof_of_performance: true, approved_amount: "1000.00"}
//	    # 1200.00 x 0.5 = 600.00, at most the 1000.00 approved
//	    expect: {total: "600.00", capped: []}
//	  - name: the approved amount caps the reimbursement
//	    deal: {id: A-2, amount: "5000.00", close_date: 2026-03-10, proof_of_performance: true, approved_amount: "1500.00"}
//	    # 5000.00 x 0.5 = 2500.00 > 1500.00 approved: the cap cuts 1000.00
//	    expect: {total: "1500.00", lines: {reimbursement: "1500.00"}, capped: [line:reimbursement]}
//	  - name: an activity with no approved amount is reimbursed nothing
//	    deal: {id: A-3, amount: "600.00", close_date: 2026-03-10, proof_of_performance: true}
//	    # 600.00 x 0.5 = 300.00; a missing approved_amount reads 0: cut to 0.00
//	    expect: {total: "0.00", capped: [line:reimbursement]}
//	  - name: no proof of performance, no reimbursement
//	    deal: {id: A-4, amount: "600.00", close_date: 2026-03-10, proof_of_performance: false, approved_amount: "1000.00"}
//	    expect: {eligible: false, failed: proof of performance received}
//
// A multiplier over seats (a band table measuring deal.quantity):
//
//	# cookbook-seat-multiplier.yaml: 10 per seat sold, multiplied by 1.5 from
//	# 50 seats and by 2 from 200 seats (the whole deal, retroactively).
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-seat-multiplier
//	name: Seat multiplier
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: seats
//	    type: spiff
//	    amount: deal.quantity * 10
//	    bands:
//	      method: retroactive
//	      measure: deal.quantity
//	      pays: multiplier
//	      table:
//	        - {from: 0, to: 50, multiplier: 1, label: base}
//	        - {from: 50, to: 200, multiplier: 1.5, label: team}
//	        - {from: 200, multiplier: 2, label: enterprise}
//	tests:
//	  - name: below 50 seats
//	    # 40 x 10 = 400.00 x 1 = 400.00
//	    deal: {id: U-1, amount: "12000.00", quantity: 40, close_date: 2026-05-01}
//	    expect: {total: "400.00", band: {seats: base}}
//	  - name: 50 seats reach the team multiplier
//	    # 50 x 10 = 500.00 x 1.5 = 750.00 (a basis on a boundary belongs to the upper band)
//	    deal: {id: U-2, amount: "15000.00", quantity: 50, close_date: 2026-05-01}
//	    expect: {total: "750.00", band: {seats: team}}
//	  - name: 250 seats double
//	    # 250 x 10 = 2500.00 x 2 = 5000.00
//	    deal: {id: U-3, amount: "75000.00", quantity: 250, close_date: 2026-05-01}
//	    expect: {total: "5000.00", band: {seats: enterprise}}
//
// A cumulative accelerator that counts the partner's prior total:
//
//	# cookbook-cumulative-accelerator.yaml: a commission that accelerates with
//	# the partner's sales over the year, counting what it sold before this run
//	# (the prior cumulative total): 2% up to 500,000, 4% up to 1,000,000, 6%
//	# above, each rate on the part of the sales in its band.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-cumulative-accelerator
//	name: Cumulative accelerator
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: commission
//	    type: commission
//	    bands:
//	      method: marginal
//	      basis: cumulative
//	      pays: rate
//	      table:
//	        - {from: 0, to: 500000, rate: 0.02}
//	        - {from: 500000, to: 1000000, rate: 0.04}
//	        - {from: 1000000, rate: 0.06}
//	tests:
//	  - name: the year's first deal
//	    # 100000.00 x 0.02 = 2000.00
//	    deal: {id: C-1, amount: "100000.00", close_date: 2026-02-01}
//	    expect: {total: "2000.00", band: {commission: 1}}
//	  - name: deals after 450,000 sold earlier this year
//	    prior: {cumulative: "450000.00"}
//	    deals:
//	      # 450000 -> 550000: 50000 x 0.02 + 50000 x 0.04 = 1000.00 + 2000.00 = 3000.00
//	      - {id: C-2, amount: "100000.00", close_date: 2026-07-01}
//	      # 550000 -> 1050000: 450000 x 0.04 + 50000 x 0.06 = 18000.00 + 3000.00 = 21000.00
//	      - {id: C-3, amount: "500000.00", close_date: 2026-08-01}
//	    expect:
//	      total: "24000.00"
//	      deals:
//	        C-2: {total: "3000.00", band: {commission: 2}}
//	        C-3: {total: "21000.00", band: {commission: 3}}
//
// Units of one product family, excluding demo and refurbished SKUs, named
// once and read by a clause and two earnings:
//
//	# cookbook-values-lines.yaml: named values computed once per deal, and
//	# sums over the deal's product lines ("storage units, excluding demo and
//	# refurbished SKUs") written once and read by a clause and two earnings.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-storage-units
//	name: Storage units SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	fields: {cost: decimal}
//	line_fields: {refurbished: {type: bool, optional: true}}
//	values:
//	  storage_units: >-
//	    sum(filter(deal.lines, line.family == "storage"
//	    && !(line.product startsWith "DEMO-") && !line.refurbished), line.quantity)
//	  margin: deal.amount - deal.cost
//	  healthy_margin: values.margin >= deal.amount * 0.2
//	eligibility:
//	  - name: sells storage
//	    when: values.storage_units >= 2
//	earnings:
//	  - id: per-unit
//	    type: spiff
//	    amount: values.storage_units * 50
//	  - id: margin-kicker
//	    type: bonus
//	    when: values.healthy_margin
//	    amount: round(values.margin * 0.01, 2)
//	tests:
//	  - name: three storage units; demo and refurbished lines excluded
//	    deal:
//	      id: D-1
//	      amount: "10000.00"
//	      cost: "7000.00"
//	      close_date: 2026-03-02
//	      products:
//	        - {product: SRV-1, family: storage, quantity: 3, amount: "6000.00"}
//	        - {product: DEMO-SRV, family: storage, quantity: 2, amount: "0"}
//	        - {product: SRV-2, family: storage, quantity: 4, amount: "2000.00", refurbished: true}
//	        - {product: NET-1, family: network, quantity: 5, amount: "2000.00"}
//	    # storage units: SRV-1 only = 3; per-unit: 3 x 50 = 150.00
//	    # margin: 10000.00 - 7000.00 = 3000.00 >= 10000.00 x 0.2 = 2000.00,
//	    # so the kicker pays 3000.00 x 0.01 = 30.00; total 150.00 + 30.00 = 180.00
//	    expect:
//	      total: "180.00"
//	      lines: {per-unit: "150.00", margin-kicker: "30.00"}
//	      values: {storage_units: 3, margin: "3000.00", healthy_margin: true}
//	  - name: a thin margin pays no kicker
//	    deal:
//	      id: D-2
//	      amount: "10000.00"
//	      cost: "9000.00"
//	      close_date: 2026-03-02
//	      products: [{product: SRV-1, family: storage, quantity: 2, amount: "10000.00"}]
//	    # 2 units x 50 = 100.00; margin 1000.00 < 2000.00
//	    expect:
//	      total: "100.00"
//	      lines: {per-unit: "100.00"}
//	      values: {storage_units: 2, healthy_margin: false}
//	  - name: one storage unit is not enough
//	    deal:
//	      id: D-3
//	      amount: "500.00"
//	      cost: "100.00"
//	      close_date: 2026-03-02
//	      products: [{product: SRV-1, family: storage, quantity: 1, amount: "500.00"}]
//	    expect: {eligible: false, failed: sells storage, values: {storage_units: 1}}
//
// At most two of three promotions stack, by declared priority or by amount:
//
//	# cookbook-stacking.yaml: at most two of three promotions stack, chosen by
//	# their declared priority; of three rebates the two largest pay.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-stacking
//	name: Stacking limits
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	fields: {segment: string}
//	earnings:
//	  - id: new-logo
//	    type: spiff
//	    when: deal.type == "new_business"
//	    amount: 300
//	    group: promos
//	    priority: 2
//	  - id: quarter-push
//	    type: bonus
//	    amount: deal.amount * 0.01
//	    group: promos
//	    priority: 1
//	  - id: enterprise
//	    type: bonus
//	    when: deal.segment == "enterprise"
//	    amount: 500
//	    group: promos
//	    priority: 3
//	  - id: rebate-a
//	    type: rebate
//	    amount: deal.amount * 0.02
//	    group: rebates
//	  - id: rebate-b
//	    type: rebate
//	    amount: 250
//	    group: rebates
//	  - id: rebate-c
//	    type: rebate
//	    amount: deal.amount * 0.015
//	    group: rebates
//	groups:
//	  - {id: promos, pick: {max: 2, by: priority}}
//	  - {id: rebates, pick: {max: 2, by: amount}}
//	tests:
//	  - name: three promotions apply; priority 3 is dropped
//	    deal: {id: D-1, amount: "20000.00", type: new_business, segment: enterprise, close_date: 2026-05-04}
//	    # promos: quarter-push 20000.00 x 0.01 = 200.00 (priority 1) and
//	    # new-logo 300.00 (priority 2) pay; enterprise 500.00 (priority 3) is dropped
//	    # rebates: a 20000.00 x 0.02 = 400.00, b 250.00, c 20000.00 x 0.015 = 300.00;
//	    # the two largest, a and c, pay
//	    # total: 200.00 + 300.00 + 400.00 + 300.00 = 1200.00
//	    expect:
//	      total: "1200.00"
//	      lines: {quarter-push: "200.00", new-logo: "300.00", rebate-a: "400.00", rebate-c: "300.00"}
//	  - name: a promotion that does not apply leaves room for the next
//	    deal: {id: D-2, amount: "10000.00", type: renewal, segment: enterprise, close_date: 2026-05-04}
//	    # promos: new-logo does not apply; quarter-push 100.00 and enterprise 500.00 pay
//	    # rebates: a 200.00, b 250.00, c 150.00; b and a pay
//	    # total: 100.00 + 500.00 + 250.00 + 200.00 = 1050.00
//	    expect:
//	      total: "1050.00"
//	      lines: {quarter-push: "100.00", enterprise: "500.00", rebate-a: "200.00", rebate-b: "250.00"}
//
// A deal cap computed from the deal: at most 30% of its gross margin:
//
//	# cookbook-margin-cap.yaml: a deal pays at most 30% of its gross margin, a
//	# deal cap computed from the deal.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-margin-cap
//	name: Rebate capped at a share of margin
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	fields: {cost: decimal}
//	values:
//	  margin: deal.amount - deal.cost
//	earnings:
//	  - id: rebate
//	    type: rebate
//	    amount: deal.amount * 0.05
//	  - id: launch-bonus
//	    type: bonus
//	    amount: 200
//	caps:
//	  per_deal: values.margin * 0.3
//	tests:
//	  - name: a thin margin caps the deal
//	    deal: {id: D-1, amount: "10000.00", cost: "8500.00", close_date: 2026-04-01}
//	    # rebate 10000.00 x 0.05 = 500.00, launch-bonus 200.00: 700.00
//	    # margin 10000.00 - 8500.00 = 1500.00, cap 1500.00 x 0.3 = 450.00;
//	    # the cap cuts 250.00, the last paying line first: launch-bonus 200.00 -> 0,
//	    # then rebate 500.00 -> 450.00
//	    expect:
//	      total: "450.00"
//	      lines: {rebate: "450.00", launch-bonus: "0"}
//	      capped: [per_deal]
//	      values: {margin: "1500.00"}
//	  - name: a healthy margin leaves the deal uncapped
//	    deal: {id: D-2, amount: "10000.00", cost: "6000.00", close_date: 2026-04-01}
//	    # margin 4000.00, cap 4000.00 x 0.3 = 1200.00 is above 700.00
//	    expect: {total: "700.00", lines: {rebate: "500.00", launch-bonus: "200.00"}, capped: []}
//	  - name: the computed limit is rounded toward zero
//	    deal: {id: D-3, amount: "1000.00", cost: "999.99", close_date: 2026-04-01}
//	    # margin 0.01, 0.01 x 0.3 = 0.003, rounded toward zero: 0.00, so nothing pays
//	    expect: {total: "0", lines: {rebate: "0", launch-bonus: "0"}, capped: [per_deal]}
//
// An amount per unit by product family, for each product line, with exclusions:
//
//	# cookbook-per-line.yaml: an amount per unit, by product family, computed
//	# for each product line; demo SKUs earn nothing, and the test says why.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-per-unit
//	name: Per-unit SPIFF by family
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: per-unit
//	    type: spiff
//	    per: line
//	    when: line.family in ["storage", "network"] && !(line.product startsWith "DEMO-")
//	    amount: "line.quantity * (line.family == \"storage\" ? 40 : 15)"
//	    cap: 500
//	tests:
//	  - name: each line earns by its family; the demo line earns nothing
//	    deal:
//	      id: D-1
//	      amount: "9000.00"
//	      close_date: 2026-06-01
//	      products:
//	        - {product: SRV-1, family: storage, quantity: 3}
//	        - {product: DEMO-SRV, family: storage, quantity: 5}
//	        - {product: SW-1, family: network, quantity: 4}
//	        - {product: CARE, family: services, quantity: 1}
//	    # SRV-1: 3 x 40 = 120.00; DEMO-SRV: none (demo); SW-1: 4 x 15 = 60.00;
//	    # CARE: none (services); the earning: 120.00 + 60.00 = 180.00
//	    expect:
//	      total: "180.00"
//	      lines: {per-unit: "180.00"}
//	      per_line: {per-unit: ["120.00", none, "60.00", none]}
//	  - name: the line cap bounds the sum over the lines
//	    deal:
//	      id: D-2
//	      amount: "20000.00"
//	      close_date: 2026-06-01
//	      products: [{product: SRV-9, family: storage, quantity: 20}]
//	    # 20 x 40 = 800.00, capped at 500.00
//	    expect: {total: "500.00", lines: {per-unit: "500.00"}, per_line: {per-unit: ["800.00"]}, capped: ["line:per-unit"]}
//	  - name: a deal without product lines earns nothing
//	    deal: {id: D-3, amount: "100.00", close_date: 2026-06-01}
//	    expect: {total: "0", lines: {}}
//
// Earnings computed from an earlier earning, before and after its cap:
//
//	# cookbook-earning-refs.yaml: earnings computed from an earlier earning's
//	# amount, before or after its cap.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: cookbook-earning-refs
//	name: Matching bonus on the capped rebate
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: rebate
//	    type: rebate
//	    amount: deal.amount * 0.04
//	    cap: 1000
//	  - id: match
//	    type: bonus
//	    # half of what the rebate pays after its cap
//	    amount: earned("rebate", "after_caps") * 0.5
//	  - id: shortfall
//	    type: bonus
//	    # a tenth of what the cap took from the rebate
//	    when: earned("rebate", "before_caps") > earned("rebate", "after_caps")
//	    amount: (earned("rebate", "before_caps") - earned("rebate", "after_caps")) * 0.1
//	tests:
//	  - name: an uncapped rebate is matched
//	    deal: {id: D-1, amount: "10000.00", close_date: 2026-03-01}
//	    # rebate 10000.00 x 0.04 = 400.00; match 400.00 x 0.5 = 200.00; no shortfall
//	    expect: {total: "600.00", lines: {rebate: "400.00", match: "200.00"}}
//	  - name: the match reads the capped rebate, the shortfall what the cap took
//	    deal: {id: D-2, amount: "40000.00", close_date: 2026-03-01}
//	    # rebate 40000.00 x 0.04 = 1600.00, capped at 1000.00; match 1000.00 x 0.5 = 500.00;
//	    # shortfall (1600.00 - 1000.00) x 0.1 = 60.00; total 1000.00 + 500.00 + 60.00 = 1560.00
//	    expect: {total: "1560.00", lines: {rebate: "1000.00", match: "500.00", shortfall: "60.00"}, capped: ["line:rebate"]}
//
// Split payouts. `split:` shares what a deal pays between payees by ratio:
// the deal's partner (`payee: partner`) and partners named on the deal, each
// by a custom string field holding the paid partner's id (`payee:
// deal.referrer`). At the program level it applies to every line; an
// earning's own `split:` replaces it for that earning. A split applies to
// each line separately, after the line, deal, partner and budget caps and
// after rounding, so the split never changes what the deal pays. Each line
// is counted in units of the rounding scale (cents for USD); every payee
// gets the floor of its exact share, and `remainder:` (required) says who
// gets the units left over: largest_share (the payee with the largest
// ratio, the first of equals), first (the first payee listed) or
// largest_remainder (one unit each to the largest fractional remainders,
// ties to the earlier payee). So the parts always add up to the line, and
// no payee is paid less than the floor of its share. With `rounding: {at:
// statement}` exact amounts are split at their own scale. A payee whose
// field is empty on a deal is left out and the others share by their
// ratios; with none left the deal's partner is paid all. A payee field
// naming the deal's own partner (a referrer who is the reseller itself), or
// the same partner as another payee field, is merged into that payee: the
// partner is paid one share, under the first way the split names it
// (`partner` for the deal's own), at the sum of their ratios, and the
// explanation says so. Ratios are above
// zero; a split has two or more payees, each at most once. A credit note's
// takeback is split the same way. Results list each payee's share
// (incentive.Result.Shares), statements credit each payee and list the
// split deal on both partners' statements, `partnerops run -results` adds
// a shares column (CSV) or field (JSON Lines), explanations show each
// split, and tests assert `shares:`.
//
//	# cookbook-split-payouts.yaml: a referral partner named on the deal shares the payout.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: referral-split
//	name: Resale SPIFF shared with the referral partner
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	fields:
//	  referrer: {type: string, optional: true}   # the referral partner's id
//	earnings:
//	  - id: resale
//	    type: spiff
//	    amount: deal.amount * 0.02
//	  - id: sourcing-fee
//	    type: referral
//	    when: deal.referrer != ""
//	    amount: 101.01
//	    split:                                   # this earning only: 50/50
//	      remainder: first
//	      to:
//	        - {payee: deal.referrer, ratio: 1}
//	        - {payee: partner, ratio: 1}
//	caps: {per_deal: 2500}
//	split:                                       # every other line: 80/20
//	  remainder: largest_share
//	  to:
//	    - {payee: partner, ratio: 80}
//	    - {payee: deal.referrer, ratio: 20}
//	tests:
//	  - name: 80/20 after rounding, the cent to the largest share
//	    partner: {id: P-1}
//	    deal: {id: D-1, amount: "12345.67", close_date: 2026-06-01, referrer: R-9}
//	    # resale 12,345.67 x 0.02 = 246.9134 -> 246.91;
//	    #   80% = 197.528, 20% = 49.382 -> 197.52 + 49.38 = 246.90, 1 cent left
//	    #   to the largest share (80): P-1 197.53, R-9 49.38
//	    # sourcing-fee 101.01 / 2 = 50.505 -> 50.50 each, 1 cent left to the
//	    #   first payee (the referrer): R-9 50.51, P-1 50.50
//	    # P-1 197.53 + 50.50 = 248.03; R-9 49.38 + 50.51 = 99.89; total 347.92
//	    expect:
//	      total: "347.92"
//	      lines: {resale: "246.91", sourcing-fee: "101.01"}
//	      shares: {P-1: "248.03", R-9: "99.89"}
//	  - name: the split applies after the deal cap
//	    partner: {id: P-1}
//	    deal: {id: D-2, amount: "200000.00", close_date: 2026-06-01, referrer: R-9}
//	    # 200,000.00 x 0.02 = 4,000.00; + 101.01 = 4,101.01, cut to 2,500.00 by
//	    # the deal cap, from the last line first: sourcing-fee 0.00, resale 2,500.00
//	    # resale: 80% = 2,000.00 to P-1, 20% = 500.00 to R-9
//	    expect:
//	      total: "2500.00"
//	      capped: [per_deal]
//	      shares: {P-1: "2000.00", R-9: "500.00"}
//	  - name: no referral partner on the deal, no split
//	    partner: {id: P-1}
//	    deal: {id: D-3, amount: "1000.00", close_date: 2026-06-01}
//	    # 1,000.00 x 0.02 = 20.00, all to P-1; sourcing-fee does not apply
//	    expect: {total: "20.00", shares: {P-1: "20.00"}}
//
// Period settlements. A `settlements:` item is an earning settled per
// period from the partner's period total rather than per deal: `period:`
// month, quarter, half or year (calendar periods in the program's time zone);
// the basis is the total of the partner's eligible deal amounts in the
// program currency (credit notes reduce it), and `bands:` (rate or flat,
// retroactive or marginal, no `basis:` or `measure:`) turn it into the
// entitlement, rounded as the program rounds. `advances: {earnings: [...],
// period: month}` names the earnings whose lines, paid deal by deal as
// usual, are advances against the settlement, shown by sub-period (month
// by default, never longer than the period); a deal whose claim window
// expired counts towards the basis but advances nothing, as it was not
// paid. When an advance earning is split (see Split payouts above), the
// deal's partner was advanced only its own part, and that is what its
// true-up deducts: the other payees' parts (a referral partner's 20%, say)
// are their shares of the deal, paid once and never deducted from any
// settlement, while the settlement itself, computed from the deal
// partner's own period total, is the deal partner's alone and is not
// split. A finance team reconciling the partner's rebate sees entitlement
// - what the partner itself received = true-up. With `credit: period` (the
// default) a period's true-up is its entitlement less its advances plus
// any negative true-up carried in; a positive true-up is payable, a
// negative one is carried to the next period, never invoiced. With
// `credit: year_to_date` the basis is the year's total up to the period's
// end, and the true-up is the year-to-date entitlement less everything the
// year credited so far (advances and earlier settlements): paid when
// positive, nothing (and nothing carried) otherwise, a high-water mark. A
// period settles once its last day is on or before the as-of date; a
// later one shows its advances so far.
//
// The per_partner caps and the budget bind a true-up as they bind a deal.
// A period's true-up is paid at the period's end: after every deal of the
// period and before every deal after it. It pays at most the room each
// per_partner cap (for the cap period containing the settlement period's
// last day: a yearly settlement under a quarterly cap counts in the fourth
// quarter) and the budget have left at that moment, rounded toward zero to
// the payout grid as a deal's payout is, and what it pays counts in them,
// so later deals (of any partner, for the budget) find less room. The part
// the caps cut is lost, like a deal line's cut: it is not carried, and
// under year_to_date it counts as credited, so a later period does not
// pay it again. True-ups due at the same moment are paid by period end,
// then settlement (in program order), then partner id. With the
// distributor example's terms (advances of 1%, a retroactive 3% from
// 500,000, a 12,000 quarterly per_partner cap), a quarter of 530,000 is
// advanced 5,300 and entitled to 15,900: its true-up of 10,600 pays
// 12,000 - 5,300 = 6,700, and 3,900 is cut (`capped`). A settlement line
// always adds up: a positive true-up = payable + capped; a negative one is
// carried (period credit) or pays nothing (year_to_date). A negative
// true-up is never capped. Tests assert `capped:` (the amount) and
// `capped_by: [per_partner]` (the caps that cut it; only per_partner and
// budget can) next to `payable:`.
//
//	# cookbook-settlement-caps.yaml: a true-up paid within the partner cap and the budget.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: capped-rebate
//	name: Quarterly rebate within a partner cap and a budget
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: advance                  # 2% advanced deal by deal
//	    type: rebate
//	    amount: deal.amount * 0.02
//	caps:
//	  per_partner: {limit: 1500, period: quarter}
//	  budget: 3000
//	settlements:
//	  - id: quarter-true-up          # paid at the quarter's end, inside the caps
//	    type: rebate
//	    period: quarter
//	    advances: {earnings: [advance]}
//	    bands:
//	      method: retroactive
//	      pays: rate
//	      table:
//	        - {from: 0, to: 50000, rate: 0.01}
//	        - {from: 50000, rate: 0.03}
//	tests:
//	  - name: the partner cap cuts the true-up
//	    as_of: 2026-03-31
//	    deals:
//	      - {id: D-1, amount: "20000.00", close_date: 2026-01-15}
//	      - {id: D-2, amount: "25000.00", close_date: 2026-02-15}
//	      - {id: D-3, amount: "10000.00", close_date: 2026-03-15}
//	    expect:
//	      # advances at 2%: 400 + 500 + 200 = 1,100.00, under the 1,500.00 cap
//	      total: "1100.00"
//	      settlements:
//	        quarter-true-up:
//	          # 55,000 >= 50,000: 3% = 1,650.00 - 1,100.00 = 550.00; the quarter's
//	          # cap has 1,500.00 - 1,100.00 = 400.00 left: 400.00 paid, 150.00 lost
//	          2026-01-01: {true_up: "550.00", payable: "400.00", capped: "150.00", capped_by: [per_partner]}
//	  - name: the true-up uses up budget that a later deal then lacks
//	    as_of: 2026-06-30
//	    prior: {budget_used: "1650.00"}
//	    deals:
//	      # 60,000.00 x 2% = 1,200.00; the budget has paid 1,650.00 + 1,200.00 = 2,850.00
//	      - {id: D-4, amount: "60000.00", close_date: 2026-01-15}
//	      # another partner, after the quarter: the budget is spent
//	      - {id: D-5, amount: "30000.00", close_date: 2026-04-15, partner: {id: P-2}}
//	    expect:
//	      deals:
//	        D-4: {total: "1200.00"}
//	        # 30,000.00 x 2% = 600.00, all cut: the true-up took the last 150.00
//	        D-5: {total: "0.00", capped: [budget]}
//	      settlements:
//	        quarter-true-up:
//	          # 3% = 1,800.00 - 1,200.00 = 600.00; the partner cap leaves
//	          # 1,500.00 - 1,200.00 = 300.00, the budget 3,000.00 - 2,850.00 =
//	          # 150.00: 150.00 paid at the quarter's end (before D-5), 450.00 lost
//	          2026-01-01: {true_up: "600.00", payable: "150.00", capped: "450.00", capped_by: [per_partner, budget]}
//
// incentive.SettlementBuilder does the settling, attached to the run
// (incentive.RunOptions.Settlements) so that the caps bind; periods that
// end after the last deal are settled after the run against the counts
// it left. `partnerops run` and `partnerops test` settle that way. The
// `-results` file of `partnerops run` has a row per settled period (kind
// `settlement`; its amount is the payable true-up, its cuts what the caps
// cut) after the deals' rows (kind `deal`), so the amounts of all its rows
// add up to the statement's earned; `-output csv` has a row per
// settlement line after its partner's row, and the JSON statement lists
// them under `settlements`. `partnerops run` prints the settlements
// after the statement (as of -as-of, else the last deal's close date) and
// adds the payable true-ups to the statement.
//
// A quarter chains into the next from files alone. The JSON statement
// (`partnerops run -output json`) lists, per partner, `settlement_carry`:
// for each settlement the last day settled (`through`), the negative
// true-up carried (`carried`), the year to date and what the year credited
// (`basis`, `credited`, under year_to_date), and the periods that had deals
// but had not ended (`open`, with their basis and advances by
// sub-period). `partnerops run -carried LAST.json` reads them back with
// the balances and holds: the carry comes in, an open period continues
// with the new deals added to its basis and advances, and a partner with
// no deals in the new run keeps its carry on its statement ("quarter-true-up
// carries -80.00 on") so nothing is dropped. A deal closing in a period
// that the carried state already settled is refused (a late deal cannot
// reopen a settled period; settle it by hand). The statement must be of the
// same program id (another id is an error); another version or hash is
// allowed with a warning on stderr, as the terms may change from one
// quarter to the next while the balances carry on, but a carried
// settlement the new version no longer has is an error rather than a
// dropped carry. A carried-in file written by hand (partner to amount)
// carries balances only. Go callers use SettlementBuilder.Carries and
// CarryIn (or SetPrior for the carry and year to date alone).
//
// The budget chains too: the JSON statement records `budget_used`, what
// the program's budget has paid through the run (the figure carried in,
// the deals' payouts and the true-ups settled, in the run or after it as
// of -as-of), exactly as the budget cap counted it, and the next run's
// budget starts from it, so a program with a lifetime `budget:` run a
// quarter at a time pays what one run over all its deals pays. A
// statement without `budget_used` (written before it was recorded) starts
// the budget from zero, with a warning on stderr. The per_partner caps do
// not chain: each run counts them from zero, so a cap period longer than
// one run (a quarterly cap under monthly runs) can pay a partner past its
// cap, a true-up settled in the later run included
// (examples/data/README.md works both out for
// examples/programs/var-rebate-2027.yaml, whose budget runs out in June).
// When the carried
// statement's `as_of` and the new run's first deal fall in the same cap
// period, `run` warns on stderr, naming the cap and the period: run the
// whole period at once (all its deals in one run, -carried from the
// statement before it). Go callers pass RunOptions.Counts and read
// RunCounts.BudgetUsed (or SettlementBuilder.BudgetUsed) for the next
// run's RunOptions.BudgetUsed.
//
//	# cookbook-period-settlements.yaml: monthly advances, a quarterly true-up, a year-to-date high-water mark.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: settled-rebate
//	name: Quarterly volume rebate with monthly advances
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	earnings:
//	  - id: advance                  # paid deal by deal, an advance on the rebate
//	    type: rebate
//	    amount: deal.amount * 0.02
//	settlements:
//	  - id: quarter-true-up          # the quarter's rate depends on its attainment
//	    type: rebate
//	    period: quarter
//	    credit: period               # negative true-ups are carried, never invoiced
//	    advances: {earnings: [advance], period: month}
//	    bands:
//	      method: retroactive
//	      pays: rate
//	      table:
//	        - {from: 0, to: 50000, rate: 0.01}
//	        - {from: 50000, rate: 0.03}
//	  - id: annual-high-water        # year to date: credited above what was credited
//	    type: bonus
//	    period: quarter
//	    credit: year_to_date
//	    bands:
//	      method: retroactive
//	      pays: rate
//	      table:
//	        - {from: 0, to: 100000, rate: 0}
//	        - {from: 100000, rate: 0.005}
//	tests:
//	  - name: advances, true-up and carry over three quarters
//	    as_of: 2026-09-30
//	    deals:
//	      - {id: D-1, amount: "20000.00", close_date: 2026-01-15}
//	      - {id: D-2, amount: "25000.00", close_date: 2026-02-15}
//	      - {id: D-3, amount: "10000.00", close_date: 2026-03-15}
//	      - {id: D-4, amount: "30000.00", close_date: 2026-04-15}
//	      - {id: D-5, amount: "60000.00", close_date: 2026-07-15}
//	    expect:
//	      # advances at 2%: 400 + 500 + 200 = 1,100 (Q1), 600 (Q2), 1,200 (Q3)
//	      total: "2900.00"
//	      settlements:
//	        quarter-true-up:
//	          # Q1 55,000 >= 50,000: 3% = 1,650.00 - 1,100.00 advanced = 550.00
//	          2026-01-01: {basis: "55000.00", entitlement: "1650.00", advances: "1100.00", true_up: "550.00", payable: "550.00", carried_out: "0"}
//	          # Q2 30,000: 1% = 300.00 - 600.00 = -300.00, carried, not invoiced
//	          2026-04-01: {entitlement: "300.00", advances: "600.00", true_up: "-300.00", payable: "0", carried_out: "-300.00"}
//	          # Q3 60,000: 3% = 1,800.00 - 1,200.00 - 300.00 carried = 300.00
//	          2026-07-01: {settled: true, entitlement: "1800.00", carried_in: "-300.00", true_up: "300.00", payable: "300.00"}
//	        annual-high-water:
//	          # YTD 55,000 and 85,000 earn 0; YTD 145,000: 0.5% = 725.00, none credited
//	          2026-04-01: {basis: "85000.00", entitlement: "0", payable: "0"}
//	          2026-07-01: {basis: "145000.00", entitlement: "725.00", credited: "0", payable: "725.00"}
//	  - name: a quarter not yet ended settles nothing
//	    as_of: 2026-09-29
//	    deals:
//	      - {id: D-5, amount: "60000.00", close_date: 2026-07-15}
//	    expect:
//	      # 60,000 x 2% = 1,200.00 advanced; the quarter ends 2026-09-30
//	      total: "1200.00"
//	      settlements:
//	        quarter-true-up:
//	          2026-07-01: {settled: false, advances: "1200.00", payable: "0"}
//
// Advances split with a referral partner named on the deal: the reseller's
// true-up deducts only the part of the advances it was paid.
//
//	# cookbook-split-advances.yaml: advances shared with a referral partner; the
//	# reseller's true-up deducts only its own part of them.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: split-advances
//	name: Quarterly rebate, advances shared with the referrer
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	fields:
//	  referrer: {type: string, optional: true}   # the referral partner's id
//	earnings:
//	  - id: advance
//	    type: rebate
//	    amount: deal.amount * 0.02
//	split:
//	  remainder: largest_share
//	  to:
//	    - {payee: partner, ratio: 80}
//	    - {payee: deal.referrer, ratio: 20}
//	settlements:
//	  - id: quarter-true-up
//	    type: rebate
//	    period: quarter
//	    advances: {earnings: [advance]}
//	    bands:
//	      method: retroactive
//	      pays: rate
//	      table:
//	        - {from: 0, to: 50000, rate: 0.01}
//	        - {from: 50000, rate: 0.03}
//	tests:
//	  - name: the reseller's true-up deducts its own part of the advances
//	    as_of: 2026-03-31
//	    partner: {id: P-1}
//	    deals:
//	      # D-1: 20,000.00 x 0.02 = 400.00: P-1 320.00, R-9 80.00
//	      - {id: D-1, amount: "20000.00", close_date: 2026-01-15, referrer: R-9}
//	      # D-2: 500.00, no referrer: all P-1's
//	      - {id: D-2, amount: "25000.00", close_date: 2026-02-15}
//	      # D-3: 200.00: P-1 160.00, R-9 40.00
//	      - {id: D-3, amount: "10000.00", close_date: 2026-03-15, referrer: R-9}
//	    expect:
//	      total: "1100.00"
//	      deals:
//	        D-1: {shares: {P-1: "320.00", R-9: "80.00"}}
//	      settlements:
//	        quarter-true-up:
//	          # 55,000.00 x 3% = 1,650.00; P-1 was advanced 320.00 + 500.00 +
//	          # 160.00 = 980.00 (R-9's 120.00 is R-9's): true-up 670.00
//	          2026-01-01: {basis: "55000.00", entitlement: "1650.00", advances: "980.00", true_up: "670.00", payable: "670.00"}
//	  - name: a referrer who is the reseller itself is one share
//	    as_of: 2026-03-31
//	    partner: {id: P-1}
//	    deals:
//	      # 55,000.00 x 0.02 = 1,100.00, wholly P-1's (80 + 20): all deducted
//	      - {id: D-4, amount: "55000.00", close_date: 2026-03-01, referrer: P-1}
//	    expect:
//	      total: "1100.00"
//	      deals:
//	        D-4: {shares: {P-1: "1100.00"}}
//	      settlements:
//	        quarter-true-up:
//	          # 1,650.00 - 1,100.00 = 550.00
//	          2026-01-01: {advances: "1100.00", true_up: "550.00", payable: "550.00"}
//
// A tier SPIFF whose base rate follows the partner's tier on the deal's
// date, while a quarterly kicker reads the tier the quarter began with:
//
//	# cookbook-dated-tiers.yaml: a partner's tier changes during the year.
//	# partner.tier is the tier on the deal's close date; the quarterly
//	# accelerator reads the tier the partner held when the quarter began.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: tier-spiff
//	name: Tier SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	period: quarter
//	earnings:
//	  - id: base
//	    type: spiff
//	    when: partner.tier == "gold"
//	    amount: deal.amount * 0.03
//	  - id: quarter-kicker
//	    type: spiff
//	    when: partner.at_period_start.tier == "gold"
//	    amount: 100
//	tests:
//	  - name: promoted in mid-February; the kicker waits for the next quarter
//	    partner:
//	      id: P-1
//	      tier_history:
//	        - {from: 2025-07-01, tier: silver}
//	        - {from: 2026-02-15, tier: gold}
//	    deals:
//	      # silver on Feb 14, and silver on Jan 1: nothing
//	      - {id: D-1, amount: "10000.00", close_date: 2026-02-14}
//	      # gold from Feb 15 (the day of the change counts): 10000.00 x 0.03 = 300.00;
//	      # the quarter began on Jan 1, when P-1 was silver: no kicker
//	      - {id: D-2, amount: "10000.00", close_date: 2026-02-15}
//	      # gold on May 4 and on Apr 1: 20000.00 x 0.03 = 600.00, + 100 = 700.00
//	      - {id: D-3, amount: "20000.00", close_date: 2026-05-04}
//	    # 0 + 300.00 + 700.00 = 1000.00
//	    expect:
//	      total: "1000.00"
//	      deals:
//	        D-1: {eligible: true, total: "0.00"}
//	        D-2: {total: "300.00", lines: {base: "300.00"}}
//	        D-3: {total: "700.00", lines: {base: "600.00", quarter-kicker: "100.00"}}
//	  - name: a partner without a history holds its tier throughout
//	    partner: {id: P-2, tier: gold}
//	    deal: {id: D-4, amount: "1000.00", close_date: 2026-03-31}
//	    # 1000.00 x 0.03 = 30.00, + 100 = 130.00
//	    expect: {total: "130.00", lines: {base: "30.00", quarter-kicker: "100.00"}}
//
// A registration bonus paid only for registrations approved by the close
// (deal.registered alone also counts a later approval):
//
//	# cookbook-registered-before-close.yaml: deal.registered is true for any
//	# approved registration, even one approved after the close; a program that
//	# pays only for registrations approved by the close says so.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: registration-bonus
//	name: Registration bonus
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	eligibility:
//	  - name: registration approved by the close
//	    when: deal.registered && deal.registration.approved <= deal.close_date
//	earnings:
//	  - id: bonus
//	    type: deal_registration
//	    amount: 250
//	tests:
//	  - name: approved before the close
//	    deal: {id: D-1, amount: "8000.00", close_date: 2026-05-20, registration: {id: R-1, approved: 2026-05-02}}
//	    expect: {total: "250.00"}
//	  - name: approved after the close is registered, but too late
//	    deal: {id: D-2, amount: "8000.00", close_date: 2026-05-20, registration: {id: R-2, approved: 2026-05-21}}
//	    expect: {eligible: false, failed: registration approved by the close}
//	  - name: a registration not (yet) approved is not registered
//	    deal: {id: D-3, amount: "8000.00", close_date: 2026-05-20, registration: {id: R-3}}
//	    expect: {eligible: false, failed: registration approved by the close}
//
// A rebate paid by bank transfer from 25.00 and by cheque from 250.00 less
// a 5.00 fee per cheque (see Payment methods):
//
//	# cookbook-payment-methods.yaml: bank transfers are paid from 25.00, cheques
//	# from 250.00 less a 5.00 fee each; a partner paid by a method without terms
//	# of its own is paid from the program's 100.00.
//	apiVersion: partnerops/v1
//	kind: Program
//	id: rebate-by-method
//	name: Rebate paid by method
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	min_payout: 100
//	payment_methods:
//	  - {method: bank_transfer, min_payout: 25}
//	  - {method: check, min_payout: 250, fee: 5}
//	earnings:
//	  - id: rebate
//	    type: rebate
//	    amount: deal.amount * 0.02
//	tests:
//	  - name: four partners, four methods
//	    deals:
//	      # P-1, bank transfer: 2000.00 x 0.02 = 40.00 >= 25.00: paid, no fee
//	      - {id: D-1, amount: "2000.00", close_date: 2026-02-10, partner: {id: P-1, payment_method: bank_transfer}}
//	      # P-2, cheque: 10000.00 x 0.02 = 200.00 < 250.00: carried over
//	      - {id: D-2, amount: "10000.00", close_date: 2026-02-11, partner: {id: P-2, payment_method: check}}
//	      # P-3, cheque: 15000.00 x 0.02 = 300.00 >= 250.00: paid; sends 300.00 - 5.00 = 295.00
//	      - {id: D-3, amount: "15000.00", close_date: 2026-02-12, partner: {id: P-3, payment_method: check}}
//	      # P-4, PayPal, no terms: 4000.00 x 0.02 = 80.00 < 100.00 (the program's): carried over
//	      - {id: D-4, amount: "4000.00", close_date: 2026-02-13, partner: {id: P-4, payment_method: paypal}}
//	    # 40.00 + 200.00 + 300.00 + 80.00 = 620.00
//	    expect:
//	      total: "620.00"
//	      statement:
//	        P-1: {payable: "40.00", fee: "0", sent: "40.00"}
//	        P-2: {payable: "0", carried_out: "200.00", fee: "0", sent: "0"}
//	        P-3: {payable: "300.00", fee: "5.00", sent: "295.00"}
//	        P-4: {payable: "0", carried_out: "80.00"}
//	  - name: the cheque balance is paid once it reaches 250.00, less the fee
//	    carried: {P-2: "200.00"}
//	    # 3000.00 x 0.02 = 60.00; 60.00 + 200.00 = 260.00 >= 250.00: paid;
//	    # sends 260.00 - 5.00 = 255.00
//	    deals:
//	      - {id: D-5, amount: "3000.00", close_date: 2026-05-04, partner: {id: P-2, payment_method: check}}
//	    expect:
//	      statement:
//	        P-2: {carried_in: "200.00", payable: "260.00", fee: "5.00", sent: "255.00"}
//
// The period settlements above (cookbook-period-settlements.yaml) run a
// quarter at a time, each run carrying the last one's JSON statement in.
// A YAML test runs one deal list, so this chain is tested by the command's
// own test (cmd/partnerops TestSettlementChainsThroughFiles, with golden
// output), on the same program and deals split by quarter:
//
//	partnerops run -output json -as-of 2026-03-31 program.yaml q1.json > q1-statement.json
//	partnerops run -output json -as-of 2026-06-30 -carried q1-statement.json program.yaml q2.json > q2-statement.json
//	partnerops run -as-of 2026-09-30 -carried q2-statement.json program.yaml q3.json
//
// Q1 pays its 550.00 true-up. Q2 settles P-1 at 300.00 - 600.00 = -300.00,
// which q2-statement.json carries (settlement_carry: through 2026-06-30,
// carried -300.00; the high-water mark's year to date 85,000.00). Q3 then
// pays 1,800.00 - 1,200.00 - 300.00 = 300.00 and the high-water mark
// 145,000.00 x 0.5% = 725.00, the figures of the single run over all the
// deals; P-2, with no Q3 deal, carries its -80.00 on.
//
// A SPIFF whose rate follows the partner's region on the deal's date, with a
// bonus for resellers that began the quarter in EMEA (see Partner
// attributes over time):
//
//	# cookbook-dated-attributes.yaml: a partner's type, region and country change
//	# during the year. partner.type and partner.region are the values on the
//	# deal's close date; the quarterly bonus reads the region the quarter began
//	# with (partner.at_period_start.region).
//	apiVersion: partnerops/v1
//	kind: Program
//	id: regional-spiff
//	name: Regional SPIFF
//	version: 1
//	currency: USD
//	effective: {from: 2026-01-01, to: 2026-12-31}
//	period: quarter
//	earnings:
//	  - id: emea-rate
//	    type: spiff
//	    when: partner.region == "emea"
//	    amount: deal.amount * 0.04
//	  - id: na-rate
//	    type: spiff
//	    when: partner.region == "na"
//	    amount: deal.amount * 0.02
//	  - id: reseller-bonus
//	    type: spiff
//	    when: partner.type == "reseller" && partner.at_period_start.region == "emea"
//	    amount: 150
//	tests:
//	  - name: a referral partner turns reseller on Apr 1 and moves to North America on May 15
//	    partner:
//	      id: P-1
//	      attribute_history:
//	        - {from: 2025-01-01, type: referral, region: emea, country: DE}
//	        - {from: 2026-04-01, type: reseller}
//	        - {from: 2026-05-15, region: na, country: US}
//	    deals:
//	      # emea, a referral partner: 10000.00 x 0.04 = 400.00, no bonus
//	      - {id: D-1, amount: "10000.00", close_date: 2026-03-10}
//	      # emea, a reseller, and emea on Apr 1: 10000.00 x 0.04 = 400.00, + 150 = 550.00
//	      - {id: D-2, amount: "10000.00", close_date: 2026-05-14}
//	      # na from May 15 (the day of the move counts): 10000.00 x 0.02 = 200.00;
//	      # the quarter began in emea: + 150 = 350.00
//	      - {id: D-3, amount: "10000.00", close_date: 2026-05-15}
//	      # na, and na on Jul 1: 10000.00 x 0.02 = 200.00, no bonus
//	      - {id: D-4, amount: "10000.00", close_date: 2026-07-01}
//	    # 400.00 + 550.00 + 350.00 + 200.00 = 1500.00
//	    expect:
//	      total: "1500.00"
//	      deals:
//	        D-1: {total: "400.00", lines: {emea-rate: "400.00"}}
//	        D-2: {total: "550.00", lines: {emea-rate: "400.00", reseller-bonus: "150.00"}}
//	        D-3: {total: "350.00", lines: {na-rate: "200.00", reseller-bonus: "150.00"}}
//	        D-4: {total: "200.00", lines: {na-rate: "200.00"}}
//	  - name: a region stated alone holds throughout, over the test partner's changes
//	    partner:
//	      id: P-2
//	      type: reseller
//	      attribute_history:
//	        - {from: 2026-01-01, region: na}
//	        - {from: 2026-06-01, region: emea}
//	    deals:
//	      # the deal's partner states emea: emea on Feb 2 and on Jan 1:
//	      # 5000.00 x 0.04 = 200.00, + 150 = 350.00
//	      - {id: D-5, amount: "5000.00", close_date: 2026-02-02, partner: {region: emea}}
//	      # the test's partner: na on Mar 2 (from Jan 1): 5000.00 x 0.02 = 100.00
//	      - {id: D-6, amount: "5000.00", close_date: 2026-03-02}
//	    # 350.00 + 100.00 = 450.00
//	    expect:
//	      total: "450.00"
//	      deals:
//	        D-5: {total: "350.00", lines: {emea-rate: "200.00", reseller-bonus: "150.00"}}
//	        D-6: {total: "100.00", lines: {na-rate: "100.00"}}
package rules
