// Package milestone tracks plans of milestones for partner onboarding,
// enablement projects and launches: dependencies, metric targets and
// outcomes, an event log that replays the plan at any past date, health
// against a clock the caller supplies, escalation, templates and a
// portfolio view across many plans.
//
// It imports no other package of the module: a partner is named by a
// PartnerID string. Metric values are exact decimals (shopspring), never
// floats. Nothing reads the system clock: every computation takes the
// caller's "now", and Config.Location says in which zone it becomes
// today's date (UTC by default).
//
// # Plans and events
//
// A Plan holds Milestones (id, owner, due date, duration, dependencies,
// status, weight, metric targets) and Outcomes (metric targets of the
// whole plan with a date). Plan.Validate lists every problem at once,
// including every dependency cycle and every dependency on a milestone
// that does not exist, each with a path such as
// "milestones[2].depends_on[0]" (package rules turns paths into file
// positions).
//
// Every change is an Event with an actor, a time and a reason, applied
// with Plan.Apply: status changes (a milestone cannot be done before its
// dependencies are done or cancelled; leaving done is a recorded reopen),
// measured metric targets, outcome progress, rescheduled due dates, and
// escalations delivered. Plan.AsOf replays the events up to a past moment.
//
// # Health
//
// Config.Health computes a PlanHealth: each milestone overdue, blocked, at
// risk (not started and due within Config.AtRiskWindow days, or projected
// late, or a dependency projected late), on track or done; its projected
// finish (a slip propagates through dependants until slack absorbs it);
// the critical path and projected completion; percent complete by count
// and by weight; and each outcome's standing by the linear trend of its
// progress. The exact rules are stated on PlanHealth, OutcomeHealth and
// Config.Health.
//
// # Escalation
//
// A Policy lists rules such as "overdue more than 3 days: notify the
// owner; more than 7: the plan owner's manager". Config.Escalations
// returns the escalations due now; the caller delivers them and records
// each with Escalation.Event, and a recorded escalation is never due
// again. The record lives in the plan's events, so it survives restarts
// and is shared by every process that reads the plan from a Store.
//
// # Stores
//
// Store keeps plans and their events behind a context-aware interface
// with one params struct per method, one transaction per call and
// optimistic versions (ErrNotFound, ErrConflict). MemoryStore is the
// in-memory implementation; package milestonetest is the conformance
// suite every implementation runs.
//
// # Templates
//
// A Template lists milestones and outcomes due at Offsets from a plan's
// start ("+14d", "+2w", "+1mo"; months clamp to the month's last day, so
// 01-31 +1mo is 02-28), for a partner type; Template.Instantiate makes a
// plan and Templates.For picks the template for a partner type. Package
// rules reads templates from YAML (`kind: PlanTemplate`).
//
// # Portfolio
//
// Config.Portfolio assesses many plans at once: counts by health, what
// needs attention ranked by severity (overdue critical-path milestones
// first, then missed and off-track outcomes), the completion of plans
// started in a period, the median days per milestone of each template,
// and Portfolio.WriteText renders it for a manager. The command
// `partnerops plans` prints it from YAML plan files.
package milestone
