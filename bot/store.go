package bot

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// Store is what the bot needs of the system of record: the message
// protocol (claim, answer, settle) and the orders, households and teams
// its intents read and change. orders/redisstore.Store implements it; see
// there, and orders.Store, for each method's contract.
type Store interface {
	// Resolve claims a message for owner and reads its sender in one
	// step; SaveReply saves the answer of a message that wrote nothing
	// under an Ack; Settle ends a claim whose write had an unknown
	// outcome; WaitReply waits for another delivery's answer.
	Resolve(ctx context.Context, key, owner, openid string, at time.Time, day string, grids []string) (orders.Arrival, error)
	SaveReply(ctx context.Context, key, owner, reply string) error
	Settle(ctx context.Context, key, owner string) (orders.Settled, string, error)
	WaitReply(ctx context.Context, key string, every time.Duration) (orders.ClaimState, string, error)

	// Orders.
	PlaceOrder(ctx context.Context, o orders.Order, requestID string) (orders.Order, bool, error)
	Order(ctx context.Context, id string) (orders.Order, error)
	Orders(ctx context.Context, f orders.Filter) ([]orders.Order, error)
	OpenOrders(ctx context.Context, grid string) ([]orders.Order, error)
	HouseholdOrders(ctx context.Context, household string, limit int) ([]orders.Order, error)
	CancelOrder(ctx context.Context, id, by, note string, at time.Time) (orders.Order, error)
	Transition(ctx context.Context, id string, to orders.Status, by, note string, at time.Time) (orders.Order, error)
	StockLeft(ctx context.Context) (map[string]int, error)
	DayClosed(ctx context.Context, day string) (bool, error)
	ListFor(ctx context.Context, key, fresh string, idle time.Duration) (string, error)

	// Prescriptions and urgent orders.
	AttachRx(ctx context.Context, id, mediaID, picURL, by string, at time.Time) (orders.Order, error)
	ApproveRx(ctx context.Context, id, by, note string, at time.Time) (orders.Order, error)
	RejectRx(ctx context.Context, id, by, reason string, at time.Time) (orders.Order, error)
	ClaimOrder(ctx context.Context, id, openid string, at time.Time) (orders.Order, string, error)
	Claimant(ctx context.Context, id string) (string, error)

	// Households.
	Bind(ctx context.Context, b orders.Binding) (orders.BindOutcome, error)
	RequestBinding(ctx context.Context, r orders.BindRequest) (orders.BindRequest, error)
	BindRequest(ctx context.Context, code string) (orders.BindRequest, error)
	ApproveBinding(ctx context.Context, code string, at time.Time) (orders.BindRequest, error)
	RefuseBinding(ctx context.Context, code string) (orders.BindRequest, error)
	Unbind(ctx context.Context, openid string) (orders.Binding, error)
	Binding(ctx context.Context, openid string) (orders.Binding, error)
	// Person and SetPerson are the office's name and phone of someone.
	Person(ctx context.Context, openid string) (orders.Person, error)
	SetPerson(ctx context.Context, p orders.Person) error
	HouseholdUsers(ctx context.Context, household string) ([]string, error)
	HouseholdMarks(ctx context.Context, household string) ([]orders.Mark, error)
	AllMarks(ctx context.Context) (map[string][]orders.Mark, error)
	AddMarks(ctx context.Context, household string, marks []orders.Mark) ([]orders.Mark, error)
	RemoveMarks(ctx context.Context, household string, marks []orders.Mark) ([]orders.Mark, error)

	// Teams, rosters and job marks.
	Leads(ctx context.Context) ([]orders.Lead, error)
	Volunteers(ctx context.Context, grid string) ([]string, error)
	AddVolunteer(ctx context.Context, grid, openid string) error
	Apply(ctx context.Context, a orders.Application) error
	Application(ctx context.Context, code string) (orders.Application, error)
	DeleteApplication(ctx context.Context, code string) error
	Round(ctx context.Context, volunteer string) (grid string, slot time.Time, err error)
	Roster(ctx context.Context, grid string, slot time.Time) (orders.Roster, error)
	MarkOnce(ctx context.Context, key string) (bool, error)
	MarkFor(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Marked(ctx context.Context, key string) (bool, error)

	// Orders heard in voice messages, waiting for their sender's 是:
	// TakePending removes what it returns in the same step, and returns
	// orders.ErrNotFound when nothing waits.
	SavePending(ctx context.Context, openid string, p orders.Pending, ttl time.Duration) error
	TakePending(ctx context.Context, openid string) (orders.Pending, error)
}
