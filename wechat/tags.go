package wechat

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/menu"
	"github.com/silenceper/wechat/v2/officialaccount/user"
)

// Menus by role (issue 19): WeChat shows a conditional menu to the users
// of a tag, and matches on tags only. RoleTags keeps one tag per role
// (楼栋长, 志愿者, 社区工作人员) in step with who holds the role: each
// change as it happens (SetRoles), everyone at start and when the menu is
// made (Sync). WeChat allows 100 tags an account and 50 openids a call.

// maxTagBatch is how many openids one tagging call takes.
const maxTagBatch = 50

// RoleTags tags people by role through the account. Build it with
// NewRoleTags; it is safe for concurrent use.
type RoleTags struct {
	// Names are the tags' names by role.
	Names map[string]string
	// Timeout bounds one person's retagging (SetRoles).
	Timeout time.Duration

	sender *WeChatSender
	user   *user.User
	menu   *menu.Menu
	log    *slog.Logger

	mu  sync.Mutex
	ids map[string]int32 // tag name → id, once known
	wg  sync.WaitGroup
	// making is held while the tags are listed and made, so two callers
	// (the start's sync, a role change) do not make one tag twice.
	making sync.Mutex
}

// NewRoleTags returns the role tags of s's account, named by names
// (role → tag name).
func NewRoleTags(s *WeChatSender, names map[string]string) *RoleTags {
	return &RoleTags{Names: names, Timeout: 10 * time.Second, sender: s, user: s.Account.GetUser(), menu: s.Account.GetMenu(),
		log: s.Log, ids: map[string]int32{}}
}

// tagIDs returns the id of every role's tag, creating the tags missing.
func (t *RoleTags) tagIDs(ctx context.Context) (map[string]int32, error) {
	t.making.Lock()
	defer t.making.Unlock()
	t.mu.Lock()
	if len(t.ids) == len(t.Names) {
		defer t.mu.Unlock()
		return t.byRole(), nil
	}
	t.mu.Unlock()
	var tags []*user.TagInfo
	if err := t.sender.Call(ctx, func() error {
		var err error
		tags, err = t.user.GetTag()
		return err
	}); err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	have := map[string]int32{}
	for _, tg := range tags {
		have[tg.Name] = tg.ID
	}
	for _, name := range t.Names {
		if _, ok := have[name]; ok {
			continue
		}
		var tg *user.TagInfo
		if err := t.sender.Call(ctx, func() error {
			var err error
			tg, err = t.user.CreateTag(name)
			return err
		}); err != nil {
			return nil, fmt.Errorf("create tag %s: %w", name, err)
		}
		have[name] = tg.ID
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, name := range t.Names {
		t.ids[name] = have[name]
	}
	return t.byRole(), nil
}

func (t *RoleTags) byRole() map[string]int32 {
	out := map[string]int32{}
	for role, name := range t.Names {
		out[role] = t.ids[name]
	}
	return out
}

// SetRoles gives openid the tags of roles and takes the others away, in
// the background (a role change must not wait for WeChat); a failure is
// logged, and the next Sync mends it.
func (t *RoleTags) SetRoles(ctx context.Context, openid string, roles []string) {
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.Timeout)
		defer cancel()
		if err := t.setRoles(ctx, openid, roles); err != nil {
			t.log.Error("wechat: retag after a role change", "openid", openid, "err", err)
		}
	}()
}

// Wait waits for the retagging under way.
func (t *RoleTags) Wait() { t.wg.Wait() }

func (t *RoleTags) setRoles(ctx context.Context, openid string, roles []string) error {
	ids, err := t.tagIDs(ctx)
	if err != nil {
		return err
	}
	for role, id := range ids {
		on := slices.Contains(roles, role)
		if err := t.tag([]string{openid}, id, on, ctx); err != nil {
			return err
		}
	}
	return nil
}

func (t *RoleTags) tag(openids []string, id int32, on bool, ctx context.Context) error {
	for start := 0; start < len(openids); start += maxTagBatch {
		batch := openids[start:min(start+maxTagBatch, len(openids))]
		err := t.sender.Call(ctx, func() error {
			if on {
				return t.user.BatchTag(batch, id)
			}
			return t.user.BatchUntag(batch, id)
		})
		if err != nil {
			return fmt.Errorf("tag %d: %w", id, err)
		}
	}
	return nil
}

// Sync makes every role's tag hold exactly members[role]: those missing
// are tagged, those no longer in the role untagged.
func (t *RoleTags) Sync(ctx context.Context, members map[string][]string) error {
	ids, err := t.tagIDs(ctx)
	if err != nil {
		return err
	}
	for role, id := range ids {
		var have []string
		next := ""
		for {
			var list *user.TagOpenIDList
			if err := t.sender.Call(ctx, func() error {
				var err error
				list, err = t.user.OpenIDListByTag(id, next)
				return err
			}); err != nil {
				return fmt.Errorf("members of tag %d: %w", id, err)
			}
			have = append(have, list.Data.OpenIDs...)
			if list.NextOpenID == "" || len(list.Data.OpenIDs) == 0 {
				break
			}
			next = list.NextOpenID
		}
		want := members[role]
		var add, drop []string
		for _, u := range want {
			if !slices.Contains(have, u) && !slices.Contains(add, u) {
				add = append(add, u)
			}
		}
		for _, u := range have {
			if !slices.Contains(want, u) {
				drop = append(drop, u)
			}
		}
		if err := t.tag(add, id, true, ctx); err != nil {
			return err
		}
		if err := t.tag(drop, id, false, ctx); err != nil {
			return err
		}
	}
	return nil
}

// SetMenus makes base the menu of everyone and byRole[role] the menu of
// those with role's tag (menu/addconditional, matched by tag_id; the
// library's MatchRule lacks the field, so the call is made as JSON).
func (t *RoleTags) SetMenus(ctx context.Context, base []*menu.Button, byRole map[string][]*menu.Button) error {
	ids, err := t.tagIDs(ctx)
	if err != nil {
		return err
	}
	if err := t.sender.Call(ctx, func() error { return t.menu.SetMenu(base) }); err != nil {
		return fmt.Errorf("menu: %w", err)
	}
	roles := make([]string, 0, len(byRole))
	for r := range byRole {
		roles = append(roles, r)
	}
	slices.Sort(roles)
	for _, role := range roles {
		id, ok := ids[role]
		if !ok {
			continue
		}
		body, err := json.Marshal(map[string]any{"button": byRole[role], "matchrule": map[string]string{"tag_id": fmt.Sprint(id)}})
		if err != nil {
			return err
		}
		if err := t.sender.Call(ctx, func() error { return t.menu.AddConditionalByJSON(string(body)) }); err != nil {
			return fmt.Errorf("menu of %s: %w", role, err)
		}
	}
	return nil
}
