package sqlrecord

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/internal/sqlledger"
	"github.com/partnerops/partnerops/milestone"
)

// endOfTime replays every event of a plan (as the memory store does).
var endOfTime = time.Date(9999, time.December, 31, 23, 59, 59, 0, time.UTC)

// Plans is a milestone.Store in SQL. A plan is kept whole (its events
// included, so AsOf replays them) and each appended event is also recorded
// in an append-only table, in order, for audit.
type Plans struct{ base }

// NewPlans returns the milestone store of a migrated database.
func NewPlans(d *sqlledger.Dialect, db sqlledger.Driver) *Plans {
	return &Plans{base{d, db}}
}

var _ milestone.Store = (*Plans)(nil)

func (s *Plans) read(ctx context.Context, c sqlledger.Conn, id string, lock bool) (*milestone.Plan, error) {
	q := "SELECT body FROM milestone_plans WHERE id = ?"
	if lock {
		q += s.d.ForUpdate
	}
	var body []byte
	found, err := row(ctx, c, s.d.Q(q), []any{id}, &body)
	if err != nil {
		return nil, s.dbErr("read plan "+id, err)
	}
	if !found {
		return nil, fmt.Errorf("%w: %q", milestone.ErrNotFound, id)
	}
	var p milestone.Plan
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, s.dbErr("decode plan "+id, err)
	}
	return &p, nil
}

func (s *Plans) events(ctx context.Context, tx sqlledger.Tx, id string, from int64, evs []milestone.Event) error {
	for i, e := range evs {
		body, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("%s: encode event %d of plan %s: %w", s.d.Name, i, id, err)
		}
		if _, err := tx.Exec(ctx, s.d.Q("INSERT INTO milestone_events (plan_id, n, body) VALUES (?, ?, ?)"), id, from+int64(i), string(body)); err != nil {
			return s.dbErr(fmt.Sprintf("record event %d of plan %s", i, id), err)
		}
	}
	return nil
}

// CreatePlan implements milestone.Store.
func (s *Plans) CreatePlan(ctx context.Context, p milestone.CreatePlanParams) (*milestone.Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if p.Plan == nil || p.Plan.ID == "" {
		return nil, milestone.ErrMissingID
	}
	if err := p.Plan.Validate(); err != nil {
		return nil, err
	}
	if _, err := p.Plan.AsOf(endOfTime); err != nil {
		return nil, err // its events do not replay
	}
	c := p.Plan.Clone()
	c.Version = 1
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("%s: encode plan %s: %w", s.d.Name, c.ID, err)
	}
	err = s.tx(ctx, "create plan "+c.ID, func(tx sqlledger.Tx) error {
		if _, err := tx.Exec(ctx, s.d.Q(`INSERT INTO milestone_plans (id, version, owner, subject, template, body) VALUES (?, ?, ?, ?, ?, ?)`),
			c.ID, c.Version, c.Owner, string(c.Subject), c.Template, string(body)); err != nil {
			if s.db.IsUniqueViolation(err) {
				return fmt.Errorf("%w: plan %q exists already", milestone.ErrConflict, c.ID)
			}
			return s.dbErr("create plan "+c.ID, err)
		}
		return s.events(ctx, tx, c.ID, 1, c.Events)
	})
	if err != nil {
		return nil, err
	}
	return c.Clone(), nil
}

// GetPlan implements milestone.Store.
func (s *Plans) GetPlan(ctx context.Context, p milestone.GetPlanParams) (*milestone.Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pl, err := s.read(ctx, s.db.Reader(), p.ID, false)
	if err != nil {
		return nil, err
	}
	if p.AsOf.IsZero() {
		return pl, nil
	}
	return pl.AsOf(p.AsOf)
}

// ListPlans implements milestone.Store.
func (s *Plans) ListPlans(ctx context.Context, p milestone.ListPlansParams) ([]*milestone.Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q := "SELECT body FROM milestone_plans WHERE id > ?"
	args := []any{p.AfterID}
	for _, f := range []struct{ col, v string }{{"owner", p.Owner}, {"subject", string(p.Subject)}, {"template", p.Template}} {
		if f.v != "" {
			q += " AND " + f.col + " = ?"
			args = append(args, f.v)
		}
	}
	q += " ORDER BY id"
	if p.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", p.Limit)
	}
	var out []*milestone.Plan
	err := each(ctx, s.db.Reader(), s.d.Q(q), args, func(body []byte) error {
		var pl milestone.Plan
		if err := json.Unmarshal(body, &pl); err != nil {
			return err
		}
		out = append(out, &pl)
		return nil
	})
	if err != nil {
		return nil, s.dbErr("list plans", err)
	}
	return out, nil
}

// AppendEvents implements milestone.Store.
func (s *Plans) AppendEvents(ctx context.Context, p milestone.AppendEventsParams) (*milestone.Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out *milestone.Plan
	err := s.tx(ctx, "append events to plan "+p.PlanID, func(tx sqlledger.Tx) error {
		c, err := s.read(ctx, tx, p.PlanID, true)
		if err != nil {
			return err
		}
		if c.Version != p.ExpectedVersion {
			return &milestone.ConflictError{PlanID: p.PlanID, Expected: p.ExpectedVersion, Actual: c.Version}
		}
		n := int64(len(c.Events)) + 1
		for i, e := range p.Events {
			if err := c.Apply(e); err != nil {
				return fmt.Errorf("events[%d]: %w", i, err)
			}
		}
		c.Version++
		body, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("%s: encode plan %s: %w", s.d.Name, c.ID, err)
		}
		if _, err := tx.Exec(ctx, s.d.Q("UPDATE milestone_plans SET version = ?, owner = ?, subject = ?, template = ?, body = ? WHERE id = ? AND version = ?"),
			c.Version, c.Owner, string(c.Subject), c.Template, string(body), c.ID, p.ExpectedVersion); err != nil {
			return s.dbErr("update plan "+c.ID, err)
		}
		if err := s.events(ctx, tx, c.ID, n, c.Events[n-1:]); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out.Clone(), nil
}
