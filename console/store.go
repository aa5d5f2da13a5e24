package console

import (
	"context"
	"time"

	"github.com/baogong/baogong/orders"
)

// Store is what the console reads and changes; orders/redisstore.Store
// implements it (see orders.Store and the redisstore methods for each
// contract).
type Store interface {
	DayClosed(ctx context.Context, day string) (bool, error)

	// Orders.
	Order(ctx context.Context, id string) (orders.Order, error)
	Orders(ctx context.Context, f orders.Filter) ([]orders.Order, error)
	OpenOrders(ctx context.Context, grid string) ([]orders.Order, error)
	HouseholdOrders(ctx context.Context, household string, limit int) ([]orders.Order, error)
	CancelOrder(ctx context.Context, id, by, note string, at time.Time) (orders.Order, error)
	Transition(ctx context.Context, id string, to orders.Status, by, note string, at time.Time) (orders.Order, error)

	// Stock.
	StockLeft(ctx context.Context) (map[string]int, error)
	StockTotals(ctx context.Context) (map[string]int, error)
	AddStock(ctx context.Context, sku string, n int) (int, error)
	StopSelling(ctx context.Context, sku string) (int, error)

	// Households.
	HouseholdsUsers(ctx context.Context, households []string) (map[string][]string, error)
	MarksOf(ctx context.Context, households []string) (map[string][]orders.Mark, error)
	SetMarks(ctx context.Context, household string, marks []orders.Mark) ([]orders.Mark, error)
	Binding(ctx context.Context, openid string) (orders.Binding, error)
	Unbind(ctx context.Context, openid string) (orders.Binding, error)
	BindRequests(ctx context.Context, now time.Time) ([]orders.BindRequest, error)
	BindRequest(ctx context.Context, code string) (orders.BindRequest, error)
	ApproveBinding(ctx context.Context, code string, at time.Time) (orders.BindRequest, error)
	RefuseBinding(ctx context.Context, code string) (orders.BindRequest, error)

	// People.
	Leads(ctx context.Context) ([]orders.Lead, error)
	AddLead(ctx context.Context, l orders.Lead) error
	RemoveLead(ctx context.Context, openid string) error
	Volunteers(ctx context.Context, grid string) ([]string, error)
	AddVolunteer(ctx context.Context, grid, openid string) error
	RemoveVolunteer(ctx context.Context, grid, openid string) error
	Applications(ctx context.Context) ([]orders.Application, error)
	Application(ctx context.Context, code string) (orders.Application, error)
	DeleteApplication(ctx context.Context, code string) error
	People(ctx context.Context) (map[string]orders.Person, error)
	SetPerson(ctx context.Context, p orders.Person) error

	// Jobs and distributions.
	JobRuns(ctx context.Context, job string, n int) ([]orders.JobRun, error)
	LastJobRuns(ctx context.Context) (map[string]orders.JobRun, error)
	DistributionEntries(ctx context.Context, id string) (map[string]string, error)
}

// Notices is the outbox as the console sees it (outbox.Outbox).
type Notices interface {
	Pending(ctx context.Context) (int, error)
	Dead(ctx context.Context) ([]orders.Notice, error)
	Requeue(ctx context.Context, ids ...string) (int, error)
	Drop(ctx context.Context, ids ...string) (int, error)
}

// Residents tells people what staff did for them, in the bot's words
// (bot.Bot implements it). Each reports whether anyone could be told.
type Residents interface {
	// NotifyDelivered tells the household's WeChat users their order
	// arrived.
	NotifyDelivered(ctx context.Context, o orders.Order) (bool, error)
	// NotifyCancelled tells them the community cancelled it, and why.
	NotifyCancelled(ctx context.Context, o orders.Order, reason string) (bool, error)
	// WelcomeVolunteer tells an approved applicant they are in.
	WelcomeVolunteer(ctx context.Context, a orders.Application) error
	// BindingAnswered tells whoever asked to bind a household that the
	// office approved or refused it.
	BindingAnswered(ctx context.Context, req orders.BindRequest, approved bool)
}
