package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestClockFromEnv(t *testing.T) {
	start := time.Date(2026, 11, 30, 19, 59, 58, 0, time.FixedZone("CST", 8*3600))
	for _, c := range []struct {
		name       string
		env        map[string]string
		test, fail bool
		warn       string
	}{
		{"unset", nil, false, false, ""},
		{"without the guard", map[string]string{testClockEnv: start.Format(time.RFC3339)}, false, false, "is set but " + testClockGuard + "=1 is not"},
		{"guard not 1", map[string]string{testClockEnv: start.Format(time.RFC3339), testClockGuard: "yes"}, false, false, "ignored"},
		{"guard alone", map[string]string{testClockGuard: "1"}, false, false, ""},
		{"both", map[string]string{testClockEnv: start.Format(time.RFC3339), testClockGuard: "1"}, true, false, ""},
		{"unreadable", map[string]string{testClockEnv: "tonight", testClockGuard: "1"}, false, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			clock, err := clockFromEnv(func(k string) string { return c.env[k] }, slog.New(slog.NewTextHandler(&logs, nil)))
			if (err != nil) != c.fail {
				t.Fatalf("err %v", err)
			}
			if c.fail {
				return
			}
			if clock.Test != c.test {
				t.Errorf("test clock %v, want %v", clock.Test, c.test)
			}
			now := clock.Now()
			if want := start; c.test && (now.Before(want) || now.After(want.Add(time.Second))) {
				t.Errorf("test clock reads %v, want %v", now, want)
			}
			if !c.test && time.Since(now).Abs() > time.Second {
				t.Errorf("real clock reads %v", now)
			}
			if c.warn != "" && !strings.Contains(logs.String(), c.warn) {
				t.Errorf("no warning %q in %q", c.warn, logs.String())
			}
		})
	}
}

func TestOffsetClockRunsOn(t *testing.T) {
	start := time.Date(2026, 11, 30, 23, 59, 59, 900e6, time.UTC)
	c := offsetClock(start)
	time.Sleep(150 * time.Millisecond)
	if got := c.Now(); !got.After(start.Add(100*time.Millisecond)) || got.After(start.Add(time.Second)) {
		t.Errorf("after 150ms the clock reads %v (start %v)", got, start)
	}
}
