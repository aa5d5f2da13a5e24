package orders

import (
	"context"
	"time"
)

// DistributionStore is what a Distributor needs of the store.
type DistributionStore interface {
	DayCloser
	// BoundHouseholds returns every household someone has bound to.
	BoundHouseholds(ctx context.Context) ([]string, error)
	// Orders returns orders that match f, newest first.
	Orders(ctx context.Context, f Filter) ([]Order, error)
	// DistributionEntries returns the households a distribution has
	// given an order to, with the order ids.
	DistributionEntries(ctx context.Context, id string) (map[string]string, error)
	// SetDistributionEntry records that a distribution gave household
	// an order. It reports false, changing nothing, when the household
	// had one already.
	SetDistributionEntry(ctx context.Context, id, household, orderID string) (bool, error)
	// PlaceOrder places an order, once per requestID (see
	// actions.OrderStore); ack is nil here.
	PlaceOrder(ctx context.Context, o Order, requestID string, ack *Ack) (Order, bool, error)
}

// ListEntry is one household's line in a lead's 接龙 as last pasted: a
// re-paste compares against it to update, add and cancel.
type ListEntry struct {
	Household string `json:"household"`
	OrderID   string `json:"order_id"`
	Line      int    `json:"line"`
}

// Application is a resident's sign-up as a volunteer (报名志愿者), waiting
// for the grid's lead or an admin to approve it by its Code.
type Application struct {
	Code    string    `json:"code"`
	OpenID  string    `json:"openid"`
	Grid    string    `json:"grid"`
	Address Address   `json:"address"`
	At      time.Time `json:"at"`
	// Name and Phone are how the volunteer is called and reached (林师傅
	// 13800001111): rosters and residents' notices name them.
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	// Again is set (not stored) when the person had this application
	// waiting already: nobody is asked twice.
	Again bool `json:"-"`
}
