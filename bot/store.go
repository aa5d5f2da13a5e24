package bot

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// Store is what the bot itself reads and keeps: the message protocol
// (claim, answer, settle), what its answers show, and the orders heard in
// voice messages waiting for their 是. Every change a message asks for is
// an action (package actions). orders/redisstore.Store implements it.
type Store interface {
	// Resolve claims a message for owner and reads its sender in one
	// step; SaveReply saves the answer of a message that wrote nothing
	// under an Ack; Settle ends a claim whose write had an unknown
	// outcome; WaitReply waits for another delivery's answer.
	// Resolve also opens the sender's window for pushes as how says, and
	// reads the notices held for them (orders.Sender.Held).
	Resolve(ctx context.Context, key, owner string, ar orders.Arrive) (orders.Arrival, error)
	SaveReply(ctx context.Context, key, owner, reply string) error
	Settle(ctx context.Context, key, owner string) (orders.Settled, string, error)
	WaitReply(ctx context.Context, key string, every time.Duration) (orders.ClaimState, string, error)

	// What answers show: a household's orders (newest first), a grid's
	// and a day's, what is left of each item, whether a day is closed,
	// households' marks and the leads added at run time.
	HouseholdOrders(ctx context.Context, household string, limit int) ([]orders.Order, error)
	OpenOrders(ctx context.Context, grid string) ([]orders.Order, error)
	Orders(ctx context.Context, f orders.Filter) ([]orders.Order, error)
	StockLeft(ctx context.Context) (map[string]int, error)
	DayClosed(ctx context.Context, day string) (bool, error)
	HouseholdMarks(ctx context.Context, household string) ([]orders.Mark, error)
	AllMarks(ctx context.Context) (map[string][]orders.Mark, error)
	Leads(ctx context.Context) ([]orders.Lead, error)

	// Orders heard in voice messages, waiting for their sender's 是:
	// TakePending removes what it returns in the same step, and returns
	// orders.ErrNotFound when nothing waits.
	SavePending(ctx context.Context, openid string, p orders.Pending, ttl time.Duration) error
	TakePending(ctx context.Context, openid string) (orders.Pending, error)
}
