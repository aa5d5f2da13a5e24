package orders

import "time"

// Waiter is someone on an item's waiting list (到货通知): told, first come
// first, when the item is back.
type Waiter struct {
	OpenID string    `json:"openid"`
	At     time.Time `json:"at"`
}
