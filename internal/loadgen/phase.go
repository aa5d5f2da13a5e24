package loadgen

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// phase sends messages from conns workers, each on its own connection and
// waiting for an answer before it sends again (a closed loop, as wrk
// does), until count messages were sent or the time is up, whichever comes
// first.
type phase struct {
	client *client
	conns  int
	// count stops the phase after this many messages (0: no limit).
	count int
	// until starts no message after this time (zero: no limit).
	until time.Time
	// message returns the i-th message of the phase: who sends what.
	message func(i int) (from, text string)
	// judge records o, the opened answer to a message, in t.
	judge func(t *tally, from, text string, o outcome)
}

// sent is a message and what it got, kept until the phase is over.
type sent struct {
	from, text string
	outcome
}

// run runs the phase. Messages in flight when the time is up finish; only
// ctx (the user's interrupt) stops the workers early. The answers are
// opened and judged after the last one arrived, outside the measured time.
func (p phase) run(ctx context.Context) *tally {
	if p.count <= 0 && p.until.IsZero() {
		panic("loadgen: a phase without a count or an end would never stop")
	}
	var next atomic.Int64
	logs := make([][]sent, p.conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range logs {
		wg.Go(func() {
			wire := newWire(p.client)
			defer wire.close()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if p.count > 0 && i >= p.count || !p.until.IsZero() && time.Now().After(p.until) {
					return
				}
				from, text := p.message(i)
				logs[w] = append(logs[w], sent{from, text, p.client.send(wire, from, text)})
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	tallies := make([]*tally, len(logs))
	for w, log := range logs {
		t := newTally()
		tallies[w] = t
		wg.Go(func() {
			for _, s := range log {
				s.open(p.client.acct)
				p.judge(t, s.from, s.text, s.outcome)
			}
		})
	}
	wg.Wait()
	total := newTally()
	for _, t := range tallies {
		total.merge(t)
	}
	total.elapsed = elapsed
	return total
}
