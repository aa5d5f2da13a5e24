package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/baogong/baogong/orders"
)

// Prescription medicine (处方药): an order with an rx item waits in
// awaiting_rx until the resident sends a photo of the prescription or the
// box, or the pharmacy, the building's lead or staff approve it; a
// rejection cancels it.

// Photo is a photo a person sent (of a prescription, a medicine box),
// downloaded when it arrived: WeChat's copy expires in three days.
type Photo struct {
	// MediaID is WeChat's id of it.
	MediaID     string
	Data        []byte
	ContentType string
}

// RxPhotoTTL is how long a prescription photo is kept: long past the
// delivery, for the pharmacy's and the office's checks. A purge of an
// order's data removes its photo (media key "rx:<order id>") with it.
const RxPhotoTTL = 30 * 24 * time.Hour

// RxPhotoKey is the media key of order id's prescription photo.
func RxPhotoKey(id string) string { return "rx:" + id }

// AttachRx keeps a photo from the bound actor on their household's orders
// awaiting a prescription, which then go to the pharmacy, and returns
// those orders (none: nothing was waiting for one). The photo is kept by
// baogong (Media) per order, and shown to the pharmacy and staff only
// through signed, expiring links; without Media it is not kept and the
// order waits for a review.
func (s *Service) AttachRx(ctx context.Context, a Actor, p Photo) (done []orders.Order, err error) {
	defer func() { s.done(ctx, a, "attach_rx", err) }()
	if a.Home == nil {
		return nil, nil
	}
	list, err := s.Orders.HouseholdOrders(ctx, a.household(), 50)
	if err != nil {
		return nil, err
	}
	for _, o := range list { // newest first
		if o.Status != orders.StatusAwaitingRx {
			continue
		}
		// Kept before the order points at it: an order never names a
		// photo that is not there.
		key := ""
		if s.Media != nil && len(p.Data) > 0 {
			key = RxPhotoKey(o.ID)
			if err := s.Media.SaveMedia(ctx, key, p.ContentType, p.Data, RxPhotoTTL); err != nil {
				return done, err
			}
		}
		got, err := s.Orders.AttachRx(ctx, o.ID, p.MediaID, key, a.OpenID, s.now())
		if errors.Is(err, orders.ErrConflict) {
			continue // approved or cancelled meanwhile
		}
		if err != nil {
			return done, err
		}
		done = append(done, got)
		s.tellPharmacies(ctx, got)
		s.released(ctx, got)
	}
	return done, nil
}

// tellPharmacies asks the contacts of the pharmacies supplying o's
// prescription medicine to check its photo. A failure is logged: the
// photo is on the order and on the pick list all the same.
func (s *Service) tellPharmacies(ctx context.Context, o orders.Order) {
	var ns []orders.Notice
	for _, id := range orders.RxSuppliers(s.Catalog, o) {
		sup, ok := s.Catalog.Supplier(id)
		if !ok || sup.ContactOpenID == "" {
			continue
		}
		var rx []orders.Line
		for _, l := range orders.RxLines(s.Catalog, o.Lines) {
			if it, _ := s.Catalog.Item(l.SKU); it.Supplier == id {
				rx = append(rx, l)
			}
		}
		link := ""
		if s.Links != nil && o.Rx != nil && o.Rx.Photo != "" {
			link = s.Links.RxPhoto(o.Rx.Photo, id, sup.ContactOpenID)
		}
		ns = append(ns, orders.Notice{ID: "rx:" + o.ID + ":photo:" + sup.ContactOpenID, OpenID: sup.ContactOpenID, Kind: "rx-check",
			Text: textRxPhotoNotice(o, rx, link), URL: link})
	}
	s.tell(ctx, ns...)
}

// released hands an urgent order that just stopped waiting for its
// prescription to the grid at once (its notice ids make a second push
// harmless); the escalation job still finds it should this fail.
func (s *Service) released(ctx context.Context, o orders.Order) {
	if o.Urgent {
		s.pushUrgent(ctx, o, nil, false)
	}
}

// tellHouseholdRx tells o's household of a prescription step, under id
// "rx:<order>:<step>:<openid>"; it reports false when nobody could be
// told.
func (s *Service) tellHouseholdRx(ctx context.Context, o orders.Order, step, text string) (bool, error) {
	return s.toHousehold(ctx, o, "", "rx:"+o.ID+":"+step, orders.Notice{Kind: "rx", Text: text})
}

// MayReview reports whether a reviews prescriptions at all: a pharmacy's
// contact, a lead or staff. Anyone else is refused before an order is
// looked up, so order numbers cannot be probed.
func (a Actor) MayReview() bool { return a.Staff || a.Supplier != "" || len(a.Leads) > 0 }

// reviewer returns how a may review o's prescription, as the words that go
// on the pick list: 社区, 楼栋长 or the pharmacy's name; "" when they may
// not.
func (s *Service) reviewer(a Actor, o orders.Order) string {
	if a.Staff {
		return textReviewerStaff
	}
	if a.leads(o.Address.Building) {
		return textReviewerLead
	}
	for _, id := range orders.RxSuppliers(s.Catalog, o) {
		if sup, ok := s.Catalog.Supplier(id); ok && sup.ContactOpenID != "" && sup.ContactOpenID == a.OpenID {
			return sup.Name
		}
	}
	return ""
}

// Errors of ReviewRx.
var (
	// ErrNotRx: the order holds no prescription medicine.
	ErrNotRx = errors.New("no prescription medicine in the order")
	// ErrNeedReason: a rejection says why.
	ErrNeedReason = errors.New("a rejection needs a reason")
)

// ReviewResult is what ReviewRx did.
type ReviewResult struct {
	Order orders.Order
	// Already: approved before; nothing changed.
	Already bool
	// Told: the household was told.
	Told bool
}

// ReviewRx approves (the order goes to packing) or rejects (it is
// cancelled, stock back) the prescription of order id, with a note (a
// rejection's reason is required: ErrNeedReason). The pharmacy supplying
// it, the building's lead and staff may review (ErrForbidden for anyone
// else); an order that is past review is orders.ErrConflict, with the
// order as it is; one without prescription medicine ErrNotRx.
func (s *Service) ReviewRx(ctx context.Context, a Actor, id string, approve bool, note string) (res ReviewResult, err error) {
	defer func() { s.done(ctx, a, "review_rx", err) }()
	if !a.MayReview() {
		return res, ErrForbidden
	}
	o, err := s.Orders.Order(ctx, id)
	if err != nil {
		return res, err
	}
	res.Order = o
	role := s.reviewer(a, o)
	if role == "" {
		return res, ErrForbidden
	}
	if len(orders.RxLines(s.Catalog, o.Lines)) == 0 {
		return res, ErrNotRx
	}
	if o.Status != orders.StatusAwaitingRx && o.Status != orders.StatusPending {
		return res, fmt.Errorf("order %s is %s: %w", id, o.Status, orders.ErrConflict)
	}
	if !approve {
		if note == "" {
			return res, ErrNeedReason
		}
		r, err := s.Orders.RejectRx(ctx, id, a.who(), note, s.now())
		res.Order = r
		if err != nil {
			return res, err
		}
		if res.Told, err = s.tellHouseholdRx(ctx, r, "rejected", textRxRejectedNotice(r, note)); err != nil {
			return res, err
		}
		s.record(ctx, a, auditRxReject, r.ID, note)
		s.payMoved(ctx, a, r)
		return res, nil
	}
	if o.Status == orders.StatusPending && o.Rx.Reviewed() {
		res.Already = true
		return res, nil
	}
	if note != "" {
		role += "：" + note
	}
	got, err := s.Orders.ApproveRx(ctx, id, a.who(), role, s.now())
	res.Order = got
	if err != nil {
		return res, err
	}
	if o.Status == orders.StatusAwaitingRx {
		s.released(ctx, got)
	}
	if res.Told, err = s.tellHouseholdRx(ctx, got, "approved", textRxApprovedNotice(got)); err != nil {
		return res, err
	}
	s.record(ctx, a, auditRxApprove, got.ID, role)
	return res, nil
}

// ErrOtherDevice: a prescription photo's link was opened before on another
// phone or browser, which alone may open it (a forwarded link).
var ErrOtherDevice = errors.New("the link was opened on another device")

// ErrTooManyViews: a pharmacy's contact opened prescription photos more
// than RxViewsPerHour times in the last hour. Each view is audited, and
// the audit log keeps its newest entries only: without a bound, reloading
// a photo could push every other entry out.
var ErrTooManyViews = errors.New("too many prescription photo views")

// RxViewsPerHour bounds how many prescription photos one pharmacy contact
// may open in an hour (per replica of the service): far more than a
// pharmacy checks, far fewer than the audit log keeps.
const RxViewsPerHour = 120

// viewCounts counts a pharmacy contact's photo views in the current hour
// (see ErrTooManyViews); kept in the process.
type viewCounts struct {
	mu   sync.Mutex
	hour int64
	n    map[string]int
}

// full reports whether who's views of the hour of now are used up.
func (c *viewCounts) full(who string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.turn(now)
	return c.n[who] >= RxViewsPerHour
}

// add counts one view of who at now. Only views count: a forwarded link
// refused on another phone must not use up the pharmacy's hour.
func (c *viewCounts) add(who string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.turn(now)
	c.n[who]++
}

func (c *viewCounts) turn(now time.Time) {
	if h := now.Unix() / 3600; h != c.hour || c.n == nil {
		c.hour, c.n = h, map[string]int{}
	}
}

// RxViewer returns who may look at o's prescription photo through the
// link of supplier's contact viewer: that contact as an Actor of the
// pharmacy, or false when supplier does not supply o's prescription
// medicine or viewer is not (or no longer) its contact.
func (s *Service) RxViewer(supplier, viewer string) (Actor, bool) {
	sup, ok := s.Catalog.Supplier(supplier)
	if !ok || sup.ContactOpenID == "" || orders.Pseudonym(sup.ContactOpenID) != viewer {
		return Actor{}, false
	}
	return Actor{OpenID: sup.ContactOpenID, Who: fmt.Sprintf(textPharmacyWho, sup.Name), Supplier: sup.ID, Door: Link}, true
}

// ViewRxPhoto returns the prescription photo of order id to a: staff
// (signed in to the console), or the contact of a pharmacy supplying the
// order's prescription medicine, from the browser device (a digest of its
// token) that first opened that contact's link to it (ErrOtherDevice for
// any other). Everyone else gets ErrForbidden, before the order is looked
// up, so order numbers cannot be probed. Each view is in the audit log,
// naming the pharmacy or the staff member, the order and the time;
// orders.ErrNotFound when there is no photo (never sent, or gone with the
// order's personal data).
func (s *Service) ViewRxPhoto(ctx context.Context, a Actor, id, device string) (p Photo, err error) {
	defer func() { s.done(ctx, a, "view_rx_photo", err) }()
	if !a.Staff && (a.Supplier == "" || device == "") || s.Media == nil {
		return p, ErrForbidden
	}
	o, err := s.Orders.Order(ctx, id)
	if errors.Is(err, orders.ErrNotFound) && !a.Staff {
		return p, ErrForbidden
	}
	if err != nil {
		return p, err
	}
	if !a.Staff {
		if !slices.Contains(orders.RxSuppliers(s.Catalog, o), a.Supplier) {
			return p, ErrForbidden
		}
		if viewer, ok := s.RxViewer(a.Supplier, orders.Pseudonym(a.OpenID)); !ok || viewer.OpenID != a.OpenID {
			return p, ErrForbidden
		}
	}
	if o.Rx == nil || o.Rx.Photo == "" {
		return p, fmt.Errorf("order %s has no photo: %w", id, orders.ErrNotFound)
	}
	if !a.Staff {
		if s.rxViews.full(orders.Pseudonym(a.OpenID), s.now()) {
			return p, ErrTooManyViews
		}
		mine, err := s.Media.ClaimMediaView(ctx, o.Rx.Photo, orders.Pseudonym(a.OpenID), device, RxPhotoTTL)
		if err != nil {
			return p, err
		}
		if !mine {
			return p, ErrOtherDevice
		}
	}
	data, ct, err := s.Media.Media(ctx, o.Rx.Photo)
	if err != nil {
		return p, err
	}
	if !a.Staff {
		s.rxViews.add(orders.Pseudonym(a.OpenID), s.now())
	}
	s.record(ctx, s.viewerNamed(ctx, a), auditRxView, o.ID, "")
	return Photo{Data: data, ContentType: ct}, nil
}

// viewerNamed is a with the name the audit log gives a view of health
// data: the pharmacy (RxViewer), or the staff member's name, "社区工作人员
// <name>" (or the role alone), never an openid.
func (s *Service) viewerNamed(ctx context.Context, a Actor) Actor {
	if !a.Staff {
		return a
	}
	a.Who = textStaffRole
	if a.OpenID == "" {
		return a
	}
	if p, err := s.People.Person(ctx, a.OpenID); err == nil && p.Name != "" {
		a.Who += " " + p.Name
	}
	return a
}
