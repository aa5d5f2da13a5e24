package actions

import (
	"context"
	"errors"
	"fmt"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
)

// ReadyResult is what Ready did.
type ReadyResult struct {
	// Day is the order day whose pick list was packed; "" when no pick
	// list went out today or yesterday.
	Day string
	// Again: the supplier said so before for that day; nobody told twice.
	Again bool
	// Told counts the volunteers told to collect.
	Told int
}

// Ready records that the actor's supplier packed its latest pick list and
// tells every grid's volunteers to collect (备货完成). ErrForbidden when
// the actor is no supplier's contact here.
func (s *Service) Ready(ctx context.Context, a Actor) (res ReadyResult, err error) {
	defer func() { s.done(ctx, a, "ready", err) }()
	supplier := s.Catalog.SupplierOf(a.OpenID)
	if supplier == "" {
		return res, ErrForbidden
	}
	now := s.now()
	for _, d := range []string{orders.Day(now, s.Location), orders.Day(now.AddDate(0, 0, -1), s.Location)} {
		sent, err := s.Marks.Marked(ctx, jobs.PicklistMark(d))
		if err != nil {
			return res, err
		}
		if sent {
			res.Day = d
			break
		}
	}
	if res.Day == "" {
		return res, nil
	}
	first, err := s.Marks.MarkOnce(ctx, "ready:"+supplier+":"+res.Day)
	if err != nil {
		return res, err
	}
	if !first {
		res.Again = true
		return res, nil
	}
	sup, _ := s.Catalog.Supplier(supplier)
	var ns []orders.Notice
	for _, g := range s.Community.Grids {
		added, err := s.People.Volunteers(ctx, g.ID)
		if err != nil {
			return res, err
		}
		for _, v := range g.Team(added) {
			ns = append(ns, orders.Notice{ID: "ready:" + supplier + ":" + res.Day + ":" + v, OpenID: v, Kind: "ready", Text: textGoodsReady(sup.Name, res.Day)})
		}
	}
	if len(ns) > 0 {
		if err := s.Outbox.Enqueue(ctx, ns...); err != nil {
			return res, err
		}
	}
	res.Told = len(ns)
	return res, nil
}

// ErrWhichItem: 到货通知 without an item, and nothing was refused to the
// actor as sold out lately.
var ErrWhichItem = errors.New("which item?")

// WaitResult is what WaitFor did.
type WaitResult struct {
	Item catalog.Item
	// InStock: the item is not sold out (Left units left; an item
	// without stock has no Left); nobody waits then.
	InStock bool
	Left    int
	// Place is the actor's place on the waiting list (1 first); Added
	// whether this call put them there.
	Place int
	Added bool
}

// WaitFor puts the bound actor on the waiting list of item sku (到货通知),
// or of the item last refused to them as sold out when sku is "" (else
// ErrWhichItem). A free-only item is orders.ErrFreeOnly; ErrForbidden when
// the actor is not bound here.
func (s *Service) WaitFor(ctx context.Context, a Actor, sku string) (res WaitResult, err error) {
	defer func() { s.done(ctx, a, "wait", err) }()
	if a.Home == nil {
		return res, ErrForbidden
	}
	if sku == "" {
		sku, err = s.Stock.LastSoldOut(ctx, a.OpenID)
		if errors.Is(err, orders.ErrNotFound) {
			return res, ErrWhichItem
		}
		if err != nil {
			return res, err
		}
	}
	it, ok := s.Catalog.Item(sku)
	if !ok {
		return res, ErrWhichItem
	}
	res.Item = *it
	switch {
	case it.FreeOnly:
		return res, fmt.Errorf("%s: %w", sku, orders.ErrFreeOnly)
	case !it.Limited():
		res.InStock = true
		return res, nil
	}
	left, err := s.Stock.StockLeft(ctx)
	if err != nil {
		return res, err
	}
	if left[sku] > 0 {
		res.InStock, res.Left = true, left[sku]
		return res, nil
	}
	res.Place, res.Added, err = s.Stock.Wait(ctx, sku, a.OpenID, s.now())
	return res, err
}
