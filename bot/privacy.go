package bot

import (
	"context"
	"errors"

	"github.com/baogong/baogong/actions"
)

// Personal data: 删除我的信息 says what erasing does and waits ten
// minutes for 确认删除 (actions.AskErase, actions.Erase).
var (
	eraseWords        = []string{"删除我的个人信息", "删除我的信息", "删除我的数据", "删除我的资料", "删除个人信息", "删除信息", "注销账号", "注销账户", "注销"}
	confirmEraseWords = []string{"确认删除", "确定删除"}
)

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
