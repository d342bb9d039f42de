package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunPartnersTierHistory: a YAML partners file's tier_history dates
// are midnight in the program's time zone, so a deal closing at 23:30 on
// the eve of a promotion (in New York; already the promotion day in UTC)
// reads the old tier and one closing half an hour after midnight the new.
func TestRunPartnersTierHistory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		return p
	}
	prog := write("prog.yaml", `apiVersion: partnerops/v1
kind: Program
id: ny-tier
name: NY tier SPIFF
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31, timezone: America/New_York}
earnings:
  - id: gold-spiff
    type: spiff
    when: partner.tier == "gold"
    amount: 100
`)
	partners := write("partners.yaml", `- id: P-1
  tier_history:
    - {from: 2026-01-01, tier: silver}
    - {from: 2026-04-01, tier: gold}
`)
	deals := write("deals.yaml", `- {id: D-1, partner_id: P-1, amount: "1000.00", close_date: "2026-03-31T23:30:00-04:00"}
- {id: D-2, partner_id: P-1, amount: "1000.00", close_date: "2026-04-01T00:30:00-04:00"}
`)
	out, stderr, code := invoke("explain", "-partners", partners, prog, deals)
	require.Equal(t, exitOK, code, stderr)
	// D-1 silver on 2026-03-31: nothing; D-2 gold on 2026-04-01: 100.00.
	assert.Contains(t, out, `partner.tier on 2026-03-31 = "silver"`)
	assert.Contains(t, out, `partner.tier on 2026-04-01 = "gold"`)
	out, stderr, code = invoke("run", "-partners", partners, prog, deals)
	require.Equal(t, exitOK, code, stderr)
	// 0.00 + 100.00 = 100.00 earned and payable.
	assert.Regexp(t, `P-1\s+2\s+2\s+100\.00\s+(0\.00\s+)+100\.00\s+0\.00\n`, out)
}
