package bot

import (
	"context"
	"strings"
)

// whoamiWords ask who the sender is to the account: their openid, which
// the office needs to make them a lead or a volunteer, or a supplier's
// contact.
var whoamiWords = []string{"我是谁", "我是哪位", "我的编号", "我的微信编号", "我的id", "我的微信id", "我的openid", "我的身份",
	"查编号", "查我的编号", "编号", "openid", "id"}

// asksWhoAmI matches a message that is one of whoamiWords, whatever its
// case, spaces and punctuation (我是谁？, 我的 ID).
func asksWhoAmI(_ *Bot, _ *Message, s string) bool {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(" ?？!！。.~，,：:「」\"“”", r) {
			return -1
		}
		return r
	}, strings.ToLower(s))
	for _, w := range whoamiWords {
		if s == w {
			return true
		}
	}
	return false
}

// whoami answers 我是谁: the sender's openid, to give to the office, and
// what they are here (their roles, their household).
func (b *Bot) whoami(_ context.Context, m *Message, _ string) (string, error) {
	var roles []string
	if len(m.Leads) > 0 {
		roles = append(roles, textRoleLeadOf(m.Leads))
	}
	for _, g := range m.Teams {
		roles = append(roles, textRoleVolunteerOf(g))
	}
	if m.Supplier != "" {
		name := m.Supplier
		if sup, ok := b.Catalog.Supplier(m.Supplier); ok && sup.Name != "" {
			name = sup.Name
		}
		roles = append(roles, textRoleSupplierOf(name))
	}
	if m.Staff {
		roles = append(roles, textRoleStaff)
	}
	home := ""
	if m.From.Bound {
		home = m.From.Binding.Address.String()
	}
	return textWhoAmI(m.OpenID, b.Community.Name, roles, home), nil
}
