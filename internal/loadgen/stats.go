package loadgen

import (
	"math"
	"slices"
	"time"
)

// lateAfter is WeChat's patience: an answer slower than this is dropped
// and the message sent again.
const lateAfter = 5 * time.Second

// tally collects the outcomes of one phase; each worker keeps its own and
// they are merged at the end.
type tally struct {
	latencies []time.Duration // of answered messages
	kinds     map[string]int  // answers by kind
	errors    map[string]int  // unanswered messages by Err kind
	late      int
	// placed are the orders the answers confirmed.
	placed []placed
	// samples keep the first answer of each kind that is not confirmed,
	// so an unexpected kind can be read in the report.
	samples map[string]string
	elapsed time.Duration
}

// placed is an order an answer confirmed, and who was told.
type placed struct {
	id, openID string
	// sent is when the message went out: the order was made after it.
	sent time.Time
}

func newTally() *tally {
	return &tally{kinds: map[string]int{}, errors: map[string]int{}, samples: map[string]string{}}
}

// add records one message: its answer's kind (ignored when o.err is set).
func (t *tally) add(o outcome, kind string) {
	if o.latency > lateAfter {
		t.late++
	}
	if o.err != "" {
		t.errors[o.err]++
		return
	}
	t.latencies = append(t.latencies, o.latency)
	t.kinds[kind]++
	if kind != KindConfirmed && kind != KindBound && kind != KindEcho {
		if _, ok := t.samples[kind]; !ok {
			t.samples[kind] = o.reply
		}
	}
}

func (t *tally) merge(o *tally) {
	t.latencies = append(t.latencies, o.latencies...)
	for k, n := range o.kinds {
		t.kinds[k] += n
	}
	for k, n := range o.errors {
		t.errors[k] += n
	}
	for k, s := range o.samples {
		if _, ok := t.samples[k]; !ok {
			t.samples[k] = s
		}
	}
	t.late += o.late
	t.placed = append(t.placed, o.placed...)
	t.elapsed += o.elapsed
}

// Summary is what a phase measured.
type Summary struct {
	// Messages were sent; Answered got a readable answer (HTTP 200, a
	// reply that opens); the rest are in Errors.
	Messages int `json:"messages"`
	Answered int `json:"answered"`
	// Seconds is the wall time of the phase (summed over rounds).
	Seconds float64 `json:"seconds"`
	// PerSecond is answered messages per second.
	PerSecond float64 `json:"msgs_per_s"`
	// Latencies of answered messages, in milliseconds.
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
	// Kinds counts answers by kind (confirmed, busy, …).
	Kinds map[string]int `json:"kinds"`
	// Errors counts unanswered messages by kind (timeout, http_503, …).
	Errors map[string]int `json:"errors"`
	// Late counts messages answered (or failed) after WeChat's 5 s.
	Late int `json:"late"`
	// Samples holds one answer of each unexpected kind.
	Samples map[string]string `json:"samples,omitempty"`
}

func (t *tally) summary() *Summary {
	s := &Summary{Answered: len(t.latencies), Seconds: t.elapsed.Seconds(), Kinds: t.kinds, Errors: t.errors, Late: t.late}
	s.Messages = s.Answered + sumCounts(t.errors)
	if len(t.samples) > 0 {
		s.Samples = t.samples
	}
	if t.elapsed > 0 {
		s.PerSecond = float64(s.Answered) / t.elapsed.Seconds()
	}
	lat := slices.Clone(t.latencies)
	slices.Sort(lat)
	s.P50Ms, s.P99Ms = ms(percentile(lat, 0.50)), ms(percentile(lat, 0.99))
	if len(lat) > 0 {
		s.MaxMs = ms(lat[len(lat)-1])
	}
	return s
}

// percentile is the nearest-rank percentile of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

func ms(d time.Duration) float64 { return math.Round(d.Seconds()*1e5) / 100 }

// CPU is CPU time per message in microseconds: less at the mercy of other
// processes on the machine than msgs/s.
type CPU struct {
	// Service is the service process's (with Options.PID; Redis not
	// included), over the service rounds.
	Service float64 `json:"service_us,omitempty"`
	// ToolWithService and ToolWithEcho are this process's over the
	// service and the echo rounds (the echo server runs in it).
	ToolWithService float64 `json:"tool_with_service_us"`
	ToolWithEcho    float64 `json:"tool_with_echo_us,omitempty"`
}

// cpuUse adds up CPU time over the rounds.
type cpuUse struct {
	serviceSvc, serviceSelf, echoSelf time.Duration
	svcErr                            bool
}

// start reads the CPU clocks; the function it returns adds what was used
// since to svc (the service's, when pid is set) and self (this process's).
func (c *cpuUse) start(pid int) func(svc, self *time.Duration) {
	s0, m0 := c.readService(pid), selfCPU()
	return func(svc, self *time.Duration) {
		s1, m1 := c.readService(pid), selfCPU()
		if svc != nil {
			*svc += s1 - s0
		}
		*self += m1 - m0
	}
}

func (c *cpuUse) readService(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	d, err := ReadCPU(pid)
	c.svcErr = c.svcErr || err != nil
	return d
}

// perMessage divides the times by the messages of each target.
func (c *cpuUse) perMessage(pid, serviceMsgs int, echo *tally) *CPU {
	us := func(d time.Duration, n int) float64 {
		if n == 0 {
			return 0
		}
		return math.Round(float64(d.Microseconds()) / float64(n))
	}
	out := &CPU{ToolWithService: us(c.serviceSelf, serviceMsgs)}
	if pid != 0 && !c.svcErr {
		out.Service = us(c.serviceSvc, serviceMsgs)
	}
	if echo != nil {
		out.ToolWithEcho = us(c.echoSelf, len(echo.latencies)+sumCounts(echo.errors))
	}
	return out
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
