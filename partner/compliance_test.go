package partner

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// book is three partners: P-1 active (tax form to 2026-12-31, agreement to
// 2027-12-31), P-2 active with a renewed tax form already on file, P-3 a
// prospect (never notified).
func book() []*Partner {
	p1 := payable()
	p1.Status = Active
	p2 := payable()
	p2.ID, p2.Status = "P-2", Active
	p2.Documents = append(p2.Documents, Document{ID: "tax-2", Kind: TaxForm, Status: DocApproved, ValidFrom: d("2027-01-01"), ValidUntil: d("2027-12-31")})
	p3 := payable()
	p3.ID, p3.Status = "P-3", Prospect
	return []*Partner{p2, p1, p3} // out of order on purpose
}

func TestNoticesAgainstAnInjectedClock(t *testing.T) {
	type want struct {
		kind     NoticeKind
		partner  string
		doc      string
		daysLeft int
		reason   string
	}
	tests := []struct {
		now    string
		within int
		want   []want
	}{
		{now: "2026-12-01T12:00:00Z", within: 29, want: nil}, // 30 days left, outside a 29-day window
		{now: "2026-12-01T12:00:00Z", within: 30, want: []want{
			{NoticeExpiring, "P-1", "tax-1", 30, "tax form W-8BEN expires on 2026-12-31 (in 30 days)"},
		}},
		{now: "2026-12-30T12:00:00Z", within: 0, want: []want{
			{NoticeExpiring, "P-1", "tax-1", 1, "tax form W-8BEN expires on 2026-12-31 (in 1 day)"},
		}},
		{now: "2026-12-31T12:00:00Z", within: 0, want: []want{
			{NoticeExpiring, "P-1", "tax-1", 0, "tax form W-8BEN expires on 2026-12-31 (today is its last day)"},
		}},
		{now: "2027-01-01T12:00:00Z", within: 0, want: []want{
			{kind: NoticePaymentBlocked, partner: "P-1", reason: "payments are blocked: tax form W-8BEN (tax-1) expired on 2026-12-31"},
			{kind: NoticeShouldSuspend, partner: "P-1", reason: "required documents are no longer valid: tax form W-8BEN (tax-1) expired on 2026-12-31"},
		}},
		{now: "2027-12-10T12:00:00Z", within: 0, want: []want{
			{kind: NoticeExpiring, partner: "P-1", doc: "agr-1", daysLeft: 21, reason: "agreement expires on 2027-12-31 (in 21 days)"},
			{kind: NoticePaymentBlocked, partner: "P-1", reason: "payments are blocked: tax form W-8BEN (tax-1) expired on 2026-12-31"},
			{kind: NoticeShouldSuspend, partner: "P-1", reason: "required documents are no longer valid: tax form W-8BEN (tax-1) expired on 2026-12-31"},
			{kind: NoticeExpiring, partner: "P-2", doc: "agr-1", daysLeft: 21, reason: "agreement expires on 2027-12-31 (in 21 days)"},
			{kind: NoticeExpiring, partner: "P-2", doc: "tax-2", daysLeft: 21, reason: "tax form expires on 2027-12-31 (in 21 days)"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.now, func(t *testing.T) {
			c := Compliance{Clock: FixedClock(at(tt.now)), Within: tt.within}
			ns, err := c.Notices(book())
			require.NoError(t, err)
			var got []want
			for _, n := range ns {
				got = append(got, want{n.Kind, n.PartnerID, n.DocumentID, n.DaysLeft, n.Reason})
				assert.Equal(t, DateOf(at(tt.now)), n.On)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNoticeRecipients(t *testing.T) {
	p := payable()
	p.Status = Active
	p.Contacts = append(p.Contacts, Contact{Role: RoleBilling, Name: "Ana again", Email: "ANA@acme.example"})
	c := Compliance{}
	ns := c.NoticesOn([]*Partner{p}, d("2026-12-20"))
	require.Len(t, ns, 1)
	assert.Equal(t, []string{"ana@acme.example", "ben@acme.example"}, emails(ns[0].To), "billing repeats the primary's address")
	ns = c.NoticesOn([]*Partner{p}, d("2027-12-20"))
	require.NotEmpty(t, ns)
	require.Equal(t, Agreement, ns[0].DocumentKind)
	assert.Equal(t, []string{"ana@acme.example"}, emails(ns[0].To), "an agreement goes to the primary contact only")
}

func emails(cs []Contact) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Email)
	}
	return out
}

func TestNoticesNeedAClock(t *testing.T) {
	var c Compliance
	_, err := c.Notices(book())
	assert.ErrorIs(t, err, ErrNoClock)
}

func TestNoticesReadTodayInTheLocation(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	// 2026-12-31T16:00Z is 2027-01-01 01:00 in Tokyo: the form has expired there.
	clock := ClockFunc(func() time.Time { return at("2026-12-31T16:00:00Z") })
	utc := Compliance{Clock: clock}
	jp := Compliance{Clock: clock, Location: tokyo}
	nu, _ := utc.Notices(book())
	nj, _ := jp.Notices(book())
	require.NotEmpty(t, nu)
	assert.Equal(t, NoticeExpiring, nu[0].Kind)
	require.NotEmpty(t, nj)
	assert.Equal(t, NoticePaymentBlocked, nj[0].Kind)
}

func TestCertificationExpiringNotices(t *testing.T) {
	p := payable()
	p.Status = Active
	p.Certified = []CertifiedPerson{
		{Name: "Cem", Email: "cem@acme.example", Certification: "sales", Expires: d("2026-06-20")},
		{Name: "Dia", Email: "dia@acme.example", Certification: "tech", Expires: d("2026-06-20")},
		{Name: "Dia", Email: "dia@acme.example", Certification: "tech", Earned: d("2026-06-15"), Expires: d("2027-06-20")}, // renewed
		{Name: "Eli", Certification: "sales", Expires: d("2026-08-01")},                                                    // outside 30 days
	}
	ns := (&Compliance{Within: 30}).NoticesOn([]*Partner{p}, d("2026-06-01"))
	require.Len(t, ns, 1)
	n := ns[0]
	assert.Equal(t, NoticeCertificationExpiring, n.Kind)
	assert.Equal(t, "Cem", n.Person.Name)
	assert.Equal(t, 19, n.DaysLeft) // 2026-06-01 -> 2026-06-20
	assert.Equal(t, "Cem's sales certification expires on 2026-06-20 (in 19 days)", n.Reason)
}
