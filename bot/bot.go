// Package bot is baogong's WeChat side: the callback handler on
// silenceper's server, the routing of messages to small intent handlers,
// every reply text, and the Redis caches WeChat needs (replies to retried
// messages, the access token).
package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
)

// Request is one message or event from a WeChat user, as the intent
// handlers see it.
type Request struct {
	OpenID   string
	MsgType  string // text, image, event, ...
	Content  string
	Event    string // subscribe, unsubscribe, CLICK, ...
	EventKey string
	MsgID    int64
	Created  int64 // CreateTime, seconds
	PicURL   string
	MediaID  string
}

// DedupeKey identifies a delivery so WeChat's retries of it are
// recognised: the MsgId for messages, the sender, time and event for events
// (which have no MsgId).
func (r Request) DedupeKey() string {
	if r.MsgType != "event" && r.MsgID != 0 {
		return "m:" + strconv.FormatInt(r.MsgID, 10)
	}
	return "e:" + r.OpenID + ":" + strconv.FormatInt(r.Created, 10) + ":" + r.Event + ":" + r.EventKey
}

// ReplyCache remembers the reply to each message. RedisReplies is the
// implementation; see its methods for the contract.
type ReplyCache interface {
	ClaimReply(ctx context.Context, key, owner string) (ReplyState, string, error)
	SaveReply(ctx context.Context, key, reply string) error
	ReleaseReply(ctx context.Context, key, owner string) error
	WaitReply(ctx context.Context, key string, every time.Duration) (ReplyState, string, error)
}

var _ ReplyCache = (*RedisReplies)(nil)

// Bot answers residents. It holds no state of its own: everything lives in
// Store and Replies, so any number of replicas can serve the same account.
type Bot struct {
	Catalog   *catalog.Catalog
	Community *orders.Community
	Store     orders.Store
	Replies   ReplyCache
	// Lists applies leads' pasted 接龙 lists; Notices queues delivery
	// notices to residents.
	Lists    *orders.Lists
	Notices  Notices
	Location *time.Location
	Now      func() time.Time
	Log      *slog.Logger
}

// Handle answers one request with the text to reply ("" for none). It never
// returns an internal error to the user: when the store fails it says the
// system is busy and lets WeChat's retry try again.
func (b *Bot) Handle(ctx context.Context, req Request) string {
	key, owner := req.DedupeKey(), NewOwner()
	// release forgets our claim so WeChat's retry is handled afresh. It
	// uses a fresh context: ctx may be what failed. A claim command that
	// timed out may still run when Redis recovers, so release after a
	// failed claim too.
	release := func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		if err := b.Replies.ReleaseReply(rctx, key, owner); err != nil {
			b.Log.Error("release message", "err", err)
		}
	}
	for attempt := 0; ; attempt++ {
		state, prev, err := b.Replies.ClaimReply(ctx, key, owner)
		if err != nil {
			b.Log.Error("claim message", "err", err)
			release()
			return textBusy
		}
		if state == ReplyDone {
			return prev
		}
		if state == ReplyNew {
			break
		}
		// An earlier delivery is still being answered: wait for its
		// reply rather than act twice.
		state, prev, err = b.Replies.WaitReply(ctx, key, 50*time.Millisecond)
		switch {
		case err != nil:
			b.Log.Error("wait for reply", "err", err)
			return textBusy
		case state == ReplyDone:
			return prev
		case state == ReplyInFlight || attempt > 0:
			return textStillWorking
		}
		// The earlier delivery gave up its claim: take the message over.
	}
	reply, err := b.route(ctx, req)
	if err != nil {
		b.Log.Error("handle message", "type", req.MsgType, "err", err)
		release()
		return textBusy
	}
	if err := b.Replies.SaveReply(ctx, key, reply); err != nil {
		// The effect is done and PlaceOrder is idempotent by request id,
		// so a retry still cannot double the order.
		b.Log.Error("save reply", "err", err)
	}
	return reply
}

// route picks the intent. An error return means an internal failure; every
// user mistake is answered with words.
func (b *Bot) route(ctx context.Context, req Request) (string, error) {
	switch req.MsgType {
	case "event":
		return b.event(ctx, req)
	case "text":
		return b.text(ctx, req)
	case "image":
		return b.rxPhoto(ctx, req)
	}
	return textNotText, nil
}

// Menu keys: the CLICK EventKeys of the menu created by Menu.
const (
	KeyOrder    = "BG_ORDER"
	KeyMyOrders = "BG_MY_ORDERS"
	KeyBind     = "BG_BIND"
	KeyHelp     = "BG_HELP"
)

func (b *Bot) event(ctx context.Context, req Request) (string, error) {
	switch strings.ToLower(req.Event) {
	case "subscribe":
		return textWelcome(b.Community.Name), nil
	case "click":
		switch req.EventKey {
		case KeyOrder:
			return b.catalogList(ctx)
		case KeyMyOrders:
			return b.myOrders(ctx, req)
		case KeyBind:
			return textBindHowTo(), nil
		case KeyHelp:
			return textHelp(), nil
		}
	}
	return "", nil // unsubscribe, VIEW and the rest need no answer
}

// Command words, after zh.Fold. Longest first within a group does not
// matter: each is matched as a prefix of the whole message.
var (
	helpWords    = []string{"帮助", "help", "?", "怎么用", "使用说明", "菜单", "说明"}
	catalogWords = []string{"商品", "价格", "价目表", "目录", "有什么", "能买什么", "买什么", "清单"}
	bindWords    = []string{"绑定地址", "绑定", "地址", "我住"}
	listWords    = []string{"我的订单", "查看订单", "查询订单", "查订单", "订单", "查询"}
	cancelWords  = []string{"取消订单", "取消", "退订", "撤销", "不要了"}
)

// command returns the rest of s after one of words, when s starts with one.
func command(s string, words []string) (string, bool) {
	for _, w := range words {
		if rest, ok := strings.CutPrefix(s, w); ok {
			return strings.TrimLeft(rest, " ：:，,"), true
		}
	}
	return "", false
}

func (b *Bot) text(ctx context.Context, req Request) (string, error) {
	s := strings.TrimSpace(zh.Fold(req.Content))
	if rest, ok := command(s, helpWords); ok && rest == "" {
		return textHelp(), nil
	}
	if rest, ok := command(s, catalogWords); ok && rest == "" {
		return b.catalogList(ctx)
	}
	if rest, ok := command(s, bindWords); ok {
		return b.bind(ctx, req, rest)
	}
	if rest, ok := command(s, listWords); ok && rest == "" {
		return b.myOrders(ctx, req)
	}
	if rest, ok := command(s, receivedWords); ok && strings.Trim(rest, "!！。.~👌👍🙏 ") == "" {
		return b.received(ctx, req)
	}
	if rest, ok := command(s, reviewWords); ok {
		return b.review(ctx, req, rest)
	}
	if reply, handled, err := b.volunteerText(ctx, req, s); handled || err != nil {
		return reply, err
	}
	if reply, handled, err := b.leadText(ctx, req, s); handled || err != nil {
		return reply, err
	}
	if rest, ok := command(s, cancelWords); ok {
		return b.cancel(ctx, req, rest)
	}
	return b.order(ctx, req, s)
}

// known reports whether a building belongs to the community.
func (b *Bot) known(building string) bool {
	_, ok := b.Community.GridOf(building)
	return ok
}

func (b *Bot) bind(ctx context.Context, req Request, rest string) (string, error) {
	if strings.TrimSpace(rest) == "" {
		return textBindHowTo(), nil
	}
	m, ok := orders.FindAddress(rest, nil)
	if !ok {
		return textBindUnreadable(), nil
	}
	grid, err := b.Community.Locate(m.Address)
	if err != nil {
		return textBindUnknownBuilding(m.Building, b.Community.Buildings()), nil
	}
	err = b.Store.Bind(ctx, orders.Binding{OpenID: req.OpenID, Address: m.Address, Grid: grid, At: b.Now()})
	if err != nil {
		return "", err
	}
	return textBound(m.Address), nil
}

// days is where the order days stand at now (see orders.Days).
func (b *Bot) days(ctx context.Context, now time.Time) (orders.Days, error) {
	return b.Community.Calendar.Read(ctx, b.Store, now, b.Location)
}

// binding returns the user's household, or ok=false when not bound.
func (b *Bot) binding(ctx context.Context, openid string) (orders.Binding, bool, error) {
	bd, err := b.Store.Binding(ctx, openid)
	if errors.Is(err, orders.ErrNotFound) {
		return orders.Binding{}, false, nil
	}
	return bd, err == nil, err
}

func (b *Bot) order(ctx context.Context, req Request, s string) (string, error) {
	// A phone number in a resident's own order is not goods: drop it.
	_, s = orders.StripPhone(s)
	// 急, 紧急, 救命 make the order urgent; they are not goods.
	s, said := orders.CutUrgent(b.Catalog, s)
	addr, hasAddr := orders.FindAddress(s, b.known)
	if !hasAddr {
		// An address of a building we do not have still is an address.
		addr, hasAddr = orders.FindAddress(s, nil)
	}
	rest := s
	if hasAddr {
		rest = s[:addr.Start] + " " + s[addr.End:]
	}
	p := orders.ParseItems(b.Catalog, rest)
	if len(p.Items) == 0 && len(p.Unknown) == 0 && len(p.ZeroQty) == 0 && len(p.TooMany) == 0 && !said {
		if hasAddr {
			// A bare address is most likely someone binding.
			return b.bind(ctx, req, s)
		}
		return textNotUnderstood(), nil
	}
	bd, bound, err := b.binding(ctx, req.OpenID)
	if err != nil {
		return "", err
	}
	if !bound {
		return textBindFirst(), nil
	}
	if hasAddr && addr.Address != bd.Address {
		return textOtherHousehold(bd.Address), nil
	}
	if said && (len(p.Items) == 0 || len(p.Unknown) > 0) {
		// Someone wrote 急/救命 about something we cannot order: a
		// person must read it now, not a refusal.
		return b.urgentHelp(ctx, req, bd, strings.TrimSpace(req.Content))
	}
	if len(p.Unknown) > 0 {
		var sugg []string
		for _, w := range p.Unknown {
			sugg = append(sugg, b.Catalog.Suggest(w, 3)...)
		}
		return textUnknownItems(p.Unknown, dedupeStrings(sugg)), nil
	}
	if len(p.ZeroQty) > 0 {
		return textZeroQty(b.names(p.ZeroQty)), nil
	}
	if len(p.TooMany) > 0 {
		return textTooMany(b.names(p.TooMany)), nil
	}
	now := b.Now()
	o, err := orders.NewOrder(b.Catalog, bd.Address, bd.Grid, p.Items, req.OpenID, orders.ChannelWeChat, now, b.Location)
	if errors.Is(err, orders.ErrFreeOnly) {
		return textFreeOnly, nil
	}
	if err != nil {
		return "", err
	}
	days, err := b.days(ctx, now)
	if err != nil {
		return "", err
	}
	o.Day = days.Open
	if o.Urgent, err = b.orderUrgent(ctx, o, said); err != nil {
		return "", err
	}
	placed, _, err := b.Store.PlaceOrder(ctx, o, "wx:"+req.DedupeKey())
	var short *orders.ShortageError
	if errors.As(err, &short) {
		it, _ := b.Catalog.Item(short.SKU)
		if errors.Is(err, orders.ErrLimit) {
			return textOverLimit(it.Name, it.Unit, short.Limit, short.Left, days.Note(o.Day)), nil
		}
		return textSoldOut(it.Name, it.Unit, short.Left), nil
	}
	if err != nil {
		return "", err
	}
	if placed.Status == orders.StatusAwaitingRx {
		return textPlacedRx(placed, orders.RxLines(b.Catalog, placed.Lines)), nil
	}
	if placed.Urgent {
		return b.urgentPlaced(ctx, placed)
	}
	return textPlaced(placed, days.Note(placed.Day)), nil
}

func (b *Bot) names(skus []string) []string {
	out := make([]string, len(skus))
	for i, sku := range skus {
		out[i] = sku
		if it, ok := b.Catalog.Item(sku); ok {
			out[i] = it.Name
		}
	}
	return out
}

func dedupeStrings(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// maxListed bounds "我的订单" so the reply stays readable on a phone.
const maxListed = 10

// recent returns the household's undelivered orders and those of the
// days in view (see orders.Days.InView) or finished today, newest first.
func (b *Bot) recent(ctx context.Context, bd orders.Binding, days orders.Days) ([]orders.Order, error) {
	all, err := b.Store.HouseholdOrders(ctx, bd.Address.Household(), 100)
	if err != nil {
		return nil, err
	}
	var out []orders.Order
	for _, o := range all {
		if waiting(o.Status) || days.InView(o.Day) || orders.Day(o.UpdatedAt, b.Location) == days.Today {
			out = append(out, o)
		}
	}
	return out, nil
}

func (b *Bot) myOrders(ctx context.Context, req Request) (string, error) {
	bd, bound, err := b.binding(ctx, req.OpenID)
	if err != nil || !bound {
		return textBindFirst(), err
	}
	days, err := b.days(ctx, b.Now())
	if err != nil {
		return "", err
	}
	list, err := b.recent(ctx, bd, days)
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		return textNoOrders(), nil
	}
	more := max(len(list)-maxListed, 0)
	return textOrderList(list[:len(list)-more], more, days), nil
}

func (b *Bot) cancel(ctx context.Context, req Request, rest string) (string, error) {
	bd, bound, err := b.binding(ctx, req.OpenID)
	if err != nil || !bound {
		return textBindFirst(), err
	}
	id := strings.Trim(rest, " #号")
	if _, err := strconv.Atoi(id); err != nil {
		days, err := b.days(ctx, b.Now())
		if err != nil {
			return "", err
		}
		list, err := b.recent(ctx, bd, days)
		if err != nil {
			return "", err
		}
		var open []orders.Order
		for _, o := range list {
			if waiting(o.Status) {
				open = append(open, o)
			}
		}
		return textCancelWhich(open), nil
	}
	o, err := b.Store.Order(ctx, id)
	if errors.Is(err, orders.ErrNotFound) || (err == nil && o.Household() != bd.Address.Household() && o.PlacedBy != req.OpenID) {
		// Someone else's order looks the same as no order: ids are
		// short and guessable.
		return textCancelNotFound(id), nil
	}
	if err != nil {
		return "", err
	}
	if o.Status != orders.StatusPending && o.Status != orders.StatusAwaitingRx {
		// On a volunteer's roster already: too late for the resident.
		return textCancelTooLate(o), nil
	}
	done, err := b.Store.CancelOrder(ctx, id, req.OpenID, "居民取消", b.Now())
	if errors.Is(err, orders.ErrConflict) {
		return textCancelTooLate(done), nil
	}
	if err != nil {
		return "", err
	}
	return textCancelled(done), nil
}

func (b *Bot) catalogList(ctx context.Context) (string, error) {
	left, err := b.Store.StockLeft(ctx)
	if err != nil {
		return "", err
	}
	return textCatalog(b.Catalog.Items, left), nil
}
