package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/metrics"
	"github.com/baogong/baogong/orders"
)

type fakeSource struct {
	id   string
	fail bool
}

func (f fakeSource) Community() string { return f.id }
func (f fakeSource) BatchStatuses(context.Context) (map[orders.Status]int, error) {
	if f.fail {
		return nil, errors.New("redis down")
	}
	return map[orders.Status]int{orders.StatusPending: 2, orders.StatusDelivered: 1}, nil
}
func (fakeSource) Pending(context.Context) (int, error) { return 4, nil }
func (fakeSource) Dead(context.Context) ([]orders.Notice, error) {
	return make([]orders.Notice, 2), nil
}

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func TestMetricsText(t *testing.T) {
	// Two communities: each its own batch, outbox and job runs.
	m := metrics.New(slog.New(slog.NewTextHandler(io.Discard, nil)), fakeSource{id: "c1"}, fakeSource{id: "c2", fail: true})
	m.Message("order", "ok", 30*time.Millisecond)
	m.Message("order", "busy", 4*time.Second)
	m.JobRun("c1", orders.JobRun{Job: "roster", Published: true})
	m.JobRun("c1", orders.JobRun{Job: "roster"})
	m.JobRun("c2", orders.JobRun{Job: "cutoff", Error: "redis down"})
	text := scrape(t, m)
	for _, want := range []string{
		`baogong_messages_total{intent="order",outcome="ok"} 1`,
		`baogong_messages_total{intent="order",outcome="busy"} 1`,
		`baogong_reply_duration_seconds_bucket{le="0.05"} 1`,
		`baogong_reply_duration_seconds_count 2`,
		`baogong_job_runs_total{community="c1",job="roster",result="published"} 1`,
		`baogong_job_runs_total{community="c1",job="roster",result="nothing"} 1`,
		`baogong_job_runs_total{community="c2",job="cutoff",result="error"} 1`,
		`baogong_orders{community="c1",status="pending"} 2`,
		`baogong_orders{community="c1",status="delivered"} 1`,
		`baogong_orders{community="c1",status="cancelled"} 0`,
		`baogong_outbox_pending{community="c1"} 4`,
		`baogong_outbox_dead{community="c1"} 2`,
		`baogong_store_up{community="c1"} 1`,
		`baogong_store_up{community="c2"} 0`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	if strings.Contains(text, `baogong_orders{community="c2"`) {
		t.Errorf("a community that could not be read has order counts:\n%s", text)
	}
}
