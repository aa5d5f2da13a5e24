package actions

import (
	"context"
	"errors"

	"github.com/baogong/baogong/orders"
)

// One official account may serve several communities (a subdistrict):
// each has its own Service over its own keys. A WeChat user belongs to
// one community at a time; the Directory, kept for the whole account,
// says which, so a message finds its community. An account of one
// community is an Account of one Service: there is one path.

// Directory is the account-level index of who belongs where
// (orders/redisstore.Directory).
type Directory interface {
	// SetCommunity moves openid to community, returning the previous one.
	SetCommunity(ctx context.Context, openid, community string) (string, error)
	// JoinCommunity puts openid in community unless they belong to one
	// already, and returns the one they belong to now.
	JoinCommunity(ctx context.Context, openid, community string) (string, error)
	// ForgetCommunity removes openid's community if it is community.
	ForgetCommunity(ctx context.Context, openid, community string) error
	// Erase forgets everything it holds of openid (删除我的信息).
	Erase(ctx context.Context, openid string) error
}

// Account is the communities of one official account.
type Account struct {
	// Services are the communities in config order.
	Services  []*Service
	Directory Directory
	byID      map[string]*Service
}

// NewAccount returns the account of services (at least one) and links
// each to it.
func NewAccount(dir Directory, services ...*Service) *Account {
	a := &Account{Services: services, Directory: dir, byID: map[string]*Service{}}
	for _, s := range services {
		s.Account = a
		a.byID[s.ID()] = s
	}
	return a
}

// Service returns the community id's actions, or nil.
func (a *Account) Service(id string) *Service { return a.byID[id] }

// Several reports whether the account serves more than one community.
func (a *Account) Several() bool { return len(a.Services) > 1 }

// moved records that openid now belongs to to's community and removes
// their binding from the community they belonged to before and from from
// (where their message was read), when another.
func (a *Account) moved(ctx context.Context, openid string, to, from *Service) {
	prev, err := a.Directory.SetCommunity(ctx, openid, to.ID())
	if err != nil {
		to.Log.ErrorContext(ctx, "set community of user", "err", err)
	}
	olds := []*Service{a.byID[prev]}
	if from != olds[0] {
		olds = append(olds, from)
	}
	for _, old := range olds {
		if old == nil || old == to {
			continue
		}
		if _, err := old.Households.Unbind(ctx, openid); err != nil && !errors.Is(err, orders.ErrNotFound) {
			to.Log.ErrorContext(ctx, "unbind from the previous community", "community", old.ID(), "err", err)
		}
	}
}

// joined records that openid took a role in s's community at run time
// (lead, volunteer): they belong there unless they belong elsewhere.
func (a *Account) joined(ctx context.Context, openid string, s *Service) {
	if _, err := a.Directory.JoinCommunity(ctx, openid, s.ID()); err != nil {
		s.Log.ErrorContext(ctx, "join community", "err", err)
	}
}

// left records that openid left s's community (解绑).
func (a *Account) left(ctx context.Context, openid string, s *Service) {
	if err := a.Directory.ForgetCommunity(ctx, openid, s.ID()); err != nil {
		s.Log.ErrorContext(ctx, "forget community of user", "err", err)
	}
}

// moved, joined and left on the Service: nothing to do before the
// service is part of an account (tests of one community without one).
func (s *Service) moved(ctx context.Context, openid string, from *Service) {
	if s.Account != nil {
		s.Account.moved(ctx, openid, s, from)
	}
}

func (s *Service) joined(ctx context.Context, openid string) {
	if s.Account != nil {
		s.Account.joined(ctx, openid, s)
	}
}

func (s *Service) left(ctx context.Context, openid string) {
	if s.Account != nil {
		s.Account.left(ctx, openid, s)
	}
}
