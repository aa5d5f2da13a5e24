// Package metrics exposes baogong's Prometheus metrics: what the bot
// answered and how fast, what the jobs did, and, read from Redis at each
// scrape, the orders of the batch in view by status and the outbox.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// Source is what a scrape reads of one community: the orders of the
// batch in view (the day last closed and the day taking orders) and its
// outbox.
type Source interface {
	// Community is the community's id, the series' community label.
	Community() string
	// BatchStatuses counts the orders of the batch in view by status.
	BatchStatuses(ctx context.Context) (map[orders.Status]int, error)
	// Pending and Dead count the outbox's notices.
	Pending(ctx context.Context) (int, error)
	Dead(ctx context.Context) ([]orders.Notice, error)
}

// Metrics holds the registry and the counters the service feeds.
type Metrics struct {
	reg      *prometheus.Registry
	messages *prometheus.CounterVec
	reply    prometheus.Histogram
	jobRuns  *prometheus.CounterVec
	actions  *prometheus.CounterVec
}

// Statuses are every order status, so each series exists from the start.
var statuses = []orders.Status{orders.StatusAwaitingRx, orders.StatusPending, orders.StatusAssigned,
	orders.StatusDelivered, orders.StatusReceived, orders.StatusCancelled}

// New registers baogong's metrics and the Go runtime and process
// collectors; srcs, one per community, are read at each scrape.
func New(log *slog.Logger, srcs ...Source) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baogong_messages_total",
			Help: "WeChat messages answered, by intent (the command, event:subscribe, photo, repeat for a retry answered from the saved reply) and outcome (ok, busy, maybe, partly, silent).",
		}, []string{"intent", "outcome"}),
		reply: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "baogong_reply_duration_seconds",
			Help: "Time from a message's arrival to its answer; WeChat gives up after 5 s.",
			// Most answers take milliseconds; the tail near WeChat's
			// 5 s is what matters.
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 4, 5},
		}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baogong_job_runs_total",
			Help: "Job runs by community, job and result (published, nothing: the slot was published before or there was nothing to do, error).",
		}, []string{"community", "job", "result"}),
	}
	m.actions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "baogong_actions_total",
		Help: "Actions people took (bind, place, cancel, deliver, add_stock …), by front door (bot, console, api, cli, page) and outcome (ok, refused: not allowed or not possible, error).",
	}, []string{"action", "door", "outcome"})
	m.reg.MustRegister(m.messages, m.reply, m.jobRuns, m.actions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if len(srcs) > 0 {
		m.reg.MustRegister(&scrape{srcs: srcs, log: log})
	}
	return m
}

// Message counts one answered message (bot.Bot.Observe).
func (m *Metrics) Message(intent, outcome string, d time.Duration) {
	m.messages.WithLabelValues(intent, outcome).Inc()
	m.reply.Observe(d.Seconds())
}

// Action counts one action (actions.Service.Observe).
func (m *Metrics) Action(action string, door actions.Door, outcome string) {
	m.actions.WithLabelValues(action, string(door), outcome).Inc()
}

// JobRun counts one job run of community (jobs.Runner.Observe).
func (m *Metrics) JobRun(community string, run orders.JobRun) {
	result := "nothing"
	switch {
	case run.Error != "":
		result = "error"
	case run.Published:
		result = "published"
	}
	m.jobRuns.WithLabelValues(community, run.Job, result).Inc()
}

// Handler serves the metrics in Prometheus' text format. It does not
// check who asks: put it behind the admin token.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// scrape reads the orders and the outbox of every community at each
// scrape.
type scrape struct {
	srcs []Source
	log  *slog.Logger
}

var (
	ordersDesc  = prometheus.NewDesc("baogong_orders", "Orders of the batch in view (the day last closed and the day taking orders), by community and status.", []string{"community", "status"}, nil)
	pendingDesc = prometheus.NewDesc("baogong_outbox_pending", "Notices waiting to be sent (or retried), by community.", []string{"community"}, nil)
	deadDesc    = prometheus.NewDesc("baogong_outbox_dead", "Notices given up on, waiting for an admin to retry or drop them, by community.", []string{"community"}, nil)
	upDesc      = prometheus.NewDesc("baogong_store_up", "1 when the last scrape could read the community's data in Redis.", []string{"community"}, nil)
)

func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	ch <- ordersDesc
	ch <- pendingDesc
	ch <- deadDesc
	ch <- upDesc
}

func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for _, src := range s.srcs {
		c := src.Community()
		up := 1.0
		count, err := src.BatchStatuses(ctx)
		if err == nil {
			for _, st := range statuses {
				ch <- prometheus.MustNewConstMetric(ordersDesc, prometheus.GaugeValue, float64(count[st]), c, string(st))
			}
		}
		pending, err2 := src.Pending(ctx)
		if err2 == nil {
			ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(pending), c)
		}
		dead, err3 := src.Dead(ctx)
		if err3 == nil {
			ch <- prometheus.MustNewConstMetric(deadDesc, prometheus.GaugeValue, float64(len(dead)), c)
		}
		for _, e := range []error{err, err2, err3} {
			if e != nil {
				up = 0
				s.log.Error("metrics scrape", "community", c, "err", e)
				break
			}
		}
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, up, c)
	}
}
