package bot

import (
	"context"
	"errors"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
)

// Waiting lists (到货通知): a resident told an item is sold out answers
// 到货通知 (or names the item: 到货通知 鸡蛋) and is put on its waiting
// list; when stock comes back the restock job (package jobs) tells those
// waiting, first come first, how to order it.

// waitWords start a 到货通知, after zh.Fold.
var waitWords = []string{"到货通知", "到货提醒", "有货通知", "有货提醒", "补货通知", "到货了告诉我", "到货告诉我"}

// WaitList is the store's waiting lists; orders/redisstore.Store has it.
type WaitList interface {
	// LastSoldOut returns the SKU last refused to openid as sold out,
	// or orders.ErrNotFound.
	LastSoldOut(ctx context.Context, openid string) (string, error)
	// Wait puts openid on sku's waiting list unless they are on it, and
	// returns their place (1 first) and whether this call added them.
	Wait(ctx context.Context, sku, openid string, at time.Time) (int, bool, error)
}

// waitFor handles 到货通知 [item].
func (b *Bot) waitFor(ctx context.Context, msg *Message, rest string) (string, error) {
	wl, ok := b.Store.(WaitList)
	if !ok {
		return textNotUnderstood(), nil
	}
	if !msg.From.Bound {
		return b.bindFirst(), nil
	}
	var it *catalog.Item
	if rest != "" {
		if p := orders.ParseItems(b.Catalog, rest); len(p.Items) > 0 {
			it, _ = b.Catalog.Item(p.Items[0].SKU)
		} else if it, ok = b.Catalog.Lookup(rest); !ok {
			return textUnknownItems([]string{rest}, b.Catalog.Suggest(rest, 3)), nil
		}
	} else {
		sku, err := wl.LastSoldOut(ctx, msg.OpenID)
		if errors.Is(err, orders.ErrNotFound) {
			return textWaitWhich, nil
		}
		if err != nil {
			return "", err
		}
		if it, ok = b.Catalog.Item(sku); !ok {
			return textWaitWhich, nil
		}
	}
	switch {
	case it.FreeOnly:
		return textFreeOnly, nil
	case !it.Limited():
		return textWaitInStock(it.Name, 0, it.Unit), nil
	}
	left, err := b.Store.StockLeft(ctx)
	if err != nil {
		return "", err
	}
	if left[it.SKU] > 0 {
		return textWaitInStock(it.Name, left[it.SKU], it.Unit), nil
	}
	place, added, err := wl.Wait(ctx, it.SKU, msg.OpenID, b.Now())
	if err != nil {
		return "", err
	}
	return textWaiting(it.Name, place, added), nil
}
