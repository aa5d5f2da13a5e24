package actions

import (
	"testing"
	"time"
)

// TestViewCountsPerHour: a contact's photo views are counted per clock
// hour, each contact apart, and a new hour starts afresh.
func TestViewCountsPerHour(t *testing.T) {
	var c viewCounts
	at := time.Date(2026, 11, 24, 9, 59, 0, 0, time.UTC)
	for range RxViewsPerHour {
		if c.full("ph", at) {
			t.Fatal("full before its views")
		}
		c.add("ph", at)
	}
	if !c.full("ph", at) {
		t.Errorf("not full after %d views", RxViewsPerHour)
	}
	if c.full("other", at) {
		t.Errorf("another contact counted with the first")
	}
	if c.full("ph", at.Add(time.Minute)) {
		t.Errorf("still full in the next hour")
	}
}
