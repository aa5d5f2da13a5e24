package bot

import (
	"context"
	"slices"
	"strings"
)

// isGreeting matches a message that only greets (你好, 在吗？, Hi!).
func isGreeting(_ *Bot, _ *Message, s string) bool {
	s = strings.ToLower(strings.Trim(s, " ~!！?？。.,，、…:：👋🙂😊🙏"))
	return slices.Contains(greetWords, s)
}

// greet answers a greeting with what the sender can do here, by role:
// a volunteer who never wrote before learns how to see their tasks, and
// the notices that missed them come first (missed.go).
func (b *Bot) greet(_ context.Context, m *Message, _ string) (string, error) {
	switch {
	case m.Staff:
		return textGreetStaff, nil
	case len(m.Teams) > 0:
		return textGreetVolunteer, nil
	case len(m.Leads) > 0:
		return textGreetLead, nil
	case m.Supplier != "":
		return textGreetSupplier, nil
	case !m.From.Bound:
		return textGreetStranger(b.bindHowTo()), nil
	}
	return textGreetResident, nil
}
