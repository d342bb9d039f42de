package milestone_test

import (
	"testing"

	"github.com/partnerops/partnerops/milestone"
	"github.com/partnerops/partnerops/milestone/milestonetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	milestonetest.Run(t, func(*testing.T) milestone.Store { return &milestone.MemoryStore{} })
}
