package bot

import (
	"context"

	"github.com/silenceper/wechat/v2/officialaccount/menu"

	"github.com/baogong/baogong/orders"
)

// Menu is the official account's menu. Its CLICK keys are answered by the
// same intents as the typed commands, so a resident who cannot type can
// still order help, see orders and learn how to bind.
func Menu() []*menu.Button {
	click := func(name, key string) *menu.Button {
		return &menu.Button{Type: "click", Name: name, Key: key}
	}
	return []*menu.Button{
		click("我要买", KeyOrder),
		click("我的订单", KeyMyOrders),
		{Name: "更多", SubButtons: []*menu.Button{
			click("绑定地址", KeyBind),
			click("使用帮助", KeyHelp),
		}},
	}
}

// Menus by role (issue 19): leads, volunteers and staff see their own
// menu, a conditional menu WeChat shows to the users of their role's tag
// (wechat.RoleTags keeps the tags in step with the roles). Each button is
// answered by the same intent as the word typed.

// Click keys of the role menus.
const (
	KeySummary = "BG_SUMMARY"
	KeyCutoff  = "BG_CUTOFF"
	KeyTasks   = "BG_TASKS"
	KeyConsole = "BG_CONSOLE"
)

// RoleTagNames are the WeChat tags of the roles with menus of their own.
var RoleTagNames = map[string]string{
	orders.RoleLead:      "楼栋长",
	orders.RoleVolunteer: "志愿者",
	orders.RoleStaff:     "社区工作人员",
}

// RoleMenus are the menus of the roles, by role.
func RoleMenus() map[string][]*menu.Button {
	click := func(name, key string) *menu.Button {
		return &menu.Button{Type: "click", Name: name, Key: key}
	}
	more := &menu.Button{Name: "更多", SubButtons: []*menu.Button{
		click("我的订单", KeyMyOrders),
		click("我要买", KeyOrder),
		click("使用帮助", KeyHelp),
	}}
	return map[string][]*menu.Button{
		orders.RoleLead:      {click("楼栋汇总", KeySummary), click("截单时间", KeyCutoff), more},
		orders.RoleVolunteer: {click("我的任务", KeyTasks), click("我的订单", KeyMyOrders), {Name: "更多", SubButtons: []*menu.Button{click("我要买", KeyOrder), click("使用帮助", KeyHelp)}}},
		orders.RoleStaff:     {click("管理后台", KeyConsole), click("楼栋汇总", KeySummary), more},
	}
}

// roleClick answers the role menus' buttons; ok is false for other keys.
func (b *Bot) roleClick(ctx context.Context, msg *Message) (reply string, ok bool, err error) {
	switch msg.EventKey {
	case KeySummary:
		if len(msg.Leads) == 0 {
			return textOnlyLeads, true, nil
		}
		reply, err = b.summary(ctx, msg, "")
	case KeyCutoff:
		reply, err = b.cutoffInfo(ctx, msg)
	case KeyTasks:
		reply, err = b.tasks(ctx, msg)
	case KeyConsole:
		msg.readOnly = false
		reply, err = b.consoleLink(ctx, msg, "")
	default:
		return "", false, nil
	}
	return reply, true, err
}

// cutoffInfo says when orders close and what an order now counts for.
func (b *Bot) cutoffInfo(ctx context.Context, msg *Message) (string, error) {
	d, err := b.readDays(ctx, msg.at)
	if err != nil {
		return "", err
	}
	return textCutoffInfo(textWhen(d.Note(d.Open))), nil
}
