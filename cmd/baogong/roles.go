package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/baogong/baogong/bot"
	"github.com/baogong/baogong/wechat"
)

// accountTags keeps the role tags (and so the role menus) of the one
// official account all communities share: someone's tags are the union
// of their roles in every community.
type accountTags struct {
	m    *Main
	tags *wechat.RoleTags
	wg   sync.WaitGroup
}

func newAccountTags(m *Main) *accountTags {
	return &accountTags{m: m, tags: wechat.NewRoleTags(m.WeChat, bot.RoleTagNames)}
}

// SetRoles implements actions.RoleTagger: the roles of openid are read
// again in every community.
func (a *accountTags) SetRoles(ctx context.Context, openid string, _ []string) {
	var roles []string
	for _, p := range a.m.Communities {
		rs, err := p.Actions.RolesOf(ctx, openid)
		if err != nil {
			a.m.Log.Error("roles for tags", "err", err)
			return
		}
		roles = append(roles, rs...)
	}
	slices.Sort(roles)
	a.tags.SetRoles(ctx, openid, slices.Compact(roles))
}

// sync makes every role tag hold exactly who holds the role now, in
// every community (at start, and with the menu).
func (a *accountTags) sync(ctx context.Context) error {
	members := map[string][]string{}
	for _, p := range a.m.Communities {
		ms, err := p.Actions.RoleMembers(ctx)
		if err != nil {
			return err
		}
		for r, ids := range ms {
			members[r] = append(members[r], ids...)
		}
	}
	return a.tags.Sync(ctx, members)
}

// syncInBackground runs sync once the service answers, logging failures:
// a WeChat outage at start must not stop the service (the next start, or
// baogong menu, mends the tags).
func (a *accountTags) syncInBackground(ctx context.Context) {
	a.wg.Go(func() {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := a.sync(ctx); err != nil && ctx.Err() == nil {
			a.m.Log.Warn("role tags not synced (menus by role may lag; run baogong menu)", "err", err)
		}
	})
}

// wait waits for the tagging under way (Close, before Redis closes).
func (a *accountTags) wait() {
	a.wg.Wait()
	a.tags.Wait()
}
