package main

import (
	"fmt"
	"log/slog"
	"time"
)

// Clock is where the whole service reads the time: the bot, the jobs, the
// admin API, the outbox, signed links and the callback's timestamp check.
// Production uses the real clock. End-to-end tests steer the real binary
// with a test clock (see clockFromEnv): Go binaries read the kernel's clock
// directly, so libfaketime cannot.
type Clock struct {
	Now func() time.Time
	// Test marks a test clock. cron's timers run on the real clock, so
	// under a test clock they are not started: jobs run at start (the
	// catch-up, at the test clock's now) and by POST /api/jobs/{job}/run
	// or run-job.
	Test bool
}

// realClock is production's clock.
var realClock = Clock{Now: time.Now}

// The test clock's environment variables. Both must be set: the first
// alone, copied into a production environment by mistake, is ignored
// (with a warning). They are not config keys and have no config-file
// equivalent.
const (
	// testClockEnv is the test clock's time at the start of the process,
	// RFC 3339 (2026-11-30T19:59:58+08:00); it runs on in real time from
	// there.
	testClockEnv = "BAOGONG_TEST_CLOCK"
	// testClockGuard must be "1" for testClockEnv to count.
	testClockGuard = "BAOGONG_TEST_CLOCK_I_KNOW"
)

// clockFromEnv returns the test clock when both testClockEnv and
// testClockGuard=1 are set, else the real clock. An unreadable
// testClockEnv (with the guard) is an error: a test that meant to steer
// the clock must not silently run on the real one.
func clockFromEnv(getenv func(string) string, log *slog.Logger) (Clock, error) {
	v := getenv(testClockEnv)
	if v == "" {
		return realClock, nil
	}
	if getenv(testClockGuard) != "1" {
		log.Warn(testClockEnv+" is set but "+testClockGuard+"=1 is not: ignored, the real clock is used", "value", v)
		return realClock, nil
	}
	start, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return Clock{}, fmt.Errorf("%s: want an RFC 3339 time such as 2026-11-30T19:59:58+08:00: %w", testClockEnv, err)
	}
	return offsetClock(start), nil
}

// offsetClock reads start now and runs on in real time.
func offsetClock(start time.Time) Clock {
	offset := time.Until(start)
	return Clock{Now: func() time.Time { return time.Now().Add(offset) }, Test: true}
}
