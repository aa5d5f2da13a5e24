package jobs

import (
	"context"
	"fmt"
	"github.com/baogong/baogong/catalog"
	"time"

	"github.com/baogong/baogong/orders"
)

// picklist sends each supplier the pick list of the slot's order day: the
// day the cutoff just closed.
func (r *Runner) picklist(ctx context.Context, slot time.Time) (Result, error) {
	return r.picklistOf(ctx, slot, orders.Day(slot, r.Location))
}

// picklistOf sends each supplier the pick list of order day day. A
// supplier hears once per day however often the job runs (the notice id
// is the supplier and day). The list counts what was still to pack when
// it was first sent (orders.ToPack): an order delivered before is not on
// it, one delivered since stays.
func (r *Runner) picklistOf(ctx context.Context, slot time.Time, day string) (Result, error) {
	res := Result{Job: Picklist, Slot: slot, Day: day}
	first, sent, err := r.Store.MarkOnceAt(ctx, PicklistMark(day), r.Now())
	if err != nil {
		return res, err
	}
	res.Published = first
	all, err := r.Store.Orders(ctx, orders.Filter{Day: day, Limit: 1 << 20})
	if err != nil {
		return res, err
	}
	if !sent.IsZero() {
		all = orders.ToPack(all, sent)
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
				Text: textPicklist(r.supplierName(sup), pl, link), Brief: picklistBrief(r.supplierName(sup), pl), URL: link,
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

// PicklistMark is the key under which a day's pick list is recorded as
// sent, with the time (see Store.MarkOnceAt).
func PicklistMark(day string) string { return "picklist:" + day }

// supplierName is how a pick list addresses its supplier: with the
// community first when the account serves several.
func (r *Runner) supplierName(sup *catalog.Supplier) string {
	if r.Named {
		return r.Community.Name + " " + sup.Name
	}
	return sup.Name
}
