package adminapi

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/staff"
)

// keptNotices keeps what the actions queue.
type keptNotices struct {
	mu sync.Mutex
	ns []orders.Notice
}

func (k *keptNotices) Enqueue(_ context.Context, ns ...orders.Notice) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ns = append(k.ns, ns...)
	return nil
}

// keptAudit keeps the audit entries the actions write.
type keptAudit struct {
	mu sync.Mutex
	es []staff.Entry
}

func (k *keptAudit) Record(_ context.Context, e staff.Entry) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.es = append(k.es, e)
	return nil
}

// actionsOver wires the actions over store as cmd does; runner (nil:
// none) runs the jobs, and the notices and audit entries are kept.
func actionsOver(store *redisstore.Store, cat *catalog.Catalog, c *orders.Community, runner *jobs.Runner) (*actions.Service, *keptNotices, *keptAudit) {
	if c == nil {
		c = &orders.Community{}
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	kn, ka := &keptNotices{}, &keptAudit{}
	s := &actions.Service{Community: c, Catalog: cat, Location: loc,
		Orders: store, Households: store, People: store, Stock: store, Supply: store, Marks: store, Outbox: kn, Privacy: store, Purger: store,
		Lists:       &orders.Lists{Store: store, Catalog: cat, Community: c, Location: loc},
		Distributor: &orders.Distributor{Store: store, Catalog: cat, Community: c, Location: loc},
		Jobs:        runner, Audit: ka, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if runner != nil {
		s.Now = runner.Now
	}
	return s, kn, ka
}
