package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/baogong/baogong/actions"
)

// Personal data: 删除我的信息 says what erasing does and waits ten
// minutes for 确认删除 (actions.AskErase, actions.Erase).
var (
	eraseWords        = []string{"删除我的个人信息", "删除我的信息", "删除我的数据", "删除我的资料", "删除个人信息", "删除信息", "删除我", "注销账号", "注销账户", "注销"}
	confirmEraseWords = []string{"确认删除", "确定删除"}
	// askFillers are what people put before asking (请删除我的信息,
	// 我要注销); spaces inside (删除 我的信息) go too.
	askFillers = []string{"麻烦", "请帮我", "请你", "请", "帮我", "我想要", "我要", "我想"}
)

// asks returns a matcher of a message that is one of words, said as
// people say it: with fillers before, spaces inside, thanks after.
func asks(words []string) func(*Bot, *Message, string) bool {
	return func(_ *Bot, _ *Message, s string) bool {
		s = strings.Join(strings.Fields(s), "")
		for changed := true; changed; {
			changed = false
			for _, f := range askFillers {
				if rest, ok := strings.CutPrefix(s, f); ok {
					s, changed = rest, true
				}
			}
		}
		rest, ok := command(s, words)
		return ok && onlyThanks(nil, nil, rest)
	}
}

func (b *Bot) askErase(ctx context.Context, m *Message, _ string) (string, error) {
	plan, err := b.Actions.AskErase(ctx, m.actor())
	if err != nil {
		return "", err
	}
	return textAskErase(plan), nil
}

func (b *Bot) erase(ctx context.Context, m *Message, _ string) (string, error) {
	plan, err := b.Actions.Erase(ctx, m.actor())
	if errors.Is(err, actions.ErrNoErasure) {
		return textNoErasure, nil
	}
	if err != nil {
		return "", err
	}
	b.Account.forget(m.OpenID)
	return textErased(plan), nil
}
