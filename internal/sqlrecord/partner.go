package sqlrecord

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/partnerops/partnerops/internal/sqlledger"
	"github.com/partnerops/partnerops/partner"
)

// Partners is a partner.Store in SQL.
type Partners struct{ base }

// NewPartners returns the partner store of a migrated database.
func NewPartners(d *sqlledger.Dialect, db sqlledger.Driver) *Partners {
	return &Partners{base{d, db}}
}

var _ partner.Store = (*Partners)(nil)

func (s *Partners) get(ctx context.Context, c sqlledger.Conn, table, kind, id string, lock bool, v any) (bool, error) {
	q := "SELECT body FROM " + table + " WHERE id = ?"
	if lock {
		q += s.d.ForUpdate
	}
	var body []byte
	found, err := row(ctx, c, s.d.Q(q), []any{id}, &body)
	if err != nil {
		return false, s.dbErr(fmt.Sprintf("read %s %s", kind, id), err)
	}
	if !found {
		return false, nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return false, s.dbErr(fmt.Sprintf("decode %s %s", kind, id), err)
	}
	return true, nil
}

func (s *Partners) write(ctx context.Context, tx sqlledger.Tx, insert bool, pt *partner.Partner) error {
	body, err := json.Marshal(pt)
	if err != nil {
		return fmt.Errorf("%s: encode partner %s: %w", s.d.Name, pt.ID, err)
	}
	args := []any{pt.Version, string(pt.State()), string(pt.Type), string(pt.Tier), pt.Region, string(body), pt.ID}
	q := "UPDATE partner_partners SET version = ?, status = ?, type = ?, tier = ?, region = ?, body = ? WHERE id = ?"
	if insert {
		q = "INSERT INTO partner_partners (version, status, type, tier, region, body, id) VALUES (?, ?, ?, ?, ?, ?, ?)"
	}
	if _, err := tx.Exec(ctx, s.d.Q(q), args...); err != nil {
		if insert && s.db.IsUniqueViolation(err) {
			return &partner.VersionError{Kind: "partner", ID: pt.ID}
		}
		return s.dbErr("write partner "+pt.ID, err)
	}
	return nil
}

// CreatePartner implements partner.Store.
func (s *Partners) CreatePartner(ctx context.Context, p partner.CreatePartnerParams) (*partner.Partner, error) {
	if p.Partner == nil {
		return nil, fmt.Errorf("%w: CreatePartner needs a partner", partner.ErrInvalid)
	}
	if err := p.Partner.Validate(); err != nil {
		return nil, err
	}
	c := p.Partner.Clone()
	c.Version = 1
	err := s.tx(ctx, "create partner "+c.ID, func(tx sqlledger.Tx) error {
		var cur partner.Partner
		found, err := s.get(ctx, tx, "partner_partners", "partner", c.ID, true, &cur)
		if err != nil {
			return err
		}
		if found {
			return &partner.VersionError{Kind: "partner", ID: c.ID, Got: cur.Version}
		}
		return s.write(ctx, tx, true, c)
	})
	if err != nil {
		return nil, err
	}
	return c.Clone(), nil
}

// GetPartner implements partner.Store.
func (s *Partners) GetPartner(ctx context.Context, p partner.GetPartnerParams) (*partner.Partner, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var cur partner.Partner
	found, err := s.get(ctx, s.db.Reader(), "partner_partners", "partner", p.ID, false, &cur)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, &partner.NotFoundError{Kind: "partner", ID: p.ID}
	}
	return &cur, nil
}

// UpdatePartner implements partner.Store.
func (s *Partners) UpdatePartner(ctx context.Context, p partner.UpdatePartnerParams) (*partner.Partner, error) {
	if p.Partner == nil {
		return nil, fmt.Errorf("%w: UpdatePartner needs a partner", partner.ErrInvalid)
	}
	if err := p.Partner.Validate(); err != nil {
		return nil, err
	}
	c := p.Partner.Clone()
	err := s.tx(ctx, "update partner "+c.ID, func(tx sqlledger.Tx) error {
		var cur partner.Partner
		found, err := s.get(ctx, tx, "partner_partners", "partner", c.ID, true, &cur)
		switch {
		case err != nil:
			return err
		case !found:
			return &partner.NotFoundError{Kind: "partner", ID: c.ID}
		case cur.Version != c.Version:
			return &partner.VersionError{Kind: "partner", ID: c.ID, Want: c.Version, Got: cur.Version}
		}
		if err := partner.CheckHistory(cur.ID, cur.History, c.History); err != nil {
			return err
		}
		c.Version = cur.Version + 1
		return s.write(ctx, tx, false, c)
	})
	if err != nil {
		return nil, err
	}
	return c.Clone(), nil
}

// ListPartners implements partner.Store.
func (s *Partners) ListPartners(ctx context.Context, p partner.ListPartnersParams) (*partner.PartnerPage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q := "SELECT body FROM partner_partners WHERE id > ?"
	args := []any{p.After}
	for _, f := range []struct{ col, v string }{{"status", string(p.Status)}, {"type", string(p.Type)}, {"tier", string(p.Tier)}, {"region", p.Region}} {
		if f.v != "" {
			q += " AND " + f.col + " = ?"
			args = append(args, f.v)
		}
	}
	limit := partner.PageLimit(p.Limit)
	q += fmt.Sprintf(" ORDER BY id LIMIT %d", limit+1)
	page := &partner.PartnerPage{}
	err := each(ctx, s.db.Reader(), s.d.Q(q), args, func(body []byte) error {
		var pt partner.Partner
		if err := json.Unmarshal(body, &pt); err != nil {
			return err
		}
		page.Partners = append(page.Partners, &pt)
		return nil
	})
	if err != nil {
		return nil, s.dbErr("list partners", err)
	}
	if len(page.Partners) > limit {
		page.Partners = page.Partners[:limit]
		page.Next = page.Partners[limit-1].ID
	}
	return page, nil
}

func each(ctx context.Context, c sqlledger.Conn, q string, args []any, fn func(body []byte) error) error {
	rows, err := c.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return err
		}
		if err := fn(body); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Partners) writeReg(ctx context.Context, tx sqlledger.Tx, insert bool, r *partner.Registration) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("%s: encode registration %s: %w", s.d.Name, r.ID, err)
	}
	status := r.Status
	if status == "" {
		status = partner.RegPending // the zero status is pending, as the lists read it
	}
	args := []any{r.Version, r.PartnerID, string(status), string(body), r.ID}
	q := "UPDATE partner_registrations SET version = ?, partner_id = ?, status = ?, body = ? WHERE id = ?"
	if insert {
		q = "INSERT INTO partner_registrations (version, partner_id, status, body, id) VALUES (?, ?, ?, ?, ?)"
	}
	if _, err := tx.Exec(ctx, s.d.Q(q), args...); err != nil {
		if insert && s.db.IsUniqueViolation(err) {
			return &partner.VersionError{Kind: "registration", ID: r.ID}
		}
		return s.dbErr("write registration "+r.ID, err)
	}
	return nil
}

// CreateRegistration implements partner.Store.
func (s *Partners) CreateRegistration(ctx context.Context, p partner.CreateRegistrationParams) (*partner.Registration, error) {
	if p.Registration == nil {
		return nil, fmt.Errorf("%w: CreateRegistration needs a registration", partner.ErrInvalid)
	}
	if err := p.Registration.Validate(); err != nil {
		return nil, err
	}
	c := p.Registration.Clone()
	c.Version = 1
	c.CustomerKey = c.Customer.Key()
	err := s.tx(ctx, "create registration "+c.ID, func(tx sqlledger.Tx) error {
		var cur partner.Registration
		found, err := s.get(ctx, tx, "partner_registrations", "registration", c.ID, true, &cur)
		if err != nil {
			return err
		}
		if found {
			return &partner.VersionError{Kind: "registration", ID: c.ID, Got: cur.Version}
		}
		// The partner row is locked (FOR SHARE would do; FOR UPDATE is
		// what the dialect has) so it cannot vanish under the insert.
		var pt partner.Partner
		found, err = s.get(ctx, tx, "partner_partners", "partner", c.PartnerID, true, &pt)
		if err != nil {
			return err
		}
		if !found {
			return &partner.NotFoundError{Kind: "partner", ID: c.PartnerID}
		}
		return s.writeReg(ctx, tx, true, c)
	})
	if err != nil {
		return nil, err
	}
	return c.Clone(), nil
}

// GetRegistration implements partner.Store.
func (s *Partners) GetRegistration(ctx context.Context, p partner.GetRegistrationParams) (*partner.Registration, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var cur partner.Registration
	found, err := s.get(ctx, s.db.Reader(), "partner_registrations", "registration", p.ID, false, &cur)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, &partner.NotFoundError{Kind: "registration", ID: p.ID}
	}
	return &cur, nil
}

// UpdateRegistration implements partner.Store.
func (s *Partners) UpdateRegistration(ctx context.Context, p partner.UpdateRegistrationParams) (*partner.Registration, error) {
	if p.Registration == nil {
		return nil, fmt.Errorf("%w: UpdateRegistration needs a registration", partner.ErrInvalid)
	}
	if err := p.Registration.Validate(); err != nil {
		return nil, err
	}
	c := p.Registration.Clone()
	err := s.tx(ctx, "update registration "+c.ID, func(tx sqlledger.Tx) error {
		var cur partner.Registration
		found, err := s.get(ctx, tx, "partner_registrations", "registration", c.ID, true, &cur)
		switch {
		case err != nil:
			return err
		case !found:
			return &partner.NotFoundError{Kind: "registration", ID: c.ID}
		case cur.Version != c.Version:
			return &partner.VersionError{Kind: "registration", ID: c.ID, Want: c.Version, Got: cur.Version}
		case cur.PartnerID != c.PartnerID:
			return &partner.ValidationError{Record: fmt.Sprintf("registration %q", c.ID),
				Fields: []partner.FieldError{{Path: "partner_id", Msg: fmt.Sprintf("cannot change from %q to %q", cur.PartnerID, c.PartnerID)}}}
		}
		c.Version = cur.Version + 1
		c.CustomerKey = c.Customer.Key()
		return s.writeReg(ctx, tx, false, c)
	})
	if err != nil {
		return nil, err
	}
	return c.Clone(), nil
}

// ListRegistrations implements partner.Store. The customer match
// (CustomerKey.Same) is decided in Go over the rows the other filters
// select.
func (s *Partners) ListRegistrations(ctx context.Context, p partner.ListRegistrationsParams) (*partner.RegistrationPage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q := "SELECT body FROM partner_registrations WHERE id > ?"
	args := []any{p.After}
	if p.PartnerID != "" {
		q += " AND partner_id = ?"
		args = append(args, p.PartnerID)
	}
	if len(p.Statuses) > 0 {
		q += " AND status IN (?" + stringsRepeat(", ?", len(p.Statuses)-1) + ")"
		for _, st := range p.Statuses {
			args = append(args, string(st))
		}
	}
	q += " ORDER BY id"
	limit := partner.PageLimit(p.Limit)
	page := &partner.RegistrationPage{}
	err := each(ctx, s.db.Reader(), s.d.Q(q), args, func(body []byte) error {
		var r partner.Registration
		if err := json.Unmarshal(body, &r); err != nil {
			return err
		}
		if p.Customer != nil && !p.Customer.Same(r.CustomerKey) {
			return nil
		}
		page.Registrations = append(page.Registrations, &r)
		if len(page.Registrations) > limit {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return nil, s.dbErr("list registrations", err)
	}
	if len(page.Registrations) > limit {
		page.Registrations = slices.Clip(page.Registrations[:limit])
		page.Next = page.Registrations[limit-1].ID
	}
	return page, nil
}

func stringsRepeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
