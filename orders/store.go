package orders

import (
	"context"
	"time"
)

// Store keeps orders, bindings and stock. Implementations make every method
// atomic: a failed call leaves nothing half-written.
type Store interface {
	// PlaceOrder assigns o an ID and, in one atomic step, takes its
	// quantities from stock and from the household's daily limits, saves
	// it and queues it in its grid. When requestID was seen before it
	// changes nothing and returns the order placed then and false. When
	// any line cannot be served it writes nothing and returns a
	// *ShortageError wrapping ErrSoldOut or ErrLimit for the first such
	// line.
	PlaceOrder(ctx context.Context, o Order, requestID string) (Order, bool, error)

	// CancelOrder moves a pending (or awaiting_rx) order to cancelled and
	// gives its stock and limits back, keeping note as the reason. It returns ErrNotFound for an unknown id and
	// ErrConflict (with the order as it is) when the order is no longer
	// pending.
	CancelOrder(ctx context.Context, id, by, note string, at time.Time) (Order, error)

	// Transition moves an order to status to (delivered, received, …)
	// when the status machine allows it (see CanMove), recording who and
	// why. It returns ErrNotFound, or ErrConflict with the order as it is.
	// Cancelling gives stock and limits back; use CancelOrder for that.
	Transition(ctx context.Context, id string, to Status, by, note string, at time.Time) (Order, error)

	// Assign puts a pending order on volunteer's roster for slot
	// (status assigned). ErrConflict when it is no longer pending.
	Assign(ctx context.Context, id, volunteer string, slot, at time.Time) (Order, error)

	// Round returns the grid and slot of the latest roster a volunteer
	// was assigned on, or ErrNotFound.
	Round(ctx context.Context, volunteer string) (grid string, slot time.Time, err error)

	// UpdateLines replaces the lines of a pending order, moving stock and
	// the household's limits by the difference only, atomically. It
	// returns a *ShortageError (and changes nothing) when an increase
	// cannot be served, ErrConflict when the order is not pending.
	UpdateLines(ctx context.Context, id string, lines []Line, totalFen int64, by string, at time.Time) (Order, error)

	// OpenOrders returns the orders waiting in a grid's queue: urgent
	// ones first, then the rest, each oldest first.
	OpenOrders(ctx context.Context, grid string) ([]Order, error)

	// HouseholdUsers returns the openids bound to a household.
	HouseholdUsers(ctx context.Context, household string) ([]string, error)

	// Leads returns the leads added at run time (config leads are not
	// stored).
	Leads(ctx context.Context) ([]Lead, error)

	// AddLead adds or replaces a lead.
	AddLead(ctx context.Context, l Lead) error

	// RemoveLead removes a lead added at run time; ErrNotFound if none.
	RemoveLead(ctx context.Context, openid string) error

	// ListFor returns the id of the current round of the list named key:
	// the id it had, when key was used within idle, else fresh. Each call
	// keeps the round alive for another idle.
	ListFor(ctx context.Context, key, fresh string, idle time.Duration) (string, error)

	// ListEntries returns the households of a lead's 接龙 list as last
	// pasted, by household key.
	ListEntries(ctx context.Context, listID string) (map[string]ListEntry, error)

	// SaveRoster stores a slot's roster of a grid unless one is stored
	// already; it returns the stored roster and whether it was this one.
	// The first roster of a slot is the one published, however often the
	// job runs.
	SaveRoster(ctx context.Context, r Roster) (Roster, bool, error)

	// Roster returns a grid's roster of a slot, or ErrNotFound.
	Roster(ctx context.Context, grid string, slot time.Time) (Roster, error)

	// CloseDay records the order cutoff of day: orders placed later go to
	// the next day. It reports whether this call closed it.
	CloseDay(ctx context.Context, day string, at time.Time) (bool, error)

	// DayClosed reports whether day's cutoff has passed.
	DayClosed(ctx context.Context, day string) (bool, error)

	// MarkOnce records key and reports whether it was new: the
	// exactly-once guard of scheduled work.
	MarkOnce(ctx context.Context, key string) (bool, error)

	// Marked reports whether key was recorded.
	Marked(ctx context.Context, key string) (bool, error)

	// Volunteers returns the volunteers added to a grid at run time
	// (config volunteers are not stored).
	Volunteers(ctx context.Context, grid string) ([]string, error)

	// AddVolunteer and RemoveVolunteer change a grid's run-time team.
	AddVolunteer(ctx context.Context, grid, openid string) error
	RemoveVolunteer(ctx context.Context, grid, openid string) error

	// Apply records a volunteer sign-up under its code, or returns
	// ErrConflict when the code is taken (draw another); Application
	// returns it (or ErrNotFound); DeleteApplication forgets it.
	Apply(ctx context.Context, a Application) error
	Application(ctx context.Context, code string) (Application, error)
	DeleteApplication(ctx context.Context, code string) error

	// Order returns one order, or ErrNotFound.
	Order(ctx context.Context, id string) (Order, error)

	// -- prescriptions (issue 5) --

	// AttachRx keeps a photo of a prescription or medicine box (WeChat's
	// mediaID and picURL) on an order awaiting one and moves it to
	// pending, in one compare-and-set; by (who sent it) goes in the
	// history. It returns ErrNotFound for an unknown id and ErrConflict,
	// with the order as it is, when the order is not awaiting_rx.
	AttachRx(ctx context.Context, id, mediaID, picURL, by string, at time.Time) (Order, error)

	// ApproveRx records that by approved the prescription of an
	// awaiting_rx or pending order (Rx.By, Rx.Note, Rx.At; a photo is
	// kept) and moves an awaiting_rx order to pending, in one
	// compare-and-set. It returns ErrNotFound, or ErrConflict with the
	// order as it is when the order is in any other status.
	ApproveRx(ctx context.Context, id, by, note string, at time.Time) (Order, error)

	// RejectRx cancels an awaiting_rx or pending order, giving its stock
	// and limits back, and records by and reason on Rx and in the
	// history, in one compare-and-set. It returns ErrNotFound, or
	// ErrConflict with the order as it is when the order is in any other
	// status (an order out for delivery is not taken back).
	RejectRx(ctx context.Context, id, by, reason string, at time.Time) (Order, error)

	// -- vulnerable households and urgent requests (issue 5) --

	// HouseholdMarks returns a household's marks in MarkKinds order;
	// an unmarked household has none (no error).
	HouseholdMarks(ctx context.Context, household string) ([]Mark, error)

	// AllMarks returns the marks of every marked household, by household
	// key.
	AllMarks(ctx context.Context) (map[string][]Mark, error)

	// AddMarks adds marks to a household's and returns them all after.
	// Marks it has already are no change.
	AddMarks(ctx context.Context, household string, marks []Mark) ([]Mark, error)

	// RemoveMarks takes marks off a household, every mark when marks is
	// empty, and returns those left. Marks it does not have are no change.
	RemoveMarks(ctx context.Context, household string, marks []Mark) ([]Mark, error)

	// SetMarks replaces a household's marks (none unmarks it) and returns
	// them.
	SetMarks(ctx context.Context, household string, marks []Mark) ([]Mark, error)

	// ClaimOrder gives order id to openid, who claimed it (领取) at at:
	// the first claim wins. It assigns the order as Assign does (status
	// assigned, Assignee openid, Slot at) but leaves openid's round (see
	// Round) alone: a claim is not a roster. It returns the order as it
	// is after the call and who holds the claim: openid when this call
	// or an earlier one of openid's won it; someone else (the order
	// unchanged) when they claimed first. ErrNotFound for an unknown
	// order; ErrConflict, with the order and no holder, when nobody had
	// claimed it and it is not pending (on a roster, delivered,
	// cancelled …).
	ClaimOrder(ctx context.Context, id, openid string, at time.Time) (o Order, holder string, err error)

	// Claimant returns who claimed order id, or "" when nobody did.
	Claimant(ctx context.Context, id string) (string, error)

	// -- free-pack distributions (issue 5) --

	// BoundHouseholds returns every household someone has bound to.
	BoundHouseholds(ctx context.Context) ([]string, error)

	// DistributionEntries returns the households a distribution has
	// given an order to, with the order ids.
	DistributionEntries(ctx context.Context, id string) (map[string]string, error)

	// SetDistributionEntry records that a distribution gave household
	// an order. It reports false, changing nothing, when the household
	// had one already.
	SetDistributionEntry(ctx context.Context, id, household, orderID string) (bool, error)

	// HouseholdOrders returns up to limit orders of a household, newest
	// first.
	HouseholdOrders(ctx context.Context, household string, limit int) ([]Order, error)

	// Orders returns orders that match f, newest first.
	Orders(ctx context.Context, f Filter) ([]Order, error)

	// Bind ties openid to a household nobody lives in and nobody ordered
	// for, replacing any earlier binding, and reports Bound; AlreadyBound
	// when openid is a member; NeedsApproval, changing nothing, for a
	// household with members or orders (see RequestBinding).
	Bind(ctx context.Context, b Binding) (BindOutcome, error)

	// Binding returns the household openid is bound to, or ErrNotFound.
	Binding(ctx context.Context, openid string) (Binding, error)

	// SetStock records the total allocated quantity of each limited SKU.
	// What is left moves by the change in the total, so restarting with
	// the same catalog changes nothing and raising a total by 100 adds 100.
	// A total lowered below what was sold leaves nothing to sell (cancels
	// pay the deficit back first) and returns an *OversoldError naming
	// those SKUs (the totals are set).
	SetStock(ctx context.Context, totals map[string]int) error

	// StockLeft returns what is left of each limited SKU.
	StockLeft(ctx context.Context) (map[string]int, error)

	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
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
}
