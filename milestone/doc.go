// Package milestone will hold plans of milestones for partner onboarding,
// enablement and projects, with health computed against a supplied clock.
// It imports no other package of the module. It has no code yet: its issue
// is not open.
package milestone
