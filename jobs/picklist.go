package jobs

import (
	"context"
	"fmt"
	"github.com/baogong/baogong/catalog"
	"time"

	"github.com/baogong/baogong/orders"
)

// picklist sends each supplier the pick list of the slot's order day: the
// day the cutoff just closed. A supplier hears once per day however often
// the job runs (the notice id is the supplier and day).
func (r *Runner) picklist(ctx context.Context, slot time.Time) (Result, error) {
	day := orders.Day(slot, r.Location)
	res := Result{Job: Picklist, Slot: slot, Day: day}
	first, err := r.Store.MarkOnce(ctx, "picklist:"+day)
	if err != nil {
		return res, err
	}
	res.Published = first
	all, err := r.Store.Orders(ctx, orders.Filter{Day: day, Limit: 1 << 20})
	if err != nil {
		return res, err
	}
	var notices []Notice
	for _, pl := range orders.BuildPickLists(r.Catalog, all, day) {
		sup, _ := r.Catalog.Supplier(pl.Supplier)
		link := r.Links.Picklist(pl.Supplier, day)
		run := SupplyRun{Supplier: pl.Supplier, Published: first, Totals: pl.Totals, Link: link}
		if sup != nil && sup.ContactOpenID != "" {
			run.Notified = sup.ContactOpenID
			notices = append(notices, Notice{
				ID: fmt.Sprintf("picklist:%s:%s", pl.Supplier, day), OpenID: sup.ContactOpenID, Kind: "picklist",
				Text: textPicklist(r.supplierName(sup), pl, link),
			})
		}
		res.Suppliers = append(res.Suppliers, run)
	}
	if len(notices) > 0 {
		if err := r.Notify.Enqueue(ctx, notices...); err != nil {
			return res, err
		}
	}
	return res, nil
}

// supplierName is how a pick list addresses its supplier: with the
// community first when the account serves several.
func (r *Runner) supplierName(sup *catalog.Supplier) string {
	if r.Named {
		return r.Community.Name + " " + sup.Name
	}
	return sup.Name
}
