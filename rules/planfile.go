package rules

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/partnerops/partnerops/milestone"
	"gopkg.in/yaml.v3"
)

// planDoc is a `kind: Plan` document, compiled up to the template it
// names, which may be in another file.
type planDoc struct {
	params   milestone.InstantiateParams
	template string
	tplNode  *yaml.Node
	// partnerType, when set, picks the template (milestone.Templates.For).
	partnerType string
	ptNode      *yaml.Node
	// own is the document's own milestones, when it names no template.
	own      *milestone.Template
	ownNodes planNodes
	events   []milestone.Event
	evNodes  []*yaml.Node
	root     *yaml.Node
}

// compilePlanDoc compiles a Plan document into f.
func compilePlanDoc(d *diag, doc *document, f *File) {
	top, ok := d.mapping(doc.root, "", planDocKeys...)
	if !ok {
		return
	}
	nerr := len(d.errs)
	d.require(top, "id", "owner", "start")
	pd := &planDoc{root: doc.root}
	if n := top.get("id"); n != nil {
		pd.params.PlanID, _ = d.ident(n, "id", "plan id")
	}
	if n := top.get("subject"); n != nil {
		s, _ := d.ident(n, "subject", "partner id")
		pd.params.Subject = milestone.PartnerID(s)
	}
	for k, dst := range map[string]*string{"name": &pd.params.Name, "owner": &pd.params.Owner, "owner_manager": &pd.params.OwnerManager} {
		if n := top.get(k); n != nil {
			*dst, _ = d.text(n, k)
		}
	}
	if n := top.get("start"); n != nil {
		pd.params.Start, _ = d.planDate(n, "start")
	}
	if n := top.get("owners"); n != nil {
		of, _ := d.mapping(n, "owners")
		pd.params.Owners = map[string]string{}
		for role, kv := range of.m {
			pd.params.Owners[role], _ = d.text(kv.val, of.at(role))
		}
	}
	tn, hasOwn := top.get("template"), top.has("milestones")
	if pt := top.get("partner_type"); pt != nil {
		pd.partnerType, _ = d.ident(pt, "partner_type", "partner type")
		pd.ptNode = pt
		if tn != nil || hasOwn {
			d.errorf(pt, "partner_type", "partner_type picks the template; give it, template: or milestones:, only one")
		}
	}
	switch {
	case pd.ptNode != nil:
	case tn != nil && hasOwn:
		d.errorf(tn, "template", "a plan names a template or lists its own milestones, not both")
	case tn != nil:
		pd.template, _ = d.ident(tn, "template", "template id")
		pd.tplNode = tn
		for _, k := range []string{"outcomes", "escalation"} {
			if n := top.get(k); n != nil {
				d.errorf(n, k, "%s come from the template %q; list them on a plan only with its own milestones", k, pd.template)
			}
		}
	case hasOwn:
		pd.own = &milestone.Template{ID: "", Name: pd.params.Name}
		pd.ownNodes = decodeTemplateBody(d, top, pd.own)
	default:
		d.errorf(doc.root, "", "a plan needs `template:` (a PlanTemplate id), `partner_type:` (picks the template for that type) or its own `milestones:`")
	}
	if n := top.get("events"); n != nil {
		pd.events, pd.evNodes = decodePlanEvents(d, n, "events")
	}
	if len(d.errs) != nerr {
		return
	}
	// A plan with its own milestones is checked whole here, so that its
	// errors come with the file's other errors.
	if pd.own != nil {
		p, err := pd.own.Instantiate(pd.params)
		if err != nil {
			reportPlanProblems(d, pd.ownNodes, err)
			return
		}
		if !applyPlanEvents(d, p, pd.events, pd.evNodes, "events") {
			return
		}
	}
	f.planDocs = append(f.planDocs, pd)
}

// PlanTemplates returns every plan template of the set, in file order.
func (s *Set) PlanTemplates() []*milestone.Template {
	var out []*milestone.Template
	for _, f := range s.files() {
		out = append(out, f.PlanTemplates...)
	}
	return out
}

// PlanTests returns every plan template test of the set, in file order.
func (s *Set) PlanTests() []*PlanTest {
	var out []*PlanTest
	for _, f := range s.files() {
		out = append(out, f.PlanTests...)
	}
	return out
}

// Plans builds the set's Plan documents into plans, sorted by id: each
// instantiates the template it names (from any file of the set), the
// template for its partner_type (milestone.Templates.For over the set's
// templates in file order), or its own milestones on its start date, then applies its own events, then
// the events of PlanEvents documents naming it, in file order. Errors (an
// unknown template or plan, a template id defined twice, a plan id used
// twice, an event the plan refuses) come as one ErrorList with positions.
func (s *Set) Plans() ([]*milestone.Plan, error) {
	tpls := map[string]*milestone.Template{}
	all := milestone.Templates(s.PlanTemplates())
	var errs ErrorList
	where := map[string]string{}
	for _, f := range s.files() {
		for _, t := range f.PlanTemplates {
			if prev, dup := where[t.ID]; dup {
				errs = append(errs, &Error{File: f.Name, Path: "id", Msg: fmt.Sprintf("plan template %q is also defined in %s", t.ID, prev)})
				continue
			}
			where[t.ID], tpls[t.ID] = f.Name, t
		}
	}
	diags := make([]*diag, len(s.files()))
	byID := map[string]*milestone.Plan{}
	planAt := map[string]string{}
	var out []*milestone.Plan
	for i, f := range s.files() {
		d := &diag{src: f.src}
		diags[i] = d
		for _, pd := range f.planDocs {
			tpl, nodes := pd.own, pd.ownNodes
			if tpl == nil && pd.ptNode != nil {
				var ok bool
				if tpl, ok = all.For(pd.partnerType); !ok {
					d.errorf(pd.ptNode, "partner_type", "no plan template for partner type %q, and none for any type, in the loaded files", pd.partnerType)
					continue
				}
				nodes = planNodes{"": pd.root}
			}
			if tpl == nil {
				tpl = tpls[pd.template]
				if tpl == nil {
					d.errorf(pd.tplNode, "template", "no plan template %q in the loaded files%s", pd.template, suggest(pd.template, planSortedKeys(tpls), false))
					continue
				}
				nodes = planNodes{"": pd.root}
			}
			p, err := tpl.Instantiate(pd.params)
			if err != nil {
				reportPlanProblems(d, nodes, err)
				continue
			}
			if prev, dup := planAt[p.ID]; dup {
				d.errorf(pd.root, "id", "plan id %q is also used in %s", p.ID, prev)
				continue
			}
			planAt[p.ID] = fmt.Sprintf("%s:%d", f.Name, pd.root.Line)
			if !applyPlanEvents(d, p, pd.events, pd.evNodes, "events") {
				continue
			}
			byID[p.ID] = p
			out = append(out, p)
		}
	}
	for i, f := range s.files() {
		for _, ed := range f.eventDocs {
			p := byID[ed.plan]
			if p == nil {
				if _, known := planAt[ed.plan]; !known {
					diags[i].errorf(ed.planNode, "plan", "no plan %q in the loaded files%s", ed.plan, suggest(ed.plan, planSortedKeys(planAt), false))
				}
				continue
			}
			if !applyPlanEvents(diags[i], p, ed.events, ed.evNodes, "events") {
				delete(byID, ed.plan) // report the first refused event only
				out = slices.DeleteFunc(out, func(q *milestone.Plan) bool { return q == p })
			}
		}
	}
	for _, d := range diags {
		errs = append(errs, d.errs...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *milestone.Plan) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// eventsDoc is a `kind: PlanEvents` document: more events of a plan,
// kept apart from the plan (an append-only log).
type eventsDoc struct {
	plan     string
	planNode *yaml.Node
	events   []milestone.Event
	evNodes  []*yaml.Node
}

// compilePlanEvents compiles a PlanEvents document into f.
func compilePlanEvents(d *diag, doc *document, f *File) {
	top, ok := d.mapping(doc.root, "", "apiVersion", "kind", "plan", "events")
	if !ok || !d.require(top, "plan", "events") {
		return
	}
	nerr := len(d.errs)
	ed := &eventsDoc{planNode: top.get("plan")}
	ed.plan, _ = d.ident(ed.planNode, "plan", "plan id")
	ed.events, ed.evNodes = decodePlanEvents(d, top.get("events"), "events")
	if len(d.errs) == nerr {
		f.eventDocs = append(f.eventDocs, ed)
	}
}
