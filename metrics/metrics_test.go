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

type fakeSource struct{ fail bool }

func (f fakeSource) BatchOrders(context.Context) ([]orders.Order, error) {
	if f.fail {
		return nil, errors.New("redis down")
	}
	return []orders.Order{{Status: orders.StatusPending}, {Status: orders.StatusPending}, {Status: orders.StatusDelivered}}, nil
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
	m := metrics.New(fakeSource{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.Message("order", "ok", 30*time.Millisecond)
	m.Message("order", "busy", 4*time.Second)
	m.JobRun(orders.JobRun{Job: "roster", Published: true})
	m.JobRun(orders.JobRun{Job: "roster"})
	m.JobRun(orders.JobRun{Job: "cutoff", Error: "redis down"})
	text := scrape(t, m)
	for _, want := range []string{
		`baogong_messages_total{intent="order",outcome="ok"} 1`,
		`baogong_messages_total{intent="order",outcome="busy"} 1`,
		`baogong_reply_duration_seconds_bucket{le="0.05"} 1`,
		`baogong_reply_duration_seconds_count 2`,
		`baogong_job_runs_total{job="roster",result="published"} 1`,
		`baogong_job_runs_total{job="roster",result="nothing"} 1`,
		`baogong_job_runs_total{job="cutoff",result="error"} 1`,
		`baogong_orders{status="pending"} 2`,
		`baogong_orders{status="delivered"} 1`,
		`baogong_orders{status="cancelled"} 0`,
		`baogong_outbox_pending 4`,
		`baogong_outbox_dead 2`,
		`baogong_store_up 1`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	down := metrics.New(fakeSource{fail: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if text := scrape(t, down); !strings.Contains(text, "baogong_store_up 0") || strings.Contains(text, "baogong_orders{") {
		t.Errorf("scrape with Redis down:\n%s", text)
	}
}
