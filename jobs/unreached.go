package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baogong/baogong/orders"
)

// The office's digest of who cannot be reached (issue 19). WeChat lets the
// account push only to those who wrote to it lately; notices to anyone
// else wait for their next message (package outbox holds them), and some
// are refused for good (an unfollowed account). Staff are told who, with
// the name, phone and role the office knows, so someone can phone them:
// on the console (Unreachable), and by this job, hourly, whenever the list
// changed since they were last told.

// UnreachedLister lists who has held or refused notices (the outbox).
type UnreachedLister interface {
	Unreachable(ctx context.Context) ([]orders.Unreached, error)
}

// Unreachable is someone nothing could reach, as staff read them.
type Unreachable struct {
	orders.Unreached
	// Name and Phone are the office's (the people page), or for a
	// resident their address and the phone of their household's orders.
	Name, Phone string
	// Role says who they are: 楼栋长（3栋）, 志愿者（G1网格）, 社区工作人员,
	// 供货联系人（人民大药房）, 居民 or 未绑定.
	Role string
}

// Unreachable lists who cannot be reached now (see UnreachedLister),
// held the longest first, with what the office knows of them.
func (r *Runner) Unreachable(ctx context.Context) ([]Unreachable, error) {
	if r.Reach == nil {
		return nil, nil
	}
	list, err := r.Reach.Unreachable(ctx)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	people, err := r.Store.People(ctx)
	if err != nil {
		return nil, err
	}
	added, err := r.Store.Leads(ctx)
	if err != nil {
		return nil, err
	}
	leads := r.Community.AllLeads(added)
	out := make([]Unreachable, 0, len(list))
	for _, u := range list {
		p := people[u.OpenID]
		x := Unreachable{Unreached: u, Name: p.Name, Phone: p.Phone}
		if x.Role, err = r.roleOf(ctx, u.OpenID, leads); err != nil {
			return nil, err
		}
		if x.Name == "" && strings.HasPrefix(x.Role, textRoleResident) {
			x.Name = strings.TrimPrefix(x.Role, textRoleResident)
			x.Role = textRoleResident
		}
		out = append(out, x)
	}
	return out, nil
}

// roleOf says who openid is here, in staff's words.
func (r *Runner) roleOf(ctx context.Context, openid string, leads []orders.Lead) (string, error) {
	var roles []string
	for _, l := range leads {
		if l.OpenID == openid {
			roles = append(roles, textRoleLead(l.Buildings))
		}
	}
	for _, g := range r.Community.Grids {
		vols, err := r.volunteers(ctx, g)
		if err != nil {
			return "", err
		}
		if slices.Contains(vols, openid) {
			roles = append(roles, textRoleVolunteer(g.ID))
		}
	}
	if slices.Contains(r.Community.Admins, openid) {
		roles = append(roles, textRoleStaff)
	}
	for _, s := range r.Catalog.Suppliers {
		if s.ContactOpenID == openid {
			roles = append(roles, textRoleSupplier(s.Name))
		}
	}
	if len(roles) > 0 {
		return strings.Join(roles, "、"), nil
	}
	b, err := r.Store.Binding(ctx, openid)
	switch {
	case errors.Is(err, orders.ErrNotFound):
		return textRoleStranger, nil
	case err != nil:
		return "", err
	}
	return textRoleResident + b.Address.String(), nil
}

// unreached tells the community's admins who cannot be reached, when the
// list changed since they were last told (its fingerprint is the mark).
func (r *Runner) unreached(ctx context.Context, slot time.Time) (Result, error) {
	res := Result{Job: Unreached, Slot: slot, Day: orders.Day(slot, r.Location)}
	list, err := r.Unreachable(ctx)
	if err != nil || len(list) == 0 || len(r.Community.Admins) == 0 {
		return res, err
	}
	var admins []string
	for _, a := range r.Community.Admins {
		// An admin is not told of themselves alone: their own notices
		// are on the reply to their next message anyway.
		if len(list) > 1 || list[0].OpenID != a {
			admins = append(admins, a)
		}
	}
	h := sha256.New()
	for _, u := range list {
		fmt.Fprintf(h, "%s:%d:%d;", u.OpenID, u.Held, u.Refused)
		res.Unreached = append(res.Unreached, u.OpenID)
	}
	fp := hex.EncodeToString(h.Sum(nil))[:16]
	first, err := r.Store.MarkOnce(ctx, "unreached:"+fp)
	if err != nil || !first || len(admins) == 0 {
		return res, err
	}
	text, brief := textUnreached(list, r.Location), unreachedBrief(list)
	ns := make([]Notice, len(admins))
	for i, a := range admins {
		ns[i] = Notice{ID: "unreached:" + fp + ":" + a, OpenID: a, Kind: "digest", Text: text, Brief: brief}
	}
	if err := r.Notify.Enqueue(ctx, ns...); err != nil {
		return res, err
	}
	res.Published = true
	return res, nil
}
