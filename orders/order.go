package orders

import (
	"fmt"
	"strings"
	"time"

	"github.com/baogong/baogong/catalog"
)

// Status is where an order is in its life.
type Status string

// Order statuses. pending → (assigned →) delivered → received, or
// pending/assigned → cancelled.
const (
	// StatusAwaitingRx: prescription medicine waiting for a photo of the
	// prescription or box, or an approval (审核); not packed or delivered
	// before it becomes pending.
	StatusAwaitingRx Status = "awaiting_rx"
	StatusPending    Status = "pending"
	// StatusAssigned: on a volunteer's roster for a delivery slot.
	StatusAssigned  Status = "assigned"
	StatusDelivered Status = "delivered"
	StatusReceived  Status = "received"
	StatusCancelled Status = "cancelled"
)

// Open reports whether an order in this status still waits for delivery.
func (s Status) Open() bool { return s == StatusPending || s == StatusAssigned }

// next lists the statuses each status may move to.
var next = map[Status][]Status{
	StatusAwaitingRx: {StatusPending, StatusCancelled},
	StatusPending:    {StatusAssigned, StatusDelivered, StatusCancelled},
	// assigned → assigned: a stop left undelivered goes on the next round.
	StatusAssigned:  {StatusAssigned, StatusDelivered, StatusCancelled},
	StatusDelivered: {StatusReceived},
}

// CanMove reports whether an order may go from status from to status to.
func CanMove(from, to Status) bool {
	for _, s := range next[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Channels an order can come in through.
const (
	ChannelWeChat  = "wechat"
	ChannelJielong = "jielong"
	ChannelAdmin   = "admin"
	// ChannelVoice: a WeChat voice message, read by speech recognition
	// (the team is told: what was heard may be wrong).
	ChannelVoice = "voice"
)

// Line is one item of an order, priced when the order was placed.
type Line struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Qty      int    `json:"qty"`
	Unit     string `json:"unit"`
	PriceFen int64  `json:"price_fen"`
}

// Event is one step of an order's history.
type Event struct {
	At     time.Time `json:"at"`
	Status Status    `json:"status"`
	By     string    `json:"by"`
	Note   string    `json:"note,omitempty"`
}

// Order is what one household asked for at one time.
type Order struct {
	// ID is short and numeric so it can be read aloud on the phone.
	ID       string
	Grid     string
	Address  Address
	Lines    []Line
	TotalFen int64
	Status   Status
	// PlacedBy is the openid of whoever placed it: the resident, or a lead
	// ordering for a household without WeChat.
	PlacedBy string
	Channel  string
	// Contact is the household's phone as a lead wrote it in a 接龙, so
	// the lead can call a household without WeChat. Only leads see it.
	Contact string
	// Source names the 接龙 list the order came from, if any.
	Source string
	// Assignee is the volunteer delivering it, and Slot the delivery
	// round, once the order is on a roster.
	Assignee string
	Slot     time.Time
	// ClaimedBy is who took the order with 领取; rosters leave it alone.
	ClaimedBy string
	// Urgent orders skip the queue and are pushed to volunteers at once.
	Urgent bool
	// Rx is the prescription of an order with rx items.
	Rx *Prescription
	// Distribution names the free-pack distribution the order is part of.
	Distribution string
	// Note is the household's remark for the volunteer (不要香菜,
	// 放门口就行), see CutNote.
	Note string
	// Pay is where the order's money stands (see Payment).
	Pay Payment
	// Cut are the lines the supplier could not pack (see ApplyCut): taken
	// off the order, shown to the household and counted for refunds.
	Cut []Line
	// Day is the delivery day (YYYY-MM-DD in the community's time zone):
	// the pick list and rosters take the order by it.
	Day string
	// LimitDay is the day whose per-household limits the order counts
	// against: its Day when placed. A prescription released after that
	// day's cutoff moves Day on, and LimitDay stays (see CountsOn).
	LimitDay  string
	CreatedAt time.Time
	UpdatedAt time.Time
	History   []Event
	// Version is the store's version of the order as it was read (its
	// compare-and-set: a batch write knows whether the order changed
	// since); "" when unknown. It is no part of the order.
	Version string
}

// CountsOn is the day o's quantities count against the household's
// limits.
func (o *Order) CountsOn() string {
	if o.LimitDay != "" {
		return o.LimitDay
	}
	return o.Day
}

// Household is the key of the household the order is for.
func (o *Order) Household() string { return o.Address.Household() }

// Goods writes lines the way people say them: 蔬菜包2份、鸡蛋1盒.
func Goods(lines []Line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprintf("%s%d%s", l.Name, l.Qty, l.Unit)
	}
	return strings.Join(parts, "、")
}

// Yuan writes fen as people say money: 50元, 12.5元, 0.05元.
func Yuan(fen int64) string {
	if fen%100 == 0 {
		return fmt.Sprintf("%d元", fen/100)
	}
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + strings.TrimRight(fmt.Sprintf("%d.%02d", fen/100, fen%100), "0") + "元"
}

// Lines prices requested items against the catalog, merging repeats of
// one SKU. It fails with ErrInvalid when there are no items, an item is
// unknown or a quantity is out of range.
func Lines(cat *catalog.Catalog, reqs []ItemRequest) ([]Line, int64, error) {
	if len(reqs) == 0 {
		return nil, 0, fmt.Errorf("order has no items: %w", ErrInvalid)
	}
	var (
		lines []Line
		total int64
		at    = map[string]int{}
	)
	for _, r := range reqs {
		it, ok := cat.Item(r.SKU)
		if !ok {
			return nil, 0, fmt.Errorf("sku %q: %w", r.SKU, ErrInvalid)
		}
		if r.Qty < 1 || r.Qty > MaxQty {
			return nil, 0, fmt.Errorf("sku %s: quantity %d: %w", r.SKU, r.Qty, ErrInvalid)
		}
		if i, ok := at[it.SKU]; ok {
			lines[i].Qty += r.Qty
		} else {
			at[it.SKU] = len(lines)
			lines = append(lines, Line{SKU: it.SKU, Name: it.Name, Qty: r.Qty, Unit: it.Unit, PriceFen: it.PriceFen})
		}
		total += it.PriceFen * int64(r.Qty)
	}
	return lines, total, nil
}

// SameLines reports whether two orders ask for the same quantities.
func SameLines(a, b []Line) bool {
	qty := map[string]int{}
	for _, l := range a {
		qty[l.SKU] += l.Qty
	}
	for _, l := range b {
		qty[l.SKU] -= l.Qty
	}
	for _, n := range qty {
		if n != 0 {
			return false
		}
	}
	return true
}

// NewOrder prices requested items against the catalog. It fails with
// ErrInvalid when there are no items, an item is unknown or a quantity is
// out of range; it does not check stock or limits (the Store does that
// atomically). An order with prescription medicine (NeedsRx) starts in
// StatusAwaitingRx, any other in StatusPending.
func NewOrder(cat *catalog.Catalog, addr Address, grid string, reqs []ItemRequest, placedBy, channel string, at time.Time, loc *time.Location) (Order, error) {
	lines, total, err := Lines(cat, reqs)
	if err != nil {
		return Order{}, err
	}
	for _, l := range lines {
		if it, _ := cat.Item(l.SKU); it.FreeOnly && channel != ChannelDistribution {
			return Order{}, fmt.Errorf("%s: %w", l.SKU, ErrFreeOnly)
		}
	}
	status := StatusPending
	if NeedsRx(cat, lines) {
		status = StatusAwaitingRx
	}
	method, _ := PayMethodOf(cat, lines)
	return Order{
		Pay:       NewPayment(total, method),
		Grid:      grid,
		Address:   addr,
		Status:    status,
		PlacedBy:  placedBy,
		Channel:   channel,
		Day:       Day(at, loc),
		CreatedAt: at,
		UpdatedAt: at,
		History:   []Event{{At: at, Status: status, By: placedBy}},
		Lines:     lines,
		TotalFen:  total,
	}, nil
}

// Day is the calendar day of t in loc, as YYYY-MM-DD.
func Day(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(time.DateOnly)
}

// Binding ties a WeChat user to their household.
type Binding struct {
	OpenID  string
	Address Address
	Grid    string
	At      time.Time
}

// Filter selects orders for listings. Zero fields match everything.
type Filter struct {
	Status Status
	Grid   string
	Day    string
	// Limit caps the number of orders returned, newest first; 0 means
	// the store's default.
	Limit int
}

// Match reports whether o passes the filter's status, grid and day.
func (f Filter) Match(o *Order) bool {
	return (f.Status == "" || o.Status == f.Status) &&
		(f.Grid == "" || o.Grid == f.Grid) &&
		(f.Day == "" || o.Day == f.Day)
}

// Prescription is what backs an order of prescription medicine: a photo
// the resident sent, and the review.
type Prescription struct {
	MediaID string `json:"media_id,omitempty"`
	// Photo is the key of the photo baogong keeps (WeChat's copy expires
	// in three days); it is shown only behind a signed, expiring link.
	Photo string `json:"photo,omitempty"`
	// PicURL is WeChat's URL of the photo, kept by older versions: it is
	// readable by anyone who has it, so it is never shown.
	PicURL string `json:"pic_url,omitempty"`
	By     string `json:"by,omitempty"` // who approved or rejected
	// SentBy is who sent the photo (the household's member, for an
	// order a lead placed): it is theirs to erase.
	SentBy string    `json:"sent_by,omitempty"`
	Note   string    `json:"note,omitempty"`
	At     time.Time `json:"at,omitzero"`
}

// HasPhoto reports whether a photo was sent for p.
func (p *Prescription) HasPhoto() bool {
	return p != nil && (p.Photo != "" || p.PicURL != "" || p.MediaID != "")
}

// CallOff reports whether a household (or its lead) may still cancel o:
// before it is on a volunteer's roster, and an urgent order someone
// claimed (领取), whose claimer is then told not to come.
func CallOff(o Order) bool {
	switch o.Status {
	case StatusPending, StatusAwaitingRx:
		return true
	case StatusAssigned:
		return o.ClaimedBy != "" && o.ClaimedBy == o.Assignee
	}
	return false
}
