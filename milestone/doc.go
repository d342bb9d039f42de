// Package milestone tracks plans of milestones for partner onboarding,
// enablement projects and launches: dependencies, metric targets and
// outcomes, an event log that replays the plan at any past date, health
// against a clock the caller supplies, escalation, templates and a
// portfolio view across many plans.
//
// It imports no other package of the module: a partner is named by a
// PartnerID string.
//
// # Plans and events
//
// A Plan holds Milestones (id, owner, due date, dependencies, status,
// weight, metric targets) and Outcomes (metric targets of the whole plan
// with a date). Plan.Validate lists every problem at once, including every
// dependency cycle and every dependency on a milestone that does not
// exist. State changes are Events (actor, time, reason) applied with
// Plan.Apply, which refuses a milestone done before its dependencies and
// records reopens; Plan.AsOf replays the events up to a past moment.
//
// # Health
//
// Config.Health computes a PlanHealth at a moment the caller's clock
// supplies (the package never reads the system clock): each milestone's
// health, projected finish (slips propagate through dependencies), the
// critical path, projected completion, percent complete by count and by
// weight, and each outcome's standing by trend. The rules are stated on
// PlanHealth, OutcomeHealth and Config.Health.
package milestone
