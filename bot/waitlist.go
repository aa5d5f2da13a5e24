package bot

import (
	"context"
	"errors"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// Waiting lists (到货通知): a resident told an item is sold out answers
// 到货通知 (or names the item: 到货通知 鸡蛋) and is put on its waiting
// list; when stock comes back the restock job (package jobs) tells those
// waiting, first come first, how to order it.

// waitWords start a 到货通知, after zh.Fold.
var waitWords = []string{"到货通知", "到货提醒", "有货通知", "有货提醒", "补货通知", "到货了告诉我", "到货告诉我"}

// waitFor handles 到货通知 [item].
func (b *Bot) waitFor(ctx context.Context, msg *Message, rest string) (string, error) {
	if !msg.From.Bound {
		return b.bindBefore(), nil
	}
	sku := ""
	if rest != "" {
		if p := orders.ParseItems(b.Catalog, rest); len(p.Items) > 0 {
			sku = p.Items[0].SKU
		} else if it, ok := b.Catalog.Lookup(rest); ok {
			sku = it.SKU
		} else {
			return textUnknownItems([]string{rest}, b.Catalog.Suggest(rest, 3)), nil
		}
	}
	res, err := b.Actions.WaitFor(ctx, msg.actor(), sku)
	switch {
	case errors.Is(err, actions.ErrWhichItem):
		return textWaitWhich, nil
	case errors.Is(err, orders.ErrFreeOnly):
		return textFreeOnly, nil
	case err != nil:
		return "", err
	case res.InStock:
		return textWaitInStock(res.Item.Name, res.Left, res.Item.Unit), nil
	}
	return textWaiting(res.Item.Name, res.Place, res.Added), nil
}
