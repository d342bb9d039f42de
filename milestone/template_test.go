package milestone

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseOffset(t *testing.T) {
	tests := []struct {
		in   string
		want Offset
		err  string
	}{
		{"+14d", Offset{14, Days}, ""},
		{"14d", Offset{14, Days}, ""},
		{"+2w", Offset{2, Weeks}, ""},
		{"+1mo", Offset{1, Months}, ""},
		{"+0d", Offset{0, Days}, ""},
		{"+10000d", Offset{10000, Days}, ""},
		{"+10001d", Offset{}, "more than 10000 days"},
		{"+1429w", Offset{}, "more than 10000 days"},
		{"+322mo", Offset{322, Months}, ""},
		{"+323mo", Offset{}, "more than 10000 days"},
		{"-3d", Offset{}, "before the start"},
		{"+d", Offset{}, "no number"},
		{"", Offset{}, "no number"},
		{"+3", Offset{}, "no unit"},
		{"+3m", Offset{}, `unknown unit "m"`},
		{"+3 d", Offset{}, `unknown unit " d"`},
		{"+123456d", Offset{}, "too many digits"},
		{"++3d", Offset{}, "no number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseOffset(tt.in)
			if tt.err != "" {
				require.ErrorIs(t, err, ErrBadOffset)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := ParseOffset(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

func TestOffsetFrom(t *testing.T) {
	tests := []struct {
		start, off, want string
	}{
		{"2026-01-31", "+1mo", "2026-02-28"}, // clamped to February's last day
		{"2028-01-31", "+1mo", "2028-02-29"}, // leap year
		{"2026-01-31", "+2mo", "2026-03-31"}, // not 03-28: each offset counts from the start
		{"2026-01-30", "+1mo", "2026-02-28"},
		{"2026-03-31", "+1mo", "2026-04-30"},
		{"2026-11-30", "+3mo", "2027-02-28"}, // across a year end
		{"2026-01-15", "+1mo", "2026-02-15"},
		{"2026-01-25", "+14d", "2026-02-08"}, // across a month end
		{"2026-12-20", "+2w", "2027-01-03"},
		{"2026-02-28", "+0d", "2026-02-28"},
	}
	for _, tt := range tests {
		t.Run(tt.start+tt.off, func(t *testing.T) {
			o, err := ParseOffset(tt.off)
			require.NoError(t, err)
			assert.Equal(t, tt.want, o.From(d(tt.start)).String())
		})
	}
}

func onboarding() *Template {
	return &Template{ID: "reseller-onboarding", Name: "Reseller onboarding", PartnerType: "reseller",
		Milestones: []TemplateMilestone{
			{ID: "agreement", Name: "Agreement signed", Owner: "partner_manager", Due: Offset{14, Days}, Duration: 5},
			{ID: "training", Name: "Sales training", Owner: "enablement", Due: Offset{2, Weeks}, DependsOn: []string{"agreement"}},
			{ID: "certified", Name: "3 certified engineers", Owner: "enablement", Due: Offset{1, Months}, Duration: 10,
				DependsOn: []string{"training"}, Weight: 3, Targets: []TargetSpec{{Metric: "certified_engineers", Target: dec("3"), Unit: "engineers"}}},
		},
		Outcomes: []TemplateOutcome{{ID: "pipeline", Metric: "pipeline", Unit: "USD", Target: dec("50000"), Due: Offset{3, Months}}},
	}
}

func TestInstantiateAcrossAMonthEnd(t *testing.T) {
	p, err := onboarding().Instantiate(InstantiateParams{PlanID: "acme-1", Subject: "acme", Owner: "pm", Start: d("2026-01-31"),
		Owners: map[string]string{"partner_manager": "ana"}})
	require.NoError(t, err)
	assert.Equal(t, "acme: Reseller onboarding", p.Name)
	assert.Equal(t, "reseller-onboarding", p.Template)
	assert.Equal(t, "reseller", p.PartnerType)
	var got []string
	for _, m := range p.Milestones {
		got = append(got, m.ID+" "+m.Owner+" "+m.Due.String())
	}
	// 01-31 +14d = 02-14; +2w = 02-14; +1mo = 02-28 (clamped).
	assert.Equal(t, []string{"agreement ana 2026-02-14", "training enablement 2026-02-14", "certified enablement 2026-02-28"}, got)
	// +3mo from 01-31 = 04-30 (clamped).
	assert.Equal(t, "2026-04-30", p.Outcomes[0].Due.String())
	assert.Equal(t, "3", p.Milestones[2].Targets[0].Target.String())
}

func TestInstantiateCopiesThePolicy(t *testing.T) {
	tpl := onboarding()
	tpl.Escalation = Policy{Rules: []EscalationRule{{After: 3, Notify: NotifyOwner}}}
	p, err := tpl.Instantiate(InstantiateParams{PlanID: "x", Start: d("2026-01-01")})
	require.NoError(t, err)
	assert.Equal(t, tpl.Escalation, p.Escalation)
	p.Escalation.Rules[0].After = 9
	assert.Equal(t, 3, tpl.Escalation.Rules[0].After, "the plan has its own copy")
	p.Escalation.Rules[0].Notify = "ceo"
	err = p.Validate()
	require.ErrorIs(t, err, ErrInvalidPlan)
	assert.Contains(t, err.Error(), `escalation.rules[0]: unknown recipient "ceo"`)
}

func TestTemplateValidate(t *testing.T) {
	tpl := onboarding()
	require.NoError(t, tpl.Validate())
	tpl.Milestones[0].DependsOn = []string{"certified", "nope"}
	tpl.Escalation = Policy{Rules: []EscalationRule{{After: 3, Notify: "boss"}}}
	err := tpl.Validate()
	require.ErrorIs(t, err, ErrInvalidPlan)
	assert.Contains(t, err.Error(), `escalation.rules[0]: unknown recipient "boss"`)
	assert.True(t, strings.Contains(err.Error(), "dependency cycle: agreement -> certified -> training -> agreement"), err.Error())
	assert.Contains(t, err.Error(), `depends on "nope"`)
}

func TestTemplatesFor(t *testing.T) {
	generic := &Template{ID: "generic"}
	msp := &Template{ID: "msp", PartnerType: "msp"}
	ts := Templates{generic, msp, onboarding()}
	for _, tt := range []struct{ typ, want string }{{"msp", "msp"}, {"reseller", "reseller-onboarding"}, {"agency", "generic"}} {
		got, ok := ts.For(tt.typ)
		require.True(t, ok)
		assert.Equal(t, tt.want, got.ID)
	}
	_, ok := Templates{msp}.For("agency")
	assert.False(t, ok)
}

func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"+14d", "+2w", "+1mo", "-1d", "99999mo", "+", "0d", "+00001w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOffset(s)
		if err != nil {
			if o != (Offset{}) {
				t.Fatalf("error with a value: %v %v", o, err)
			}
			return
		}
		if o.N < 0 || o.days() > MaxOffsetDays {
			t.Fatalf("%q parsed out of range: %+v", s, o)
		}
		again, err := ParseOffset(o.String())
		if err != nil || again != o {
			t.Fatalf("%q: %v does not round-trip: %v %v", s, o, again, err)
		}
		start := NewDate(2026, 1, 31)
		if due := o.From(start); due.Before(start) || due.DaysSince(start) > MaxOffsetDays+31 {
			t.Fatalf("%q lands on %s from %s", s, due, start)
		}
	})
}
