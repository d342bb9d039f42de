package partner_test

import (
	"testing"

	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/partner/partnertest"
)

func TestMemoryStoreConformance(t *testing.T) {
	partnertest.Run(t, func(t *testing.T) partner.Store { return partner.NewMemoryStore() })
}

func TestZeroMemoryStoreConformance(t *testing.T) {
	partnertest.Run(t, func(t *testing.T) partner.Store { return &partner.MemoryStore{} })
}
