-- The source of every program version the ledger has seen, by content hash.
CREATE TABLE ledger_programs (
	hash TEXT PRIMARY KEY,
	id TEXT NOT NULL,
	version INTEGER NOT NULL,
	name TEXT NOT NULL,
	source TEXT NOT NULL
);
