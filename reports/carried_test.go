package reports

import (
	"strings"
	"testing"
)

// TestRosterHTMLShowsCarriedStops: a stop left from an earlier round is
// printed 上一轮未送.
func TestRosterHTMLShowsCarriedStops(t *testing.T) {
	r := testRoster()
	r.Shares[0].Stops[0].Carried = true
	var b strings.Builder
	if err := RosterHTML(&b, r, r.Shares[0].Volunteer, shanghai); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "上一轮未送"); n != 1 {
		t.Errorf("上一轮未送 printed %d times, want once:\n%s", n, b.String())
	}
}
