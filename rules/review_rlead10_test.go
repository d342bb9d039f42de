package rules

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemaPatterns collects the propertyNames patterns of the schema (the
// keys of a history: period labels), wherever they are.
func schemaPatterns(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		if pn, ok := v["propertyNames"].(map[string]any); ok {
			if p, ok := pn["pattern"].(string); ok {
				*out = append(*out, p)
			}
		}
		for _, c := range v {
			schemaPatterns(c, out)
		}
	case []any:
		for _, c := range v {
			schemaPatterns(c, out)
		}
	}
}

// The JSON schema accepts the period labels the compiler accepts: a test's
// history keyed by half-year labels ("2027-H1"), as halfYearProgram's test
// is, compiles and runs (TestHalfYearSettlementAndHistory), so an editor
// validating the file against Schema() must not flag it. (schemaCheck of
// schema_test.go does not read patterns, so TestSchemaAcceptsEveryValidFile
// could not see it.)
func TestReviewRlead10SchemaHalfYearHistory(t *testing.T) {
	var root map[string]any
	require.NoError(t, json.Unmarshal(Schema(), &root))
	var pats []string
	schemaPatterns(root, &pats)
	require.NotEmpty(t, pats, "the schema constrains history keys")
	day := incentive.Date{Year: 2027, Month: time.August, Day: 15}
	for _, p := range pats {
		re := regexp.MustCompile(p)
		for _, per := range incentive.HistoryUnits() {
			label := incentive.PeriodLabel(per, day) // 2027-08, 2027-Q3, 2027-H2, 2027
			require.True(t, incentive.IsPeriodLabel(label), label)
			assert.True(t, re.MatchString(label), "schema pattern %s refuses the %s label %q", p, per, label)
		}
		for _, bad := range []string{"2027-H3", "2027-Q5", "2027-13", "27-H1"} {
			assert.False(t, re.MatchString(bad), "schema pattern %s accepts %q", p, bad)
		}
	}
}
