package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/baogong/baogong/orders"
)

// assignment is a volunteer's current round: the latest roster share.
type assignment struct {
	roster orders.Roster
	share  orders.Share
	status map[string]orders.Status // order id -> status now
}

// current finds the volunteer's latest roster share, delivered stops
// included.
func (b *Bot) current(ctx context.Context, openid string) (*assignment, error) {
	grid, slot, err := b.Store.Round(ctx, openid)
	if errors.Is(err, orders.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ro, err := b.Store.Roster(ctx, grid, slot)
	if errors.Is(err, orders.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a := &assignment{roster: ro, status: map[string]orders.Status{}}
	for _, sh := range ro.Shares {
		if sh.Volunteer == openid {
			a.share = sh
		}
	}
	for _, st := range a.share.Stops {
		o, err := b.Store.Order(ctx, st.OrderID)
		if err != nil && !errors.Is(err, orders.ErrNotFound) {
			return nil, err
		}
		a.status[st.OrderID] = o.Status
	}
	return a, nil
}

func (b *Bot) tasks(ctx context.Context, msg *Message) (string, error) {
	a, err := b.current(ctx, msg.OpenID)
	if err != nil {
		return "", err
	}
	if a == nil {
		return textNoTasks, nil
	}
	return textTasks(a.roster, a.share, a.status, b.Location), nil
}

func (b *Bot) done(ctx context.Context, msg *Message, ref string) (string, error) {
	if r, handled, err := b.doneClaimed(ctx, msg, ref); handled || err != nil {
		return r, err
	}
	a, err := b.current(ctx, msg.OpenID)
	if err != nil {
		return "", err
	}
	if a == nil {
		return textNoTasks, nil
	}
	n, err := strconv.Atoi(ref)
	if err != nil {
		return textDoneHowTo, nil
	}
	var stop *orders.Stop
	for i := range a.share.Stops {
		st := &a.share.Stops[i]
		if st.Seq == n || st.OrderID == ref {
			stop = st
		}
	}
	if stop == nil {
		return textDoneNoStop(ref, len(a.share.Stops)), nil
	}
	d, err := b.Store.Transition(ctx, stop.OrderID, orders.StatusDelivered, msg.OpenID, "志愿者送达", b.Now())
	if errors.Is(err, orders.ErrConflict) {
		return textDoneAlready(*stop, d.Status), nil
	}
	if err != nil {
		return "", err
	}
	a.status[d.ID] = d.Status
	notified, err := b.notifyDelivered(ctx, d)
	if err != nil {
		return "", err
	}
	left := 0
	for _, st := range a.share.Stops {
		if a.status[st.OrderID].Open() {
			left++
		}
	}
	return textDone(*stop, notified, left), nil
}

// notifyDelivered queues the delivery notice to everyone bound to the
// household; it reports false when nobody could be told (no binding, or
// the outbox refused).
func (b *Bot) notifyDelivered(ctx context.Context, d orders.Order) (bool, error) {
	return b.toHousehold(ctx, d, "", "delivered:"+d.ID, orders.Notice{Kind: "delivered",
		Text: textDeliveredNotice(d), Data: deliveredTemplateData(d)})
}

// signUp files a bound resident's application to volunteer in their grid
// and asks the grid's leads to approve it.
func (b *Bot) signUp(ctx context.Context, msg *Message, rest string) (string, error) {
	bd, bound := msg.From.Binding, msg.From.Bound
	if !bound {
		return b.bindFirst(), nil
	}
	// 报名志愿者 林师傅 13800001111: volunteers are people the residents
	// are told of by name, and the office must be able to ring them.
	phone, name := orders.StripPhone(rest)
	name = strings.Trim(name, " ，,。、：:")
	if name == "" || phone == "" || utf8.RuneCountInString(name) > 10 {
		return textSignUpHowTo(name == "" || utf8.RuneCountInString(name) > 10, phone == ""), nil
	}
	var app orders.Application
	for tries := 0; ; tries++ {
		code, err := applicationCode()
		if err != nil {
			return "", err
		}
		app = orders.Application{Code: code, OpenID: msg.OpenID, Grid: bd.Grid, Address: bd.Address, At: b.Now(), Name: name, Phone: phone}
		err = b.Store.Apply(ctx, app)
		if err == nil {
			break
		}
		if !errors.Is(err, orders.ErrConflict) || tries == 20 {
			return "", err
		}
	}
	code := app.Code
	var ns []orders.Notice
	for _, l := range b.leadsOfGrid(ctx, bd.Grid) {
		ns = append(ns, orders.Notice{ID: "apply:" + code + ":" + l, OpenID: l, Kind: "apply", Text: textApplication(app)})
	}
	if len(ns) > 0 {
		if err := b.Notices.Enqueue(ctx, ns...); err != nil {
			b.Log.Error("queue application notice", "err", err)
		}
	}
	return textSignedUp(code, len(ns) > 0), nil
}

func applicationCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(9000))
	if err != nil {
		return "", fmt.Errorf("application code: %w", err)
	}
	return strconv.Itoa(1000 + int(n.Int64())), nil
}

// leadsOfGrid returns the openids of leads of any building in grid.
func (b *Bot) leadsOfGrid(ctx context.Context, grid string) []string {
	added, err := b.Store.Leads(ctx)
	if err != nil {
		b.Log.Error("leads", "err", err)
	}
	var out []string
	for _, l := range b.Community.LeadsOfGrid(grid, b.Community.AllLeads(added)) {
		out = append(out, l.OpenID)
	}
	sort.Strings(out)
	return out
}

func (b *Bot) approve(ctx context.Context, msg *Message, code string) (string, error) {
	app, err := b.Store.Application(ctx, code)
	if errors.Is(err, orders.ErrNotFound) {
		return textApplicationNotFound(code), nil
	}
	if err != nil {
		return "", err
	}
	allowed := false
	for _, l := range b.leadsOfGrid(ctx, app.Grid) {
		allowed = allowed || l == msg.OpenID
	}
	if !allowed {
		return textOnlyGridLead, nil
	}
	if err := b.Store.SetPerson(ctx, orders.Person{OpenID: app.OpenID, Name: app.Name, Phone: app.Phone}); err != nil {
		return "", err
	}
	if err := b.Store.AddVolunteer(ctx, app.Grid, app.OpenID); err != nil {
		return "", err
	}
	if b.Account != nil {
		b.Account.joined(ctx, app.OpenID, b)
	}
	if err := b.Store.DeleteApplication(ctx, code); err != nil {
		return "", err
	}
	if err := b.WelcomeVolunteer(ctx, app); err != nil {
		b.Log.Error("queue approval notice", "err", err)
	}
	return textApproved(app), nil
}

// supplierOf returns the supplier whose contact openid is this user.
func (b *Bot) supplierOf(openid string) string {
	for _, s := range b.Catalog.Suppliers {
		if s.ContactOpenID != "" && s.ContactOpenID == openid {
			return s.ID
		}
	}
	return ""
}

// readyAll is 备货完成: the sender's supplier is ready in the message's
// community and, on an account of several, in every other community
// whose catalog names them its contact (one pick list each).
func (b *Bot) readyAll(ctx context.Context, m *Message) (string, error) {
	if b.Account == nil {
		return b.ready(ctx, m.Supplier)
	}
	var replies []string
	for _, o := range b.Account.Bots {
		sup := o.supplierOf(m.OpenID)
		if sup == "" {
			continue
		}
		r, err := o.ready(ctx, sup)
		if err != nil {
			return "", err
		}
		replies = append(replies, o.Community.Name+"："+r)
	}
	return strings.Join(replies, "\n"), nil
}

// ready records that a supplier packed its latest pick list and tells
// every grid's volunteers to collect.
func (b *Bot) ready(ctx context.Context, supplier string) (string, error) {
	now := b.Now()
	day := ""
	for _, d := range []string{orders.Day(now, b.Location), orders.Day(now.AddDate(0, 0, -1), b.Location)} {
		sent, err := b.Store.Marked(ctx, "picklist:"+d)
		if err != nil {
			return "", err
		}
		if sent {
			day = d
			break
		}
	}
	if day == "" {
		return textNoPicklist, nil
	}
	first, err := b.Store.MarkOnce(ctx, "ready:"+supplier+":"+day)
	if err != nil {
		return "", err
	}
	sup, _ := b.Catalog.Supplier(supplier)
	if !first {
		return textReadyAlready(day), nil
	}
	var ns []orders.Notice
	for _, g := range b.Community.Grids {
		added, err := b.Store.Volunteers(ctx, g.ID)
		if err != nil {
			return "", err
		}
		for _, v := range g.Team(added) {
			ns = append(ns, orders.Notice{ID: "ready:" + supplier + ":" + day + ":" + v, OpenID: v, Kind: "ready", Text: textGoodsReady(sup.Name, day)})
		}
	}
	if len(ns) > 0 {
		if err := b.Notices.Enqueue(ctx, ns...); err != nil {
			return "", err
		}
	}
	return textReady(day, len(ns)), nil
}
