package rules

import (
	"encoding/json"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
)

// Key lists of the program file's mappings that the decoder spells out
// where it reads them; Schema uses them with the decoder's own tables
// (programKeys, earningKeys, bandKeys, testKeys, expectKeys, dealKeys),
// and a test checks each against the keys the decoder accepts.
var (
	effectiveKeys  = []string{"from", "to", "timezone", "ends"}
	claimsKeys     = []string{"window", "from", "expired_uses_caps"}
	roundingKeys   = []string{"scale", "mode", "at"}
	capsKeys       = []string{"per_deal", "per_partner", "budget"}
	partnerCapKeys = []string{"limit", "period"}
	fieldDeclKeys  = []string{"type", "optional"}
	clauseKeys     = []string{"name", "when"}
	groupKeys      = []string{"id", "pick"}
	bandRowKeys    = []string{"from", "to", "rate", "flat", "multiplier", "label"}
	testsDocKeys   = []string{"apiVersion", "kind", "program", "version", "tests"}
	partnerKeys    = []string{"id", "name", "tier", "type", "region", "country", "contacts", "tier_history", "attribute_history", "payment_method"}
	tierEntryKeys  = []string{"from", "tier"}
	attrEntryKeys  = []string{"from", "type", "tier", "region", "country"}
	contactKeys    = []string{"role", "name", "email"}
	priorKeys      = []string{"period_amount", "period_deals", "period_earned", "cumulative", "budget_used", "basis"}
	customerKeys   = []string{"id", "name", "country", "region", "industry", "segment"}
	productKeys    = []string{"product", "family", "quantity", "unit_price", "amount"}
	registrationK  = []string{"id", "approved"}
	splitKeys      = []string{"remainder", "to"}
	splitPayeeKeys = []string{"payee", "ratio"}
)

// SchemaID is the $id of the schema Schema returns.
const SchemaID = "https://partnerops.dev/schema/partnerops-v1.json"

// Schema returns a JSON Schema (draft 2020-12) of program and tests files
// (other kinds, such as tier policies, get their header checked only),
// for editors (the YAML language server reads it from a
// `# yaml-language-server: $schema=...` comment). It describes the shape:
// which keys each mapping takes and needs, lists and mappings, and the
// kind of each scalar. The compiler checks the rest (expressions, dates,
// bands that meet, currencies), so a file the schema accepts may still
// have errors; a file with a shape error never passes it.
func Schema() []byte {
	s := schema()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic("rules: the schema does not marshal: " + err.Error()) // a bug, not input
	}
	return append(b, '\n')
}

type obj = map[string]any

func str() obj     { return obj{"type": "string"} }
func integer() obj { return obj{"type": "integer"} }
func boolean() obj { return obj{"type": "boolean"} }

// scalar is any YAML scalar the decoder reads as text (it may look like a
// number or a date).
func scalar() obj { return obj{"type": []string{"string", "number", "integer", "boolean"}} }

// amount is a number, or text such as "12000.00" or "500 USD".
func amount() obj { return obj{"type": []string{"string", "number", "integer"}} }

// expr is an expression or a plain value.
func expr() obj { return obj{"type": []string{"string", "number", "integer", "boolean"}} }

// enum is one of the values of an enumeration (incentive's list functions).
func enum(values []string) obj { return obj{"type": "string", "enum": values} }

func ref(name string) obj { return obj{"$ref": "#/$defs/" + name} }

func listOf(item obj) obj { return obj{"type": "array", "items": item} }

// strict is a mapping of exactly keys (props names a schema for some of
// them; the others take any value), with the required ones.
func strict(keys []string, props obj, required ...string) obj {
	p := obj{}
	for _, k := range keys {
		if v, ok := props[k]; ok {
			p[k] = v
		} else {
			// A key the schema gives no shape for (a new key of the
			// decoder's tables) takes any value: its name is still checked.
			p[k] = obj{}
		}
	}
	o := obj{"type": "object", "properties": p, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func schema() obj {
	product := strict(productKeys, obj{"amount": amount(), "unit_price": amount(), "quantity": integer()}, "product")
	product["additionalProperties"] = true // the program's custom line fields
	// a partner's history: period labels to amounts
	history := obj{"type": "object", "additionalProperties": amount(),
		"propertyNames": obj{"pattern": incentive.PeriodLabelPattern}}
	deal := strict(dealKeys, obj{
		"amount": amount(), "quantity": integer(), "registered": boolean(),
		"registration": strict(registrationK, nil),
		"customer":     strict(customerKeys, nil),
		"products":     listOf(obj{"anyOf": []obj{str(), product}}),
		"history":      history,
	}, "id", "amount", "close_date")
	deal["additionalProperties"] = true // the program's custom fields
	figures := obj{}
	for _, k := range figureKeys {
		figures[k] = amount()
	}
	statementRow := strict(statementKeys, obj{"buckets": obj{"type": "object", "additionalProperties": strict(figureKeys, figures)},
		"fee": amount(), "sent": amount()})
	for k, v := range figures {
		statementRow["properties"].(obj)[k] = v
	}
	test := strict(testKeys, obj{
		"partner": ref("partner"),
		"prior": strict(priorKeys, obj{"period_deals": integer(), "basis": obj{"type": "object", "additionalProperties": amount()},
			"period_amount": amount(), "period_earned": amount(), "cumulative": amount(), "budget_used": amount()}),
		"history": history,
		"deal":    deal,
		"deals":   listOf(deal),
		"expect": obj{"type": "object", "properties": obj{
			"eligible": boolean(), "failed": str(), "total": amount(), "lines": obj{"type": "object", "additionalProperties": amount()},
			"band": obj{"type": "object"}, "capped": obj{"type": []string{"array", "object", "string"}},
			"values":   obj{"type": "object", "additionalProperties": obj{"type": []string{"string", "number", "integer", "boolean"}}},
			"per_line": obj{"type": "object", "additionalProperties": listOf(amount())},
			"deals":    obj{"type": "object"}, "expired": amount(), "held": amount(),
			"statement": obj{"type": "object", "additionalProperties": statementRow},
			"shares":    obj{"type": "object", "additionalProperties": amount()},
			"settlements": obj{"type": "object", "additionalProperties": obj{"type": "object",
				"additionalProperties": strict(append([]string{"settled", "capped_by"}, settlementAmountKeys...), obj{"settled": boolean(), "capped_by": listOf(str())})}}}, "additionalProperties": false},
		"carried": obj{"type": "object", "additionalProperties": obj{"anyOf": []obj{amount(), {"type": "object", "additionalProperties": amount()}}}},
	}, "name", "expect")
	split := strict(splitKeys, obj{"to": listOf(strict(splitPayeeKeys, obj{"ratio": amount()}, "payee", "ratio"))}, "remainder", "to")
	earning := strict(earningKeys, obj{
		"type": enum(earningTypeNames()), "when": expr(), "amount": expr(), "cap": amount(), "priority": integer(), "split": split,
		"bands": strict(bandKeys, obj{"table": listOf(strict(bandRowKeys, obj{"rate": expr(), "flat": amount(), "multiplier": expr()}, "from")),
			"method": enum(incentive.EnumNames(incentive.BandMethods())), "basis": enum(incentive.EnumNames(incentive.BandBases())),
			"pays": enum(incentive.EnumNames(incentive.BandPaysKinds())), "period": enum(periods)},
			"method", "pays", "table"),
	}, "id", "type")
	program := strict(programKeys, obj{
		"apiVersion": obj{"const": APIVersion},
		"kind":       obj{"const": "Program"},
		"version":    integer(),
		"effective":  strict(effectiveKeys, nil, "from"),
		"claims":     strict(claimsKeys, obj{"expired_uses_caps": boolean()}, "window"),
		"rounding": strict(roundingKeys, obj{"scale": integer(), "mode": enum(incentive.EnumNames(incentive.RoundingModes())),
			"at": enum(incentive.EnumNames(incentive.RoundingStages()))}),
		"period":         enum(periods),
		"min_payout":     amount(),
		"allow_negative": boolean(),
		"fields": obj{"type": "object", "additionalProperties": obj{"anyOf": []obj{enum(fieldTypes),
			strict(fieldDeclKeys, obj{"type": enum(fieldTypes), "optional": boolean()}, "type")}}},
		"line_fields": obj{"type": "object", "additionalProperties": obj{"anyOf": []obj{enum(fieldTypes),
			strict(fieldDeclKeys, obj{"type": enum(fieldTypes), "optional": boolean()}, "type")}}},
		"values":      obj{"type": "object", "additionalProperties": expr()},
		"eligibility": listOf(strict(clauseKeys, obj{"when": expr()}, "name", "when")),
		"earnings":    listOf(earning),
		"groups": listOf(strict(groupKeys, obj{"pick": obj{"anyOf": []obj{enum(scalarPicks),
			strict([]string{"max", "by"}, obj{"max": integer(), "by": enum(incentive.EnumNames(incentive.PickBys()))}, "max", "by")}}}, "id")),
		"caps": strict(capsKeys, obj{"per_deal": amount(), "budget": amount(),
			"per_partner": obj{"anyOf": []obj{amount(), strict(partnerCapKeys, obj{"limit": amount(), "period": enum(periods)}, "limit")}}}),
		"split": split,
		"settlements": listOf(strict(settlementKeys, obj{
			"advances": strict(advanceKeys, obj{"earnings": listOf(str())}, "earnings"),
			"bands": strict(bandKeys, obj{"table": listOf(strict(bandRowKeys, obj{"rate": expr(), "flat": amount()}, "from"))},
				"method", "pays", "table"),
		}, "id", "type", "period", "bands")),
		"tests": listOf(test),
		"hold":  strict(holdKeys, obj{"void_if": obj{"anyOf": []obj{str(), listOf(str())}}}, "for"),
		"payouts": listOf(strict(bucketKeys, obj{"types": listOf(obj{"enum": earningTypeNames()}), "min_payout": amount()},
			"bucket", "types")),
		"payment_methods": listOf(strict(paymentMethodKeys, obj{"method": obj{"enum": paymentMethodNames()},
			"min_payout": amount(), "fee": amount()}, "method")),
	}, "apiVersion", "kind", "id", "name", "version", "currency", "effective", "earnings")
	tests := strict(testsDocKeys, obj{
		"apiVersion": obj{"const": APIVersion},
		"kind":       obj{"const": "Tests"},
		"version":    integer(),
		"tests":      listOf(test),
	}, "apiVersion", "kind", "program", "tests")
	// The other kinds (tier and approval policies) are checked by their
	// compilers only: the schema asks for the header and lets the rest be.
	var others []string
	for _, k := range kinds {
		if k != "Program" && k != "Tests" {
			others = append(others, k)
		}
	}
	other := obj{"type": "object", "properties": obj{"apiVersion": obj{"const": APIVersion}, "kind": obj{"enum": others}},
		"required": []string{"apiVersion", "kind"}}
	return obj{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         SchemaID,
		"title":       "partnerops program or tests file",
		"description": "One YAML document of a partnerops file: a Program or a Tests document (see go doc github.com/partnerops/partnerops/rules).",
		"oneOf":       []obj{program, tests, other},
		"$defs": obj{
			"partner": strict(partnerKeys, obj{"contacts": listOf(strict(contactKeys, nil, "role")),
				"tier_history":      listOf(strict(tierEntryKeys, nil, "from", "tier")),
				"attribute_history": listOf(strict(attrEntryKeys, nil, "from")),
				"payment_method":    obj{"enum": paymentMethodNames()}}),
		},
	}
}

// paymentMethodNames lists partner.PaymentMethods as strings.
func paymentMethodNames() []string {
	out := make([]string, 0, len(partner.PaymentMethods()))
	for _, m := range partner.PaymentMethods() {
		out = append(out, string(m))
	}
	return out
}
