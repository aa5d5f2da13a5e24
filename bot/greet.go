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

// isThanks matches a message that only thanks (谢谢, 辛苦了, 👍): the
// whole message, its punctuation trimmed.
func isThanks(_ *Bot, _ *Message, s string) bool {
	s = strings.Trim(s, " ~!！。.,，、…🙂😊🌹❤️")
	if s != "" && strings.Trim(s, "👍🙏👌") == "" {
		return true
	}
	return slices.Contains(thanksWords, strings.Trim(s, "👍🙏👌"))
}

// thank answers thanks as a greeting is answered (what the sender can
// do here), kindly.
func (b *Bot) thank(ctx context.Context, m *Message, s string) (string, error) {
	reply, err := b.greet(ctx, m, s)
	return textThanks(reply), err
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
