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
//	              registration.approved | <custom date field>}: an earning
//	              may be claimed until window days or months after the
//	              anchor (that day included), see Claim windows. Default:
//	              no claim deadline; from defaults to close_date.
//	              program_end needs effective.to
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
//	period        month | quarter | year | program (default): the partner
//	              period of period.amount, period.deals and period.earned,
//	              and the default period of partner_period band tables and
//	              the per_partner cap. Periods are calendar periods in the
//	              program's time zone; program means the whole window
//	precision     the decimal places a quotient keeps, 1 to 40 (default
//	              16), see Division
//	min_payout    statement minimum, >= 0; a smaller statement total is
//	              carried over (default 0: no minimum). A negative total
//	              (credit notes above what was earned) is carried too,
//	              even with no minimum: it is withheld from later
//	              payouts, never invoiced
//	payment_methods  [{method, min_payout, fee}]: payout terms of payment
//	              methods that differ from the program's, see Payment methods
//	allow_negative  true to accept deals with a negative amount (credit
//	              notes, see Credit notes); default false: such a deal is
//	              an error
//	fields        typed custom deal fields, see below
//	eligibility   clauses that must all hold, in order
//	earnings      the lines a deal can earn, in order
//	groups        earnings that compete instead of adding up
//	caps          per_deal, per_partner, budget
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
// Custom fields are declared with a type (string, int, decimal, bool or
// date) and are required unless marked optional; an optional field a deal
// does not carry reads as its type's zero value:
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
//	partner.{id,name,type,tier,region,country}   string; partner.tier is the
//	                                        tier on the deal's close date
//	partner.at_period_start.tier            string, the tier on the first day
//	                                        of the deal's period (see Partner
//	                                        tiers over time)
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
//
// with the operators && || ! == != < <= > >= + - * / % in, ?: and the
// functions round(x, places[, mode]), min, max, abs, len, date("2026-11-01")
// and the date functions below.
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
//	period(d, "month" | "quarter" | "year")   string: "2026-03", "2026-Q1",
//	                     "2026"; the unit must be a constant
//
// Results must lie in the years 1 to 9999; beyond, and for the empty date
// (an optional date field a deal does not carry, or
// deal.registration.approved of a deal without an approved registration),
// a date function fails at run time with an error naming the expression's
// position. Test for the empty date first: deal.registered &&
// days_between(...) evaluates days_between only for registered deals.
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
// # Eligibility and earnings
//
// Eligibility clauses are tested in order; the first that fails makes the
// deal ineligible and is reported by name (names are unique). Each earning
// has an id (unique), a type (spiff, rebate, mdf, bonus, referral,
// deal_registration, commission), an optional `when:`, and either an
// `amount:` or a band table (`bands:`); a band table paying a multiplier
// multiplies the `amount:`. `cap:` limits the line (> 0, in the program
// currency, applied before line rounding). `group:` names a group. Lines add
// up unless a group picks among them.
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
//	  period: month | quarter | year | program    partner_period only; default: the program's period
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
// order, whose condition holds and whose amount is not zero. Groups are
// decided after line caps and line rounding. A group without earnings is an
// error, a group with one earning a warning.
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
// no count ever passes its limit. A cap on the total takes its cut from
// the last paying line first. Tests name caps `line:<earning>`,
// `per_deal`, `per_partner` and `budget`.
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
// # Credit notes
//
// With `allow_negative: true` a deal may have a negative amount: a credit
// note (a return, a cancellation, a downgrade). A credit note can name the
// deal it credits with `credits: <deal id>`; that deal must come earlier
// in the same run (in a test, earlier in its `deals:` list), be the same
// partner's, and keep a net amount (its amount plus its credit notes) of
// zero or more. The rules, which hold for every cap and rounding stage:
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
//     names no deal and comes to a positive amount pays nothing.
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
// terms read it: deal.amount is the converted amount. Rates come from the
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
// name, email}], tier_history: [{from, tier}] (see Partner tiers over
// time), payment_method (see Payment methods)}, an optional prior {period_amount, period_deals,
// period_earned, cumulative, budget_used, basis: {<earning>: amount}} (the
// partner's and the program's totals before the test's deals), and either
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
//	band: {<earning>: <label> | <n>}  the band reached; n counts from 1
//	capped: [<cap>, ...]             exactly the caps that cut something:
//	                                 line:<earning>, per_deal, per_partner, budget
//
// `expect:` of a `deals:` test holds `total` (the sum over the deals) and
// `deals: {<deal id>: {<the keys above>}}`. Amounts are exact decimal
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
// reached, a cap that never cut; see Coverage. TestOptions.MinCoverage makes
// a report fail below a percentage. Package rulestest runs the tests as Go
// subtests.
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
// (testdata/errors/bad_payment_methods.golden).
//
// # Partner tiers over time
//
// A partner's tier can change during a program. A partner record (a test's
// `partner:`, a deal's inline partner, an entry of a partners file) states
// its changes as `tier_history:`, a list of {from, tier} in time order,
// each the tier in force from that day (midnight in the program's time
// zone, or an RFC 3339 instant) until the next entry; before the first
// entry the partner has no tier (""). The partner's `tier:` is then the
// last entry's and may be left out; a `tier:` that differs from it is an
// error, and a `tier:` given alone (in a deal overriding its test's
// partner) replaces the history: that tier holds throughout. In Go the
// changes are the tier events of partner.Partner.History (partner.SetTier
// records them), read with Partner.TierAt.
//
// Expressions read the tier on a day of the program's time zone: the tier
// after every change made on or before that day, so a change counts for
// the whole day it is made on:
//
//	partner.tier                   the tier on the deal's close date
//	partner.at_period_start.tier   the tier on the first day of the deal's
//	                               period: the month, quarter or year of
//	                               the program's `period:`, or the
//	                               effective start for `period: program`
//
// A partner without changes has its tier on every day. The explanation
// states the day each tier was read on when the partner has a history,
// e.g. `partner.at_period_start.tier on 2026-04-01 = "gold"`. Other
// partner attributes (type, region, country) have no history: they read
// the record's value. See the cookbook entry cookbook-dated-tiers.yaml.
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
// at most MaxDocuments documents and MaxNodes YAML nodes. Anchors, aliases
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
// Whole programs for common requests, each tested with hand-computed
// figures (testdata/reference/cookbook-*.yaml).
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
package rules
