package urgent

import (
	"fmt"
	"strings"
	"time"

	"github.com/baogong/baogong/orders"
)

// Every sentence the protocol sends. The team reads theirs on the stairs:
// the door first, then the goods, then how to claim.

// PushText is an urgent order pushed to its grid's volunteers and leads:
// at once by the bot when it is placed, or by the urgent job when it
// became pending later (a prescription approved) or its push was lost.
// One text for both, since either may be the one sent.
func PushText(o orders.Order, marks []orders.Mark) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【急】%s%s%s%s\n", voiceTag(o), o.Address, orders.MarkNote(marks, " "), orders.Goods(o.Lines))
	if o.Contact != "" {
		fmt.Fprintf(&b, "这户没有微信，电话%s，号码问楼栋长\n", orders.MaskPhone(o.Contact))
	}
	if o.Channel == orders.ChannelVoice {
		b.WriteString("住户发语音下的单，东西可能听错，上门时请核对\n")
	}
	fmt.Fprintf(&b, "谁能马上送？领取请回复：领取 %s", o.ID)
	return b.String()
}

// voiceTag marks an order placed by a voice message (orders.ChannelVoice):
// what speech recognition heard may be wrong.
func voiceTag(o orders.Order) string {
	if o.Channel == orders.ChannelVoice {
		return "【语音】"
	}
	return ""
}

// escalationText tells the community's admins that nobody claimed an
// urgent order in time (noTeam: the grid has nobody to ask). Staff see
// the whole phone number.
func escalationText(o orders.Order, marks []orders.Mark, waited time.Duration, noTeam bool) string {
	var b strings.Builder
	if noTeam {
		fmt.Fprintf(&b, "【急·没人可派】%s网格现在没有志愿者和楼栋长。\n", o.Grid)
	} else {
		fmt.Fprintf(&b, "【急·没人领取】订单%s已等%d分钟，%s网格还没有人领取。\n", o.ID, int(waited.Minutes()), o.Grid)
	}
	fmt.Fprintf(&b, "%s%s%s\n", o.Address, orders.MarkNote(marks, " "), orders.Goods(o.Lines))
	if o.Contact != "" {
		fmt.Fprintf(&b, "电话%s\n", o.Contact)
	}
	fmt.Fprintf(&b, "请安排人手；自己去送请回复：领取 %s", o.ID)
	return b.String()
}

// brief is an urgent push in a template message's few words, for whoever
// cannot be sent the text (see package outbox): the link opens the text.
func brief(o orders.Order, escalation bool) *orders.Brief {
	what := "急需：" + voiceTag(o) + orders.Goods(o.Lines)
	status := "待领取"
	if escalation {
		what, status = "急需订单没人领取："+orders.Goods(o.Lines), "请安排"
	}
	return &orders.Brief{What: what, Where: o.Address.String(), Status: status, Ref: o.ID}
}

// unreachedText tells the community's admins of an urgent order nobody of
// its grid can be reached for now (WeChat lets the account push only to
// those who wrote lately).
func unreachedText(o orders.Order, marks []orders.Mark) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【急·联系不上】%s网格的志愿者和楼栋长现在都收不到微信消息（他们最近没给公众号发过消息）。\n", o.Grid)
	fmt.Fprintf(&b, "%s%s%s\n", o.Address, orders.MarkNote(marks, " "), orders.Goods(o.Lines))
	if o.Contact != "" {
		fmt.Fprintf(&b, "电话%s\n", o.Contact)
	}
	fmt.Fprintf(&b, "请打电话安排人手；自己去送请回复：领取 %s", o.ID)
	return b.String()
}
