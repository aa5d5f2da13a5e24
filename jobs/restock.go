package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/baogong/baogong/orders"
)

// The restock job runs every minute: whoever waits for an item (到货通知)
// hears it is back as soon as there is some left, whatever brought it
// back (stock added over the API or the console, a raised catalog stock
// after a restart, a cancelled order). Waiters are told first come first,
// at most one per unit left, and taken off the list; the others wait for
// the next units. Notices have the waiter's id and the time they asked:
// runs on several replicas tell each once.

// RestockRun is what the restock job did for one item.
type RestockRun struct {
	SKU string `json:"sku"`
	// Told are the openids told it is back, in the order they asked.
	Told []string `json:"told"`
	// Waiting is how many still wait.
	Waiting int `json:"waiting"`
}

func (r *Runner) restock(ctx context.Context, now time.Time) (Result, error) {
	res := Result{Job: Restock, Slot: now, Day: orders.Day(now, r.Location)}
	var skus []string
	for _, it := range r.Catalog.Items {
		if it.Limited() && !it.FreeOnly {
			skus = append(skus, it.SKU)
		}
	}
	runs, err := r.TellWaiting(ctx, skus...)
	res.Restocked = runs
	for _, run := range runs {
		res.Published = res.Published || len(run.Told) > 0
	}
	return res, err
}

// TellWaiting tells the waiters of skus that have some left, as the
// restock job does, and returns what it did for each SKU with waiters.
func (r *Runner) TellWaiting(ctx context.Context, skus ...string) ([]RestockRun, error) {
	waiting, err := r.Store.Waiting(ctx, skus)
	if err != nil || len(waiting) == 0 {
		return nil, err
	}
	left, err := r.Store.StockLeft(ctx)
	if err != nil {
		return nil, err
	}
	var runs []RestockRun
	for _, sku := range skus {
		n := waiting[sku]
		if n == 0 {
			continue
		}
		run := RestockRun{SKU: sku, Waiting: n, Told: []string{}}
		it, ok := r.Catalog.Item(sku)
		if ok && left[sku] > 0 {
			ws, err := r.Store.Waiters(ctx, sku, min(left[sku], n))
			if err != nil {
				return runs, err
			}
			ns := make([]Notice, len(ws))
			for i, w := range ws {
				ns[i] = Notice{ID: fmt.Sprintf("restock:%s:%s:%d", sku, w.OpenID, w.At.UnixMilli()), OpenID: w.OpenID, Kind: "restock",
					Text: textRestocked(it), Brief: restockedBrief(it)}
				run.Told = append(run.Told, w.OpenID)
			}
			if err := r.Notify.Enqueue(ctx, ns...); err != nil {
				return runs, err
			}
			if err := r.Store.Unwait(ctx, sku, ws); err != nil {
				return runs, err
			}
			run.Waiting -= len(ws)
		}
		runs = append(runs, run)
	}
	return runs, nil
}
