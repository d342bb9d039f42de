package ledger

import "time"

var utc = time.UTC
