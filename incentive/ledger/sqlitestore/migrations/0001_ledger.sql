-- The ledger in SQLite. Amounts are decimal text, never REAL (TEXT affinity
-- converts any number to text; the CHECK refuses blobs), summed in Go,
-- never by SQLite's SUM.
CREATE TABLE ledger_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq INTEGER NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE ledger_entries (
	seq INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	effective TEXT NOT NULL,
	program TEXT NOT NULL,
	partner TEXT NOT NULL,
	claim TEXT NOT NULL,
	fund TEXT NOT NULL,
	request TEXT NOT NULL,
	batch TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	body TEXT NOT NULL
);
CREATE INDEX ledger_entries_partner ON ledger_entries (partner) WHERE partner <> '';
CREATE INDEX ledger_entries_program ON ledger_entries (program);
CREATE INDEX ledger_entries_claim ON ledger_entries (claim) WHERE claim <> '';
CREATE INDEX ledger_entries_fund ON ledger_entries (fund) WHERE fund <> '';
CREATE INDEX ledger_entries_batch ON ledger_entries (batch) WHERE batch <> '';

CREATE TABLE ledger_postings (
	seq INTEGER NOT NULL REFERENCES ledger_entries (seq),
	idx INTEGER NOT NULL,
	account TEXT NOT NULL,
	currency TEXT NOT NULL,
	amount TEXT NOT NULL CHECK (typeof(amount) = 'text'),
	effective TEXT NOT NULL,
	PRIMARY KEY (seq, idx)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account, effective);

CREATE TABLE ledger_balances (
	account TEXT NOT NULL,
	currency TEXT NOT NULL,
	amount TEXT NOT NULL CHECK (typeof(amount) = 'text'),
	PRIMARY KEY (account, currency)
);

CREATE TABLE ledger_idempotency (
	key TEXT PRIMARY KEY,
	request_hash TEXT NOT NULL,
	body TEXT NOT NULL
);

CREATE TABLE ledger_claims (
	id TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	kind TEXT NOT NULL,
	program TEXT NOT NULL,
	partner TEXT NOT NULL,
	deal TEXT NOT NULL,
	state TEXT NOT NULL,
	batch TEXT NOT NULL,
	dedupe_key TEXT UNIQUE,
	amount TEXT NOT NULL CHECK (typeof(amount) = 'text'),
	currency TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX ledger_claims_state ON ledger_claims (state);
CREATE INDEX ledger_claims_partner ON ledger_claims (partner);
CREATE INDEX ledger_claims_program_deal ON ledger_claims (program, deal);
CREATE INDEX ledger_claims_batch ON ledger_claims (batch) WHERE batch <> '';

CREATE TABLE ledger_funds (
	id TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	program TEXT NOT NULL,
	partner TEXT NOT NULL,
	body TEXT NOT NULL
);

CREATE TABLE ledger_fund_requests (
	id TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	fund TEXT NOT NULL,
	partner TEXT NOT NULL,
	body TEXT NOT NULL
);

CREATE TABLE ledger_batches (
	id TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	state TEXT NOT NULL,
	body TEXT NOT NULL
);

CREATE TABLE ledger_events (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	subject TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX ledger_events_subject ON ledger_events (subject, n);
