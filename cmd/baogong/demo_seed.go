package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// The demo starts with a day of building 8 (issue 22): the money and the
// shortfall a newcomer would otherwise need a whole day to see. Every step
// is what a person does, through the real callback (the page's own
// /demo/send) or the console's action: nothing is written into Redis by
// hand. Building 8 is nobody's in the tour, and every seeded order ends
// delivered, so the tour's rosters and pick lists are as before.
//
//	8-1-101 急 蔬菜包1份 → 志愿者老赵 领取, 完成 已收50 (cash at the door)
//	8-1-202 蔬菜包2份 → delivered, never paid (送达未收)
//	8-1-102 蔬菜包2份, 8-1-201 蔬菜包1份 鸡蛋1盒 → the lead's 群收款 list
//	the supermarket is 2 蔬菜包 short → the latest orders lose them
//	(8-1-201 its one, 8-1-102 one of two), both told, 50元 each 待退
//	楼栋长 送达 8栋 → all delivered

// demoSeedPeople are the seed's residents, by door.
var demoSeedPeople = map[string]string{
	"8-1-101": "demo-seed-8101", "8-1-102": "demo-seed-8102", "8-1-201": "demo-seed-8201", "8-1-202": "demo-seed-8202",
}

// demoShortQty is how many 蔬菜包 the supermarket could not pack.
const demoShortQty = 2

var demoOrderRe = regexp.MustCompile(`\d{4,}`)

// seedMoney plays the seed's day. A step that is not answered as
// expected stops it with the answer: the demo starts all the same.
func (d *demoMain) seedMoney(ctx context.Context) error {
	base := "http://" + d.Addr()
	say := func(openid, text, want string) (string, error) {
		body, _ := json.Marshal(map[string]string{"openid": openid, "text": text})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/demo/send", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var out struct{ Reply, Error string }
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return "", err
		}
		if out.Error != "" || !strings.Contains(out.Reply, want) {
			return out.Reply, fmt.Errorf("%s %q: %q %s", openid, text, out.Reply, out.Error)
		}
		return out.Reply, nil
	}
	for _, door := range []string{"8-1-101", "8-1-202", "8-1-102", "8-1-201"} {
		if _, err := say(demoSeedPeople[door], "绑定 "+door, "已绑定"); err != nil {
			return err
		}
	}
	// The volunteer and the lead of building 8 wrote today: the urgent
	// page reaches them, not staff. The supermarket did not: the
	// shortfall's 【备货单更新】 waits for its next message, as its pick
	// list will in the tour.
	for _, who := range []string{"demo-volunteer-3", "demo-lead-6"} {
		if _, err := say(who, "帮助", ""); err != nil {
			return err
		}
	}
	// Cash at the door: an urgent order the volunteer claims and brings.
	got, err := say(demoSeedPeople["8-1-101"], "急 蔬菜包1份", "")
	if err != nil {
		return err
	}
	urgent := demoOrderRe.FindString(got)
	if _, err := say("demo-volunteer-3", "领取 "+urgent, urgent); err != nil {
		return err
	}
	if _, err := say("demo-volunteer-3", "完成 "+urgent+" 已收50", "50"); err != nil {
		return err
	}
	// The rest of the day, oldest first: the shortfall takes from the
	// latest.
	for _, o := range [][2]string{{"8-1-202", "蔬菜包2份"}, {"8-1-102", "蔬菜包2份"}, {"8-1-201", "蔬菜包1份 鸡蛋1盒"}} {
		if _, err := say(demoSeedPeople[o[0]], o[1], "下单成功"); err != nil {
			return err
		}
	}
	// The lead pastes the group's 群收款 list.
	if _, err := say("demo-lead-6", "群收款\n1. 孙 8-1-102 ￥100\n2. 周 8-1-201 ￥80", "已记下收款"); err != nil {
		return err
	}
	// The supermarket packs 2 蔬菜包 fewer: the office enters it in the
	// console's 对账 (the action the console's form calls).
	svc := d.Actions.Services[0]
	loc, _ := d.Config.Location()
	day := orders.Day(d.Clock.Now(), loc)
	if _, err := svc.Shortfall(ctx, actions.Actor{OpenID: demoStaff, Who: demoStaff, Staff: true, Door: actions.Console}, "VEG-A", demoShortQty, day); err != nil {
		return fmt.Errorf("shortfall: %w", err)
	}
	if _, err := say("demo-lead-6", "送达 8栋", "送达"); err != nil {
		return err
	}
	return nil
}
