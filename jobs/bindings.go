package jobs

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/baogong/baogong/orders"
)

// The bindings job runs every half hour. A household's first member binds
// at once (nobody lives there and nobody ordered for it), and its
// building's lead must know, to catch a stranger who took a neighbour's
// door; but a building binds a hundred households in its first days, so
// the lead gets one short digest per run instead of a message each.
//
// A cursor in the store says up to when first bindings were told. A run
// tells those after the cursor up to its slot and moves the cursor to the
// slot; replicas running the same slot send the same notices under the
// same ids (heard once), and a run after downtime catches up.

// digestWindow is how far back a first run looks.
const digestWindow = 24 * time.Hour

func (r *Runner) bindings(ctx context.Context, slot time.Time) (Result, error) {
	res := Result{Job: Bindings, Slot: slot, Day: orders.Day(slot, r.Location)}
	after, err := r.Store.DigestCursor(ctx)
	if err != nil {
		return res, err
	}
	if after.IsZero() {
		after = slot.Add(-digestWindow)
	}
	if !slot.After(after) {
		return res, nil
	}
	hhs, err := r.Store.FirstBindings(ctx, after, slot)
	if err != nil {
		return res, err
	}
	byBuilding := map[string][]orders.Address{}
	for _, hh := range hhs {
		a, err := orders.ParseHousehold(hh)
		if err != nil {
			continue
		}
		byBuilding[orders.CanonicalBuilding(a.Building)] = append(byBuilding[orders.CanonicalBuilding(a.Building)], a)
	}
	added, err := r.Store.Leads(ctx)
	if err != nil {
		return res, err
	}
	// Households the office lists or the lead marked are flagged.
	marks, err := r.Store.AllMarks(ctx)
	if err != nil {
		return res, err
	}
	known := map[string]bool{}
	for _, as := range byBuilding {
		for _, a := range as {
			known[a.Household()] = r.Community.Listed(a) || len(marks[a.Household()]) > 0
		}
	}
	var ns []orders.Notice
	for _, l := range r.Community.AllLeads(added) {
		var mine []orders.Address
		for _, b := range l.Buildings {
			mine = append(mine, byBuilding[orders.CanonicalBuilding(b)]...)
		}
		if len(mine) == 0 {
			continue
		}
		sort.SliceStable(mine, func(i, j int) bool { return orders.AddressLess(mine[i], mine[j]) })
		ns = append(ns, orders.Notice{ID: fmt.Sprintf("bindings:%d:%s", slot.Unix(), l.OpenID), OpenID: l.OpenID,
			Kind: "bindings", Text: textBindingsDigest(mine, known), Brief: bindingsBrief(mine)})
	}
	if len(ns) > 0 {
		if err := r.Notify.Enqueue(ctx, ns...); err != nil {
			return res, err
		}
	}
	if err := r.Store.SetDigestCursor(ctx, slot); err != nil {
		return res, err
	}
	res.Bound, res.Published = hhs, len(ns) > 0
	return res, nil
}
