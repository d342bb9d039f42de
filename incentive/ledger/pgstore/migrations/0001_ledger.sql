-- The ledger in PostgreSQL. Amounts are NUMERIC (exact, any scale);
-- identifiers and accounts use the "C" collation so that they sort by
-- bytes, as the memory store and the conformance suite sort them.
CREATE TABLE ledger_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE ledger_entries (
	seq BIGINT PRIMARY KEY,
	id TEXT COLLATE "C" NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	effective TEXT NOT NULL,
	program TEXT COLLATE "C" NOT NULL,
	partner TEXT COLLATE "C" NOT NULL,
	claim TEXT COLLATE "C" NOT NULL,
	fund TEXT COLLATE "C" NOT NULL,
	request TEXT COLLATE "C" NOT NULL,
	batch TEXT COLLATE "C" NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	body JSONB NOT NULL
);
CREATE INDEX ledger_entries_partner ON ledger_entries (partner) WHERE partner <> '';
CREATE INDEX ledger_entries_program ON ledger_entries (program);
CREATE INDEX ledger_entries_claim ON ledger_entries (claim) WHERE claim <> '';
CREATE INDEX ledger_entries_fund ON ledger_entries (fund) WHERE fund <> '';
CREATE INDEX ledger_entries_batch ON ledger_entries (batch) WHERE batch <> '';

CREATE TABLE ledger_postings (
	seq BIGINT NOT NULL REFERENCES ledger_entries (seq),
	idx INTEGER NOT NULL,
	account TEXT COLLATE "C" NOT NULL,
	currency TEXT NOT NULL,
	amount NUMERIC NOT NULL,
	effective TEXT NOT NULL,
	PRIMARY KEY (seq, idx)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account, effective);

CREATE TABLE ledger_balances (
	account TEXT COLLATE "C" NOT NULL,
	currency TEXT COLLATE "C" NOT NULL,
	amount NUMERIC NOT NULL,
	PRIMARY KEY (account, currency)
);

CREATE TABLE ledger_idempotency (
	key TEXT COLLATE "C" PRIMARY KEY,
	request_hash TEXT NOT NULL,
	body JSONB NOT NULL
);

CREATE TABLE ledger_claims (
	id TEXT COLLATE "C" PRIMARY KEY,
	version BIGINT NOT NULL,
	kind TEXT NOT NULL,
	program TEXT COLLATE "C" NOT NULL,
	partner TEXT COLLATE "C" NOT NULL,
	deal TEXT COLLATE "C" NOT NULL,
	state TEXT NOT NULL,
	batch TEXT COLLATE "C" NOT NULL,
	dedupe_key TEXT COLLATE "C" UNIQUE,
	amount NUMERIC NOT NULL,
	currency TEXT NOT NULL,
	body JSONB NOT NULL
);
CREATE INDEX ledger_claims_state ON ledger_claims (state);
CREATE INDEX ledger_claims_partner ON ledger_claims (partner);
CREATE INDEX ledger_claims_program_deal ON ledger_claims (program, deal);
CREATE INDEX ledger_claims_batch ON ledger_claims (batch) WHERE batch <> '';

CREATE TABLE ledger_funds (
	id TEXT COLLATE "C" PRIMARY KEY,
	version BIGINT NOT NULL,
	program TEXT COLLATE "C" NOT NULL,
	partner TEXT COLLATE "C" NOT NULL,
	body JSONB NOT NULL
);

CREATE TABLE ledger_fund_requests (
	id TEXT COLLATE "C" PRIMARY KEY,
	version BIGINT NOT NULL,
	fund TEXT COLLATE "C" NOT NULL,
	partner TEXT COLLATE "C" NOT NULL,
	body JSONB NOT NULL
);

CREATE TABLE ledger_batches (
	id TEXT COLLATE "C" PRIMARY KEY,
	version BIGINT NOT NULL,
	state TEXT NOT NULL,
	body JSONB NOT NULL
);

CREATE TABLE ledger_events (
	n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	subject TEXT COLLATE "C" NOT NULL,
	body JSONB NOT NULL
);
CREATE INDEX ledger_events_subject ON ledger_events (subject, n);
