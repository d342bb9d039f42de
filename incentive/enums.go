package incentive

import "strings"

// The list functions below are the one place each enumeration of the
// program model is listed: Validate checks values against them, package
// rules decodes YAML and builds its JSON Schema from them, and the DSL
// reference is tested to name every value.

// CapScopes lists the cap scopes in the order caps apply.
func CapScopes() []CapScope { return []CapScope{CapLine, CapDeal, CapPartner, CapBudget} }

// BandMethods lists the band table methods.
func BandMethods() []BandMethod { return []BandMethod{Retroactive, Marginal} }

// BandBases lists what a band table's basis can accumulate over.
func BandBases() []BandBasis { return []BandBasis{BasisDeal, BasisPeriod, BasisCumulative} }

// BandPaysKinds lists what a band table's values can be.
func BandPaysKinds() []BandPays { return []BandPays{PaysRate, PaysFlat, PaysMultiplier} }

// RoundingStages lists the rounding stages.
func RoundingStages() []RoundingStage { return []RoundingStage{StageLine, StageDeal, StageStatement} }

// Picks lists how a group can pick among its lines.
func Picks() []Pick { return []Pick{PickHighest, PickFirst, PickTop} }

// PickBys lists the rankings of a PickTop group.
func PickBys() []PickBy { return []PickBy{ByPriority, ByAmount} }

// CalendarPeriods lists the calendar period kinds, shortest first: every
// period kind but PeriodProgram.
func CalendarPeriods() []Period { return []Period{PeriodMonth, PeriodQuarter, PeriodHalf, PeriodYear} }

// Periods lists the partner period lengths.
func Periods() []Period {
	return []Period{PeriodMonth, PeriodQuarter, PeriodHalf, PeriodYear, PeriodProgram}
}

// FieldTypes lists the types of custom deal fields.
func FieldTypes() []FieldType {
	return []FieldType{FieldString, FieldInt, FieldDecimal, FieldBool, FieldDate, FieldMoney}
}

// EnumNames returns the values of an enumeration as strings, in order.
func EnumNames[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// oneOf renders values as "a, b or c".
func oneOf[T ~string](values []T) string {
	names := EnumNames(values)
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
