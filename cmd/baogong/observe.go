package main

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/baogong/baogong/config"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/outbox"
	"github.com/baogong/baogong/staff"
)

// observeJob counts a job run and keeps it for the console: every run as
// its job's latest, and in the history those worth reading (the urgent
// watch and the bindings digest run every minute or half hour, mostly
// finding nothing). Each community keeps its own runs in store.
func (m *Main) observeJob(community string, store *redisstore.Store) func(context.Context, orders.JobRun) {
	return func(ctx context.Context, run orders.JobRun) {
		m.Metrics.JobRun(community, run)
		frequent := run.Job == jobs.Urgent || run.Job == jobs.Bindings || run.Job == jobs.Restock || run.Job == jobs.Unreached
		keep := !frequent || run.Published || run.Error != "" || run.How == "console"
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := store.SaveJobRun(sctx, run, keep); err != nil {
			m.Log.Error("save job run", "job", run.Job, "err", err)
		}
	}
}

// auditAPI records a changing call of the admin API (bearer token) in the
// community's console audit log, beside what its staff do in the console.
func auditAPI(keeper *staff.Keeper, log *slog.Logger) func(context.Context, string, int) {
	return func(ctx context.Context, call string, status int) {
		e := staff.Entry{Who: staff.TokenWho, Action: "接口调用", Target: call, Note: strconv.Itoa(status)}
		if err := keeper.Record(context.WithoutCancel(ctx), e); err != nil {
			log.ErrorContext(ctx, "audit api call", "err", err)
		}
	}
}

// newSignInSigner signs the console's one-time sign-in links with a key of
// their own, expiring with the token they carry.
func newSignInSigner(cfg config.Config, now func() time.Time) *signedurl.Signer {
	return &signedurl.Signer{
		Key:  signedurl.DeriveKey(cfg.Admin.Token, "baogong console sign-in v1"),
		Base: cfg.PublicBase(),
		TTL:  staff.DefaultSignInTTL,
		Now:  now,
	}
}

// batchSource is what a metrics scrape reads of one community: the
// orders of the batch in view (the day last closed and the day taking
// orders), counted by status without reading them whole, and its outbox.
type batchSource struct {
	community string
	store     *redisstore.Store
	outbox    *outbox.Outbox
	cal       orders.Calendar
	loc       *time.Location
	now       func() time.Time
}

func (b batchSource) Community() string { return b.community }

func (b batchSource) BatchStatuses(ctx context.Context) (map[orders.Status]int, error) {
	days, err := b.cal.Read(ctx, b.store, b.now(), b.loc)
	if err != nil {
		return nil, err
	}
	list := []string{days.LastClosed()}
	if days.Open != days.LastClosed() {
		list = append(list, days.Open)
	}
	return b.store.StatusCounts(ctx, list...)
}

func (b batchSource) Pending(ctx context.Context) (int, error) { return b.outbox.Pending(ctx) }

func (b batchSource) Dead(ctx context.Context) ([]orders.Notice, error) { return b.outbox.Dead(ctx) }
