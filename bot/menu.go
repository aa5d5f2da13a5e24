package bot

import "github.com/silenceper/wechat/v2/officialaccount/menu"

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
