-- Partner records (with their append-only history inside the record) and
-- deal registrations; milestone plans and their events.
CREATE TABLE partner_partners (
	id TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	status TEXT NOT NULL,
	type TEXT NOT NULL,
	tier TEXT NOT NULL,
	region TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX partner_partners_status ON partner_partners (status);

CREATE TABLE partner_registrations (
	id TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	partner_id TEXT NOT NULL REFERENCES partner_partners (id),
	status TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX partner_registrations_partner ON partner_registrations (partner_id);

CREATE TABLE milestone_plans (
	id TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	owner TEXT NOT NULL,
	subject TEXT NOT NULL,
	template TEXT NOT NULL,
	body TEXT NOT NULL
);

CREATE TABLE milestone_events (
	plan_id TEXT NOT NULL REFERENCES milestone_plans (id),
	n INTEGER NOT NULL,
	body TEXT NOT NULL,
	PRIMARY KEY (plan_id, n)
);
