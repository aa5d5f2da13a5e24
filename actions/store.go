package actions

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// The store as the actions see it, one interface per entity. One Redis
// store (orders/redisstore) implements them all; every method is atomic:
// a failed call leaves nothing half-written.

// OrderStore keeps orders: placing, changing and moving them through
// their statuses.
type OrderStore interface {
	// PlaceOrder assigns o an ID and, in one atomic step, takes its
	// quantities from stock and from the household's daily limits, saves
	// it and queues it in its grid. When requestID was seen before it
	// changes nothing and returns the order placed then and false. When
	// any line cannot be served it writes nothing and returns a
	// *ShortageError wrapping ErrSoldOut or ErrLimit for the first such
	// line. With an ack (nil: none) it writes only while the message's
	// claim holds and saves the message's answer in the same step (see
	// orders.Ack).
	PlaceOrder(ctx context.Context, o orders.Order, requestID string, ack *orders.Ack) (orders.Order, bool, error)
	// Order returns one order, or ErrNotFound.
	Order(ctx context.Context, id string) (orders.Order, error)
	// CancelOrder moves a pending (or awaiting_rx) order to cancelled and
	// gives its stock and limits back, keeping note as the reason, under
	// ack as PlaceOrder does; money paid for it is owed back (see
	// orders.Order.Rebalance). It returns ErrNotFound for an unknown id and
	// ErrConflict (with the order as it is) when the order is no longer
	// pending.
	CancelOrder(ctx context.Context, id, by, note string, at time.Time, ack *orders.Ack) (orders.Order, error)
	// UpdateLines replaces the lines of a pending order, moving stock and
	// the household's limits by the difference only: a *ShortageError
	// (changing nothing) when an increase cannot be served, ErrConflict
	// when the order is not pending. Its money is rebalanced: paid and
	// grown, it owes the difference; shrunk, the difference is owed back.
	UpdateLines(ctx context.Context, id string, lines []orders.Line, totalFen int64, by string, at time.Time) (orders.Order, error)
	// Transition moves an order to status to (delivered, received, …)
	// when the status machine allows it (see orders.CanMove), recording
	// who and why. It returns ErrNotFound, or ErrConflict with the order
	// as it is.
	Transition(ctx context.Context, id string, to orders.Status, by, note string, at time.Time) (orders.Order, error)
	// Revise changes an order as change says without the status
	// machine's steps (its payment, lines the supplier could not pack),
	// in one compare-and-set: change returns the quantities whose
	// household limits go back, or an error to change nothing.
	Revise(ctx context.Context, id string, change func(*orders.Order) ([]orders.Line, error)) (orders.Order, error)
	// HouseholdOrders returns up to limit orders of a household, newest
	// first; OpenOrders the orders waiting in a grid's queue, urgent ones
	// first, then the rest, each oldest first; Orders those matching f,
	// newest first.
	HouseholdOrders(ctx context.Context, household string, limit int) ([]orders.Order, error)
	OpenOrders(ctx context.Context, grid string) ([]orders.Order, error)
	Orders(ctx context.Context, f orders.Filter) ([]orders.Order, error)
	// ClaimOrder gives an urgent order to openid, who claimed it: the
	// first claim wins. It returns the order after the call and who holds
	// the claim; ErrConflict, with no holder, when nobody had claimed it
	// and it is not pending. Claimant returns who claimed an order, or "".
	ClaimOrder(ctx context.Context, id, openid string, at time.Time) (orders.Order, string, error)
	Claimant(ctx context.Context, id string) (string, error)
	// AttachRx keeps a photo on an order awaiting its prescription and
	// moves it to pending; ApproveRx records an approval (and moves an
	// awaiting_rx order to pending); RejectRx cancels, giving stock and
	// limits back. Each returns ErrNotFound, or ErrConflict with the order
	// as it is when its status does not allow the step.
	AttachRx(ctx context.Context, id, mediaID, photo, by string, at time.Time) (orders.Order, error)
	ApproveRx(ctx context.Context, id, by, note string, at time.Time) (orders.Order, error)
	RejectRx(ctx context.Context, id, by, reason string, at time.Time) (orders.Order, error)
	// Round returns the grid and slot of the latest roster a volunteer
	// was put on, or ErrNotFound; Roster returns a grid's roster of a
	// slot, or ErrNotFound.
	Round(ctx context.Context, volunteer string) (grid string, slot time.Time, err error)
	Roster(ctx context.Context, grid string, slot time.Time) (orders.Roster, error)
	// ListFor returns the id of the current round of a lead's list named
	// key: the id it had, when key was used within idle, else fresh.
	ListFor(ctx context.Context, key, fresh string, idle time.Duration) (string, error)
}

// HouseholdStore keeps who belongs to which household, the requests to
// join one, and households' marks.
type HouseholdStore interface {
	// Bind ties openid to a household nobody lives in and nobody ordered
	// for, replacing any earlier binding, and reports Bound; AlreadyBound
	// when openid is a member; NeedsApproval, changing nothing, for a
	// household with members, orders or marks, or that the office lists
	// (listed). BindApproved binds whoever else lives there (staff answer
	// for it).
	Bind(ctx context.Context, b orders.Binding, listed bool) (orders.BindOutcome, error)
	BindApproved(ctx context.Context, b orders.Binding) (orders.BindOutcome, error)
	// Binding returns the household openid is bound to, or ErrNotFound;
	// Unbind removes it and returns what it was (ErrNotFound: none).
	Binding(ctx context.Context, openid string) (orders.Binding, error)
	Unbind(ctx context.Context, openid string) (orders.Binding, error)
	// HouseholdUsers returns the openids bound to a household.
	HouseholdUsers(ctx context.Context, household string) ([]string, error)
	// RequestBinding records a request under a fresh code (the same
	// user's waiting request for the same household comes back with Again
	// set; a household that refused them lately is ErrRefused; too many
	// waiting is ErrTooMany); BindRequest reads one by code;
	// ApproveBinding binds its user, RefuseBinding drops it (and the
	// refusal sticks a day), WithdrawBinding drops it (nobody could
	// answer), each once (ErrNotFound after).
	RequestBinding(ctx context.Context, r orders.BindRequest) (orders.BindRequest, error)
	BindRequest(ctx context.Context, code string) (orders.BindRequest, error)
	ApproveBinding(ctx context.Context, code string, at time.Time) (orders.BindRequest, error)
	RefuseBinding(ctx context.Context, code string) (orders.BindRequest, error)
	WithdrawBinding(ctx context.Context, code string) (orders.BindRequest, error)
	// AllMarks returns the marks of every marked household.
	AllMarks(ctx context.Context) (map[string][]orders.Mark, error)
	// HouseholdMarks returns a household's marks; AddMarks, RemoveMarks
	// (all of them when marks is empty) and SetMarks change them and
	// return them after.
	HouseholdMarks(ctx context.Context, household string) ([]orders.Mark, error)
	AddMarks(ctx context.Context, household string, marks []orders.Mark) ([]orders.Mark, error)
	RemoveMarks(ctx context.Context, household string, marks []orders.Mark) ([]orders.Mark, error)
	SetMarks(ctx context.Context, household string, marks []orders.Mark) ([]orders.Mark, error)
}

// PeopleStore keeps the people who serve: leads and volunteers added at
// run time (the config's are not stored), volunteers' applications, and
// the office's names and phones of people.
type PeopleStore interface {
	Leads(ctx context.Context) ([]orders.Lead, error)
	// AddLead adds or replaces a lead; RemoveLead returns ErrNotFound
	// when there is none.
	AddLead(ctx context.Context, l orders.Lead) error
	RemoveLead(ctx context.Context, openid string) error
	Volunteers(ctx context.Context, grid string) ([]string, error)
	AddVolunteer(ctx context.Context, grid, openid string) error
	RemoveVolunteer(ctx context.Context, grid, openid string) error
	// Apply records a sign-up under its code, or returns ErrConflict when
	// the code is taken (draw another); a person with one waiting gets it
	// back with Again set. Application returns one (or ErrNotFound);
	// DeleteApplication forgets it.
	Apply(ctx context.Context, a orders.Application) (orders.Application, error)
	Application(ctx context.Context, code string) (orders.Application, error)
	DeleteApplication(ctx context.Context, code string) error
	// Person and SetPerson are the office's name and phone of someone;
	// People of everyone it noted, by openid.
	Person(ctx context.Context, openid string) (orders.Person, error)
	People(ctx context.Context) (map[string]orders.Person, error)
	SetPerson(ctx context.Context, p orders.Person) error
}

// StockStore keeps what is left of limited items and who waits for them.
type StockStore interface {
	// StockLeft returns what is left of each limited SKU.
	StockLeft(ctx context.Context) (map[string]int, error)
	// AddStock adds n units (n < 0 takes off) and returns what is left:
	// ErrNotFound for an item without stock, ErrInvalid (with what is
	// left) when fewer than -n are left. StopSelling takes what is left
	// off sale and returns what was left; a deficit stays a deficit.
	AddStock(ctx context.Context, sku string, n int) (int, error)
	StopSelling(ctx context.Context, sku string) (int, error)
	// LastSoldOut returns the SKU last refused to openid as sold out, or
	// ErrNotFound; Wait puts openid on sku's waiting list unless they are
	// on it, and returns their place and whether this call added them.
	LastSoldOut(ctx context.Context, openid string) (string, error)
	Wait(ctx context.Context, sku, openid string, at time.Time) (int, bool, error)
}

// SupplyStore keeps what suppliers report: what cannot be packed.
type SupplyStore interface {
	// Shortfall returns the shortfall of sku reported for day, or
	// ErrNotFound.
	Shortfall(ctx context.Context, day, sku string) (orders.Shortfall, error)
	// CutShortfall takes units of an item off order id as cut says (see
	// orders.ApplyCut; its error changes nothing) and, in the same atomic
	// step, moves the shortfall record of rec.Day and rec.SKU from was
	// units to was plus what cut took (rec, its Qty set so), giving the
	// household's limits back by it once. When the record no longer holds
	// was units (another report cut meanwhile) nothing changes:
	// orders.ErrShortfallMoved. ErrNotFound for an unknown order.
	CutShortfall(ctx context.Context, id string, rec orders.Shortfall, was int, cut func(*orders.Order) (orders.Line, error)) (orders.Order, orders.Line, error)
}

// MarkStore keeps the marks of things done once: a slot published, a
// page sent, a cry for help answered.
type MarkStore interface {
	// MarkOnce records key and reports whether it was new; MarkFor does
	// so for ttl; Marked reports whether key is recorded.
	MarkOnce(ctx context.Context, key string) (bool, error)
	MarkFor(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Marked(ctx context.Context, key string) (bool, error)
}

// Outbox is the queue of notices (package outbox). A notice with an ID
// queued before is not queued again.
type Outbox interface {
	Enqueue(ctx context.Context, ns ...orders.Notice) error
}

// DeadLetters are the notices the outbox gave up on, which staff retry or
// drop (package outbox).
type DeadLetters interface {
	Dead(ctx context.Context) ([]orders.Notice, error)
	Requeue(ctx context.Context, ids ...string) (int, error)
	Drop(ctx context.Context, ids ...string) (int, error)
	// Purge forgets every notice queued before t, sent or not (the
	// office's purge of personal data), and returns how many.
	Purge(ctx context.Context, t time.Time) (int, error)
}
