package actions

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
)

// MaxStockChange bounds one stock change: a typo of three zeros too many
// should not fill the shelves.
const MaxStockChange = 100000

// Errors of AddStock and SoldOut.
var (
	// ErrUnlimited: the item has no stock in the catalog (unlimited), so
	// there is nothing to add to or take off.
	ErrUnlimited = errors.New("the item has no stock in the catalog")
	// ErrAmount: a change of 0, or beyond MaxStockChange.
	ErrAmount = fmt.Errorf("a stock change is a whole number from -%d to %d, not 0", MaxStockChange, MaxStockChange)
)

// StockResult is what AddStock did.
type StockResult struct {
	Item catalog.Item
	// Left is what is left after the change.
	Left int
	// Told are those waiting for the item (到货通知) who were told it is
	// back, first come first; Waiting are those still waiting.
	Told    []string
	Waiting int
}

// item returns the catalog's item sku, or orders.ErrNotFound.
func (s *Service) item(sku string) (catalog.Item, error) {
	it, ok := s.Catalog.Item(sku)
	if !ok {
		return catalog.Item{}, fmt.Errorf("no item %q in the catalog: %w", sku, orders.ErrNotFound)
	}
	return *it, nil
}

// AddStock adds n units (n < 0 takes some off) to what is left of a
// limited item, for good (a restart with the same catalog keeps it), and
// tells those waiting for it, one per unit left. Staff only. A change of
// 0 or beyond MaxStockChange is ErrAmount; taking off more than is left is
// orders.ErrInvalid with Left set; an item without stock is ErrUnlimited.
func (s *Service) AddStock(ctx context.Context, a Actor, sku string, n int) (res StockResult, err error) {
	defer func() { s.done(ctx, a, "add_stock", err) }()
	if !a.Staff {
		return res, ErrForbidden
	}
	if res.Item, err = s.item(sku); err != nil {
		return res, err
	}
	if n == 0 || n > MaxStockChange || n < -MaxStockChange {
		return res, ErrAmount
	}
	if !res.Item.Limited() {
		return res, ErrUnlimited
	}
	res.Left, err = s.Stock.AddStock(ctx, sku, n)
	if errors.Is(err, orders.ErrNotFound) {
		// No stock recorded: the catalog gave it one since the start.
		return res, fmt.Errorf("%s: %w", err, ErrUnlimited)
	}
	if err != nil {
		return res, err
	}
	it := res.Item
	s.record(ctx, a, auditAddStock, it.Name, strconv.Itoa(n)+it.Unit+"，还剩"+strconv.Itoa(res.Left)+it.Unit)
	if s.Jobs != nil {
		runs, err := s.Jobs.TellWaiting(ctx, sku)
		if err != nil {
			// The stock is added; the restock job tells them within a
			// minute.
			s.Log.ErrorContext(ctx, "add stock: tell the waiting", "sku", sku, "err", err)
		}
		for _, run := range runs {
			res.Told, res.Waiting = append(res.Told, run.Told...), run.Waiting
		}
	}
	return res, nil
}

// SoldOut takes what is left of a limited item off sale and returns what
// was left: staff only; an item without stock is ErrUnlimited. Cancelled
// orders still give their units back (a deficit, stock lowered below what
// was sold, is paid back first).
func (s *Service) SoldOut(ctx context.Context, a Actor, sku string) (was int, err error) {
	defer func() { s.done(ctx, a, "sold_out", err) }()
	if !a.Staff {
		return 0, ErrForbidden
	}
	it, err := s.item(sku)
	if err != nil {
		return 0, err
	}
	if !it.Limited() {
		return 0, ErrUnlimited
	}
	was, err = s.Stock.StopSelling(ctx, sku)
	if errors.Is(err, orders.ErrNotFound) {
		return 0, fmt.Errorf("%s: %w", err, ErrUnlimited)
	}
	if err != nil {
		return 0, err
	}
	s.record(ctx, a, auditSoldOut, it.Name, "原来还剩"+strconv.Itoa(was)+it.Unit)
	return was, nil
}
